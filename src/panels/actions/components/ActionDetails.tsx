import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Stack, Text, useStyles2 } from '@grafana/ui';
import type { ActionRecord } from '../../../api/types';
import {
  clampNote,
  guardChecklist,
  guardSummary,
  observedText,
  outcomeText,
  predictedEffectLines,
} from '../../../domain/actions/format';
import { testIds } from '../../../components/testIds';

const ids = testIds.actionsPanel;

const CHECK_ICON = { allowed: 'check-circle', clamped: 'exclamation-triangle', rejected: 'times-circle' } as const;

/** Why the policy proposed an action, what the guards decided rule by rule, and what it should do (or did). */
export function ActionDetails({ action }: { action: ActionRecord }) {
  const s = useStyles2(getStyles);
  const clamp = clampNote(action);
  const effect = predictedEffectLines(action.predictedEffect, action.forecast);
  const outcome = outcomeText(action.outcome);
  const observed = observedText(action.observed);
  const checks = guardChecklist(action.guard.decisions);
  return (
    <Stack direction="column" gap={1}>
      <Text>{action.reason}</Text>
      {observed && (
        <Text color="secondary" variant="bodySmall">
          Observed: {observed}
        </Text>
      )}
      {clamp && (
        <Text color="warning" variant="bodySmall">
          {clamp}
        </Text>
      )}
      {action.error && (
        <Text color="error" variant="bodySmall">
          {action.error}
        </Text>
      )}
      {effect.length > 0 && (
        <div data-testid={ids.effect(action.id)}>
          <Text variant="bodySmall" weight="medium">
            Predicted effect
          </Text>
          <ul className={s.list}>
            {effect.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {outcome && (
        <Text variant="bodySmall">
          <strong>Outcome</strong> {outcome}
        </Text>
      )}
      <div>
        <Text variant="bodySmall" weight="medium">
          {guardSummary(action.guard)}
        </Text>
        <ul className={s.checklist}>
          {checks.map((c) => (
            <li key={c.rule} className={s.check} data-testid={ids.guardCheck(action.id, c.rule)}>
              <Icon name={CHECK_ICON[c.action] ?? 'info-circle'} className={s[c.action] ?? s.allowed} />
              <span>
                <strong>{c.label}</strong> {c.action}: {c.reason}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ margin: 0, paddingLeft: theme.spacing(2), fontSize: theme.typography.bodySmall.fontSize }),
  checklist: css({ listStyle: 'none', margin: 0, padding: 0, fontSize: theme.typography.bodySmall.fontSize }),
  check: css({ display: 'flex', gap: theme.spacing(0.5), alignItems: 'baseline' }),
  allowed: css({ color: theme.colors.success.text, flexShrink: 0 }),
  clamped: css({ color: theme.colors.warning.text, flexShrink: 0 }),
  rejected: css({ color: theme.colors.error.text, flexShrink: 0 }),
});
