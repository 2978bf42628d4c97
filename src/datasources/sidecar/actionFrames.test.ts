import { FieldType } from '@grafana/data';
import { actionRecord, appliedHpaAction, automationStatus } from '../../test/actionFixtures';
import { actionsAnnotationsFrame, actionsTableFrame, normaliseStatuses } from './actionFrames';
import { framesToAnnotationEvents } from './anomalyFrames';

const list = (actions = [actionRecord(), appliedHpaAction()]) => ({ actions, automation: automationStatus() });
const values = (frame: ReturnType<typeof actionsTableFrame>, name: string) =>
  frame.fields.find((f) => f.name === name)?.values;

test('normaliseStatuses keeps known statuses once, in order', () => {
  expect(normaliseStatuses(['applied', 'bogus', 'pending_approval', 'applied'])).toEqual([
    'pending_approval',
    'applied',
  ]);
  expect(normaliseStatuses(undefined)).toEqual([]);
});

test('table frame: one row per action, newest first, with the change, the guards and the outcome', () => {
  const frame = actionsTableFrame(list(), 'A');
  expect(frame.refId).toBe('A');
  expect(frame.meta?.preferredVisualisationType).toBe('table');
  expect(frame.fields.map((f) => f.name)).toEqual([
    'time',
    'service',
    'status',
    'change',
    'policy',
    'mode',
    'reason',
    'guards',
    'decided by',
    'outcome',
    'error',
    'id',
  ]);
  expect(frame.fields[0].type).toBe(FieldType.time);
  expect(values(frame, 'time')).toEqual([Date.parse('2025-01-01T11:50:00Z'), Date.parse('2025-01-01T11:30:00Z')]);
  expect(values(frame, 'service')).toEqual(['frontend', 'checkout']);
  expect(values(frame, 'status')).toEqual(['pending_approval', 'applied']);
  expect(values(frame, 'change')).toEqual(['3 → 5 replicas', 'minReplicas 2 → 4, target 70% → 60%']);
  expect(values(frame, 'guards')).toEqual([
    'Guards: modified (1 of 4 clamped: Maximum step)',
    'Guards: allowed (1 rule checked)',
  ]);
  expect(values(frame, 'outcome')).toEqual(['', 'Improved: p95 420 → 180 ms (SLO 250 ms), 2 → 4 replicas']);
  expect(frame.meta?.notices).toBeUndefined();
});

test('an empty table says so', () => {
  const frame = actionsTableFrame(list([]), 'A');
  expect(frame.length).toBe(0);
  expect(frame.meta?.notices).toEqual([{ severity: 'info', text: 'No actions match this query (yet)' }]);
});

test('annotation frame: applied and rolled-back actions in range become events (a rollback a region)', () => {
  const rolledBack = appliedHpaAction({
    id: 'rb',
    status: 'rolled_back',
    rolledBackBy: 'bob',
    rolledBackAt: '2025-01-01T11:45:00Z',
  });
  const old = appliedHpaAction({ id: 'old', createdAt: '2024-12-31T00:00:00Z' });
  const frame = actionsAnnotationsFrame(
    list([actionRecord(), rolledBack, old]),
    'Anno',
    Date.parse('2025-01-01T11:00:00Z'),
    Date.parse('2025-01-01T12:00:00Z')
  );
  const events = framesToAnnotationEvents([frame]);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    id: 'rb',
    time: Date.parse('2025-01-01T11:30:00Z'),
    timeEnd: Date.parse('2025-01-01T11:45:00Z'),
    isRegion: true,
    title: 'Tuned the checkout HPA: minReplicas 2 → 4, target 70% → 60% (predictive) — rolled back',
    tags: ['aidpe', 'action', 'rolled_back', 'checkout'],
  });
  expect(events[0].text).toContain('Guards: allowed');
});
