import type { SidecarIncident } from '../../api/types';
import { incidentsToRows, summarizeIncidents } from './watched';

const incident = (over: Partial<SidecarIncident> = {}): SidecarIncident => ({
  id: 'an-1',
  title: 'high anomaly on aidpe_sim_error_ratio{service="cart"}',
  query: 'aidpe_sim_error_ratio',
  series: 'aidpe_sim_error_ratio{service="cart"}',
  labels: { __name__: 'aidpe_sim_error_ratio', service: 'cart' },
  severity: 'high',
  peakScore: 0.99731,
  startMs: Date.parse('2025-01-01T11:00:00Z'),
  endMs: Date.parse('2025-01-01T11:12:00Z'),
  openedAtMs: Date.parse('2025-01-01T11:01:00Z'),
  status: 'open',
  ...over,
});

describe('watched incidents', () => {
  test('rows are newest first with display strings and the service to explain', () => {
    const older = incident({
      id: 'an-0',
      startMs: Date.parse('2025-01-01T10:00:00Z'),
      endMs: Date.parse('2025-01-01T10:00:00Z'),
      labels: {},
      status: 'resolved',
    });
    const rows = incidentsToRows({ incidents: [older, incident()] });
    expect(rows.map((r) => r.id)).toEqual(['an-1', 'an-0']);
    expect(rows[0]).toMatchObject({
      service: 'cart',
      start: '2025-01-01 11:00:00',
      duration: '12m',
      peakScoreText: '0.9973',
      severityRank: 2,
    });
    expect(rows[1]).not.toHaveProperty('service');
    expect(rows[1]!.duration).toBe('one step');
  });

  test('the summary counts open and resolved incidents and names a failing run', () => {
    expect(summarizeIncidents({ incidents: [], running: true })).toBe('No incidents yet');
    expect(
      summarizeIncidents({
        incidents: [incident(), incident({ id: 'b', status: 'resolved' })],
        running: true,
        lastRun: { atMs: 1, error: 'prometheus: timeout' },
      })
    ).toBe('1 open, 1 resolved (last run failed: prometheus: timeout)');
  });
});
