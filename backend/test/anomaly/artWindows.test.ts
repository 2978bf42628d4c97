/**
 * The adaptive-resonance window detector (`artWindows.ts`, DVFA in `dvfa.ts`, the stream wrapper in `artStream.ts`):
 * settings in time units, no scores while learning, a familiar cycle stays quiet while a level shift is reported
 * near its onset, memory is bounded, a snapshot restores bit-identically, and bad options or states are refused
 * naming the field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  artSettingsFor,
  createArtWindowsDetector,
  MIN_LEARNING_STEPS,
  runArtWindows,
  type ArtWindowsState,
} from '../../src/engines/anomaly/detectors/artWindows.ts';
import { createArtStreamDetector } from '../../src/engines/anomaly/detectors/artStream.ts';
import { Dvfa } from '../../src/engines/anomaly/detectors/dvfa.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const STEP = 5 * MINUTE;
const SETTINGS = artSettingsFor(STEP, 15 * MINUTE, 24 * HOUR);

/** Five-minute points: a daily cycle with noise, a level shift of `shift` from point `at` on. */
function cycle(n: number, seed: number, at = Infinity, shift = 0): number[] {
  const u = seededRandom(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(50 + 10 * Math.sin((2 * Math.PI * i) / 288) + (u() - 0.5) * 4 + (i >= at ? shift : 0));
  }
  return out;
}

test('settings come from time: 15-minute buckets of 5-minute data, a day of learning but never under the floor', () => {
  assert.deepEqual(SETTINGS, { samplesPerStep: 3, learningSteps: MIN_LEARNING_STEPS });
  assert.deepEqual(artSettingsFor(MINUTE, 15 * MINUTE, 48 * HOUR), { samplesPerStep: 15, learningSteps: 192 });
  assert.deepEqual(artSettingsFor(HOUR, 15 * MINUTE, 24 * HOUR), { samplesPerStep: 1, learningSteps: 104 });
});

test('no score while learning or between buckets; a familiar cycle is quiet, a level shift is reported near its onset', () => {
  const quiet = runArtWindows(cycle(288 * 6, 1), SETTINGS);
  const learningPoints = SETTINGS.samplesPerStep * SETTINGS.learningSteps;
  assert.ok(
    quiet.slice(0, learningPoints).every((s) => s === 0),
    'nothing while learning'
  );
  quiet.forEach((s, i) => {
    if ((i + 1) % SETTINGS.samplesPerStep !== 0) {
      assert.equal(s, 0, `point ${i} is inside a bucket`);
    }
  });
  const falseAlarms = quiet.filter((s) => s > 0).length;
  assert.ok(falseAlarms <= 3, `${falseAlarms} reports on a cycle it has learned`);

  const at = 288 * 4;
  const shifted = runArtWindows(cycle(288 * 6, 1, at, 25), SETTINGS);
  const first = shifted.findIndex((s, i) => i >= at && s > 0);
  assert.ok(first >= at && first < at + 24, `first report at ${first}, the shift at ${at}`);
  assert.ok(shifted.every((s) => s >= 0 && s <= 1));
});

test('deterministic, and a snapshot through JSON restores bit for bit at any point (learning or not)', () => {
  const values = cycle(288 * 5, 4, 288 * 3, -20);
  const whole = runArtWindows(values, SETTINGS);
  for (const cut of [100, 312, 313, 700, 1000]) {
    const a = createArtWindowsDetector(SETTINGS);
    const out: number[] = [];
    for (let i = 0; i < cut; i++) {
      out.push(a.next(values[i]!));
    }
    const b = createArtWindowsDetector(SETTINGS);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())) as ArtWindowsState);
    for (let i = cut; i < values.length; i++) {
      out.push(b.next(values[i]!));
    }
    assert.deepEqual(out, Array.from(whole), `cut at ${cut}`);
  }
  assert.deepEqual(Array.from(runArtWindows(values, SETTINGS)), Array.from(whole));
});

test('a value beyond the learned range widens it without losing what was learned', () => {
  const values = cycle(288 * 5, 6);
  values[288 * 3] = 500;
  const d = createArtWindowsDetector(SETTINGS);
  let categoriesBefore = 0;
  values.forEach((v, i) => {
    if (i === 288 * 3) {
      categoriesBefore = d.inspect().categories;
    }
    d.next(v);
  });
  assert.ok(categoriesBefore > 0);
  assert.ok(d.inspect().categories >= categoriesBefore, 'learned categories are mapped, not dropped');
  const s = d.snapshot();
  assert.ok(s.range !== null && s.range.hi > 500, 'the range holds the new value');
});

test('memory is bounded: at the category cap nothing new is created, novelty is still reported', () => {
  const u = seededRandom(9);
  const d = createArtWindowsDetector({ ...SETTINGS, maxCategories: 4 });
  let reported = 0;
  for (let i = 0; i < 288 * 6; i++) {
    reported += d.next(u() * 100 * (1 + Math.floor(i / 300))) > 0 ? 1 : 0;
  }
  assert.ok(d.inspect().categories <= 4);
  assert.ok(reported > 0);
  const net = new Dvfa({ dim: 2, maxCategories: 2 });
  net.rhoUb = 0.99;
  net.rhoLb = 0.98;
  for (const x of [
    [0, 0],
    [1, 1],
    [0.5, 0],
  ]) {
    net.present(x);
  }
  assert.equal(net.categories(), 2);
  assert.equal(net.present([0, 1]).novel, true);
});

test('DVFA: a remap of one coordinate maps each box to the image box', () => {
  const net = new Dvfa({ dim: 2 });
  net.present([0.2, 0.4]);
  net.rhoUb = 0;
  net.rhoLb = 0;
  net.present([0.6, 0.5]);
  net.remapCoordinate(0, 0.5, 0.25);
  const w = net.snapshot().weights;
  // Box on coordinate 0 was [0.2, 0.6]: now [0.35, 0.55] (complement-coded: lo, 1 − hi).
  assert.ok(Math.abs(w[0]! - 0.35) < 1e-6 && Math.abs(1 - w[2]! - 0.55) < 1e-6, JSON.stringify(w));
});

test('the stream wrapper estimates the step from its first intervals: the same scores as a known step', () => {
  const values = cycle(288 * 5, 2, 288 * 3, 20);
  const times = values.map((_, i) => 1.7e12 + i * STEP);
  const opts = { bucketMs: 15 * MINUTE, learningMs: 24 * HOUR };
  const known = createArtStreamDetector({ ...opts, stepMs: STEP });
  const estimated = createArtStreamDetector(opts);
  const a: number[] = [];
  const b: number[] = [];
  values.forEach((v, i) => {
    a.push(known.update(times[i]!, v));
    b.push(estimated.update(times[i]!, v));
  });
  assert.deepEqual(a, b);
  assert.deepEqual(a, Array.from(runArtWindows(values, SETTINGS)));
  assert.equal(estimated.count(), values.length);
  assert.equal(estimated.snapshot().stepMs, STEP);
});

test('bad options and states are refused naming the field', () => {
  assert.throws(() => createArtWindowsDetector({ samplesPerStep: 0, learningSteps: 104 }), /samplesPerStep/);
  assert.throws(() => createArtWindowsDetector({ ...SETTINGS, learningSteps: 4 }), /learningSteps/);
  assert.throws(() => createArtWindowsDetector({ ...SETTINGS, window: 16 }), /window/);
  assert.throws(() => createArtWindowsDetector({ ...SETTINGS, snap: -1 }), /snap/);
  assert.throws(() => createArtStreamDetector({ bucketMs: 0, learningMs: HOUR }), /bucketMs/);
  const d = createArtWindowsDetector(SETTINGS);
  cycle(600, 3).forEach((v) => d.next(v));
  const good = d.snapshot();
  const other = createArtWindowsDetector({ ...SETTINGS, samplesPerStep: 2 });
  assert.throws(() => other.restore(good), /options\.samplesPerStep/);
  assert.throws(() => d.restore({ ...good, version: 99 as 1 }), /version/);
  assert.throws(() => d.restore({ ...good, recent: [1, 2] }), /recent/);
  assert.throws(() => d.restore({ ...good, network: { ...good.network!, weights: [2] } }), /weights/);
  const stream = createArtStreamDetector({ bucketMs: 15 * MINUTE, learningMs: 24 * HOUR, stepMs: STEP });
  assert.throws(() => stream.restore({ ...stream.snapshot(), stepMs: MINUTE, art: good }), /stepMs/);
});
