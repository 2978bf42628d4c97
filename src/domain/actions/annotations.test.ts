import { actionRecord, appliedHpaAction } from '../../test/actionFixtures';
import { actionAnnotations, actionTitle, actionToAnnotation } from './annotations';

const t = (iso: string) => Date.parse(iso);

describe('actionToAnnotation', () => {
  test('an approved direct action: a point at the approval, titled with the change and the policy', () => {
    const action = actionRecord({
      status: 'applied',
      decidedBy: 'ann',
      decisionNote: 'peak expected',
      decidedAt: '2025-01-01T11:52:00Z',
    });
    expect(actionToAnnotation(action)).toEqual({
      id: action.id,
      time: t('2025-01-01T11:52:00Z'),
      timeEnd: t('2025-01-01T11:52:00Z'),
      title: 'Scaled frontend 3 → 5 (predictive)',
      text: [
        'forecast p90 240 req/s in 15m exceeds the capacity of 3 replicas (150 req/s)',
        'Guards: modified (1 of 4 clamped: Maximum step)',
        'Approved by ann: peak expected',
      ].join('\n'),
      tags: ['aidpe', 'action', 'applied', 'frontend'],
    });
  });

  test('a rolled-back HPA action spans to its rollback and carries the outcome', () => {
    const action = appliedHpaAction({
      status: 'rolled_back',
      rolledBackBy: 'bob',
      rolledBackAt: '2025-01-01T11:45:00Z',
    });
    const event = actionToAnnotation(action);
    expect(event).toMatchObject({
      time: t('2025-01-01T11:30:00Z'),
      timeEnd: t('2025-01-01T11:45:00Z'),
      title: 'Tuned the checkout HPA: minReplicas 2 → 4, target 70% → 60% (predictive) — rolled back',
      tags: ['aidpe', 'action', 'rolled_back', 'checkout'],
    });
    expect(event?.text).toContain('Rolled back by bob at 2025-01-01T11:45:00Z');
    expect(event?.text).toContain('Improved: p95 420 → 180 ms');
  });

  test('a rollback record says what it restored', () => {
    const rollback = actionRecord({
      status: 'applied',
      mode: 'autonomous',
      rollbackOf: 'x',
      change: { replicas: 3 },
      before: { replicas: 5 },
    });
    expect(actionTitle(rollback)).toBe('Rolled back frontend: 5 → 3 replicas');
    const event = actionToAnnotation({ ...rollback, decidedBy: 'bob', decisionNote: 'latency worse' });
    expect(event?.text).toContain('By bob: latency worse');
    expect(event?.text).not.toContain('Approved');
  });

  test('actions that never changed the cluster give no annotation', () => {
    for (const status of ['proposed', 'pending_approval', 'rejected', 'expired', 'failed', 'applying'] as const) {
      expect(actionToAnnotation(actionRecord({ status }))).toBeUndefined();
    }
    expect(
      actionToAnnotation(actionRecord({ status: 'applied', createdAt: 'nope', mode: 'autonomous' }))
    ).toBeUndefined();
  });
});

test('actionAnnotations keeps those overlapping the range, oldest first', () => {
  const early = appliedHpaAction({ id: 'early', createdAt: '2025-01-01T10:00:00Z' });
  const spanning = appliedHpaAction({
    id: 'spanning',
    status: 'rolled_back',
    createdAt: '2025-01-01T10:30:00Z',
    rolledBackAt: '2025-01-01T11:10:00Z',
  });
  const inside = appliedHpaAction({ id: 'inside', createdAt: '2025-01-01T11:30:00Z' });
  const pending = actionRecord({ id: 'pending', createdAt: '2025-01-01T11:20:00Z' });
  const events = actionAnnotations(
    [inside, pending, spanning, early],
    t('2025-01-01T11:00:00Z'),
    t('2025-01-01T12:00:00Z')
  );
  expect(events.map((e) => e.id)).toEqual(['spanning', 'inside']);
});
