import { auditEntry } from '../../test/actionFixtures';
import { auditRows, detailsText } from './audit';

test('detailsText flattens one level and keeps nested values as JSON', () => {
  expect(detailsText({ note: 'peak expected', change: { replicas: 5 }, dryRun: false })).toBe(
    'note: peak expected, change: {"replicas":5}, dryRun: false'
  );
  expect(detailsText({})).toBe('');
  expect(detailsText(undefined)).toBe('');
});

test('auditRows: newest first, times formatted, unparsable times kept as sent', () => {
  const rows = auditRows([
    auditEntry({ id: 1, at: '2025-01-01T10:00:00Z', action: 'action.create' }),
    auditEntry({ id: 2, at: '2025-01-01T11:00:00Z' }),
    auditEntry({ id: 3, at: 'yesterday', details: {} }),
  ]);
  expect(rows.map((r) => r.id)).toEqual(['2', '1', '3']);
  expect(rows[0]).toEqual({
    id: '2',
    atMs: Date.parse('2025-01-01T11:00:00Z'),
    at: '2025-01-01 11:00:00',
    actor: 'ann',
    action: 'action.approve',
    subject: 'a1b2c3d4-0000-4000-8000-000000000001',
    details: 'note: peak expected',
  });
  expect(rows[2].at).toBe('yesterday');
});
