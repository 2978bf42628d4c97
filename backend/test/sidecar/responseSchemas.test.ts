/**
 * Response schemas on every route (Fastify serialises through them and drops what they do not declare): every
 * operation of the OpenAPI document declares its answers, and for a valid call of each one the answer holds
 * exactly what the handler returned — no field dropped, none changed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { demoApp, type DemoApp } from '../helpers/demoApp.ts';

let d: DemoApp;
before(async () => {
  d = await demoApp();
  await d.loop.tick(); // a pending approval for the actions routes
  await d.incidents.tick(); // incidents opened by the fault
});
after(() => d.close());

const user = { 'x-grafana-user': 'alice' };
const inline = {
  timestamps: Array.from({ length: 1200 }, (_, i) => 1_735_689_600 + 60 * i),
  values: Array.from({ length: 1200 }, (_, i) => 100 + 10 * Math.sin(i / 20) + (i >= 1000 && i < 1020 ? 200 : 0)),
};

test('every operation in the OpenAPI document declares its 200/201 answer and its errors', async () => {
  const doc = (await d.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
    paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  };
  const missing: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const codes = Object.keys(op.responses ?? {});
      if (!codes.some((c) => c === '200' || c === '201')) {
        missing.push(`${method.toUpperCase()} ${path}: no success answer`);
      }
      // Probes and scrape targets answer no 4xx of their own (only the token guard's, when a token is set).
      if (!/\/(metrics|ready)$/.test(path) && !codes.includes('4XX')) {
        missing.push(`${method.toUpperCase()} ${path}: no 4XX answer`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

const calls: Array<[string, () => InjectOptions]> = [
  ['health', () => ({ method: 'GET', url: '/api/v1/health' })],
  ['ready', () => ({ method: 'GET', url: '/api/v1/ready' })],
  [
    'range query',
    () => ({
      method: 'POST',
      url: '/api/v1/query/range',
      payload: { query: 'aidpe_sim_request_rate', start: 'now-30m', stepSeconds: 60 },
    }),
  ],
  [
    'instant query',
    () => ({ method: 'POST', url: '/api/v1/query/instant', payload: { query: 'aidpe_sim_request_rate' } }),
  ],
  [
    'forecast (query)',
    () => ({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { query: 'aidpe_sim_request_rate{service="frontend"}', start: 'now-90m', stepSeconds: 60, horizon: 10 },
    }),
  ],
  [
    'forecast (inline)',
    () => ({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { series: [inline], horizon: 5, quantiles: [0.1, 0.9, 0.025, 0.975] },
    }),
  ],
  ['forecast models', () => ({ method: 'GET', url: '/api/v1/forecast/models' })],
  ['forecast accuracy', () => ({ method: 'GET', url: '/api/v1/forecast/accuracy' })],
  ['anomalies (batch)', () => ({ method: 'POST', url: '/api/v1/anomalies', payload: { series: [inline] } })],
  [
    'anomalies (streaming)',
    () => ({
      method: 'POST',
      url: '/api/v1/anomalies/query',
      payload: {
        query: 'aidpe_sim_latency_seconds{quantile="0.95"}',
        start: 'now-30m',
        stepSeconds: 15,
        mode: 'streaming',
      },
    }),
  ],
  [
    'anomalies (groups)',
    () => ({
      method: 'POST',
      url: '/api/v1/anomalies',
      payload: {
        query: '{__name__=~"aidpe_sim_(cpu_utilization|request_rate)"}',
        start: 'now-30m',
        stepSeconds: 15,
        groupBy: 'service',
      },
    }),
  ],
  ['feedback list', () => ({ method: 'GET', url: '/api/v1/anomalies/feedback' })],
  ['incidents', () => ({ method: 'GET', url: '/api/v1/incidents' })],
  ['watch', () => ({ method: 'GET', url: '/api/v1/watch' })],
  ['rca', () => ({ method: 'POST', url: '/api/v1/rca', payload: { start: 'now-20m' } })],
  ['rca graph', () => ({ method: 'POST', url: '/api/v1/rca/graph', payload: { start: 'now-10m', limit: 50 } })],
  ['actions', () => ({ method: 'GET', url: '/api/v1/actions' })],
  ['audit', () => ({ method: 'GET', url: '/api/v1/audit' })],
  ['automation', () => ({ method: 'GET', url: '/api/v1/automation' })],
  [
    'set mode',
    () => ({ method: 'PUT', url: '/api/v1/automation/services/frontend', headers: user, payload: { mode: 'approve' } }),
  ],
  ['resume', () => ({ method: 'POST', url: '/api/v1/automation/services/frontend/resume', headers: user })],
  ['sim status', () => ({ method: 'GET', url: '/api/v1/sim/status' })],
  ['sim deployments', () => ({ method: 'GET', url: '/api/v1/sim/deployments' })],
  [
    'sim replicas',
    () => ({ method: 'PUT', url: '/api/v1/sim/deployments/catalog/replicas', payload: { replicas: 3 } }),
  ],
  [
    'sim hpa',
    () => ({
      method: 'PUT',
      url: '/api/v1/sim/deployments/frontend/hpa',
      payload: { minReplicas: 2, maxReplicas: 9, targetCpuUtilization: 0.6 },
    }),
  ],
  ['sim faults', () => ({ method: 'GET', url: '/api/v1/sim/faults' })],
  [
    'sim inject fault',
    () => ({
      method: 'POST',
      url: '/api/v1/sim/faults',
      payload: { service: 'cart', type: 'error_burst', durationSeconds: 60 },
    }),
  ],
  ['sim events', () => ({ method: 'GET', url: '/api/v1/sim/events' })],
  [
    'sim loki',
    () => ({ method: 'GET', url: '/sim/loki/api/v1/query_range?query=%7Bservice%3D%22cart%22%7D&limit=20' }),
  ],
  ['sim tempo search', () => ({ method: 'GET', url: '/sim/tempo/api/search?limit=3' })],
];

for (const [name, request] of calls) {
  test(`the serialiser keeps every field: ${name}`, async () => {
    const res = await d.app.inject(request());
    assert.ok(res.statusCode === 200 || res.statusCode === 201, `${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    assert.deepEqual(res.json(), d.lastPayload(), `${name}: the answer differs from what the handler returned`);
  });
}

test('the serialiser keeps every field: one action, approve, reject, rollback, a trace, feedback', async () => {
  const check = async (request: InjectOptions, expected = 200) => {
    const res = await d.app.inject(request);
    assert.equal(res.statusCode, expected, `${request.url}: ${res.body.slice(0, 300)}`);
    assert.deepEqual(res.json(), d.lastPayload(), `${request.url}: the answer differs from what the handler returned`);
    return res.json();
  };
  const { actions } = await check({ method: 'GET', url: '/api/v1/actions?status=pending_approval' });
  const pending = actions[0];
  assert.ok(pending, 'a pending action');
  await check({ method: 'GET', url: `/api/v1/actions/${pending.id}` });
  const approved = await check({
    method: 'POST',
    url: `/api/v1/actions/${pending.id}/approve`,
    headers: user,
    payload: { note: 'ok' },
  });
  if (approved.action.status === 'applied') {
    await check({ method: 'POST', url: `/api/v1/actions/${pending.id}/rollback`, headers: user });
  }
  d.cluster.advance(60);
  await d.loop.tick();
  const next = (await check({ method: 'GET', url: '/api/v1/actions?status=pending_approval' })).actions[0];
  if (next) {
    await check({ method: 'POST', url: `/api/v1/actions/${next.id}/reject`, headers: user });
  }
  const search = await check({ method: 'GET', url: '/sim/tempo/api/search?limit=1' });
  await check({ method: 'GET', url: `/sim/tempo/api/traces/${search.traces[0].traceID}` });
  const scored = await check({ method: 'POST', url: '/api/v1/anomalies', payload: { series: [inline] } });
  const region = scored.series[0].regions[0];
  assert.ok(region, 'a region to give feedback on');
  await check(
    {
      method: 'POST',
      url: `/api/v1/anomalies/${region.id}/feedback`,
      headers: user,
      payload: { verdict: 'true_positive' },
    },
    201
  );
});
