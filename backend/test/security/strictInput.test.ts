/**
 * Defect: 500 on bad input (31 distinct cases: arrays for time fields, times outside the Date range, strings
 * coerced past numeric bounds, an unknown service in the simulated Loki query), coercion accepting
 * `"horizon": true` as 1, and 4xx answers that named no field. Each case is a 400 now, naming its field.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

const START = Date.UTC(2025, 0, 1);
const cluster = new SimulatedCluster({
  seed: 1,
  topology: defaultTopology(),
  workload: syntheticDiurnalTrace({ days: 1 }),
  tickSeconds: 5,
  startTimeMs: START,
  historyRetentionSeconds: 3600,
});
cluster.advance(600);
const app: FastifyInstance = await buildApp({
  config: loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } }),
  telemetry: new SimulatorSource(cluster, { wallNow: () => cluster.now() }),
  cluster,
  logger: false,
  now: () => cluster.now(),
});
after(() => app.close());

const inline = (timestamps: number[]) => ({ timestamps, values: timestamps.map((_, i) => i % 7) });
const seconds = (n: number, from = 1_700_000_000) => Array.from({ length: n }, (_, i) => from + 60 * i);

const cases: Array<[string, InjectOptions, string]> = [
  [
    'an array for a time field',
    { method: 'POST', url: '/api/v1/query/range', payload: { query: 'up', start: ['now-1h'], stepSeconds: 60 } },
    'start',
  ],
  [
    'a relative time beyond the Date range',
    {
      method: 'POST',
      url: '/api/v1/query/range',
      payload: { query: 'up', start: 'now-99999999999w', stepSeconds: 60 },
    },
    'start',
  ],
  ['start: 9e15', { method: 'POST', url: '/api/v1/rca', payload: { start: 9e15 } }, 'start'],
  [
    'an RFC 3339 time past year 9999',
    { method: 'POST', url: '/api/v1/query/instant', payload: { query: 'up', time: '+275760-09-13T00:00:00Z' } },
    'time',
  ],
  [
    'inline forecast timestamps ≥ 1e13',
    { method: 'POST', url: '/api/v1/forecast', payload: { series: [inline([1, 2, 1e13])], horizon: 2 } },
    'series[0].timestamps[2]',
  ],
  [
    'inline anomaly timestamps ≥ 1e13',
    { method: 'POST', url: '/api/v1/anomalies', payload: { series: [inline([1e13, 1e13 + 60])] } },
    'series[0].timestamps[0]',
  ],
  [
    '"horizon": true (coerced to 1 before)',
    { method: 'POST', url: '/api/v1/forecast', payload: { series: [inline(seconds(30))], horizon: true } },
    'horizon',
  ],
  [
    '"horizon": "5" (a string for a number)',
    { method: 'POST', url: '/api/v1/forecast', payload: { series: [inline(seconds(30))], horizon: '5' } },
    'horizon',
  ],
  [
    '"replicas": "Infinity"',
    { method: 'PUT', url: '/api/v1/sim/deployments/frontend/replicas', payload: { replicas: 'Infinity' } },
    'replicas',
  ],
  [
    '"replicas": "1e400"',
    { method: 'PUT', url: '/api/v1/sim/deployments/frontend/replicas', payload: { replicas: '1e400' } },
    'replicas',
  ],
  [
    'fault startInSeconds: 1e308',
    {
      method: 'POST',
      url: '/api/v1/sim/faults',
      payload: { service: 'cart', type: 'latency', startInSeconds: 1e308, durationSeconds: 60 },
    },
    'startInSeconds',
  ],
  [
    'an unknown service in the simulated Loki query',
    { method: 'GET', url: '/sim/loki/api/v1/query_range?query=%7Bservice%3D%22nope%22%7D' },
    'query',
  ],
  [
    'Loki nanoseconds beyond the Date range',
    { method: 'GET', url: `/sim/loki/api/v1/query_range?query=%7B%7D&start=${'9'.repeat(40)}` },
    'start',
  ],
  ['a repeated query parameter for a scalar', { method: 'GET', url: '/api/v1/audit?limit=1&limit=2' }, 'limit'],
  [
    'a missing required property',
    { method: 'POST', url: '/api/v1/query/range', payload: { start: 'now-1h', stepSeconds: 60 } },
    'query',
  ],
  ['an unexpected property', { method: 'POST', url: '/api/v1/rca', payload: { start: 'now-5m', bogus: 1 } }, 'bogus'],
  [
    'a step beyond a week',
    { method: 'POST', url: '/api/v1/query/range', payload: { query: 'up', start: 'now-1h', stepSeconds: 1e9 } },
    'stepSeconds',
  ],
  [
    'a body that is not JSON',
    { method: 'POST', url: '/api/v1/forecast', headers: { 'content-type': 'application/json' }, payload: '{"x":' },
    'body',
  ],
];

for (const [name, request, field] of cases) {
  test(`500 on bad input: ${name} → 400 naming ${field}`, async () => {
    const res = await app.inject(request);
    assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
    const body = res.json();
    assert.equal(body.field, field, res.body);
    assert.ok(body.message.startsWith(`${field}:`), body.message);
  });
}

test('querystring scalars are still coerced from text, and bodies still take numbers as numbers', async () => {
  const faults = await app.inject({ method: 'GET', url: '/sim/tempo/api/search?limit=3' });
  assert.equal(faults.statusCode, 200, faults.body);
  const ok = await app.inject({
    method: 'PUT',
    url: '/api/v1/sim/deployments/frontend/replicas',
    payload: { replicas: 3 },
  });
  assert.equal(ok.statusCode, 200, ok.body);
});

test('every 4xx names its field: unknown ids, unsupported media types', async () => {
  const notFound = await app.inject({ method: 'GET', url: '/api/v1/actions/nope' });
  assert.equal(notFound.statusCode, 404);
  assert.equal(notFound.json().field, 'id');
  const media = await app.inject({
    method: 'POST',
    url: '/api/v1/forecast',
    headers: { 'content-type': 'application/xml' },
    payload: '<x/>',
  });
  assert.equal(media.statusCode, 415);
  assert.equal(media.json().field, 'content-type');
});
