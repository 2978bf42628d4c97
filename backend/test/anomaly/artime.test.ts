import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  artimeNabSettings,
  createArtimeDetector,
  runArtime,
  type ArtimeState,
} from '../../src/engines/anomaly/detectors/artime.ts';
import { Dvfa } from '../../src/engines/anomaly/detectors/dvfa.ts';
import {
  artimeSettingsFor,
  createArtResidualDetector,
  MIN_LEARNING_STEPS,
  runArtResidual,
} from '../../src/engines/anomaly/detectors/artResidual.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Five-minute points: a daily cycle with noise; a level shift of `shift` from `at` on. */
function daily(n: number, seed: number, at = Infinity, shift = 0): { t: number[]; v: number[] } {
  const u = seededRandom(seed);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(1.7e12 + i * 5 * MIN);
    v.push(50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * (u() - 0.5) + (i >= at ? shift : 0));
  }
  return { t, v };
}

const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

test('the original NAB settings: 104 downsampled steps in the probationary period', () => {
  assert.deepEqual(artimeNabSettings(4032), { samplesPerStep: 5, trendWindow: 120 });
  assert.deepEqual(artimeNabSettings(22_695), { samplesPerStep: 7, trendWindow: 107 });
  assert.deepEqual(artimeNabSettings(1243), { samplesPerStep: 1, trendWindow: 186 });
});

test('time settings become ARTime steps; the learning period never has fewer than the original 104 steps', () => {
  assert.deepEqual(artimeSettingsFor(5 * MIN, 15 * MIN, 24 * HOUR), { samplesPerStep: 3, trendWindow: 104 });
  assert.deepEqual(artimeSettingsFor(MIN, 15 * MIN, 48 * HOUR), { samplesPerStep: 15, trendWindow: 192 });
  // Hourly data: one value per step, and the floor binds (a day would be 24 steps).
  assert.deepEqual(artimeSettingsFor(HOUR, 15 * MIN, 24 * HOUR), {
    samplesPerStep: 1,
    trendWindow: MIN_LEARNING_STEPS,
  });
});

test('DVFA: a learned shape resonates, a new one makes a new cluster (−1); the cap stops growth, not reports', () => {
  const art = new Dvfa(8, 3);
  art.rhoLb = 0.8;
  art.rhoUb = 0.8;
  const a = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
  const b = Float64Array.from([0.9, 0.1, 0.9, 0.1]);
  assert.equal(art.train(a, true), 1, 'the first sample only creates the all-ones category');
  assert.equal(art.train(a, true), -1, 'nothing resembles it yet');
  assert.ok(art.train(a, true) >= 0, 'now it resonates');
  assert.ok(art.lastA > 0.9);
  assert.equal(art.train(b, true), -1);
  assert.equal(art.n, 3);
  assert.equal(art.train(Float64Array.from([0.5, 0.9, 0.0, 0.7]), true), -1, 'still reported at the cap');
  assert.equal(art.n, 3, 'but no category is added');
});

test('ARTime finds a level shift once and stays quiet on the regular cycle', () => {
  const { v } = daily(3000, 1, 2400, 40);
  const scores = runArtime(v, artimeSettingsFor(5 * MIN, 15 * MIN, 24 * HOUR));
  const learning = 3 * 104;
  assert.ok(
    scores.slice(0, learning).every((s) => s === 0),
    'nothing during the learning period'
  );
  const before = scores.slice(learning, 2400).filter((s) => s > 0).length;
  const after = scores.slice(2400, 2460).filter((s) => s > 0).length;
  assert.ok(after >= 1, 'the shift is reported');
  assert.ok(before <= 3, `few reports on the regular cycle (${before})`);
});

test('a value beyond the learned range widens it without losing what was learned (and is reported)', () => {
  const { v } = daily(2000, 2);
  v[1500] = 500;
  const det = createArtimeDetector(artimeSettingsFor(5 * MIN, 15 * MIN, 24 * HOUR));
  const scores = v.map((x) => det.next(x));
  const cats = det.categories();
  assert.ok(
    scores.slice(1500, 1506).some((s) => s > 0),
    'the spike is reported'
  );
  assert.ok(det.snapshot().dmax! >= 500, 'the range took it');
  for (let i = 0; i < 300; i++) {
    det.next(50 + 20 * Math.sin((2 * Math.PI * i) / 288));
  }
  assert.ok(det.categories() - cats < 20, 'the known cycle still resonates after the remap');
});

test('snapshot → JSON → restore continues bit for bit (ARTime and art-residual); bad states are refused by field', () => {
  const { t, v } = daily(4000, 3, 3000, 25);
  const settings = artimeSettingsFor(5 * MIN, 15 * MIN, 24 * HOUR);
  const whole = Array.from(runArtime(v, settings));
  const chunked: number[] = [];
  let state: ArtimeState | undefined;
  for (const [from, to] of [
    [0, 7],
    [7, 500],
    [500, 2999],
    [2999, 4000],
  ] as const) {
    const d = createArtimeDetector(settings);
    if (state) {
      d.restore(roundTrip(state));
    }
    for (let i = from; i < to; i++) {
      chunked.push(d.next(v[i]!));
    }
    state = d.snapshot();
  }
  assert.deepEqual(chunked, whole);
  assert.ok(whole.some((s) => s > 0));

  const ar = Array.from(runArtResidual(t, v));
  const out: number[] = [];
  let s2 = createArtResidualDetector().snapshot();
  for (const [from, to] of [
    [0, 5],
    [5, 9],
    [9, 1200],
    [1200, 4000],
  ] as const) {
    const d = createArtResidualDetector();
    d.restore(roundTrip(s2));
    for (let i = from; i < to; i++) {
      out.push(d.update(t[i]!, v[i]!));
    }
    s2 = d.snapshot();
  }
  assert.deepEqual(out, ar);

  const d = createArtimeDetector(settings);
  assert.throws(() => d.restore({ ...state!, kind: 'x' } as unknown as ArtimeState), /kind/);
  assert.throws(
    () => createArtimeDetector({ ...settings, samplesPerStep: 2 }).restore(state!),
    /options\.samplesPerStep/
  );
  assert.throws(() => d.restore({ ...state!, fWindow: [1, 2] }), /fWindow/);
  assert.throws(() => d.restore({ ...state!, art: { ...state!.art, weights: 'AAAA' } }), /art\.weights/);
  assert.throws(
    () => createArtResidualDetector({ restMs: HOUR }).restore(s2),
    /options\.restMs/,
    'art-residual refuses a state of other settings'
  );
});

test('art-residual: one alert per incident (the rest period mutes what follows), the rest in series time', () => {
  const { t, v } = daily(3000, 4, 2000, 30);
  const scores = runArtResidual(t, v, { restMs: 16 * HOUR });
  const alerts = [...scores.keys()].filter((i) => scores[i]! >= 0.7);
  assert.ok(
    alerts.some((i) => i >= 2000 && i < 2010),
    `the shift alerts (${alerts.join(',')})`
  );
  for (let k = 1; k < alerts.length; k++) {
    assert.ok(t[alerts[k]!]! - t[alerts[k - 1]!]! >= 16 * HOUR, 'alerts are at least the rest period apart');
  }
});
