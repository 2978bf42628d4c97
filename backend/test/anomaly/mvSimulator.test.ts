/**
 * The multivariate path on the simulator: an injected fault is flagged within a few minutes and a fault-free
 * stretch has no regions (default detector, PCA), through the API's groupBy; the autoencoder through the same
 * path, and its fallback to PCA when the model is not available.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { MV_FEATURES, simulateMvRun } from '../../src/eval/multivariate/simData.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';

const MINUTES = 720;
const FAULT_START = 560;
const FAULT_MINUTES = 40;
/** A fault must be flagged within this many minutes of its start. */
const MAX_DELAY_MINUTES = 5;
/** Fault-free stretch checked for regions: after the detectors' warm-up, up to the fault. */
const CLEAN_FROM = 300;
/** Prometheus-style names for the simulator's features (the autoencoder matches series by name). */
const NAMES: Record<(typeof MV_FEATURES)[number], Record<string, string>> = {
  arrivalRps: { __name__: 'aidpe_sim_request_rate' },
  cpuUtilization: { __name__: 'aidpe_sim_cpu_utilization' },
  latencyP50Ms: { __name__: 'aidpe_sim_latency_seconds', quantile: '0.5' },
  latencyP95Ms: { __name__: 'aidpe_sim_latency_seconds', quantile: '0.95' },
  errorRatio: { __name__: 'aidpe_sim_error_ratio' },
  memoryBytes: { __name__: 'aidpe_sim_memory_bytes' },
};

const runs = (['cpu_contention', 'latency'] as const).map((type) => ({
  type,
  run: simulateMvRun({
    seed: 7,
    workload: 'synthetic',
    minutes: MINUTES,
    injected: [{ service: 'cart', type, startMinute: FAULT_START, minutes: FAULT_MINUTES }],
  }),
}));

function seriesOf(run: (typeof runs)[number]['run'], service: string) {
  const d = MV_FEATURES.length;
  const data = run.services.get(service)!;
  const timestamps = Array.from({ length: MINUTES }, (_, m) => run.startTimeMs / 1000 + m * 60);
  return MV_FEATURES.map((f, j) => ({
    labels: { ...NAMES[f], service },
    timestamps,
    values: timestamps.map((_, m) => data[m * d + j]!),
  }));
}

async function appWith(modelsDir: string | undefined) {
  const config = loadConfig({
    env: {
      AIDPE_MODE: 'live',
      AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1',
      ...(modelsDir ? { AIDPE_MODELS_DIR: modelsDir } : {}),
    },
  });
  return buildApp({
    config,
    telemetry: new ScriptedTelemetry(),
    logger: false,
    store: undefined,
    now: () => 1_700_000_000_000,
  });
}
const app = await appWith(undefined);
const noModel = await appWith(mkdtempSync(join(tmpdir(), 'aidpe-no-models-')));
after(async () => {
  await app.close();
  await noModel.close();
});

interface Group {
  detector: string;
  status: string;
  notes: string[];
  regions: Array<{ startMs: number; endMs: number; contributors: Array<{ metric: string; share: number }> }>;
}

for (const { type, run } of runs) {
  test(`default multivariate detector: a ${type} fault on cart is flagged within ${MAX_DELAY_MINUTES} minutes, no regions before it`, async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/anomalies',
      payload: { series: seriesOf(run, 'cart'), groupBy: 'service' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const group = res.json().groups[0] as Group;
    assert.equal(group.detector, 'pca');
    assert.equal(group.status, 'ok');
    const startMs = run.startTimeMs + FAULT_START * 60_000;
    const clean = group.regions.filter((r) => r.endMs >= run.startTimeMs + CLEAN_FROM * 60_000 && r.startMs < startMs);
    assert.deepEqual(clean, [], 'regions on the fault-free stretch');
    const hit = group.regions.find((r) => r.startMs >= startMs && r.startMs < startMs + FAULT_MINUTES * 60_000);
    assert.ok(hit, `no region in the fault: ${JSON.stringify(group.regions.map((r) => [r.startMs, r.endMs]))}`);
    const delay = (hit.startMs - startMs) / 60_000;
    assert.ok(delay <= MAX_DELAY_MINUTES, `flagged after ${delay} minutes`);
  });
}

test('the autoencoder through groupBy: scores the simulator service with regions naming metrics', async () => {
  const { run } = runs[0]!;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/anomalies',
    payload: { series: seriesOf(run, 'cart'), groupBy: 'service', multivariateDetector: 'autoencoder' },
  });
  assert.equal(res.statusCode, 200, res.body);
  const group = res.json().groups[0] as Group;
  assert.equal(group.detector, 'autoencoder', JSON.stringify(group.notes));
  assert.deepEqual(group.notes, [], 'every series matched a feature');
  assert.equal(group.status, 'ok');
  for (const r of group.regions) {
    const total = r.contributors.reduce((a, c) => a + c.share, 0);
    assert.ok(r.contributors.length >= 1 && total <= 1 + 1e-9, JSON.stringify(r.contributors));
  }
});

test('without the model the autoencoder request falls back to PCA and says so', async () => {
  const { run } = runs[0]!;
  const res = await noModel.inject({
    method: 'POST',
    url: '/api/v1/anomalies',
    payload: { series: seriesOf(run, 'cart'), groupBy: 'service', multivariateDetector: 'autoencoder' },
  });
  assert.equal(res.statusCode, 200, res.body);
  const group = res.json().groups[0] as Group;
  assert.equal(group.detector, 'pca');
  assert.match(group.notes.join(' '), /not available: .*missing.*scored with PCA instead/);
  assert.ok((res.json().warnings as string[]).some((w) => /multivariate: .*PCA instead/.test(w)));
  const bad = await app.inject({
    method: 'POST',
    url: '/api/v1/anomalies',
    payload: { series: seriesOf(run, 'cart'), multivariateDetector: 'autoencoder' },
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /multivariateDetector/);
});
