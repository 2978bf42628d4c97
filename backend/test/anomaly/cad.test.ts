/**
 * CAD OSE (Contextual Anomaly Detector, open-source edition): learns a repeated pattern (scores fall), scores a
 * novel pattern high, is deterministic, and snapshot → JSON → restore between chunks equals one pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCadDetector, runCad, type CadState } from '../../src/engines/anomaly/detectors/cad.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

/** A repeated 8-step staircase (0..7) for `n` points, then a different pattern (7, 0, 7, 0, …) for `novel` points. */
function patterned(n: number, novel: number): number[] {
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    v.push(i % 8);
  }
  for (let i = 0; i < novel; i++) {
    v.push(i % 2 === 0 ? 7 : 0);
  }
  return v;
}

const mean = (a: ArrayLike<number>, from: number, to: number): number => {
  let s = 0;
  for (let i = from; i < to; i++) {
    s += a[i]!;
  }
  return s / (to - from);
};

test('CAD OSE: a learned repeated pattern scores ~0, a novel one scores high', () => {
  const values = patterned(800, 40);
  const scores = runCad(values, { range: { min: 0, max: 7 }, restPeriod: 10 });
  assert.equal(scores.length, values.length);
  for (const s of scores) {
    assert.ok(s >= 0 && s <= 1, `score ${s} outside [0, 1]`);
  }
  const learned = mean(scores, 600, 800);
  const novel = Math.max(...scores.slice(800, 840));
  assert.ok(learned < 0.05, `learned pattern should score ~0, got mean ${learned}`);
  assert.ok(novel > 0.4, `novel pattern should score high, got max ${novel}`);
  // The same series without the novel part never scores that high after the warm-up: the rise is the novelty.
  const plain = runCad(patterned(840, 0), { range: { min: 0, max: 7 }, restPeriod: 10 });
  assert.ok(Math.max(...plain.slice(600)) < 0.4);
});

test('CAD OSE: the range is learned from the warm-up when not given (scores 0 there), same outcome', () => {
  const values = patterned(800, 40);
  const scores = runCad(values, { rangeWarmup: 64, restPeriod: 10 });
  for (let i = 0; i < 63; i++) {
    assert.equal(scores[i], 0);
  }
  assert.ok(mean(scores, 600, 800) < 0.05);
  assert.ok(Math.max(...scores.slice(800, 840)) > 0.4);
});

test('CAD OSE: deterministic, and chunked with snapshot → JSON → restore equals one pass', () => {
  const u = seededRandom(7);
  const values = Array.from(
    { length: 1500 },
    (_, i) => 50 + 20 * Math.sin(i / 10) + 8 * u() + (i > 1200 && i < 1230 ? 60 : 0)
  );
  const a = runCad(values);
  const b = runCad(values);
  assert.deepEqual([...a], [...b]);
  const cuts = [0, 1, 299, 300, 301, 777, 1499, 1500];
  let det = createCadDetector();
  const chunked: number[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    for (let i = cuts[k]!; i < cuts[k + 1]!; i++) {
      chunked.push(det.next(values[i]!));
    }
    const state = JSON.parse(JSON.stringify(det.snapshot())) as CadState;
    det = createCadDetector();
    det.restore(state);
  }
  assert.deepEqual(chunked, [...a]);
  assert.ok(Math.max(...a) > 0);
});

test('CAD OSE: a value outside the learned range widens it by rangeMargin (default 0.6) of the new span', () => {
  const det = createCadDetector({ rangeWarmup: 64, restPeriod: 10 });
  for (const v of patterned(64, 0)) {
    det.next(v);
  }
  assert.deepEqual(det.snapshot().range, { min: 0, max: 7 });
  det.next(10);
  // New span 0..10 → max 10 + 0.6 · 10; the low side stays.
  assert.deepEqual(det.snapshot().range, { min: 0, max: 16 });
  det.next(15); // inside the margin: no further widening
  assert.deepEqual(det.snapshot().range, { min: 0, max: 16 });
  const narrow = createCadDetector({ rangeWarmup: 64, restPeriod: 10, rangeMargin: 0.1 });
  for (const v of [...patterned(64, 0), 10]) {
    narrow.next(v);
  }
  assert.deepEqual(narrow.snapshot().range, { min: 0, max: 11 });
});

test('CAD OSE: rangeExpandAfter clamps short excursions and widens over a persistent one, across snapshot/restore', () => {
  const values = [...patterned(64, 0), 20, 3, 4, 12, 30, 11, ...patterned(40, 0)];
  const options = { rangeWarmup: 64, restPeriod: 10, rangeExpandAfter: 3, rangeMargin: 0 };
  const det = createCadDetector(options);
  for (const v of values.slice(0, 65)) {
    det.next(v);
  }
  assert.deepEqual(det.snapshot().range, { min: 0, max: 7 }, 'a single outlier is clamped');
  for (const v of values.slice(65, 69)) {
    det.next(v);
  }
  assert.deepEqual(det.snapshot().range, { min: 0, max: 7 }, 'two in a row are clamped');
  det.next(values[69]!);
  assert.deepEqual(det.snapshot().range, { min: 0, max: 30 }, 'the third widens to cover the whole excursion');
  // Chunked through JSON in the middle of the excursion equals one pass.
  const whole = [...runCad(values, options)];
  let d = createCadDetector(options);
  const chunked: number[] = [];
  for (const [from, to] of [
    [0, 68],
    [68, 69],
    [69, values.length],
  ] as const) {
    for (let i = from; i < to; i++) {
      chunked.push(d.next(values[i]!));
    }
    const state = JSON.parse(JSON.stringify(d.snapshot())) as CadState;
    d = createCadDetector(options);
    d.restore(state);
  }
  assert.deepEqual(chunked, whole);
});

test('CAD OSE: bad input and bad options are named', () => {
  assert.throws(() => createCadDetector().next(Number.NaN), /value/);
  assert.throws(() => createCadDetector({ numNormValueBits: 0 }), /numNormValueBits/);
  assert.throws(() => createCadDetector().restore({} as CadState), /state/);
  assert.throws(() => createCadDetector({ rangeExpandAfter: 0 }), /rangeExpandAfter/);
  assert.throws(() => createCadDetector({ initialMargin: -1 }), /initialMargin/);
});
