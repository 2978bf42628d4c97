import { test } from 'node:test';
import { seededRandom as rng } from '../../src/telemetry/retry.ts';
import assert from 'node:assert/strict';
import { cleanHistory, ForecastInputError, inferStepSeconds, regularise } from '../../src/engines/forecast/series.ts';
import {
  naive,
  recentMedianHour,
  seasonalMedian,
  seasonalNaive,
  STATISTICAL_CANDIDATES,
  type ForecastWindow,
} from '../../src/engines/forecast/candidates.ts';
import { forecastSeries, normalQuantile } from '../../src/engines/forecast/engine.ts';
import { conformalQuantiles } from '../../src/engines/forecast/conformal.ts';

/** Box–Muller normal on top of a seeded uniform generator. */
function gaussian(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Five-minute samples with a daily sine, noise of the given sd, starting at a UTC midnight. */
function dailySeries(days: number, sd: number, seed = 1): { timestamps: number[]; values: number[] } {
  const noise = gaussian(rng(seed));
  const start = Date.UTC(2024, 0, 1) / 1000;
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < days * 288; i++) {
    timestamps.push(start + i * 300);
    values.push(100 + 30 * Math.sin((2 * Math.PI * i) / 288) + sd * noise());
  }
  return { timestamps, values };
}

test('regularise rejects unsorted, duplicate and non-finite timestamps, naming the problem', () => {
  assert.throws(
    () => regularise([1, 3, 2], [1, 2, 3]),
    (e: unknown) => e instanceof ForecastInputError && /not sorted: 2 at index 2/.test(e.message)
  );
  assert.throws(
    () => regularise([1, 2, 2], [1, 2, 3]),
    (e: unknown) => e instanceof ForecastInputError && /duplicate timestamp 2 at index 2/.test(e.message)
  );
  assert.throws(() => regularise([1, Number.NaN], [1, 2]), /index 1 is not a finite number/);
  assert.throws(() => regularise([1, 2], [1]), /2 timestamps but 1 values/);
  assert.throws(() => regularise([], []), /is empty/);
});

test('regularise snaps samples to the median step and leaves NaN where a slot is missing', () => {
  const s = regularise([0, 60, 121, 240, 300], [1, 2, 3, 5, 6]);
  assert.equal(s.stepSeconds, 60);
  assert.equal(inferStepSeconds([0, 60, 121, 240, 300]), 60);
  assert.deepEqual(Array.from(s.values.slice(0, 3)), [1, 2, 3]);
  assert.ok(Number.isNaN(s.values[3]!));
  assert.deepEqual(Array.from(s.values.slice(4)), [5, 6]);
  assert.equal(s.lastTimestamp, 300);
});

test('cleanHistory interpolates short gaps, truncates at long ones and reports a trailing gap', () => {
  const short = cleanHistory(
    { values: Float64Array.from([1, Number.NaN, Number.NaN, 4, 5]), stepSeconds: 60, lastTimestamp: 1000 },
    10
  );
  assert.deepEqual(Array.from(short.values), [1, 2, 3, 4, 5]);
  assert.deepEqual(
    short.reasons.map((r) => r.code),
    ['gaps_imputed']
  );

  const long = cleanHistory(
    {
      values: Float64Array.from([9, 9, Number.NaN, Number.NaN, Number.NaN, 1, 2, 3]),
      stepSeconds: 60,
      lastTimestamp: 1000,
    },
    3,
    3
  );
  assert.deepEqual(Array.from(long.values), [1, 2, 3]);
  assert.equal(long.reasons[0]!.code, 'history_truncated_at_gap');

  // Too little after a long gap to forecast from (NAB's ambient_temperature at some origins): bridged, not cut.
  const fewAfter = cleanHistory(
    {
      values: Float64Array.from([9, 9, 9, Number.NaN, Number.NaN, Number.NaN, 3]),
      stepSeconds: 60,
      lastTimestamp: 1000,
    },
    3,
    3
  );
  assert.deepEqual(Array.from(fewAfter.values), [9, 9, 9, 7.5, 6, 4.5, 3]);
  assert.ok(fewAfter.reasons.every((r) => r.code !== 'history_truncated_at_gap'));

  const trailing = cleanHistory(
    { values: Float64Array.from([1, 2, 3, Number.NaN, Number.NaN]), stepSeconds: 60, lastTimestamp: 1000 },
    10
  );
  assert.deepEqual(Array.from(trailing.values), [1, 2, 3]);
  assert.equal(trailing.lastTimestamp, 880, 'the origin moves back to the last real sample');
  assert.equal(trailing.reasons[0]!.code, 'trailing_gap');
});

test('candidates: seasonal naive repeats the last season; seasonal median ignores one bad day; medians ignore spikes', async () => {
  const m = 4;
  const days = [
    [1, 2, 3, 4],
    [1, 2, 3, 4],
    [50, 50, 50, 50], // one bad season
    [1, 2, 3, 4],
  ];
  const w: ForecastWindow = {
    values: Float64Array.from(days.flat()),
    lastTimestamp: 0,
    stepSeconds: 21600,
    season: m,
    periods: [m],
  };
  const [sn] = await seasonalNaive.predict([w], 6);
  assert.deepEqual(Array.from(sn!.p50), [1, 2, 3, 4, 1, 2]);
  const [sm] = await seasonalMedian.predict([w], 4);
  assert.deepEqual(Array.from(sm!.p50), [1, 2, 3, 4]);
  const spiky: ForecastWindow = {
    values: Float64Array.from([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 900]),
    lastTimestamp: 0,
    stepSeconds: 60,
    season: 0,
    periods: [],
  };
  const [nv] = await naive.predict([spiky], 2);
  assert.deepEqual(Array.from(nv!.p50), [900, 900]);
  const [md] = await recentMedianHour.predict([spiky], 2);
  assert.deepEqual(Array.from(md!.p50), [5, 5]);
});

test('conformal quantiles of standard normal residuals land near the normal quantiles (widened as asked)', () => {
  const noise = gaussian(rng(7));
  const residuals = Array.from({ length: 10 }, () => Float64Array.from({ length: 100 }, () => noise()));
  const q = conformalQuantiles(residuals, 100, [0.1, 0.9], { rate: 0, inflation: 1.25 });
  const lo = q.get(0.1)!;
  const hi = q.get(0.9)!;
  // The offsets are in residual units: the normal quantile of the residuals, times the widening.
  const expected = normalQuantile(0.9) * 1.25;
  assert.ok(Math.abs(hi[50]! - expected) < 0.35, `upper ${hi[50]} vs ${expected}`);
  assert.ok(Math.abs(lo[50]! + expected) < 0.35, `lower ${lo[50]} vs ${-expected}`);
  for (let k = 1; k < 100; k++) {
    assert.ok(hi[k]! >= hi[k - 1]! - 1e-12, 'band width never shrinks with lead time');
  }
});

test('the ensemble forecasts a noisy daily cycle: seasonal models win, bands are ordered and cover the truth', async () => {
  const { timestamps, values } = dailySeries(9, 3);
  const h = 288;
  const n = values.length - h;
  const outcome = await forecastSeries(
    { values: Float64Array.from(values.slice(0, n)), stepSeconds: 300, lastTimestamp: timestamps[n - 1]! },
    { horizon: h },
    STATISTICAL_CANDIDATES
  );
  assert.equal(outcome.status, 'ok');
  assert.equal(outcome.seasonPeriod, 288);
  assert.match(outcome.model, /seasonal/);
  assert.match(outcome.explanation, /backtest origin/);
  assert.equal(outcome.timestamps[0], timestamps[n]);
  const f = outcome.forecast!;
  let inside = 0;
  let abs = 0;
  for (let k = 0; k < h; k++) {
    const lo = f.quantiles.get(0.1)![k]!;
    const hi = f.quantiles.get(0.9)![k]!;
    assert.ok(lo <= f.p50[k]! && f.p50[k]! <= hi);
    const y = values[n + k]!;
    if (y >= lo && y <= hi) {
      inside++;
    }
    abs += Math.abs(y - f.p50[k]!);
  }
  assert.ok(abs / h < 4, `MAE ${abs / h} should be near the noise level (sd 3), far below the daily amplitude (30)`);
  assert.ok(inside / h > 0.65 && inside / h < 0.97, `80% band covered ${(100 * inside) / h}%`);
  // Deterministic: the same input gives the same answer.
  const again = await forecastSeries(
    { values: Float64Array.from(values.slice(0, n)), stepSeconds: 300, lastTimestamp: timestamps[n - 1]! },
    { horizon: h },
    STATISTICAL_CANDIDATES
  );
  assert.deepEqual(Array.from(again.forecast!.p50), Array.from(f.p50));
});

test('the ensemble explains what it cannot do instead of answering with nothing', async () => {
  const one = await forecastSeries(
    { values: Float64Array.from([5]), stepSeconds: 60, lastTimestamp: 0 },
    { horizon: 10 },
    STATISTICAL_CANDIDATES
  );
  assert.equal(one.status, 'none');
  assert.equal(one.reasons[0]!.code, 'insufficient_history');

  const flat = await forecastSeries(
    { values: new Float64Array(100).fill(7), stepSeconds: 60, lastTimestamp: 0 },
    { horizon: 10 },
    STATISTICAL_CANDIDATES
  );
  assert.equal(flat.status, 'partial');
  assert.equal(flat.reasons.at(-1)!.code, 'constant_series');
  assert.deepEqual(Array.from(flat.forecast!.p50), new Array(10).fill(7));

  // A step that divides no calendar period: the cycle (2π·5 ≈ 31.4 steps) is found by autocorrelation.
  const odd = await forecastSeries(
    { values: Float64Array.from({ length: 200 }, (_, i) => Math.sin(i / 5)), stepSeconds: 7, lastTimestamp: 0 },
    { horizon: 10 },
    STATISTICAL_CANDIDATES
  );
  assert.ok(Math.abs(odd.seasonPeriod - 31.4) <= 1, `period ${odd.seasonPeriod}`);
  assert.equal(odd.status, 'ok');
  const u = rng(3);
  const noise = await forecastSeries(
    { values: Float64Array.from({ length: 200 }, () => u()), stepSeconds: 7, lastTimestamp: 0 },
    { horizon: 10 },
    STATISTICAL_CANDIDATES
  );
  assert.ok(noise.reasons.some((r) => r.code === 'no_seasonality'));
  assert.equal(noise.seasonPeriod, 0);

  const longHorizon = await forecastSeries(
    { values: Float64Array.from({ length: 40 }, (_, i) => i % 3), stepSeconds: 60, lastTimestamp: 0 },
    { horizon: 500 },
    STATISTICAL_CANDIDATES
  );
  assert.equal(longHorizon.status, 'partial');
  assert.ok(longHorizon.reasons.some((r) => r.code === 'too_short_for_backtest'));
  assert.equal(longHorizon.forecast!.p50.length, 500);

  await assert.rejects(
    forecastSeries(
      { values: new Float64Array(100), stepSeconds: 60, lastTimestamp: 0 },
      { horizon: 0 },
      STATISTICAL_CANDIDATES
    ),
    (e: unknown) => e instanceof ForecastInputError && e.field === 'horizon'
  );
  await assert.rejects(
    forecastSeries(
      { values: new Float64Array(100), stepSeconds: 60, lastTimestamp: 0 },
      { horizon: 1e9 },
      STATISTICAL_CANDIDATES
    ),
    (e: unknown) => e instanceof ForecastInputError && e.field === 'horizon'
  );
  await assert.rejects(
    forecastSeries(
      { values: new Float64Array(100), stepSeconds: 60, lastTimestamp: 0 },
      { horizon: 5, quantiles: [1.5] },
      STATISTICAL_CANDIDATES
    ),
    (e: unknown) => e instanceof ForecastInputError && e.field === 'quantiles'
  );
});

test('a series that was never negative gets no band below zero; one that was keeps its full band', async () => {
  const r = rng(17);
  // Sparse counts: mostly 0–2 with bursts, so a symmetric band around the median would reach below zero.
  const counts = Array.from({ length: 600 }, () => (r() < 0.1 ? 20 + 10 * r() : Math.floor(3 * r())));
  const nonNegative = await forecastSeries(
    { values: Float64Array.from(counts), stepSeconds: 60, lastTimestamp: 600 * 60 },
    { horizon: 30, quantiles: [0.025, 0.1, 0.9, 0.975] },
    STATISTICAL_CANDIDATES
  );
  const low = nonNegative.forecast!.quantiles.get(0.025)!;
  assert.ok(
    low.every((v) => v >= 0),
    `lowest band ${Array.from(low.slice(0, 5))}`
  );
  const shifted = counts.map((v) => v - 5);
  const signed = await forecastSeries(
    { values: Float64Array.from(shifted), stepSeconds: 60, lastTimestamp: 600 * 60 },
    { horizon: 30, quantiles: [0.025, 0.1, 0.9, 0.975] },
    STATISTICAL_CANDIDATES
  );
  assert.ok(
    signed.forecast!.quantiles.get(0.025)!.some((v) => v < -5),
    'the same shape shifted below zero keeps a band below its own floor'
  );
});
