/**
 * Demo mode: forecasts of the embedded simulator's series through SimulatorSource (selector queries only),
 * on the default demo cluster with a few hours of pre-computed history.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createDemoCluster } from '../../src/sim/demo.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';
import { field, tempModelsDir } from './helpers.ts';

const WALL_NOW = Date.UTC(2025, 5, 2, 12, 0, 0);
const models = tempModelsDir();
const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent', modelsDir: models.dir } });
const demo = createDemoCluster(config, { warmupSeconds: 3 * 3600, wallNow: () => WALL_NOW });
const app = await buildApp({
  config,
  telemetry: new SimulatorSource(demo.cluster, { wallNow: () => WALL_NOW }),
  cluster: demo.cluster,
  logger: false,
  now: () => WALL_NOW,
});

after(async () => {
  await app.close();
  models.cleanup();
});

test('a selector over the demo history is forecast for every matching service', async () => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/forecast',
    payload: {
      query: 'aidpe_sim_request_rate{service=~"frontend|cart"}',
      start: 'now-3h',
      stepSeconds: 60,
      horizonSeconds: 1800,
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body.series.map((s: { labels: Record<string, string> }) => s.labels['service']).sort(), [
    'cart',
    'frontend',
  ]);
  for (const s of body.series) {
    assert.ok(s.status === 'ok' || s.status === 'partial', `${s.name}: ${s.status} ${JSON.stringify(s.reasons)}`);
    assert.equal(s.horizon, 30);
    assert.equal(s.stepSeconds, 60);
    // Three hours cannot show a daily season (an hourly one, from the trace's timer-driven functions, may be found).
    assert.ok(s.seasonPeriod < 1440, `three hours hold no daily season, got ${s.seasonPeriod}`);
    const time = field(s.frame, 'time').values as number[];
    assert.equal(time.at(-1), WALL_NOW + 30 * 60_000, 'the forecast runs 30 minutes past now');
    const history = field(s.frame, 'value').values.filter((v) => v !== null) as number[];
    assert.ok(history.length >= 150, `${history.length} points of history`);
    assert.ok(history.every((v) => v >= 0));
    const fc = field(s.frame, 'forecast').values.slice(-30) as number[];
    const lower = field(s.frame, 'lower').values.slice(-30) as number[];
    const upper = field(s.frame, 'upper').values.slice(-30) as number[];
    fc.forEach((v, k) =>
      assert.ok(Number.isFinite(v) && lower[k]! <= v && v <= upper[k]!, `step ${k}: ${lower[k]} ≤ ${v} ≤ ${upper[k]}`)
    );
    // A request rate forecast should stay in the range the history has seen (with some slack).
    const max = Math.max(...history);
    assert.ok(
      fc.every((v) => v <= 2 * max + 1),
      `forecast ${Math.max(...fc)} vs history max ${max}`
    );
  }
});

test('full PromQL on the simulator is 501 with a pointer to Prometheus; a malformed selector is 400', async () => {
  const unsupported = await app.inject({
    method: 'POST',
    url: '/api/v1/forecast',
    payload: {
      query: 'sum by (service) (rate(aidpe_sim_requests_total[5m]))',
      start: 'now-1h',
      stepSeconds: 60,
      horizon: 10,
    },
  });
  assert.equal(unsupported.statusCode, 501, unsupported.body);
  assert.match(unsupported.json().message, /only PromQL instant-vector selectors.*configure Prometheus/);
  const bad = await app.inject({
    method: 'POST',
    url: '/api/v1/forecast',
    payload: { query: 'aidpe_sim_request_rate{service="cart"', start: 'now-1h', stepSeconds: 60, horizon: 10 },
  });
  assert.equal(bad.statusCode, 400, bad.body);
  assert.match(bad.json().message, /parse error at position/);
});

test('before the simulated history there is nothing to forecast, and the answer says so', async () => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/forecast',
    payload: {
      query: 'aidpe_sim_request_rate{service="cart"}',
      start: WALL_NOW - 10 * 86_400_000,
      end: WALL_NOW - 9 * 86_400_000,
      stepSeconds: 300,
      horizon: 10,
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().series, []);
  assert.match(res.json().warnings.join('\n'), /returned no series/);
});
