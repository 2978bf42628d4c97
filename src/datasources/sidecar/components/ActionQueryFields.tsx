import React from 'react';
import { InlineField, InlineFieldRow, Input, MultiCombobox } from '@grafana/ui';
import { ACTION_STATUSES, type ActionStatus } from '../../../api/types';
import { STATUS_LABEL } from '../../../domain/actions/format';
import type { SidecarQuery } from '../../../domain/query/types';

export interface ActionQueryFieldsProps {
  query: SidecarQuery;
  onChange: (patch: Partial<SidecarQuery>) => void;
  onRunQuery: () => void;
  idPrefix: string;
  testIds: { actionService: string; actionStatus?: string };
  /** Annotation queries always use the applied and rolled-back statuses. */
  showStatus?: boolean;
}

const STATUS_OPTIONS = ACTION_STATUSES.map((s) => ({ label: STATUS_LABEL[s], value: s }));

/** Filters of an `actions` query: the service (template variables work) and, for tables, the statuses. */
export function ActionQueryFields({
  query,
  onChange,
  onRunQuery,
  idPrefix,
  testIds,
  showStatus = true,
}: ActionQueryFieldsProps) {
  return (
    <InlineFieldRow>
      <InlineField label="Service" labelWidth={14} tooltip="Only this service's actions; empty for all services.">
        <Input
          id={`${idPrefix}-action-service`}
          width={24}
          data-testid={testIds.actionService}
          value={query.actionService ?? ''}
          placeholder="all services"
          onChange={(e) => onChange({ actionService: e.currentTarget.value })}
          onBlur={onRunQuery}
        />
      </InlineField>
      {showStatus && (
        <InlineField label="Status" labelWidth={10} tooltip="Only actions in these states; empty for all.">
          <div data-testid={testIds.actionStatus}>
            <MultiCombobox<ActionStatus>
              id={`${idPrefix}-action-status`}
              width={48}
              options={STATUS_OPTIONS}
              value={query.actionStatus ?? []}
              placeholder="all statuses"
              onChange={(selected) => {
                onChange({ actionStatus: selected.map((s) => s.value) });
                onRunQuery();
              }}
            />
          </div>
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
