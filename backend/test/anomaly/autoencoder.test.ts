/** The multivariate autoencoder detector: pure scoring with an injected model, the shipped ONNX model, fallback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAutoencoderDetector,
  MvWindower,
  type Reconstruct,
} from '../../src/engines/anomaly/detectors/autoencoder.ts';
import { loadMvaeModel, MVAE_MODEL_NAME } from '../../src/models/mvaeModel.ts';
import { defaultModelsDir } from '../../src/health/models.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

/** rps with a daily cycle and latency following it; from `breakAt` latency rises while rps stays normal. */
function pair(n: number, breakAt: number): number[][] {
  const u = seededRandom(5);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const rps = 100 * Math.exp(0.5 * Math.sin((2 * Math.PI * i) / 288)) * (1 + 0.02 * (u() - 0.5));
    const latency = 2 * rps * (1 + 0.02 * (u() - 0.5)) * (i >= breakAt ? 1.6 : 1);
    rows.push([rps, latency]);
  }
  return rows;
}

/**
 * A hand-made "autoencoder" for the pair that knows the relation z_latency ≈ z_rps: it reconstructs both
 * metrics from their mean, so a broken relation leaves a residual while a shared swing does not.
 */
const relationModel: Reconstruct = async (batch, n) => {
  const out = new Float32Array(batch.length);
  for (let i = 0; i < n * 6; i++) {
    const m = (batch[2 * i]! + batch[2 * i + 1]!) / 2;
    out[2 * i] = m;
    out[2 * i + 1] = m;
  }
  return out;
};

/** Like relationModel, but rps is the anchor: latency is reconstructed from rps (rps passes through). */
const anchoredModel: Reconstruct = async (batch, n) => {
  const out = new Float32Array(batch.length);
  for (let i = 0; i < n * 6; i++) {
    out[2 * i] = batch[2 * i]!;
    out[2 * i + 1] = batch[2 * i]!;
  }
  return out;
};

test('a broken relation between two correlated metrics scores high and the metric that moved contributes most', async () => {
  const rows = pair(1400, 1100);
  const det = createAutoencoderDetector({ dimensions: 2, window: 6, reconstruct: anchoredModel });
  const out = await det.score(rows);
  assert.equal(out[100]!.score, 0, 'warm-up');
  assert.deepEqual(out[100]!.contributions, []);
  const quiet = Math.max(...out.slice(400, 1100).map((s) => s.score));
  assert.ok(quiet < 0.9, `largest score on the healthy stretch ${quiet}`);
  const hit = out.slice(1100, 1110).find((s) => s.score > 0.99);
  assert.ok(
    hit,
    `no high score in the 10 points after the break: ${out.slice(1100, 1110).map((s) => s.score.toFixed(3))}`
  );
  assert.ok(
    hit.contributions[1]! > 0.9,
    `latency should carry the error: ${hit.contributions.map((c) => c.toFixed(2))}`
  );
  assert.ok(Math.abs(hit.contributions[0]! + hit.contributions[1]! - 1) < 1e-9);
  assert.ok(det.stateSize() < 200, 'bounded state');
});

test('batch size and call boundaries do not change the scores (streaming, no look-ahead)', async () => {
  const a = pair(900, 10_000);
  const b = pair(900, 850);
  const whole = await createAutoencoderDetector({ dimensions: 2, window: 6, reconstruct: relationModel }).score(a);
  const small = createAutoencoderDetector({ dimensions: 2, window: 6, reconstruct: relationModel, batchSize: 7 });
  const pieces = [...(await small.score(a.slice(0, 333))), ...(await small.score(a.slice(333)))];
  assert.deepEqual(
    pieces.map((s) => s.score),
    whole.map((s) => s.score)
  );
  const broken = await createAutoencoderDetector({ dimensions: 2, window: 6, reconstruct: relationModel }).score(b);
  assert.deepEqual(
    broken.slice(0, 850).map((s) => s.score),
    whole.slice(0, 850).map((s) => s.score),
    'a later break cannot change earlier scores'
  );
  assert.ok(Math.max(...broken.slice(850).map((s) => s.score)) > 0.99);
});

test('a batch of calls: one reconstruct call per batchSize points', async () => {
  let calls = 0;
  const counting: Reconstruct = async (batch, n) => (calls++, relationModel(batch, n));
  await createAutoencoderDetector({ dimensions: 2, window: 6, reconstruct: counting, batchSize: 500 }).score(
    pair(1200, 10_000)
  );
  assert.equal(calls, 3);
  await assert.rejects(
    createAutoencoderDetector({ dimensions: 3, window: 6, reconstruct: counting }).score([[1, 2]]),
    /expected 3 metrics/
  );
});

test('MvWindower: standardised against the past, oldest first, missing values are z = 0', () => {
  const w = new MvWindower(2, 3, { normWarmUp: 10 });
  for (let i = 0; i < 20; i++) {
    w.push([10 + (i % 2), 5]);
  }
  w.push([Number.NaN, 5]);
  const out = new Float32Array(6);
  w.fill(out, 0);
  assert.equal(out[4], 0, 'missing metric');
  assert.ok(Math.abs(out[0]!) < 3 && Math.abs(out[2]!) < 3, `in range: ${Array.from(out)}`);
  w.push([1000, 5]);
  w.fill(out, 0);
  assert.equal(out[4], 8, 'a far jump is clipped at 8');
  assert.equal(out[5], 0, 'a flat metric stays at 0 (sd floor, no division by zero)');
});

test('the shipped model reproduces its golden vectors through onnxruntime-node', async () => {
  const model = await loadMvaeModel();
  assert.equal(model.state, 'loaded', model.state === 'loaded' ? '' : model.error);
  if (model.state !== 'loaded') {
    return;
  }
  const golden = JSON.parse(
    readFileSync(join(defaultModelsDir(), 'mvae', `${MVAE_MODEL_NAME}.golden.json`), 'utf8')
  ) as {
    inputs: { window: { shape: [number, number]; data: number[] } };
    output: { data: number[] };
    tolerance: number;
  };
  const [n, width] = golden.inputs.window.shape;
  assert.equal(width, model.spec.window * model.spec.features.length);
  const out = await model.reconstruct(Float32Array.from(golden.inputs.window.data), n);
  assert.equal(out.length, golden.output.data.length);
  golden.output.data.forEach((v, i) =>
    assert.ok(Math.abs(out[i]! - v) <= golden.tolerance, `index ${i}: ${out[i]} vs ${v}`)
  );
});

test('a missing or tampered model is "not available" with the reason', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'aidpe-mvae-'));
  const missing = await loadMvaeModel({ modelsDir: empty });
  assert.ok(missing.state === 'missing', missing.state);
  assert.match(missing.error, /not available: .*missing/);
  const tampered = mkdtempSync(join(tmpdir(), 'aidpe-mvae-'));
  mkdirSync(join(tampered, 'mvae'));
  copyFileSync(
    join(defaultModelsDir(), 'mvae', `${MVAE_MODEL_NAME}.onnx`),
    join(tampered, 'mvae', `${MVAE_MODEL_NAME}.onnx`)
  );
  const card = JSON.parse(
    readFileSync(join(defaultModelsDir(), 'mvae', `${MVAE_MODEL_NAME}.card.json`), 'utf8')
  ) as Record<string, unknown>;
  writeFileSync(
    join(tampered, 'mvae', `${MVAE_MODEL_NAME}.card.json`),
    JSON.stringify({ ...card, sha256: '0'.repeat(64) })
  );
  const bad = await loadMvaeModel({ modelsDir: tampered });
  assert.equal(bad.state, 'checksum_mismatch');
});

test('weighing the newest window step changes the scores, never the warm-up; a bad weight is refused', async () => {
  const rows = pair(1400, 1100);
  const plain = await createAutoencoderDetector({ dimensions: 2, window: 6, reconstruct: anchoredModel }).score(rows);
  const weighted = await createAutoencoderDetector({
    dimensions: 2,
    window: 6,
    reconstruct: anchoredModel,
    newestStepWeight: 6,
  }).score(rows);
  assert.deepEqual(
    weighted.slice(0, 289).map((s) => s.score),
    plain.slice(0, 289).map((s) => s.score)
  );
  assert.notDeepEqual(
    weighted.slice(289).map((s) => s.score),
    plain.slice(289).map((s) => s.score)
  );
  assert.ok(weighted.slice(1100, 1110).some((s) => s.score > 0.99));
  assert.throws(
    () => createAutoencoderDetector({ dimensions: 2, window: 6, reconstruct: anchoredModel, newestStepWeight: 0 }),
    /newestStepWeight/
  );
});
