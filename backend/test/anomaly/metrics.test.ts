import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aucPr, labelRanges, vusPr } from '../../src/eval/nab/metrics.ts';
import { createNullDetector, createWindowedGaussian, erfc, runDetector } from '../../src/engines/anomaly/baselines.ts';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function labels(n: number, ranges: Array<[number, number]>): Uint8Array {
  const out = new Uint8Array(n);
  for (const [s, e] of ranges) {
    out.fill(1, s, e + 1);
  }
  return out;
}

test('AUC-PR: hand case, perfect and random', () => {
  // Descending: 1 (P=1), 0 (P=1/2), 1 (P=2/3), 0 → AP = ½·1 + ½·⅔ = 0.8333…
  assert.ok(Math.abs(aucPr([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]) - 5 / 6) < 1e-12);
  const y = labels(1000, [
    [100, 149],
    [600, 649],
  ]);
  assert.equal(aucPr(Float64Array.from(y), y), 1);
  const rnd = lcg(7);
  const random = aucPr(Float64Array.from({ length: 1000 }, rnd), y);
  assert.ok(random > 0.05 && random < 0.2, `random AUC-PR ${random} should be near the positive rate 0.1`);
  // Constant scores: one threshold, AP = positive rate.
  assert.ok(Math.abs(aucPr(new Float64Array(1000), y) - 0.1) < 1e-12);
});

test('VUS-PR: perfect = 1, random well below, near-miss better than far miss', () => {
  const n = 1000;
  const y = labels(n, [
    [100, 149],
    [600, 649],
  ]);
  assert.deepEqual(labelRanges(y), [
    [100, 149],
    [600, 649],
  ]);
  assert.ok(Math.abs(vusPr(Float64Array.from(y), y) - 1) < 1e-12);
  const rnd = lcg(11);
  const random = vusPr(Float64Array.from({ length: n }, rnd), y);
  assert.ok(random > 0 && random < 0.3, `random VUS-PR ${random}`);
  // Predictions shifted just before each range get buffer credit; far-away ones get none.
  const near = new Float64Array(n);
  near.fill(1, 90, 100);
  near.fill(1, 590, 600);
  const far = new Float64Array(n);
  far.fill(1, 300, 310);
  far.fill(1, 800, 810);
  assert.ok(vusPr(near, y) > vusPr(far, y));
});

test('erfc matches known values', () => {
  assert.ok(Math.abs(erfc(0) - 1) < 1e-7);
  assert.ok(Math.abs(erfc(1) - 0.157299207050285) < 1e-7);
  assert.ok(Math.abs(erfc(-1) - 1.842700792949715) < 1e-7);
  assert.ok(Math.abs(erfc(2) - 0.004677734981047) < 1e-8);
});

test('windowed Gaussian flags an obvious spike, streams with no look-ahead', () => {
  const rnd = lcg(3);
  const values = Array.from({ length: 600 }, (_, i) => 10 + Math.sin(i / 10) + 0.1 * rnd());
  values[400] = 40;
  const scores = runDetector(createWindowedGaussian(), values);
  assert.equal(scores[0], 0);
  assert.ok(scores[400]! > 0.999999, `spike score ${scores[400]}`);
  let maxOther = 0;
  for (let i = 50; i < 600; i++) {
    if (i !== 400) {
      maxOther = Math.max(maxOther, scores[i]!);
    }
  }
  assert.ok(scores[400]! > maxOther);
  // No look-ahead: scores of a prefix equal the prefix of the scores.
  const prefix = runDetector(createWindowedGaussian(), values.slice(0, 400));
  assert.deepEqual(Array.from(prefix), Array.from(scores.subarray(0, 400)));
  // Sliding window (small sizes): still finite scores in [0, 1].
  const small = runDetector(createWindowedGaussian({ windowSize: 50, stepSize: 10 }), values);
  assert.ok(small.every((s) => s >= 0 && s <= 1));
  assert.ok(small[400]! > 0.999);
  assert.ok(runDetector(createNullDetector(), values).every((s) => s === 0));
});
