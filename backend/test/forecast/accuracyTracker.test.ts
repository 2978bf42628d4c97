/**
 * The forecast accuracy tracker driven by hand on a small simulated cluster: backtest points per model at
 * every forecast, realised scores of the ensemble once the horizon has passed, and the accuracy API.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ENSEMBLE_MODEL, ForecastAccuracyTracker } from '../../src/watch/forecastAccuracy.ts';
import { STATISTICAL_CANDIDATES } from '../../src/engines/forecast/candidates.ts';
import type { LoadedForecastModels } from '../../src/models/forecastRegistry.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

const START = Date.UTC(2025, 0, 1);
const cluster = new SimulatedCluster({
  seed: 5,
  topology: defaultTopology(),
  workload: syntheticDiurnalTrace({ days: 1 }),
  tickSeconds: 5,
  startTimeMs: START,
  historyRetentionSeconds: 6 * 3600,
});
cluster.advance(3 * 3600);
const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });
// Statistical candidates only (fast, no ONNX); a card for a deep model that is not among them shows how cards are read.
const loaded: LoadedForecastModels = {
  candidates: STATISTICAL_CANDIDATES,
  deepNames: [],
  models: [],
  warnings: [],
};
const HORIZON = 6;
const tracker = new ForecastAccuracyTracker({
  telemetry,
  models: async () => loaded,
  // Two services keep it small.
  watches: [{ query: 'aidpe_sim_request_rate{service=~"frontend|cart"}', stepSeconds: 60, horizon: HORIZON }],
  now: () => cluster.now(),
  lookbackSeconds: 2 * 3600,
  windowSeconds: 3600,
  referenceSpanSeconds: 1800,
});
const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } });
const app = await buildApp({
  config,
  telemetry,
  cluster,
  forecastAccuracy: tracker,
  logger: false,
  now: () => cluster.now(),
});
const bare = await buildApp({
  config: loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } }),
  telemetry,
  logger: false,
});
after(async () => {
  await app.close();
  await bare.close();
});

test('backtest points appear at every forecast; realised scores only once the horizon has passed', async () => {
  await tracker.tick();
  assert.equal(tracker.lastRun?.error, undefined);
  assert.equal(tracker.lastRun?.forecasts, 2);
  assert.equal(tracker.lastRun?.scored, 0);
  const series = tracker.series();
  assert.deepEqual(series.map((s) => s.labels['service']).sort(), ['cart', 'frontend']);
  assert.ok(series.every((s) => s.pendingForecasts === 1 && s.realised === null));
  const models = tracker.models();
  assert.ok(models.some((m) => m.model === 'naive' && m.points.length === 1 && m.points[0]!.relativeToNaive === 1));
  assert.equal(models[0]!.model, ENSEMBLE_MODEL);

  // Not due again within the interval: nothing new.
  cluster.advance(60);
  await tracker.tick();
  assert.equal(tracker.series()[0]!.pendingForecasts, 1);

  // Every 5 minutes: the 6-minute forecasts of the first tick mature at the second forecast after it.
  cluster.advance(240);
  await tracker.tick();
  assert.equal(tracker.lastRun?.scored, 0, 'the first forecast (6 min) has not matured after 5 min');
  cluster.advance(300);
  await tracker.tick();
  assert.equal(tracker.lastRun?.scored, 2);
  const scored = tracker.series();
  for (const s of scored) {
    assert.ok(s.realised, s.name);
    assert.equal(s.realised.issuedAtMs, START + 3 * 3600 * 1000);
    assert.equal(s.realised.points, HORIZON);
    assert.ok(s.realised.mase > 0 && Number.isFinite(s.realised.mase));
    assert.ok(s.realised.coverage80 >= 0 && s.realised.coverage80 <= 1);
  }
  const ensemble = tracker.models().find((m) => m.model === ENSEMBLE_MODEL)!;
  const first = ensemble.points.find((p) => p.t === START + 3 * 3600 * 1000)!;
  assert.ok(typeof first.realisedMase === 'number' && typeof first.coverage80 === 'number');
  assert.ok(typeof first.backtestMase === 'number', 'the realised score sits next to that time’s backtest error');
  // The latest forecast has no realised score yet.
  assert.equal(ensemble.points[ensemble.points.length - 1]!.realisedMase, undefined);
});

test('GET /api/v1/forecast/accuracy answers models with points, references, drift and per-series realised accuracy', async () => {
  for (let i = 0; i < 4; i++) {
    cluster.advance(300);
    await tracker.tick();
  }
  const res = await app.inject({ method: 'GET', url: '/api/v1/forecast/accuracy' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.running, true);
  assert.equal(body.maturesInMinutes, 11);
  assert.equal(body.lastRun.error, undefined);
  const ensemble = body.models.find((m: { model: string }) => m.model === ENSEMBLE_MODEL);
  assert.equal(ensemble.kind, 'ensemble');
  assert.equal(ensemble.metric, 'realisedMase');
  assert.ok(ensemble.points.filter((p: { realisedMase?: number }) => p.realisedMase !== undefined).length >= 4);
  assert.ok(typeof ensemble.rolling === 'number');
  assert.ok(typeof ensemble.rollingCoverage80 === 'number');
  assert.equal(typeof ensemble.reason, 'string');
  const naive = body.models.find((m: { model: string }) => m.model === 'naive');
  assert.equal(naive.kind, 'statistical');
  assert.equal(naive.metric, 'backtestMase');
  assert.match(naive.reference.source, /own first 0\.5 h median/);
  assert.equal(typeof naive.drift, 'boolean');
  assert.equal(body.series.length, 2);
  assert.ok(
    body.series.every((s: { realised: { mase: number } | null }) => s.realised !== null && s.realised.mase > 0)
  );
});

test('without a tracker the API answers an empty list and says why', async () => {
  const res = await bare.inject({ method: 'GET', url: '/api/v1/forecast/accuracy' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.running, false);
  assert.deepEqual(body.models, []);
  assert.deepEqual(body.series, []);
  assert.match(body.message, /not running/);
});

test('a deep model is judged against its card: no better than naive where the card promised half its error → drift', async () => {
  // A stand-in for the LSTM that repeats the last value, so its error relative to naive is exactly 1.
  const standIn = {
    name: 'lstm',
    applicable: () => true,
    predict: (ws: Array<{ values: Float64Array }>, h: number) =>
      ws.map((w) => ({ p50: new Float64Array(h).fill(w.values[w.values.length - 1]!) })),
  };
  const withDeep: LoadedForecastModels = {
    candidates: [...STATISTICAL_CANDIDATES, standIn],
    deepNames: ['lstm'],
    models: [
      {
        name: 'lstm',
        file: 'aidpe-lstm-v1.onnx',
        version: '1.0.0',
        state: 'loaded',
        card: { validation: { sim: { windows: 120, pinball: 0.2, mae: 0.6, coverage80: 0.9, naiveMae: 1.2 } } },
      },
    ],
    warnings: [],
  };
  const deepTracker = new ForecastAccuracyTracker({
    telemetry,
    models: async () => withDeep,
    watches: [{ query: 'aidpe_sim_request_rate{service="frontend"}', stepSeconds: 60, horizon: HORIZON }],
    now: () => cluster.now(),
    lookbackSeconds: 2 * 3600,
  });
  for (let i = 0; i < 3; i++) {
    if (i > 0) {
      cluster.advance(300);
    }
    await deepTracker.tick();
  }
  const lstm = deepTracker.models().find((m) => m.model === 'lstm')!;
  assert.equal(lstm.kind, 'deep');
  assert.equal(lstm.metric, 'relativeToNaive');
  assert.equal(lstm.points.length, 3);
  assert.ok(lstm.points.every((p) => p.relativeToNaive === 1));
  assert.equal(lstm.reference?.value, 0.5);
  assert.equal(lstm.ratio, 2);
  assert.equal(lstm.drift, true);
  assert.match(
    lstm.reason,
    /relativeToNaive 1\.00 .* 2\.00× the reference 0\.500 from model card \(sim validation, mae\/naiveMae\) \(above 1\.5×: drift\)/
  );
});

test('a failing query is recorded in lastRun', async () => {
  const broken = new ForecastAccuracyTracker({
    telemetry: {
      ...telemetry,
      queryRange: async () => Promise.reject(new Error('boom')),
    } as unknown as SimulatorSource,
    models: async () => loaded,
    watches: [{ query: 'aidpe_sim_request_rate', stepSeconds: 60, horizon: 5 }],
    now: () => cluster.now(),
  });
  await broken.tick();
  assert.match(broken.lastRun!.error!, /boom/);
  assert.throws(
    () =>
      new ForecastAccuracyTracker({
        telemetry,
        models: async () => loaded,
        watches: [{ query: 'x', stepSeconds: 60, horizon: 0 }],
      }),
    /horizon/
  );
});
