import type { HealthReport } from '../api/types';

/** Fixed "now" for deterministic relative times: 2025-01-01T12:00:00Z. */
export const NOW = Date.parse('2025-01-01T12:00:00Z');

export function healthReport(overrides: Partial<HealthReport> = {}): HealthReport {
  return {
    status: 'degraded',
    version: '0.1.0',
    mode: 'demo',
    uptimeSeconds: 3725,
    dependencies: [
      { name: 'prometheus', state: 'up', latencyMs: 12.4, checkedAt: '2025-01-01T11:59:50Z' },
      {
        name: 'loki',
        state: 'down',
        detail: 'http://loki:3100',
        lastError: { message: 'connect ECONNREFUSED 10.0.0.7:3100', at: '2025-01-01T11:58:00Z' },
        checkedAt: '2025-01-01T11:59:50Z',
      },
      { name: 'tempo', state: 'disabled', detail: 'not configured', checkedAt: '2025-01-01T11:59:50Z' },
    ],
    ...overrides,
  };
}
