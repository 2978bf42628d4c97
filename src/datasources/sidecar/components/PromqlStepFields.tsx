import React from 'react';
import { InlineField, InlineFieldRow, Input } from '@grafana/ui';
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { PromqlEditor } from '../../../components/PromqlEditor/PromqlEditor';
import type { SidecarQuery } from '../../../domain/query/types';

export interface PromqlStepFieldsProps {
  query: SidecarQuery;
  onChange: (patch: Partial<SidecarQuery>) => void;
  /** The problem to show for a field, if any (after it was touched). */
  shown: (field: 'expr' | 'step') => string | undefined;
  onBlur: (field: 'expr' | 'step') => () => void;
  idPrefix: string;
  testIds: { expr: string; step: string };
  exprTooltip: string;
  exprPlaceholder: string;
  /** More fields on the step's row (horizon, threshold, …). */
  children?: React.ReactNode;
  /** Metric and label completion (the datasource's, through its proxy route). */
  completion?: PrometheusClient;
  /** Shift+Enter in the PromQL field. */
  onRunQuery?: () => void;
}

/** The PromQL expression and step inputs every query type of the datasource starts with. */
export function PromqlStepFields({
  query,
  onChange,
  shown,
  onBlur,
  idPrefix,
  testIds,
  exprTooltip,
  exprPlaceholder,
  children,
  completion,
  onRunQuery,
}: PromqlStepFieldsProps) {
  return (
    <>
      <InlineFieldRow>
        <InlineField
          label="PromQL"
          labelWidth={14}
          grow
          tooltip={exprTooltip}
          invalid={Boolean(shown('expr'))}
          error={shown('expr')}
        >
          <PromqlEditor
            id={`${idPrefix}-expr`}
            data-testid={testIds.expr}
            value={query.expr ?? ''}
            placeholder={exprPlaceholder}
            invalid={Boolean(shown('expr'))}
            completion={completion}
            onChange={(expr) => onChange({ expr })}
            onBlur={onBlur('expr')}
            onRunQuery={onRunQuery}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Step"
          labelWidth={14}
          tooltip="Query resolution: a duration (30s, 1m) or seconds. Empty: the panel's interval."
          invalid={Boolean(shown('step'))}
          error={shown('step')}
        >
          <Input
            id={`${idPrefix}-step`}
            width={12}
            data-testid={testIds.step}
            value={query.step ?? ''}
            placeholder="auto"
            onChange={(e) => onChange({ step: e.currentTarget.value })}
            onBlur={onBlur('step')}
          />
        </InlineField>
        {children}
      </InlineFieldRow>
    </>
  );
}
