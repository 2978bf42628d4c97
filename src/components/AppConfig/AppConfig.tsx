import React, { FormEvent, useState } from 'react';
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, SelectableValue } from '@grafana/data';
import {
  Alert,
  Badge,
  Button,
  Field,
  FieldSet,
  Input,
  RadioButtonGroup,
  SecretInput,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import { forecastModels, getHealth } from '../../api/sidecarClient';
import { updatePluginSettings, type PluginSettingsUpdate } from '../../api/pluginSettings';
import type { HealthReport } from '../../api/types';
import { DEFAULT_SIDECAR_URL } from '../../constants';
import { DEFAULT_OPERATING_MODE, isOperatingMode, type AppJsonData, type OperatingMode } from '../../types/settings';
import { reloadPage } from '../../utils/browser';
import { describeError } from '../../utils/errors';
import { stateLabel, stateToBadgeColor, stateToIcon } from '../../utils/health';
import { formatUptime } from '../../utils/time';
import { normalizeSidecarUrl, validateSidecarUrl } from '../../utils/validation';
import { DependencyList } from '../DependencyList/DependencyList';
import { testIds } from '../testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppJsonData>> {}

const MODE_OPTIONS: Array<SelectableValue<OperatingMode>> = [
  { label: 'Recommend', value: 'recommend', description: 'Only suggest actions; a person applies them' },
  { label: 'Approve', value: 'approve', description: 'Apply actions after an Editor approves them' },
  { label: 'Autonomous', value: 'autonomous', description: 'Apply actions automatically within policy limits' },
];

/** `ok` with `authError` when the sidecar answered its open health route but refused an authenticated one. */
type TestResult = { kind: 'ok'; health: HealthReport; authError?: string } | { kind: 'error'; message: string };

const AppConfig = ({ plugin }: AppConfigProps) => {
  const s = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;

  const initialUrl = jsonData?.sidecarUrl ?? DEFAULT_SIDECAR_URL;
  const initialMode = isOperatingMode(jsonData?.defaultMode) ? jsonData.defaultMode : DEFAULT_OPERATING_MODE;
  const tokenWasConfigured = Boolean(secureJsonFields?.apiToken);

  const [sidecarUrl, setSidecarUrl] = useState(initialUrl);
  const [urlTouched, setUrlTouched] = useState(false);
  const [apiToken, setApiToken] = useState('');
  const [isApiTokenSet, setIsApiTokenSet] = useState(tokenWasConfigured);
  const [defaultMode, setDefaultMode] = useState<OperatingMode>(initialMode);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<TestResult>();

  const urlError = validateSidecarUrl(sidecarUrl);
  const showUrlError = Boolean(urlError) && urlTouched;
  const tokenChanged = apiToken !== '' || (tokenWasConfigured && !isApiTokenSet);
  const isDirty = normalizeSidecarUrl(sidecarUrl) !== initialUrl || defaultMode !== initialMode || tokenChanged;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setUrlTouched(true);
    if (urlError || saving) {
      return;
    }
    const payload: PluginSettingsUpdate = {
      enabled,
      pinned,
      jsonData: {
        ...jsonData,
        sidecarUrl: normalizeSidecarUrl(sidecarUrl),
        defaultMode,
      },
      // Secrets can't be read back; send the token only when the user typed a new one or reset it.
      secureJsonData: tokenChanged ? { apiToken } : undefined,
    };
    setSaving(true);
    setSaveError(undefined);
    try {
      await updatePluginSettings(plugin.meta.id, payload);
      reloadPage();
    } catch (err) {
      setSaveError(describeError(err, { context: 'config' }));
      setSaving(false);
    }
  };

  const onTestConnection = async () => {
    setTesting(true);
    setTestResult(undefined);
    try {
      const health = await getHealth();
      // `/api/v1/health` is open, so it cannot notice a wrong token: probe an authenticated route as well.
      let authError: string | undefined;
      try {
        await forecastModels();
      } catch (err) {
        authError = describeError(err, { context: 'config' });
      }
      setTestResult({ kind: 'ok', health, ...(authError ? { authError } : {}) });
    } catch (err) {
      setTestResult({ kind: 'error', message: describeError(err, { context: 'config' }) });
    } finally {
      setTesting(false);
    }
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.appConfig.container} className={s.form} noValidate>
      <FieldSet label="Sidecar connection">
        <Field
          label="Sidecar URL"
          description="Base URL of the AIDPE sidecar as reached from the Grafana server. The browser never calls it directly: requests go through Grafana's plugin proxy."
          invalid={showUrlError}
          error={showUrlError ? urlError : undefined}
          required
        >
          <Input
            width={60}
            id="config-sidecar-url"
            name="sidecarUrl"
            data-testid={testIds.appConfig.sidecarUrl}
            value={sidecarUrl}
            placeholder={DEFAULT_SIDECAR_URL}
            onChange={(e) => setSidecarUrl(e.currentTarget.value)}
            onBlur={() => setUrlTouched(true)}
          />
        </Field>

        <Field
          label="API token"
          description="Bearer token the sidecar expects. Stored encrypted by Grafana and added to proxied requests server-side; it is never sent back to the browser."
        >
          <SecretInput
            width={60}
            id="config-api-token"
            name="apiToken"
            data-testid={testIds.appConfig.apiToken}
            value={apiToken}
            isConfigured={isApiTokenSet}
            placeholder="Sidecar API token"
            onChange={(e) => setApiToken(e.currentTarget.value.trim())}
            onReset={() => {
              setApiToken('');
              setIsApiTokenSet(false);
            }}
          />
        </Field>
      </FieldSet>

      <FieldSet label="Remediation">
        <Field
          label="Default mode"
          description="How far AIDPE may go on its own when it finds a remediation. Individual policies can override it."
        >
          <div data-testid={testIds.appConfig.defaultMode}>
            <RadioButtonGroup<OperatingMode>
              id="config-default-mode"
              aria-label="Default mode"
              options={MODE_OPTIONS}
              value={defaultMode}
              onChange={setDefaultMode}
            />
          </div>
        </Field>
      </FieldSet>

      <Stack direction="column" gap={2}>
        {saveError && (
          <Alert severity="error" title="Could not save the settings" data-testid={testIds.appConfig.saveError}>
            {saveError}
          </Alert>
        )}

        <Stack gap={1}>
          <Button type="submit" data-testid={testIds.appConfig.submit} disabled={Boolean(urlError) || saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </Button>
          <Button
            type="button"
            variant="secondary"
            icon={testing ? 'spinner' : 'heart-rate'}
            data-testid={testIds.appConfig.testConnection}
            onClick={onTestConnection}
            disabled={testing}
          >
            Test connection
          </Button>
        </Stack>

        {isDirty && (
          <Text color="secondary" variant="bodySmall">
            You have unsaved changes. Test connection uses the saved settings, so save first to test new values.
          </Text>
        )}

        {testResult && (
          <div data-testid={testIds.appConfig.testResult}>
            {testResult.kind === 'ok' ? (
              <Stack direction="column" gap={1}>
                {testResult.authError && (
                  <Alert severity="error" title="The sidecar refused an authenticated request">
                    {testResult.authError}
                  </Alert>
                )}
                <TestSuccess health={testResult.health} />
              </Stack>
            ) : (
              <Alert severity="error" title="Connection failed">
                {testResult.message}
              </Alert>
            )}
          </div>
        )}
      </Stack>
    </form>
  );
};

function TestSuccess({ health }: { health: HealthReport }) {
  const severity = health.status === 'up' ? 'success' : health.status === 'degraded' ? 'warning' : 'error';
  return (
    <Alert severity={severity} title={`Connected to the sidecar: ${stateLabel(health.status).toLowerCase()}`}>
      <Stack direction="column" gap={1}>
        <Stack gap={1} alignItems="center" wrap="wrap">
          <Badge
            color={stateToBadgeColor(health.status)}
            icon={stateToIcon(health.status)}
            text={stateLabel(health.status)}
          />
          <Text color="secondary">
            version {health.version} · {health.mode} mode · up {formatUptime(health.uptimeSeconds)}
          </Text>
        </Stack>
        <DependencyList dependencies={health.dependencies} />
      </Stack>
    </Alert>
  );
}

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({
    maxWidth: theme.breakpoints.values.md,
  }),
});
