import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectSeasonality, gapAwareAcf, seasonalStrength } from '../../src/engines/forecast/seasonality.ts';
import { adaptiveLevel, conformalScores, offsetsFor } from '../../src/engines/forecast/conformal.ts';
import { augursCandidates, type AugursModels } from '../../src/engines/forecast/augurs.ts';
import type { ForecastWindow } from '../../src/engines/forecast/candidates.ts';
import { forecastSeries } from '../../src/engines/forecast/engine.ts';
import { STATISTICAL_CANDIDATES } from '../../src/engines/forecast/candidates.ts';
import { gaussian } from './helpers.ts';

/** Five-minute samples: a daily cycle, a weekday/weekend level and noise, over `days` days. */
function dailyWeekly(days: number, weeklyAmp: number, seed = 1): Float64Array {
  const z = gaussian(seed);
  return Float64Array.from({ length: days * 288 }, (_, i) => {
    const day = Math.floor(i / 288) % 7;
    return 100 + 30 * Math.sin((2 * Math.PI * i) / 288) + (day >= 5 ? -weeklyAmp : 0) + 3 * z();
  });
}

test('detects the daily and the weekly period, and only the daily one when weekends look like weekdays', () => {
  const both = detectSeasonality(dailyWeekly(21, 25), 300);
  assert.deepEqual(
    both.periods.map((p) => p.period),
    [288, 2016]
  );
  // With weekends this different, repeating last week fits better than repeating yesterday.
  assert.equal(both.primary, 2016);
  assert.ok(both.periods.every((p) => p.calendar));
  const dailyOnly = detectSeasonality(dailyWeekly(21, 0), 300);
  assert.deepEqual(
    dailyOnly.periods.map((p) => p.period),
    [288]
  );
});

test('finds a non-calendar cycle (a 15-minute timer at 1-minute steps) by autocorrelation', () => {
  const z = gaussian(4);
  const y = Float64Array.from({ length: 1440 }, (_, i) => (i % 15 < 2 ? 40 : 5) + z());
  const s = detectSeasonality(y, 60);
  assert.ok(
    s.periods.some((p) => p.period === 15 && !p.calendar),
    JSON.stringify(s.periods)
  );
});

test('white noise and a random walk have no season', () => {
  const z = gaussian(9);
  const noise = Float64Array.from({ length: 3000 }, () => z());
  assert.deepEqual(detectSeasonality(noise, 300).periods, []);
  let level = 0;
  const walk = Float64Array.from({ length: 3000 }, () => (level += z()));
  assert.deepEqual(detectSeasonality(walk, 300).periods, []);
});

test('irregular sampling: gaps (NaN) are skipped, so a cycle seen through a third of missing slots is still found', () => {
  const y = dailyWeekly(6, 0, 2);
  const z = gaussian(11);
  for (let i = 0; i < y.length; i++) {
    if (z() > 0.45) {
      y[i] = Number.NaN; // about a third missing, at random
    }
  }
  const s = detectSeasonality(y, 300);
  assert.deepEqual(
    s.periods.map((p) => p.period),
    [288]
  );
  const acf = gapAwareAcf(y, 300);
  assert.ok(acf[288]! > 0.8, `acf at one day ${acf[288]}`);
  assert.ok(acf[144]! < -0.5, `acf at half a day ${acf[144]}`);
});

test('seasonal strength corrects for few cycles: a period seen twice does not explain pure noise', () => {
  const z = gaussian(5);
  const noise = Float64Array.from({ length: 4032 }, () => z());
  assert.ok(seasonalStrength(noise, 2016).strength < 0.1);
  assert.ok(seasonalStrength(dailyWeekly(3, 0), 288).strength > 0.9);
});

test('adaptive conformal: a band that missed lately ends at a wider level, one that was too wide at a narrower one', () => {
  const z = gaussian(21);
  // Residuals whose spread doubles halfway: the latest origins miss a band sized on the early ones.
  const drifting = Array.from({ length: 16 }, (_, j) => Float64Array.from({ length: 24 }, () => z() * (j < 8 ? 1 : 2)));
  const calm = Array.from({ length: 16 }, (_, j) => Float64Array.from({ length: 24 }, () => z() * (j < 8 ? 2 : 1)));
  const up = adaptiveLevel(conformalScores(drifting, 24), 0.9, 0.05);
  const down = adaptiveLevel(conformalScores(calm, 24), 0.9, 0.05);
  assert.ok(up > 0.9, `level after drift up ${up}`);
  assert.ok(down < 0.9, `level after drift down ${down}`);
  assert.equal(adaptiveLevel(conformalScores(drifting, 24), 0.9, 0), 0.9, 'rate 0 is split conformal');
  const wide = offsetsFor(conformalScores(drifting, 24), [0.9], { rate: 0.05, inflation: 1 }).get(0.9)![0]!;
  const plain = offsetsFor(conformalScores(drifting, 24), [0.9], { rate: 0, inflation: 1 }).get(0.9)![0]!;
  assert.ok(wide > plain);
});

test('augurs candidates take injected models: MSTL gets the detected periods, a failing fit is skipped, not fatal', () => {
  const calls: Array<{ periods: number[]; n: number }> = [];
  const fake: AugursModels = {
    autoEts: () => {
      throw new Error('no model found');
    },
    mstl: (y, periods, h) => {
      calls.push({ periods, n: y.length });
      return { point: new Array(h).fill(y[y.length - 1]), lower: new Array(h).fill(0), upper: new Array(h).fill(1) };
    },
  };
  const [ets, mstl] = augursCandidates(fake);
  const w: ForecastWindow = {
    values: dailyWeekly(5, 0),
    lastTimestamp: 0,
    stepSeconds: 300,
    season: 288,
    periods: [288, 2016],
  };
  assert.deepEqual(ets!.predict([w], 12), [undefined]);
  const [f] = mstl!.predict([w], 12) as Array<{ p50: Float64Array }>;
  assert.equal(f!.p50.length, 12);
  assert.deepEqual(calls[0]!.periods, [288], 'the weekly period needs two weeks in the window');
  assert.ok(mstl!.applicable(w, 12));
  assert.ok(!mstl!.applicable({ ...w, periods: [] }, 12));
});

test('the engine reports every detected season, and the one that repeats best as its primary', async () => {
  const y = dailyWeekly(21, 25);
  const out = await forecastSeries(
    { values: y, stepSeconds: 300, lastTimestamp: 1_700_000_000 },
    { horizon: 48 },
    STATISTICAL_CANDIDATES
  );
  assert.deepEqual(out.seasonPeriods, [288, 2016]);
  assert.equal(out.seasonPeriod, 2016);
  assert.ok(
    out.candidates.some((c) => c.model === 'other_season_median'),
    'the daily profile is a candidate too'
  );
  assert.match(out.explanation, /seasons 288, 2016 steps/);
});
