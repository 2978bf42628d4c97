/**
 * Streaming scoring: the detector's and the region tracker's state survive snapshot → JSON → restore
 * bit-identically, and the streaming scorer answers bad input (stale, NaN/Inf, gaps, irregular, constant,
 * too short) explicitly.
 */
import { test } from 'node:test';
import { scoreSeries } from '../../src/engines/anomaly/scoreSeries.ts';
import { DEFAULT_DETECTOR } from '../../src/engines/anomaly/registry.ts';
import assert from 'node:assert/strict';
import {
  RESIDUAL_LIKELIHOOD_STATE_VERSION,
  createResidualLikelihoodDetector,
  runResidualLikelihood,
  type ResidualLikelihoodState,
} from '../../src/engines/anomaly/detectors/residualLikelihood.ts';
import {
  extractRegions,
  RegionTracker,
  DEFAULT_THRESHOLD,
  type AnomalyRegion,
  type TrackedRegion,
} from '../../src/engines/anomaly/regions.ts';
import { STREAMING_STATE_VERSION, StreamingSeries, seriesFromState } from '../../src/engines/anomaly/streaming.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

const STEP = 60_000;
const T0 = 1_700_000_000_000;

/** A daily cycle (1,440 one-minute points a day), noise, and a level shift at `shiftAt` for 40 points. */
function series(n: number, seed: number, shiftAt = -1, stepMs = STEP, period = 1440): { t: number[]; v: number[] } {
  const u = seededRandom(seed);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(T0 + i * stepMs);
    v.push(
      100 +
        30 * Math.sin((2 * Math.PI * i) / period) +
        4 * (u() - 0.5) +
        (i >= shiftAt && i < shiftAt + 40 && shiftAt >= 0 ? 150 : 0)
    );
  }
  return { t, v };
}

/** Random cut points in (0, n): k chunks of uneven sizes, some of one point. */
function cuts(n: number, k: number, seed: number): number[] {
  const u = seededRandom(seed);
  const set = new Set<number>([1, n - 1]);
  while (set.size < k - 1) {
    set.add(1 + Math.floor(u() * (n - 1)));
  }
  return [0, ...[...set].sort((a, b) => a - b), n];
}

const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

test('property: scoring in k chunks with snapshot → JSON → restore between them equals one pass, bit for bit', () => {
  // 3,200 points at 1 min: crosses the daily-period check (2,880 points, needs maxPeriod ≥ 1440), the likelihood's
  // running-sum recompute (every 2,000 points) and the warm-up; a small maxPeriod variant checks the seasonal path too.
  // Seed 4: five-minute steps, a daily period of 288 found at point 576; later snapshots keep only its tail.
  for (const [seed, options] of [
    [1, { maxPeriod: 1440 }],
    [2, {}],
    [3, { maxPeriod: 1440, levelWindow: 256, longWindow: 500 }],
    [4, {}],
  ] as const) {
    const { t, v } = seed === 4 ? series(3200, seed, 3000, 300_000, 288) : series(3200, seed, 3000);
    v[1234] = Number.NaN; // skipped by the detector, in both runs
    const whole = runResidualLikelihood(t, v, options);
    const bounds = cuts(t.length, 2 + seed * 5, seed);
    const chunked: number[] = [];
    let state: ResidualLikelihoodState | undefined;
    for (let c = 0; c + 1 < bounds.length; c++) {
      const d = createResidualLikelihoodDetector(options);
      if (state) {
        d.restore(roundTrip(state));
      }
      for (let i = bounds[c]!; i < bounds[c + 1]!; i++) {
        chunked.push(d.update(t[i]!, v[i]!));
      }
      state = d.snapshot();
    }
    assert.deepEqual(chunked, Array.from(whole), `seed ${seed}: ${bounds.length - 1} chunks`);
    assert.ok(
      whole.some((s) => s > 0.9),
      'the series has anomalous points (the comparison is not all zeros)'
    );
    if ('maxPeriod' in options) {
      assert.equal(state!.period, 1440, 'the daily period was found across chunks');
    }
    if (seed === 4) {
      assert.equal(state!.period, 288);
      assert.equal(state!.history.length, 289, 'only the seasonal lag is kept once the checks are behind');
    }
  }
});

test("property: the region tracker over chunks gives extractRegions' regions; streaming scores equal one pass", () => {
  const TH = 0.6; // any threshold: the property is equivalence; this one gives several regions
  const { t, v } = series(3000, 5, 2500);
  v[2700] = v[2700]! + 400; // a lone spike later: a second region
  // The default detector and residual-likelihood both continue bit for bit across snapshot → JSON → restore.
  // The default detector's scores are scoreSeries' (its regions span an incident that alerted once).
  const onePass = scoreSeries(
    t.map((x, i) => [x / 1000, v[i]!] as const),
    0,
    'k',
    TH,
    DEFAULT_DETECTOR
  ).scores;
  for (const [detectorName, whole] of [
    ['residual-likelihood', runResidualLikelihood(t, v)],
    [DEFAULT_DETECTOR, onePass],
  ] as const) {
    const expected = extractRegions(t, whole, 'k', { threshold: TH });
    assert.ok(expected.length >= 1, JSON.stringify(expected));
    for (const k of [2, 7, 40]) {
      let s = new StreamingSeries('k', { detectorName }, STEP);
      const bounds = cuts(t.length, k, k);
      const scores: number[] = [];
      const closed: TrackedRegion[] = [];
      let last: TrackedRegion | undefined;
      for (let c = 0; c + 1 < bounds.length; c++) {
        const chunk = t.slice(bounds[c], bounds[c + 1]).map((x, j) => [x, v[bounds[c]! + j]!] as const);
        const r = s.push(chunk, TH);
        scores.push(...r.scores);
        closed.push(...r.regions.filter((x) => !x.ongoing));
        last = r.regions.find((x) => x.ongoing);
        const restored = seriesFromState('k', roundTrip(s.snapshot()), { detectorName }, STEP);
        assert.ok('series' in restored);
        s = restored.series;
      }
      assert.deepEqual(scores, Array.from(whole), `${detectorName}, ${k} chunks`);
      const all = [...closed, ...(last ? [last] : [])].map(({ ongoing: _ongoing, ...r }) => r);
      assert.deepEqual(all, expected, `${detectorName}, ${k} chunks`);
    }
  }
  const whole = runResidualLikelihood(t, v);
  const expected = extractRegions(t, whole, 'k', { threshold: TH });
  // The tracker on its own, point by point.
  const tracker = new RegionTracker('k');
  const got: AnomalyRegion[] = [];
  for (let i = 0; i < t.length; i++) {
    const r = tracker.push(t[i]!, whole[i]!, TH);
    if (r) {
      got.push(r);
    }
  }
  const open = tracker.current(TH);
  assert.deepEqual([...got, ...(open ? [open] : [])], expected);
});

test('state is bounded and versioned; a state that does not fit is refused naming the field', () => {
  const d = createResidualLikelihoodDetector();
  const { t, v } = series(12_000, 9);
  let at5k = 0;
  for (let i = 0; i < t.length; i++) {
    d.update(t[i]!, v[i]!);
    if (i === 4999) {
      at5k = JSON.stringify(d.snapshot()).length;
    }
  }
  const size = JSON.stringify(d.snapshot()).length;
  assert.ok(size < 1.3 * at5k, `state ${size} chars at 12k points vs ${at5k} at 5k`);
  assert.ok(size < 200_000, `state ${size} chars`);
  const state = d.snapshot();
  assert.equal(state.version, RESIDUAL_LIKELIHOOD_STATE_VERSION);
  assert.throws(
    () =>
      createResidualLikelihoodDetector().restore({ ...state, version: 99 as typeof RESIDUAL_LIKELIHOOD_STATE_VERSION }),
    /version is 99/
  );
  assert.throws(() => createResidualLikelihoodDetector({ levelWindow: 64 }).restore(state), /options\.levelWindow/);
  assert.throws(
    () => createResidualLikelihoodDetector().restore({ ...state, history: new Array<number>(2017).fill(1) }),
    /history has 2017 entries; at most 2016/
  );
  assert.throws(
    () => createResidualLikelihoodDetector().restore({ ...state, shortSum: null as unknown as number }),
    /shortSum must be a finite number/
  );
  const other = seriesFromState('k', { kind: 'aidpe-streaming', version: STREAMING_STATE_VERSION - 1 });
  assert.ok('discarded' in other && /version/.test(other.discarded));
});

test('stale and duplicate samples are skipped and counted, never re-scored; NaN/Inf are skipped and counted', () => {
  const { t, v } = series(400, 4);
  const s = new StreamingSeries('k', {}, STEP);
  const first = s.push(
    t.slice(0, 300).map((x, i) => [x, v[i]!] as const),
    DEFAULT_THRESHOLD
  );
  assert.equal(first.times.length, 300);
  assert.equal(first.status, 'ok');
  const again = s.push(
    t
      .slice(250, 320)
      .map((x, i) => [x, i === 60 ? Number.POSITIVE_INFINITY : i === 61 ? Number.NaN : v[250 + i]!] as const),
    DEFAULT_THRESHOLD
  );
  assert.equal(again.skippedStale, 50);
  assert.equal(again.skippedNonFinite, 2);
  assert.equal(again.times.length, 18);
  assert.equal(again.times[0], t[300]);
  assert.ok(again.notes.some((n) => /50 sample\(s\) at or before the last scored one/.test(n)));
  assert.ok(again.notes.some((n) => /2 NaN\/Inf sample\(s\) skipped/.test(n)));
  assert.equal(s.fed, 318);
});

test('too short, constant, gaps, a reset after a very long gap, and irregular timestamps each get their explicit answer', () => {
  const { t, v } = series(600, 6);
  const short = new StreamingSeries('k', {}, STEP).push(
    t.slice(0, 100).map((x, i) => [x, v[i]!] as const),
    DEFAULT_THRESHOLD
  );
  assert.equal(short.status, 'insufficient_data');
  assert.equal(short.reason, 'insufficient data: 100 of 288 warm-up points');

  const flat = new StreamingSeries('k', {}, STEP).push(
    t.map((x) => [x, 7] as const),
    DEFAULT_THRESHOLD
  );
  assert.equal(flat.status, 'constant');
  assert.equal(flat.reason, 'constant series: no variation to score');

  const gappy = new StreamingSeries('k', { gapNoteSteps: 3, resetGapSteps: 100 }, STEP);
  const samples = t.map((x, i) => [x + (i >= 400 ? 10 * STEP : 0) + (i >= 500 ? 200 * STEP : 0), v[i]!] as const);
  const g = gappy.push(samples, DEFAULT_THRESHOLD);
  assert.deepEqual(
    g.gaps.map((x) => [x.steps, x.reset]),
    [
      [11, false],
      [201, true],
    ]
  );
  assert.ok(g.notes.some((n) => /^gap: 11 steps between/.test(n)));
  assert.ok(g.notes.some((n) => /detector reset after a gap of 201 steps .* warm-up restarts/.test(n)));
  assert.equal(g.fed, 100, 'the detector restarted at point 500');
  assert.equal(g.status, 'insufficient_data');

  // No step given: estimated from the first intervals; intervals off by more than half are counted.
  const irregular = new StreamingSeries('k');
  const jittered = t.slice(0, 300).map((x, i) => [x + (i % 10 === 5 ? 0.7 * STEP : 0), v[i]!] as const);
  const ir = irregular.push(jittered, DEFAULT_THRESHOLD);
  assert.ok(ir.irregularIntervals >= 40, String(ir.irregularIntervals));
  assert.ok(ir.notes.some((n) => /irregular timestamps: \d+ interval\(s\) differ from the 60 s step/.test(n)));
});
