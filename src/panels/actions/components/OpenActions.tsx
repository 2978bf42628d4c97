import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { Badge, Stack, Text, useStyles2 } from '@grafana/ui';
import type { ActionRecord } from '../../../api/types';
import { changeSummary, STATUS_COLOR, STATUS_LABEL } from '../../../domain/actions/format';
import { testIds } from '../../../components/testIds';
import type { UserRoleInfo } from '../../../utils/roles';
import { ActionDetails } from './ActionDetails';
import { DecisionButtons } from './DecisionButtons';

const ids = testIds.actionsPanel;

export interface OpenActionsProps {
  actions: ActionRecord[];
  user: UserRoleInfo | undefined;
  onDecided: () => void;
}

/** Pending and proposed actions as cards: the change, the reason, the predicted effect, the guards, the decision. */
export function OpenActions({ actions, user, onDecided }: OpenActionsProps) {
  const s = useStyles2(getStyles);
  return (
    <Stack direction="column" gap={1}>
      {actions.map((a) => (
        <div key={a.id} className={s.card} data-testid={ids.card(a.id)}>
          <Stack direction="column" gap={1}>
            <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
              <Text weight="medium">{a.service}</Text>
              <Text>{changeSummary(a)}</Text>
              <Badge color={STATUS_COLOR[a.status]} text={STATUS_LABEL[a.status]} />
              <Text color="secondary" variant="bodySmall">
                {a.policy} ({a.integration}) · {dateTimeFormat(a.createdAt)}
              </Text>
            </Stack>
            <ActionDetails action={a} />
            {a.status === 'proposed' ? (
              <Text color="secondary" variant="bodySmall" italic>
                Recommend mode: shown for information, never applied. Switch the service to approve mode to act on
                proposals like this one.
              </Text>
            ) : (
              <DecisionButtons action={a} user={user} onDecided={onDecided} />
            )}
          </Stack>
        </div>
      ))}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    padding: theme.spacing(1, 1.5),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
});
