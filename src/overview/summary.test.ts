import type { ModelAccuracy, SidecarIncident } from '../api/types';
import { actionRecord, appliedHpaAction, automationStatus } from '../test/actionFixtures';
import {
  actionCounts,
  driftFlags,
  incidentExplorerUrl,
  loopState,
  newestActions,
  openBreakers,
  openIncidents,
  startOfDayMs,
} from './summary';

const DAY_START = Date.parse('2025-01-01T00:00:00Z');

function incident(overrides: Partial<SidecarIncident> = {}): SidecarIncident {
  return {
    id: 'an-1',
    title: 'frontend latency',
    query: 'histogram_quantile(0.95, sum by (service, le) (rate(latency_bucket[5m])))',
    series: '{service="frontend"}',
    labels: { service: 'frontend' },
    severity: 'high',
    peakScore: 0.97,
    startMs: Date.parse('2025-01-01T11:00:00Z'),
    endMs: Date.parse('2025-01-01T11:10:00Z'),
    openedAtMs: Date.parse('2025-01-01T11:02:00Z'),
    status: 'open',
    ...overrides,
  };
}

function model(overrides: Partial<ModelAccuracy>): ModelAccuracy {
  return {
    model: 'm',
    kind: 'deep',
    metric: 'relativeToNaive',
    points: [],
    rolling: 0.6,
    rollingCoverage80: 0.8,
    reference: { value: 0.5, source: 'model card' },
    ratio: 1.2,
    drift: false,
    coverageDrift: false,
    status: 'ok',
    reason: '',
    ...overrides,
  };
}

describe('overview/loopState', () => {
  test("no loop (automation: null) carries the sidecar's message", () => {
    expect(loopState({ automation: null, message: 'automation is off (AIDPE_AUTOMATION=off)' })).toEqual({
      kind: 'absent',
      reason: 'automation is off (AIDPE_AUTOMATION=off)',
    });
    expect(loopState({ automation: null }).kind).toBe('absent');
    expect((loopState({ automation: null, message: '  ' }) as { reason: string }).reason).toMatch(/did not say why/);
  });

  test('a stopped loop says why: its last error first', () => {
    const stopped = automationStatus({ running: false, lastError: 'kubernetes: 403 forbidden' });
    expect(loopState({ automation: stopped })).toEqual({
      kind: 'stopped',
      reason: 'kubernetes: 403 forbidden',
      automation: stopped,
    });
    const quiet = automationStatus({ running: false });
    expect(loopState({ automation: quiet, message: 'paused' })).toMatchObject({ kind: 'stopped', reason: 'paused' });
  });

  test('a running loop', () => {
    const running = automationStatus();
    expect(loopState({ automation: running })).toEqual({ kind: 'running', automation: running });
  });
});

describe('overview/openBreakers', () => {
  test('only open breakers, longest open first', () => {
    const automation = automationStatus();
    automation.services.push({
      service: 'cart',
      mode: 'autonomous',
      policy: 'predictive',
      integration: 'direct',
      breaker: { open: true, reason: 'SLO worse after 2 actions', openedAt: '2025-01-01T10:00:00.000Z' },
    });
    expect(openBreakers(automation).map((s) => s.service)).toEqual(['cart', 'checkout']);
    expect(openBreakers(null)).toEqual([]);
    expect(openBreakers(automationStatus({ services: [] }))).toEqual([]);
  });
});

describe('overview/actionCounts', () => {
  test('pending now; applied since the day started; rolled back and rejected', () => {
    const actions = [
      actionRecord({ id: 'p1' }),
      actionRecord({ id: 'p2' }),
      appliedHpaAction({ id: 'today', createdAt: '2025-01-01T08:00:00.000Z' }),
      appliedHpaAction({ id: 'yesterday', createdAt: '2024-12-31T23:59:00.000Z' }),
      // Approved today although proposed yesterday: it took effect today.
      actionRecord({
        id: 'approved',
        status: 'applied',
        createdAt: '2024-12-31T23:00:00.000Z',
        decidedAt: '2025-01-01T00:05:00.000Z',
      }),
      actionRecord({ id: 'rb', status: 'rolled_back' }),
      actionRecord({ id: 'rj1', status: 'rejected' }),
      actionRecord({ id: 'rj2', status: 'rejected' }),
      actionRecord({ id: 'rj3', status: 'rejected' }),
      actionRecord({ id: 'f', status: 'failed' }),
    ];
    expect(actionCounts(actions, DAY_START)).toEqual({
      pendingApproval: 2,
      appliedToday: 2,
      rolledBack: 1,
      rejected: 3,
    });
    expect(actionCounts([], DAY_START)).toEqual({ pendingApproval: 0, appliedToday: 0, rolledBack: 0, rejected: 0 });
  });

  test('the day starts at local midnight (jest runs in UTC)', () => {
    expect(startOfDayMs(Date.parse('2025-01-01T17:45:12Z'))).toBe(DAY_START);
  });
});

describe('overview/newestActions', () => {
  test('newest first by creation, at most n', () => {
    const actions = [
      actionRecord({ id: 'old', createdAt: '2025-01-01T09:00:00.000Z' }),
      actionRecord({ id: 'new', createdAt: '2025-01-01T11:00:00.000Z' }),
      actionRecord({ id: 'mid', createdAt: '2025-01-01T10:00:00.000Z' }),
    ];
    expect(newestActions(actions, 2).map((a) => a.id)).toEqual(['new', 'mid']);
    expect(newestActions(actions, 0)).toEqual([]);
    expect(actions.map((a) => a.id)).toEqual(['old', 'new', 'mid']);
  });
});

describe('overview/openIncidents', () => {
  test('counts open and resolved; the newest open ones by start', () => {
    const list = {
      incidents: [
        incident({ id: 'a', startMs: 1_000 }),
        incident({ id: 'b', startMs: 3_000, status: 'resolved' }),
        incident({ id: 'c', startMs: 2_000 }),
        incident({ id: 'd', startMs: 500 }),
      ],
    };
    const summary = openIncidents(list, 2);
    expect(summary.open).toBe(3);
    expect(summary.resolved).toBe(1);
    expect(summary.newest.map((i) => i.id)).toEqual(['c', 'a']);
    expect(openIncidents({ incidents: [] })).toEqual({ open: 0, resolved: 0, newest: [] });
  });
});

describe('overview/incidentExplorerUrl', () => {
  test("opens the Incidents page's RCA explorer on the service and the window with its margin", () => {
    const url = incidentExplorerUrl(incident())!;
    const [path, search] = url.split('?');
    expect(path).toBe('/a/aidpe-performance-app/incidents');
    const params = new URLSearchParams(search);
    expect(params.get('rca')).toBe('frontend');
    expect(Number(params.get('rcaFrom'))).toBe(Date.parse('2025-01-01T10:55:00Z'));
    expect(Number(params.get('rcaTo'))).toBe(Date.parse('2025-01-01T11:15:00Z'));
    expect(params.get('rcaSli')).toBe('latency');
    expect(params.get('incident')).toBe('an-1');
  });

  test('error-ratio queries are explained on errors; no service label: no link', () => {
    const errors = incidentExplorerUrl(incident({ query: 'sum by (service) (rate(http_errors_total[5m]))' }))!;
    expect(new URLSearchParams(errors.split('?')[1]).get('rcaSli')).toBe('errors');
    expect(incidentExplorerUrl(incident({ labels: { pod: 'x' } }))).toBeUndefined();
  });
});

describe('overview/driftFlags', () => {
  test('only drifting models, error drift first, with the numbers', () => {
    const flags = driftFlags({
      models: [
        model({ model: 'fine' }),
        model({ model: 'coverage', coverageDrift: true, status: 'drift', reason: 'coverage 0.61 under 0.70' }),
        model({ model: 'lstm', drift: true, ratio: 1.8, rolling: 0.9, status: 'drift' }),
        model({ model: 'collecting', status: 'insufficient', rolling: null, ratio: null }),
      ],
    });
    expect(flags).toEqual([
      { model: 'lstm', kind: 'deep', text: 'drift ×1.80', color: 'red', detail: '0.900 vs 0.500 (model card)' },
      {
        model: 'coverage',
        kind: 'deep',
        text: 'coverage drift',
        color: 'orange',
        detail: '0.600 vs 0.500 (model card) · coverage 0.61 under 0.70',
      },
    ]);
    expect(driftFlags({ models: [] })).toEqual([]);
  });
});
