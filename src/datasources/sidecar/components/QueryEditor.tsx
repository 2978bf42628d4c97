import React, { useState } from 'react';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import type { SidecarDataSource } from '../datasource';
import {
  DEFAULT_HORIZON,
  isPendingQueryType,
  PENDING_ENGINES,
  queryTypeOf,
  type SidecarQuery,
  type SidecarQueryType,
} from '../../../domain/query/types';
import type { SidecarJsonData } from '../settings';
import { validateQuery } from '../../../domain/query/validation';
import { AnomalyQueryFields } from './AnomalyQueryFields';
import { ActionQueryFields } from './ActionQueryFields';
import { PromqlStepFields } from './PromqlStepFields';
import { RcaQueryFields } from './RcaQueryFields';

export type QueryEditorComponentProps = QueryEditorProps<SidecarDataSource, SidecarQuery, SidecarJsonData>;

const TYPE_OPTIONS: Array<SelectableValue<SidecarQueryType>> = [
  { label: 'Forecast', value: 'forecast', description: 'Quantile forecast of every series of a PromQL query' },
  {
    label: 'Anomalies',
    value: 'anomalies',
    description: 'Anomaly score (0..1) of every series of a PromQL query, with the anomalous regions',
  },
  { label: 'Root cause', value: 'rca', description: 'Service dependency graph from traces, for the Node Graph panel' },
  { label: 'Actions', value: 'actions', description: 'Remediation actions as a table (filter by service and status)' },
];

type Touched = Partial<Record<'expr' | 'step' | 'horizon', boolean>>;

export function QueryEditor({ query, onChange, onRunQuery, datasource }: QueryEditorComponentProps) {
  const completion = datasource?.completion;
  const type = queryTypeOf(query);
  const [touched, setTouched] = useState<Touched>({});
  const problems = validateQuery(query);
  const shown = (field: keyof Touched) => (touched[field] || Boolean(query[field]) ? problems[field] : undefined);

  const update = (patch: Partial<SidecarQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
  const onBlur = (field: keyof Touched) => () => {
    setTouched((t) => ({ ...t, [field]: true }));
    onRunQuery();
  };

  return (
    <div data-testid={testIds.sidecarDatasource.queryEditor.container}>
      <Stack direction="column" gap={1}>
        <InlineFieldRow>
          <InlineField label="Query type" labelWidth={14}>
            <div data-testid={testIds.sidecarDatasource.queryEditor.queryType}>
              <RadioButtonGroup<SidecarQueryType>
                aria-label="Query type"
                options={TYPE_OPTIONS}
                value={type}
                onChange={(value) => update({ queryType: value }, true)}
              />
            </div>
          </InlineField>
        </InlineFieldRow>

        {type === 'forecast' ? (
          <PromqlStepFields
            query={query}
            onChange={(patch) => update(patch)}
            shown={shown}
            onBlur={onBlur}
            idPrefix="aidpe-query"
            testIds={testIds.sidecarDatasource.queryEditor}
            completion={completion}
            onRunQuery={onRunQuery}
            exprTooltip={
              'Range query whose series are forecast (at most 50 series), e.g. aidpe_sim_request_rate{service="frontend"}'
            }
            exprPlaceholder='aidpe_sim_request_rate{service="frontend"}'
          >
            <InlineField
              label="Horizon"
              labelWidth={10}
              tooltip="How far ahead: a duration (15m, 6h, 2d) or a number of steps (288)."
              invalid={Boolean(shown('horizon'))}
              error={shown('horizon')}
            >
              <Input
                id="aidpe-query-horizon"
                width={12}
                data-testid={testIds.sidecarDatasource.queryEditor.horizon}
                value={query.horizon ?? ''}
                placeholder={DEFAULT_HORIZON}
                onChange={(e) => update({ horizon: e.currentTarget.value })}
                onBlur={onBlur('horizon')}
              />
            </InlineField>
            <InlineField
              label="95% band"
              labelWidth={10}
              tooltip="Also forecast p2.5–p97.5 (the 80% band, p10–p90, is always there)."
            >
              <InlineSwitch
                id="aidpe-query-band95"
                label="95% band"
                data-testid={testIds.sidecarDatasource.queryEditor.band95}
                value={Boolean(query.band95)}
                onChange={(e) => update({ band95: e.currentTarget.checked }, true)}
              />
            </InlineField>
          </PromqlStepFields>
        ) : null}

        {type === 'anomalies' ? (
          <AnomalyQueryFields
            query={query}
            onChange={(patch) => update(patch)}
            onRunQuery={onRunQuery}
            completion={completion}
            idPrefix="aidpe-query"
            testIds={testIds.sidecarDatasource.queryEditor}
          />
        ) : null}

        {type === 'rca' ? (
          <RcaQueryFields query={query} onChange={(patch) => update(patch)} onRunQuery={onRunQuery} />
        ) : null}

        {type === 'actions' ? (
          <ActionQueryFields
            query={query}
            onChange={(patch) => update(patch)}
            onRunQuery={onRunQuery}
            idPrefix="aidpe-query"
            testIds={testIds.sidecarDatasource.queryEditor}
          />
        ) : null}

        {isPendingQueryType(type) ? (
          <Alert
            severity="info"
            title={`Not available yet: the ${PENDING_ENGINES[type]} engine has not landed`}
            data-testid={testIds.sidecarDatasource.queryEditor.pending}
          >
            This query returns an empty result with a notice until the sidecar ships the {PENDING_ENGINES[type]} engine.
          </Alert>
        ) : null}
      </Stack>
    </div>
  );
}
