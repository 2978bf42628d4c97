import React, { useState, type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, Text } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import { DEFAULT_SIDECAR_URL } from '../../../constants';
import { normalizeSidecarUrl, validateSidecarUrl } from '../../../utils/validation';
import type { SidecarJsonData, SidecarSecureJsonData } from '../settings';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<SidecarJsonData, SidecarSecureJsonData>;

/**
 * Sidecar URL (jsonData, used by the proxy routes in plugin.json) and API token (secureJsonData: write-only,
 * shown as "configured" once saved, injected by Grafana's datasource proxy and never sent back to the browser).
 */
export function ConfigEditor({ options, onOptionsChange }: ConfigEditorProps) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const sidecarUrl = jsonData.sidecarUrl ?? '';
  const [touched, setTouched] = useState(false);
  const urlError = validateSidecarUrl(sidecarUrl);
  const showUrlError = touched && Boolean(urlError);

  const setUrl = (value: string) => onOptionsChange({ ...options, jsonData: { ...jsonData, sidecarUrl: value } });

  const onTokenChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, apiToken: event.currentTarget.value.trim() } });

  const onTokenReset = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiToken: false },
      secureJsonData: { ...secureJsonData, apiToken: '' },
    });

  return (
    <div data-testid={testIds.sidecarDatasource.configEditor.container}>
      <FieldSet label="AIDPE sidecar">
        <Field
          label="Sidecar URL"
          description="Base URL of the AIDPE sidecar as reached from the Grafana server. The browser never calls it: queries go through Grafana's datasource proxy."
          invalid={showUrlError}
          error={showUrlError ? urlError : undefined}
          required
        >
          <Input
            id="ds-config-sidecar-url"
            width={60}
            data-testid={testIds.sidecarDatasource.configEditor.sidecarUrl}
            value={sidecarUrl}
            placeholder={DEFAULT_SIDECAR_URL}
            onChange={(e) => setUrl(e.currentTarget.value)}
            onBlur={() => {
              setTouched(true);
              const normalized = normalizeSidecarUrl(sidecarUrl);
              if (normalized !== sidecarUrl) {
                setUrl(normalized);
              }
            }}
          />
        </Field>
        <Field
          label="API token"
          description="Bearer token the sidecar expects (AIDPE_API_TOKEN). Stored encrypted; Grafana adds it to proxied requests server-side."
        >
          <SecretInput
            id="ds-config-api-token"
            width={60}
            data-testid={testIds.sidecarDatasource.configEditor.apiToken}
            isConfigured={Boolean(secureJsonFields?.apiToken)}
            value={secureJsonData?.apiToken ?? ''}
            placeholder="Sidecar API token"
            onChange={onTokenChange}
            onReset={onTokenReset}
          />
        </Field>
        <Text color="secondary" variant="bodySmall">
          Save &amp; test checks the sidecar&apos;s health (each dependency) and that it accepts the token.
        </Text>
      </FieldSet>
    </div>
  );
}
