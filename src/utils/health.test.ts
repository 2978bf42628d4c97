import type { DependencyHealth, DependencyState } from '../api/types';
import { sortDependencies, stateLabel, stateToBadgeColor, stateToIcon } from './health';

describe('utils/health', () => {
  test.each<[DependencyState, string]>([
    ['up', 'green'],
    ['degraded', 'orange'],
    ['down', 'red'],
    ['disabled', 'darkgrey'],
  ])('stateToBadgeColor(%s) is %s', (state, color) => {
    expect(stateToBadgeColor(state)).toBe(color);
  });

  test('unknown states fall back to a neutral colour and icon', () => {
    const unknown = 'exploded' as DependencyState;
    expect(stateToBadgeColor(unknown)).toBe('darkgrey');
    expect(stateToIcon(unknown)).toBe('minus-circle');
    expect(stateLabel(unknown)).toBe('exploded');
  });

  test('every state has a distinct icon and a label', () => {
    const states: DependencyState[] = ['up', 'degraded', 'down', 'disabled'];
    expect(new Set(states.map(stateToIcon)).size).toBe(states.length);
    expect(states.map(stateLabel)).toEqual(['Up', 'Degraded', 'Down', 'Disabled']);
  });

  test('sortDependencies puts the worst first, then sorts by name, without mutating', () => {
    const dep = (name: string, state: DependencyState): DependencyHealth => ({ name, state, checkedAt: '' });
    const input = [dep('tempo', 'disabled'), dep('b', 'up'), dep('loki', 'down'), dep('a', 'up'), dep('x', 'degraded')];
    const copy = [...input];
    expect(sortDependencies(input).map((d) => d.name)).toEqual(['loki', 'x', 'a', 'b', 'tempo']);
    expect(input).toEqual(copy);
  });
});
