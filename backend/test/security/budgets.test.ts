/**
 * Defect: heavy requests were started before they were judged — RCA with `"start": 0` spent 2 s of CPU before
 * answering 400. Request budgets (window, steps, points, series) are checked before any query or computation.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { InlineCompute, type Compute } from '../../src/compute/pool.ts';
import { MAX_TOTAL_POINTS } from '../../src/usecases/budgets.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';

const telemetry = new ScriptedTelemetry();
/** Counts the engine tasks the app starts. */
const tasks: string[] = [];
const inline = new InlineCompute();
const compute: Compute = {
  run: (task, input, opts) => {
    tasks.push(task);
    return inline.run(task, input, opts);
  },
  stats: () => inline.stats(),
  close: () => inline.close(),
};
const app = await buildApp({
  config: loadConfig({
    env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1', AIDPE_TEMPO_URL: 'http://127.0.0.1:1' },
    overrides: { logLevel: 'silent' },
  }),
  telemetry,
  compute,
  logger: false,
});
after(() => app.close());

const nothingStarted = () => {
  assert.equal(telemetry.rangeCalls.length, 0, 'no query was sent');
  assert.deepEqual(tasks, [], 'no engine task was started');
};

test('RCA with "start": 0 answers 400 naming start before any query or computation', async () => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/rca',
    payload: { start: 0, latencyQuery: 'lat', errorQuery: 'err' },
  });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().field, 'start');
  assert.match(res.json().message, /root-cause analysis looks at most 6 h/);
  const graph = await app.inject({ method: 'POST', url: '/api/v1/rca/graph', payload: { start: 0 } });
  assert.equal(graph.statusCode, 400);
  nothingStarted();
});

test('a raw range query of more than 11,000 steps is refused before it is sent', async () => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/query/range',
    payload: { query: 'up', start: 'now-1d', stepSeconds: 1 },
  });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().field, 'stepSeconds');
  nothingStarted();
});

test('inline series beyond the points budget are refused before scoring', async () => {
  const series = (n: number) => ({
    timestamps: Array.from({ length: n }, (_, i) => 1_700_000_000 + 60 * i),
    values: Array.from({ length: n }, (_, i) => i % 10),
  });
  const over = await app.inject({
    method: 'POST',
    url: '/api/v1/anomalies',
    payload: { series: [series(100_000), series(100_001)] },
  });
  assert.equal(over.statusCode, 400);
  assert.equal(over.json().field, 'series');
  nothingStarted();
});

test('a query answering more points than the budget is refused before the forecast runs', async () => {
  const samples = Array.from({ length: 100_000 }, (_, i): [number, number] => [1_700_000_000 + 60 * i, i % 10]);
  telemetry.next = async () => ({
    resultType: 'matrix',
    series: [0, 1, 2].map((k) => ({ labels: { k: String(k) }, samples })),
    warnings: [],
  });
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/forecast',
    payload: { query: 'up', start: 1_700_000_000, end: 1_700_000_000 + 60 * 99_999, stepSeconds: 60, horizon: 10 },
  });
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(res.json().field, 'query');
  assert.match(res.json().message, new RegExp(`at most ${MAX_TOTAL_POINTS}`));
  assert.deepEqual(tasks, [], 'no engine task was started');
});
