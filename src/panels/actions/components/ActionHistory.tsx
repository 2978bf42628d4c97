import React, { useMemo } from 'react';
import { Badge, InteractiveTable, Text, type Column } from '@grafana/ui';
import type { ActionRecord } from '../../../api/types';
import { actionRows, STATUS_COLOR, type ActionRow } from '../../../domain/actions/format';
import { testIds } from '../../../components/testIds';
import type { UserRoleInfo } from '../../../utils/roles';
import { ActionDetails } from './ActionDetails';
import { DecisionButtons } from './DecisionButtons';

export interface ActionHistoryProps {
  actions: ActionRecord[];
  user: UserRoleInfo | undefined;
  onDecided: () => void;
  pageSize?: number;
}

/** Decided and applied actions, newest first, with their outcome; roll back from the row; details on expand. */
export function ActionHistory({ actions, user, onDecided, pageSize = 10 }: ActionHistoryProps) {
  const rows = useMemo(() => actionRows(actions), [actions]);
  const columns = useMemo<Array<Column<ActionRow>>>(
    () => [
      { id: 'createdMs', header: 'Created', sortType: 'number', cell: ({ row }) => row.original.created },
      { id: 'service', header: 'Service', sortType: 'alphanumeric' },
      { id: 'summary', header: 'Change' },
      {
        id: 'statusLabel',
        header: 'Status',
        sortType: 'alphanumeric',
        cell: ({ row }) => <Badge color={STATUS_COLOR[row.original.status]} text={row.original.statusLabel} />,
      },
      { id: 'policy', header: 'Policy' },
      {
        id: 'decision',
        header: 'Decided by',
        cell: ({ row }) => row.original.decision || <Text color="secondary">{row.original.mode}</Text>,
      },
      {
        id: 'outcome',
        header: 'Outcome',
        cell: ({ row }) =>
          row.original.outcome ||
          (row.original.error ? <Text color="error">{row.original.error}</Text> : <Text color="secondary">—</Text>),
      },
      {
        id: 'actions',
        header: '',
        cell: ({ row }) => <DecisionButtons action={row.original.action} user={user} onDecided={onDecided} />,
      },
    ],
    [user, onDecided]
  );
  return (
    <div data-testid={testIds.actionsPanel.history}>
      <InteractiveTable
        columns={columns}
        data={rows}
        getRowId={(r) => r.id}
        pageSize={pageSize}
        renderExpandedRow={(row) => <ActionDetails action={row.action} />}
      />
    </div>
  );
}
