import React from 'react';
import { InlineField, InlineFieldRow, Input } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import { parseDuration } from '../../../domain/query/request';
import type { SidecarQuery } from '../../../domain/query/types';

interface Props {
  query: SidecarQuery;
  onChange: (patch: Partial<SidecarQuery>) => void;
  onRunQuery: () => void;
}

/** Why the window is invalid, if it is (empty is fine: the whole range). */
export function windowProblem(window: string | undefined): string | undefined {
  const text = window?.trim();
  if (!text) {
    return undefined;
  }
  const seconds = parseDuration(text);
  return seconds === undefined || seconds <= 0 ? `Window "${text}" is not a duration such as 15m or 1h` : undefined;
}

/** The `rca` query: the service dependency graph from traces, for Grafana's Node Graph panel. */
export function RcaQueryFields({ query, onChange, onRunQuery }: Props) {
  const ids = testIds.sidecarDatasource.queryEditor;
  const problem = windowProblem(query.window);
  return (
    <InlineFieldRow>
      <InlineField
        label="Entry service"
        labelWidth={14}
        tooltip="Only this service and what it calls, directly or not; template variables work. Empty: the whole graph."
      >
        <Input
          id="aidpe-query-rca-service"
          width={24}
          data-testid={ids.rcaService}
          value={query.service ?? ''}
          placeholder="frontend"
          onChange={(e) => onChange({ service: e.currentTarget.value })}
          onBlur={onRunQuery}
        />
      </InlineField>
      <InlineField
        label="Window"
        labelWidth={10}
        tooltip="The last duration of the time range (15m, 1h) whose traces build the graph. Empty: the whole range."
        invalid={Boolean(problem)}
        error={problem}
      >
        <Input
          id="aidpe-query-rca-window"
          width={12}
          data-testid={ids.rcaWindow}
          value={query.window ?? ''}
          placeholder="whole range"
          onChange={(e) => onChange({ window: e.currentTarget.value })}
          onBlur={onRunQuery}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
