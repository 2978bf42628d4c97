/**
 * Level shifts and fast ramps at the end of the history: the forecast 10 minutes ahead follows the new level
 * (intercept correction after a detected break, levelShift.ts) instead of reverting to the old one, and a
 * series without a break (or with one spike at the end) is left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STATISTICAL_CANDIDATES } from '../../src/engines/forecast/candidates.ts';
import { DEFAULT_ENSEMBLE_SETTINGS, forecastSeries } from '../../src/engines/forecast/engine.ts';
import { changeLocation, robustLine } from '../../src/engines/forecast/levelShift.ts';
import type { ForecastOutcome } from '../../src/engines/forecast/types.ts';
import { gaussian } from './helpers.ts';

const TEN_MINUTES = 600;

/**
 * Three hours flat (a little deterministic wobble and noise), then a ramp to `factor`× over `rampSeconds`, the
 * last `samplesIntoRamp` samples on it.
 */
function surge(opts: {
  stepSeconds: number;
  samplesIntoRamp: number;
  rampSeconds: number;
  factor?: number;
  noise?: number;
  seed?: number;
}): Float64Array {
  const { stepSeconds: step, samplesIntoRamp, rampSeconds } = opts;
  const z = gaussian(opts.seed ?? 3);
  const n = Math.round(10_800 / step) + samplesIntoRamp;
  const rampSamples = rampSeconds / step;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ramp = Math.min(1, Math.max(0, (i - (n - samplesIntoRamp) + 1) / rampSamples));
    values[i] =
      75 * (1 + ((opts.factor ?? 4) - 1) * ramp) * (1 + 0.03 * Math.sin((i * step) / 97)) + (opts.noise ?? 0) * z();
  }
  return values;
}

async function tenMinutesAhead(
  values: Float64Array,
  stepSeconds: number,
  settings = DEFAULT_ENSEMBLE_SETTINGS
): Promise<{ outcome: ForecastOutcome; p50: number; p90: number }> {
  const h = TEN_MINUTES / stepSeconds;
  const outcome = await forecastSeries(
    { values, stepSeconds, lastTimestamp: 1_700_000_000 },
    { horizon: h, quantiles: [0.1, 0.9] },
    STATISTICAL_CANDIDATES,
    settings
  );
  const f = outcome.forecast!;
  return { outcome, p50: f.p50[h - 1]!, p90: f.quantiles.get(0.9)![h - 1]! };
}

const shifted = (o: ForecastOutcome): boolean => o.reasons.some((r) => r.code === 'level_shift');

test('a fast ramp at the end: the p90 ten minutes ahead is at least where the load is now, not the old level', async () => {
  for (const step of [5, 10]) {
    // A ×4 ramp over five minutes, caught a fifth, half and all the way through.
    for (const share of [0.2, 0.5, 1]) {
      const samplesIntoRamp = Math.round((share * 300) / step);
      const values = surge({ stepSeconds: step, samplesIntoRamp, rampSeconds: 300, noise: 1 });
      const last = values[values.length - 1]!;
      const { outcome, p50, p90 } = await tenMinutesAhead(values, step);
      const where = `step ${step} s, ${share * 100}% into the ramp (last ${last.toFixed(0)}): p50 ${p50.toFixed(0)} p90 ${p90.toFixed(0)}`;
      assert.ok(p90 >= 0.95 * last, where);
      assert.ok(p50 >= 0.85 * last && p50 <= 1.3 * last, where);
      if (share < 1) {
        assert.ok(shifted(outcome), `${where}: ${outcome.reasons.map((r) => r.code).join(', ')}`);
      }
    }
  }
});

test('without the correction the same ramp is forecast back at the old level (what the correction fixes)', async () => {
  const values = surge({ stepSeconds: 10, samplesIntoRamp: 15, rampSeconds: 300, noise: 1 });
  const last = values[values.length - 1]!;
  const off = await tenMinutesAhead(values, 10, { ...DEFAULT_ENSEMBLE_SETTINGS, levelShiftCorrection: false });
  assert.ok(off.p90 < 0.8 * last, `uncorrected p90 ${off.p90.toFixed(0)} vs last ${last.toFixed(0)}`);
  assert.ok(!shifted(off.outcome));
});

test('a level shift up or down a few minutes before the end: the forecast ten minutes ahead is at the new level', async () => {
  const step = 15;
  for (const factor of [2, 0.5]) {
    for (const minutesAgo of [1, 3, 8]) {
      // A step change (a ramp of one sample) `minutesAgo` before the end, with noise of 2% of the old level.
      const values = surge({
        stepSeconds: step,
        samplesIntoRamp: (minutesAgo * 60) / step,
        rampSeconds: step,
        factor,
        noise: 1.5,
        seed: 11,
      });
      const newLevel = 75 * factor;
      const { outcome, p50 } = await tenMinutesAhead(values, step);
      const where = `×${factor} ${minutesAgo} min ago: p50 ${p50.toFixed(1)} vs new level ${newLevel}`;
      assert.ok(Math.abs(p50 - newLevel) < 0.08 * newLevel, where);
      assert.ok(shifted(outcome), `${where}: ${outcome.reasons.map((r) => r.code).join(', ')}`);
    }
  }
});

test('no break, or a single spike at the end, is not taken for a level shift', async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const values = surge({ stepSeconds: 10, samplesIntoRamp: 0, rampSeconds: 300, noise: 3, seed });
    const calm = await tenMinutesAhead(values, 10);
    assert.ok(!shifted(calm.outcome), `seed ${seed}: ${calm.outcome.reasons.map((r) => r.message).join('; ')}`);
    values[values.length - 1]! *= 3;
    const spike = await tenMinutesAhead(values, 10);
    assert.ok(!shifted(spike.outcome), `seed ${seed} spike: ${spike.outcome.reasons.map((r) => r.message).join('; ')}`);
    assert.ok(spike.p50 < 90, `seed ${seed}: one spike moved the forecast to ${spike.p50}`);
  }
});

test('change location and the robust post-break line', () => {
  const path = [0, 0.1, -0.1, 0, 0.05, 5, 5.1, 4.9, 5];
  assert.equal(changeLocation(path), 5);
  const line = robustLine([1, 2, 3, 40, 5, 6]);
  assert.ok(Math.abs(line(5) - 6) < 1e-9, 'one outlier does not bend the line');
});
