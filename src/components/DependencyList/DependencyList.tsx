import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, Text, useStyles2 } from '@grafana/ui';
import type { DependencyHealth } from '../../api/types';
import { sortDependencies, stateLabel, stateToBadgeColor, stateToIcon } from '../../utils/health';
import { formatRelativeTime } from '../../utils/time';
import { testIds } from '../testIds';

interface Props {
  dependencies: readonly DependencyHealth[];
  /** Injected for deterministic tests; defaults to the current time. */
  now?: number;
}

/** One row per sidecar dependency: state badge, detail, latency, last error and when it was checked. */
export function DependencyList({ dependencies, now }: Props) {
  const s = useStyles2(getStyles);

  if (dependencies.length === 0) {
    return (
      <Text color="secondary" italic>
        The sidecar reported no dependencies.
      </Text>
    );
  }

  return (
    <ul className={s.list} data-testid={testIds.dependencyList.container} aria-label="Sidecar dependencies">
      {sortDependencies(dependencies).map((dep) => (
        <li key={dep.name} className={s.row} data-testid={testIds.dependencyList.row(dep.name)}>
          <div className={s.badge}>
            <Badge color={stateToBadgeColor(dep.state)} icon={stateToIcon(dep.state)} text={stateLabel(dep.state)} />
          </div>
          <div className={s.body}>
            <Text weight="medium">{dep.name}</Text>
            {dep.detail && (
              <Text color="secondary" variant="bodySmall">
                {dep.detail}
              </Text>
            )}
            {dep.lastError && (
              <Text color="error" variant="bodySmall">
                Last error {formatRelativeTime(dep.lastError.at, now)}: {dep.lastError.message}
              </Text>
            )}
          </div>
          <div className={s.meta}>
            {typeof dep.latencyMs === 'number' && (
              <Text color="secondary" variant="bodySmall">
                {Math.round(dep.latencyMs)} ms
              </Text>
            )}
            <Text color="secondary" variant="bodySmall">
              checked {formatRelativeTime(dep.checkedAt, now)}
            </Text>
          </div>
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  row: css({
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    padding: theme.spacing(1, 2),
    '&:not(:last-child)': {
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  badge: css({
    flex: '0 0 auto',
    minWidth: theme.spacing(13),
  }),
  body: css({
    display: 'flex',
    flexDirection: 'column',
    flex: '1 1 auto',
    minWidth: 0,
    overflowWrap: 'anywhere',
  }),
  meta: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-end',
    flex: '0 0 auto',
  }),
});
