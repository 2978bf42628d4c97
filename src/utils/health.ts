import type { BadgeColor, IconName } from '@grafana/ui';
import type { DependencyHealth, DependencyState } from '../api/types';

/** Badge colour name (never a hex value: Badge resolves it against the current theme). */
export function stateToBadgeColor(state: DependencyState): BadgeColor {
  switch (state) {
    case 'up':
      return 'green';
    case 'degraded':
      return 'orange';
    case 'down':
      return 'red';
    case 'disabled':
    default:
      return 'darkgrey';
  }
}

export function stateToIcon(state: DependencyState): IconName {
  switch (state) {
    case 'up':
      return 'check-circle';
    case 'degraded':
      return 'exclamation-triangle';
    case 'down':
      return 'times-circle';
    case 'disabled':
    default:
      return 'minus-circle';
  }
}

const STATE_LABELS: Record<DependencyState, string> = {
  up: 'Up',
  degraded: 'Degraded',
  down: 'Down',
  disabled: 'Disabled',
};

export function stateLabel(state: DependencyState): string {
  return STATE_LABELS[state] ?? String(state);
}

const SEVERITY: Record<DependencyState, number> = { down: 0, degraded: 1, up: 2, disabled: 3 };

/** Worst first (down, degraded, up, disabled), then by name; does not mutate its input. */
export function sortDependencies(deps: readonly DependencyHealth[]): DependencyHealth[] {
  return [...deps].sort(
    (a, b) => (SEVERITY[a.state] ?? 99) - (SEVERITY[b.state] ?? 99) || a.name.localeCompare(b.name)
  );
}
