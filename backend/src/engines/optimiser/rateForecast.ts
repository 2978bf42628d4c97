/**
 * Request-rate forecasts for the scaling policies: the forecast engine's statistical candidates plus a
 * periodic one for sub-daily timers (`forecastRequestRate`), the same phase's empirical quantile, and the
 * summary of a forecast over a policy's window. Pure (no I/O).
 */
import {
  seasonalMedianProfile,
  STATISTICAL_CANDIDATES,
  type Candidate,
  type ForecastWindow,
} from '../forecast/candidates.ts';
import { forecastSeries } from '../forecast/engine.ts';
import type { ProposalForecast, RateForecast } from './types.ts';

/**
 * The dominant sub-daily period of the recent history (steps), by autocorrelation: the smallest lag
 * within 10% of the best local maximum, if that correlation is at least `minCorrelation`; else 0.
 * Invocation traces are full of timers (every 5, 15, 30, 60 minutes), which a daily season misses.
 */
export function dominantPeriod(
  y: ArrayLike<number>,
  opts: { minLag?: number; maxLag?: number; span?: number; minCorrelation?: number } = {}
): number {
  const minLag = opts.minLag ?? 2;
  const span = Math.min(y.length, opts.span ?? 360);
  const maxLag = Math.min(opts.maxLag ?? 90, Math.floor(span / 3));
  if (maxLag < minLag) {
    return 0;
  }
  const start = y.length - span;
  let mean = 0;
  for (let i = start; i < y.length; i++) {
    mean += y[i]!;
  }
  mean /= span;
  let den = 0;
  for (let i = start; i < y.length; i++) {
    den += (y[i]! - mean) ** 2;
  }
  if (!(den > 0)) {
    return 0;
  }
  const acf = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let num = 0;
    for (let i = start + lag; i < y.length; i++) {
      num += (y[i]! - mean) * (y[i - lag]! - mean);
    }
    acf[lag] = num / den;
  }
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    if (acf[lag]! >= acf[lag - 1]! && acf[lag]! >= acf[lag + 1]! && acf[lag]! > (acf[best] ?? -Infinity)) {
      best = lag;
    }
  }
  if (best === 0 || acf[best]! < (opts.minCorrelation ?? 0.3)) {
    return 0;
  }
  for (let lag = minLag; lag < best; lag++) {
    if (acf[lag]! >= acf[lag - 1]! && acf[lag]! >= acf[lag + 1]! && acf[lag]! >= 0.9 * acf[best]!) {
      return lag;
    }
  }
  return best;
}

/**
 * Forecast candidate for sub-daily periodic load: detects the dominant period in each window's recent
 * history and forecasts the median of the same phase over the last periods (seasonal median with the
 * detected period); falls back to the recent median when there is no clear period. Offered to the
 * forecast engine next to its own candidates, so the backtest decides whether it helps.
 */
export const periodicMedian: Candidate = {
  name: 'periodic_median',
  applicable: (w: ForecastWindow) => w.values.length >= 24,
  predict: (windows: ForecastWindow[], h: number) =>
    windows.map((w) => {
      const y = w.values;
      const p = dominantPeriod(y);
      if (p >= 2 && y.length >= 2 * p) {
        return { p50: seasonalMedianProfile(y, p, h, 6) };
      }
      const recent = Array.from(y.subarray(Math.max(0, y.length - 12))).sort((a, b) => a - b);
      return { p50: new Float64Array(h).fill(recent[recent.length >> 1] ?? 0) };
    }),
};

/**
 * The q-quantile of the same phase over the last `seasons` periods, for each of the next h steps: an
 * empirical seasonal quantile forecast. Spikes that recur at a fixed phase (timers) show up here at
 * their phase only, where a residual-based band would widen every step.
 */
export function phaseQuantileProfile(
  y: ArrayLike<number>,
  period: number,
  h: number,
  q: number,
  seasons = 8
): Float64Array {
  const n = y.length;
  const out = new Float64Array(h);
  const buf: number[] = [];
  for (let k = 0; k < h; k++) {
    buf.length = 0;
    const phase = k % period;
    for (let j = 1; j <= seasons; j++) {
      const idx = n - j * period + phase;
      if (idx >= 0 && idx < n) {
        buf.push(y[idx]!);
      }
    }
    if (buf.length === 0) {
      continue;
    }
    buf.sort((a, b) => a - b);
    const pos = q * (buf.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(buf.length - 1, lo + 1);
    out[k] = buf[lo]! + (buf[hi]! - buf[lo]!) * (pos - lo);
  }
  return out;
}

/**
 * The forecast engine's statistical candidates plus the periodic one, less the two that cost the most
 * once there are two days of history (seasonal_level and median_1d: about 16 of the 25 ms per forecast at
 * 3,000 one-minute steps); daily seasonality stays covered by seasonal_naive and seasonal_median. The
 * replay forecasts every minute, so this keeps a 14-day replay to minutes.
 */
export const RATE_CANDIDATES: Candidate[] = [
  ...STATISTICAL_CANDIDATES.filter((c) => c.name !== 'seasonal_level' && c.name !== 'median_1d'),
  periodicMedian,
];

/**
 * Forecasts a request-rate history with the forecast engine (statistical candidates by default):
 * p10/p50/p90 for `horizonSteps` steps, or undefined when the engine cannot forecast it yet.
 */
export async function forecastRequestRate(
  history: { stepSeconds: number; values: ArrayLike<number>; lastTimestampMs: number },
  horizonSteps: number,
  candidates: Candidate[] = RATE_CANDIDATES,
  opts: { phaseQuantile?: number } = {}
): Promise<RateForecast | undefined> {
  const outcome = await forecastSeries(
    {
      values: Float64Array.from(history.values),
      stepSeconds: history.stepSeconds,
      lastTimestamp: history.lastTimestampMs / 1000,
    },
    { horizon: horizonSteps, quantiles: [0.1, 0.9] },
    candidates
  );
  const f = outcome.forecast;
  if (!f) {
    return undefined;
  }
  const clip = (a: Float64Array): number[] => Array.from(a, (v) => Math.max(0, v));
  const p90 = clip(f.quantiles.get(0.9) ?? f.p50);
  let model = outcome.model;
  if (opts.phaseQuantile !== undefined) {
    // The p90 is at least the same phase's empirical quantile over the last periods (when there is a period).
    const period = dominantPeriod(history.values);
    if (period >= 2 && history.values.length >= 4 * period) {
      const pq = phaseQuantileProfile(history.values, period, horizonSteps, opts.phaseQuantile);
      for (let k = 0; k < horizonSteps; k++) {
        p90[k] = Math.max(p90[k]!, pq[k]!);
      }
      model += ` + phase q${Math.round(opts.phaseQuantile * 100)} (period ${period} steps)`;
    }
  }
  return {
    stepSeconds: history.stepSeconds,
    generatedAtMs: history.lastTimestampMs,
    p50: clip(f.p50),
    p90,
    p10: clip(f.quantiles.get(0.1) ?? f.p50),
    model,
  };
}

/** The forecast over the first `horizonSeconds`: the largest p90, the mean p50 and the smallest p10. */
export function summariseForecast(f: RateForecast, horizonSeconds: number): ProposalForecast {
  const n = Math.max(1, Math.min(f.p90.length, Math.ceil(horizonSeconds / f.stepSeconds)));
  const p90 = Math.max(...f.p90.slice(0, n));
  const p50 = f.p50.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const p10 = f.p10 ? Math.min(...f.p10.slice(0, n)) : undefined;
  return { p90, p50, ...(p10 !== undefined ? { p10 } : {}), horizonSeconds: n * f.stepSeconds };
}
