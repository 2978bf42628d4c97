import React from 'react';
import { InlineField, InlineFieldRow, Input } from '@grafana/ui';
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
          <Input
            id={`${idPrefix}-expr`}
            data-testid={testIds.expr}
            value={query.expr ?? ''}
            placeholder={exprPlaceholder}
            onChange={(e) => onChange({ expr: e.currentTarget.value })}
            onBlur={onBlur('expr')}
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
