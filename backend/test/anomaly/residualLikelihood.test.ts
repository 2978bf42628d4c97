import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createResidualLikelihoodDetector,
  runResidualLikelihood,
} from '../../src/engines/anomaly/detectors/residualLikelihood.ts';

const STEP = 300_000; // 5 min
const ts = (n: number) => Array.from({ length: n }, (_, i) => 1_600_000_000_000 + i * STEP);

/** Deterministic pseudo-random normal noise (LCG + Box–Muller). */
function noise(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}
const maxIn = (a: ArrayLike<number>, from: number, to: number) => Math.max(...Array.from(a).slice(from, to));

test('spike in a flat series scores high after warm-up, flat points score ~0', () => {
  const n = 1500;
  const v = Array.from({ length: n }, () => 10);
  v[1000] = 50;
  const s = runResidualLikelihood(ts(n), v);
  assert.ok(s[1000]! > 0.7, `spike score ${s[1000]}`);
  assert.ok(maxIn(s, 400, 1000) < 0.05, `flat max ${maxIn(s, 400, 1000)}`);
  for (const x of s) {
    assert.ok(x >= 0 && x <= 1);
  }
  assert.equal(maxIn(s, 0, 288), 0, 'warm-up scores 0');
});

test('a single spike in a noisy series scores lower than a sustained level shift', () => {
  const n = 2000;
  const e = noise(n, 7);
  const spike = e.map((x) => 100 + 5 * x);
  spike[1200] = 100 + 5 * 5; // one 5-sigma point
  const shift = e.map((x, i) => 100 + 5 * x + (i >= 1200 ? 25 : 0)); // sustained 5-sigma shift
  const a = runResidualLikelihood(ts(n), spike);
  const b = runResidualLikelihood(ts(n), shift);
  const spikeMax = maxIn(a, 1200, 1230);
  const shiftMax = maxIn(b, 1200, 1230);
  assert.ok(shiftMax > spikeMax + 0.1, `shift ${shiftMax} vs spike ${spikeMax}`);
  assert.ok(shiftMax > 0.8, `shift ${shiftMax}`);
});

test('no look-ahead: the score at i is unchanged when later values change', () => {
  const n = 1500;
  const t = ts(n);
  const v = noise(n, 3).map((x, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + x);
  const w = v.slice();
  for (let i = 900; i < n; i++) {
    w[i] = w[i]! * 3 + 17;
  }
  const a = runResidualLikelihood(t, v);
  const b = runResidualLikelihood(t, w);
  assert.deepEqual(Array.from(a.subarray(0, 900)), Array.from(b.subarray(0, 900)));
  assert.notDeepEqual(Array.from(a.subarray(900)), Array.from(b.subarray(900)));
});

test('deterministic: same input, same scores', () => {
  const n = 1200;
  const v = noise(n, 11).map((x) => 20 + x);
  assert.deepEqual(Array.from(runResidualLikelihood(ts(n), v)), Array.from(runResidualLikelihood(ts(n), v)));
});

test('detects a daily period and uses seasonal-naive residuals', () => {
  const n = 1000;
  const v = noise(n, 5).map((x, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 0.5 * x);
  const d = createResidualLikelihoodDetector();
  const t = ts(n);
  for (let i = 0; i < n; i++) {
    d.update(t[i]!, v[i]!);
  }
  assert.equal(d.period(), 288);
  const flat = createResidualLikelihoodDetector();
  const e = noise(n, 5);
  for (let i = 0; i < n; i++) {
    flat.update(t[i]!, e[i]!);
  }
  assert.equal(flat.period(), 0);
});

test('bounded memory: internal buffers stop growing with series length', () => {
  const d = createResidualLikelihoodDetector();
  const e = noise(30_000, 9);
  let at10k = 0;
  for (let i = 0; i < e.length; i++) {
    d.update(1_600_000_000_000 + i * STEP, 5 + e[i]!);
    if (i === 9_999) {
      at10k = d.stateSize();
    }
  }
  assert.equal(d.stateSize(), at10k);
  assert.ok(at10k <= 2 * 1008 + 1024 + 10 + 2000 + 32);
});
