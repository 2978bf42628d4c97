import React, { useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  EmptyState,
  InteractiveTable,
  LoadingPlaceholder,
  Stack,
  Text,
  Tooltip,
  useStyles2,
  type Column,
} from '@grafana/ui';
import { listAudit } from '../api/sidecarClient';
import type { AuditList } from '../api/types';
import { auditRows, type AuditRow } from '../domain/actions/audit';
import { testIds } from '../components/testIds';
import { useActions } from '../hooks/useActions';
import { ActionsView } from '../panels/actions/components/ActionsView';
import { describeError } from '../utils/errors';
import { currentUser } from '../utils/roles';
import { usePageContext } from '../scenes/pageContext';

const ids = testIds.actions;
/** The newest actions and audit entries the page loads. */
export const ACTIONS_LIMIT = 200;
export const AUDIT_LIMIT = 200;
const REFRESH_SECONDS = 30;

const auditColumns: Array<Column<AuditRow>> = [
  { id: 'atMs', header: 'When', sortType: 'number', cell: ({ row }) => row.original.at },
  { id: 'actor', header: 'Who', sortType: 'alphanumeric' },
  {
    id: 'summary',
    header: 'What happened',
    sortType: 'alphanumeric',
    cell: ({ row }) => (
      <Tooltip content={`${row.original.action} · ${row.original.subject}`}>
        <span>{row.original.summary}</span>
      </Tooltip>
    ),
  },
  { id: 'details', header: 'Note / reason' },
];

/** The entry as recorded, for whoever needs every field. */
function AuditDetails({ row }: { row: AuditRow }) {
  const entries = Object.entries(row.raw).filter(([, v]) => v !== null && v !== undefined);
  return (
    <dl
      data-testid={ids.auditRaw(row.id)}
      style={{ margin: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 12px' }}
    >
      <dt>action</dt>
      <dd style={{ margin: 0 }}>
        <code>{row.action}</code> on <code>{row.subject}</code>
      </dd>
      {entries.map(([k, v]) => (
        <React.Fragment key={k}>
          <dt>{k}</dt>
          <dd style={{ margin: 0 }}>
            <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
          </dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

/**
 * Remediation actions: the loop's state per service, actions waiting for a decision (approve / reject for Editors),
 * the history with outcomes (roll back), and the sidecar's append-only audit trail.
 */
function Actions() {
  const s = useStyles2(getStyles);
  const [user] = useState(currentUser);
  const page = usePageContext();
  const query = useMemo(() => ({ limit: ACTIONS_LIMIT, service: page.service }), [page.service]);
  const actions = useActions(query, REFRESH_SECONDS, page.refreshKey);
  const [audit, setAudit] = useState<AuditList>();
  const [auditError, setAuditError] = useState<string>();

  // The audit trail follows every list answer, so that a decision made here shows up in it.
  const listed = actions.list;
  useEffect(() => {
    let cancelled = false;
    listAudit(AUDIT_LIMIT).then(
      (answer) => {
        if (!cancelled) {
          setAudit(answer);
          setAuditError(undefined);
        }
      },
      (err: unknown) => !cancelled && setAuditError(describeError(err))
    );
    return () => {
      cancelled = true;
    };
  }, [listed]);

  // The service variable narrows the trail too (entries about no service, such as other subjects, stay).
  const rows = useMemo(
    () =>
      audit
        ? auditRows(audit.entries).filter((r) => !page.service || !r.raw.service || r.raw.service === page.service)
        : [],
    [audit, page.service]
  );

  return (
    <>
      <div data-testid={ids.container} className={s.page}>
        <Stack direction="column" gap={3}>
          <Text color="secondary">
            Scaling actions proposed by AIDPE&apos;s policies, checked by the safety guards, and what became of them.
            Editors approve or reject pending actions and roll back applied ones; every decision lands in the audit
            trail with the Grafana user.
          </Text>
          <ActionsView state={actions} user={user} historyPageSize={25} />
          <section>
            <Stack direction="column" gap={1}>
              <Text element="h3">Audit trail</Text>
              {auditError ? (
                <Alert severity="error" title="The audit trail could not be loaded" data-testid={ids.auditError}>
                  {auditError}
                </Alert>
              ) : !audit ? (
                <LoadingPlaceholder text="Loading the audit trail…" />
              ) : rows.length > 0 ? (
                <div data-testid={ids.audit}>
                  <InteractiveTable
                    columns={auditColumns}
                    data={rows}
                    getRowId={(r) => r.id}
                    pageSize={25}
                    renderExpandedRow={(row) => <AuditDetails row={row} />}
                  />
                </div>
              ) : (
                <div data-testid={ids.auditEmpty}>
                  <EmptyState variant="completed" message="Nothing in the audit trail yet" />
                </div>
              )}
            </Stack>
          </section>
        </Stack>
      </div>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    maxWidth: theme.breakpoints.values.xl,
  }),
});

export default Actions;
