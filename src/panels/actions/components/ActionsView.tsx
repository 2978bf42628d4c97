import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, EmptyState, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { isOpen, openSummary } from '../../../domain/actions/format';
import { actionRoleReason } from '../../../domain/actions/permissions';
import { testIds } from '../../../components/testIds';
import type { ActionsState } from '../../../hooks/useActions';
import type { UserRoleInfo } from '../../../utils/roles';
import { ActionHistory } from './ActionHistory';
import { AutomationStatusView } from './AutomationStatusView';
import { OpenActions } from './OpenActions';

const ids = testIds.actionsPanel;

export interface ActionsViewProps {
  state: ActionsState;
  user: UserRoleInfo | undefined;
  showAutomation?: boolean;
  showHistory?: boolean;
  historyPageSize?: number;
}

/**
 * The body of the Actions panel and page: the loop's state per service, actions waiting for a decision, and the
 * history with outcomes. An error state when the sidecar cannot be reached, an empty state before the loop has
 * produced anything.
 */
export function ActionsView({
  state,
  user,
  showAutomation = true,
  showHistory = true,
  historyPageSize,
}: ActionsViewProps) {
  const s = useStyles2(getStyles);
  const { loading, list, error, reload } = state;

  if (loading && !list) {
    return (
      <div data-testid={ids.loading}>
        <LoadingPlaceholder text="Loading actions…" />
      </div>
    );
  }
  if (!list) {
    return (
      <Alert severity="error" title="Could not load the actions from the AIDPE sidecar" data-testid={ids.error}>
        <Stack direction="column" gap={1} alignItems="flex-start">
          <Text>{error ?? 'No answer from the sidecar.'}</Text>
          <Button size="sm" variant="secondary" icon="sync" onClick={reload} data-testid={ids.refresh}>
            Retry
          </Button>
        </Stack>
      </Alert>
    );
  }

  const open = list.actions.filter(isOpen);
  const history = list.actions.filter((a) => !isOpen(a));
  const roleReason = actionRoleReason(user);

  return (
    <div className={s.container}>
      <Stack direction="column" gap={2}>
        <Stack direction="row" justifyContent="space-between" alignItems="center">
          <Text data-testid={ids.openSummary}>{openSummary(list.actions)}</Text>
          <Button size="sm" variant="secondary" fill="text" icon="sync" onClick={reload} data-testid={ids.refresh}>
            Refresh
          </Button>
        </Stack>
        {error && (
          <Alert severity="warning" title="Showing the last answer: refreshing failed" data-testid={ids.error}>
            {error}
          </Alert>
        )}
        {roleReason && (
          <Text color="secondary" variant="bodySmall" data-testid={ids.roleNotice}>
            {roleReason}
          </Text>
        )}
        {!list.automation ? (
          <Alert severity="info" title="The action loop is not running" data-testid={ids.loopOff}>
            {list.message ?? 'The sidecar runs no action loop, so no new actions are proposed.'}
          </Alert>
        ) : (
          showAutomation && <AutomationStatusView automation={list.automation} user={user} onChanged={reload} />
        )}
        {list.actions.length === 0 ? (
          <div data-testid={ids.empty}>
            <EmptyState variant="completed" message="The action loop has not proposed anything yet">
              Proposals appear here when a policy sees a need to scale. In recommend mode they are only shown; in
              approve mode they wait for an Editor; in autonomous mode they are applied within the guards.
            </EmptyState>
          </div>
        ) : (
          <>
            {open.length > 0 && (
              <section data-testid={ids.open}>
                <Stack direction="column" gap={1}>
                  <Text element="h4">Waiting for a decision</Text>
                  <OpenActions actions={open} user={user} onDecided={reload} />
                </Stack>
              </section>
            )}
            {showHistory && history.length > 0 && (
              <section>
                <Stack direction="column" gap={1}>
                  <Text element="h4">History</Text>
                  <ActionHistory actions={history} user={user} onDecided={reload} pageSize={historyPageSize} />
                </Stack>
              </section>
            )}
          </>
        )}
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    padding: theme.spacing(0.5),
  }),
});
