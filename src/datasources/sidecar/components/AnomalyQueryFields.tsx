import React, { useState } from 'react';
import { InlineField, Input } from '@grafana/ui';
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { PromqlStepFields } from './PromqlStepFields';
import type { SidecarQuery } from '../../../domain/query/types';
import { validateAnomalyQuery } from '../../../domain/query/validation';

type Field = 'expr' | 'step' | 'threshold';

export interface AnomalyQueryFieldsProps {
  query: SidecarQuery;
  /** Apply a change to the query (the query runs when a field is left). */
  onChange: (patch: Partial<SidecarQuery>) => void;
  onRunQuery: () => void;
  /** `id` prefix of the inputs (unique per editor on a page). */
  idPrefix: string;
  testIds: Record<Field, string>;
  /** Metric and label completion for the PromQL field. */
  completion?: PrometheusClient;
}

/**
 * PromQL expression, optional step and optional threshold override of an anomaly query; shared by the query
 * editor and the annotation editor. Problems show once a field was left (or when it has a value).
 */
export function AnomalyQueryFields({
  query,
  onChange,
  onRunQuery,
  idPrefix,
  testIds,
  completion,
}: AnomalyQueryFieldsProps) {
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const problems = validateAnomalyQuery(query);
  const shown = (field: Field) => (touched[field] || Boolean(query[field]) ? problems[field] : undefined);
  const onBlur = (field: Field) => () => {
    setTouched((t) => ({ ...t, [field]: true }));
    onRunQuery();
  };

  return (
    <PromqlStepFields
      query={query}
      onChange={onChange}
      shown={shown}
      onBlur={onBlur}
      idPrefix={idPrefix}
      testIds={testIds}
      completion={completion}
      onRunQuery={onRunQuery}
      exprTooltip={
        'Range query whose series are scored for anomalies (at most 50 series), e.g. aidpe_sim_latency_seconds{quantile="0.95"}'
      }
      exprPlaceholder='aidpe_sim_latency_seconds{quantile="0.95"}'
    >
      <InlineField
        label="Threshold"
        labelWidth={12}
        tooltip="Score (0..1) above which a point is anomalous, for every series. Empty: each series' own threshold (the default, moved by feedback)."
        invalid={Boolean(shown('threshold'))}
        error={shown('threshold')}
      >
        <Input
          id={`${idPrefix}-threshold`}
          width={12}
          data-testid={testIds.threshold}
          value={query.threshold ?? ''}
          placeholder="per series"
          onChange={(e) => onChange({ threshold: e.currentTarget.value })}
          onBlur={onBlur('threshold')}
        />
      </InlineField>
    </PromqlStepFields>
  );
}
