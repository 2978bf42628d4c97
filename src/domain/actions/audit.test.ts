import { auditEntry } from '../../test/actionFixtures';
import { auditRows, auditSummary, detailsText } from './audit';

test('detailsText keeps what a person reads (note, reason, error, outcome)', () => {
  expect(detailsText({ note: 'peak expected', change: { replicas: 5 }, reason: 'forecast peak', dryRun: false })).toBe(
    'note: peak expected · reason: forecast peak'
  );
  expect(detailsText({})).toBe('');
  expect(detailsText(undefined)).toBe('');
});

test.each([
  [
    'action.approved',
    { service: 'frontend', change: { replicas: 5 }, before: { replicas: 3 } },
    'Approved 3 → 5 replicas for frontend',
  ],
  ['action.rolled_back', { service: 'cart', change: { replicas: 2 } }, 'Rolled back → 2 replicas for cart'],
  [
    'action.guard_rejected',
    { service: 'cart', change: { replicas: 40 }, reason: 'above maxReplicas' },
    'Safety guards refused → 40 replicas for cart: above maxReplicas',
  ],
  ['automation.mode', { service: 'cart', mode: 'autonomous' }, 'Set cart to autonomous mode'],
  ['automation.resumed', { service: 'cart' }, 'Resumed automation of cart after the circuit breaker'],
  ['anomaly.feedback.false_positive', {}, 'Marked an anomalous region as false positive'],
  ['incident.opened', { series: 'x' }, 'Opened incident an-1'],
  ['something.new_thing', {}, 'Something: New thing'],
])('%s → %s', (action, details, sentence) => {
  expect(auditSummary({ action, subject: 'an-1', details })).toMatch(sentence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
});

test('auditRows: newest first, times formatted, the sentence beside the technical name, unparsable times kept', () => {
  const rows = auditRows([
    auditEntry({ id: 1, at: '2025-01-01T10:00:00Z', action: 'action.create' }),
    auditEntry({ id: 2, at: '2025-01-01T11:00:00Z' }),
    auditEntry({ id: 3, at: 'yesterday', details: {} }),
  ]);
  expect(rows.map((r) => r.id)).toEqual(['2', '1', '3']);
  expect(rows[0]).toMatchObject({
    id: '2',
    atMs: Date.parse('2025-01-01T11:00:00Z'),
    at: '2025-01-01 11:00:00',
    actor: 'ann',
    action: 'action.approve',
    subject: 'a1b2c3d4-0000-4000-8000-000000000001',
    details: 'note: peak expected',
    raw: { note: 'peak expected' },
  });
  expect(rows[0]!.summary).toMatch(/^Approved /);
  expect(rows[2]!.at).toBe('yesterday');
});
