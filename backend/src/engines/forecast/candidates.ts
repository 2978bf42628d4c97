/**
 * Fast statistical candidates for the ensemble. Each is O(horizon + season·K) per origin, so the
 * ensemble can backtest all of them on every request; the per-series backtest decides which matter.
 * Seasonal ones use the primary detected period (seasonality.ts); spans are in time, not samples.
 */

/** The history up to one forecast origin. */
export interface ForecastWindow {
  values: Float64Array;
  lastTimestamp: number;
  stepSeconds: number;
  /** The primary (strongest) season length in steps, 0 when none was found. */
  season: number;
  /** Every detected seasonal period in steps, shortest first (empty when none). */
  periods: readonly number[];
}

export interface CandidateForecast {
  p50: Float64Array;
  /** Model-native quantiles where the model has them (deep models), keyed by level. */
  quantiles?: Map<number, Float64Array>;
}

export interface Candidate {
  readonly name: string;
  /**
   * Expensive candidates (model fits) are backtested only from this many of the most recent origins; the
   * engine puts their error on the full set's scale.
   */
  readonly maxBacktestOrigins?: number;
  /** Whether this candidate can forecast this window at this horizon. */
  applicable(window: ForecastWindow, horizon: number): boolean;
  /**
   * Forecasts for several windows at once (deep models batch them into one inference call); undefined for a
   * window the model could not fit (the engine treats it as not applicable there).
   */
  predict(
    windows: ForecastWindow[],
    horizon: number
  ): Array<CandidateForecast | undefined> | Promise<Array<CandidateForecast | undefined>>;
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

function perWindow(
  name: string,
  applicable: Candidate['applicable'],
  one: (w: ForecastWindow, h: number) => Float64Array
): Candidate {
  return { name, applicable, predict: (windows, h) => windows.map((w) => ({ p50: one(w, h) })) };
}

const always = (w: ForecastWindow): boolean => w.values.length >= 1;
const seasonal =
  (k: number) =>
  (w: ForecastWindow): boolean =>
    w.season >= 2 && w.values.length >= k * w.season;

export const naive = perWindow('naive', always, (w, h) => new Float64Array(h).fill(w.values[w.values.length - 1]!));

export const seasonalNaive = perWindow('seasonal_naive', seasonal(1), (w, h) => {
  const { values: y, season: m } = w;
  const n = y.length;
  const out = new Float64Array(h);
  for (let k = 0; k < h; k++) {
    out[k] = y[n - m + (k % m)]!;
  }
  return out;
});

/** The median of the same phase over the last K seasons: seasonal naive that one bad day cannot fool. */
export function seasonalMedianProfile(y: Float64Array, m: number, h: number, maxSeasons = 7): Float64Array {
  const n = y.length;
  const out = new Float64Array(h);
  const buf: number[] = [];
  for (let k = 0; k < Math.min(h, m); k++) {
    buf.length = 0;
    for (let j = 1; j <= maxSeasons; j++) {
      const idx = n - j * m + k;
      if (idx < 0) {
        break;
      }
      buf.push(y[idx]!);
    }
    out[k] = median(buf);
  }
  for (let k = m; k < h; k++) {
    out[k] = out[k % m]!;
  }
  return out;
}

export const seasonalMedian = perWindow('seasonal_median', seasonal(2), (w, h) =>
  seasonalMedianProfile(w.values, w.season, h)
);

/**
 * Seasonal profile (median over recent seasons, de-meaned) around a local level: the level is the
 * median of the de-seasonalised recent history, so a level shift is followed within a fraction of a
 * season while the daily shape is kept.
 */
export const seasonalLevel = perWindow('seasonal_level', seasonal(2), (w, h) => {
  const { values: y, season: m } = w;
  const n = y.length;
  // Profile by phase relative to the origin: phase p covers indices n - m + p - j·m.
  const profile = seasonalMedianProfile(y, m, m);
  let mean = 0;
  for (let p = 0; p < m; p++) {
    mean += profile[p]!;
  }
  mean /= m;
  // Level: median of the de-seasonalised last quarter-day (robust to spikes, quick after a shift).
  const span = Math.max(3, Math.round(m / 4));
  const des: number[] = [];
  for (let p = m - span; p < m; p++) {
    des.push(y[n - m + p]! - (profile[p]! - mean));
  }
  const level = median(des);
  const out = new Float64Array(h);
  for (let k = 0; k < h; k++) {
    out[k] = level + profile[k % m]! - mean;
  }
  return out;
});

/**
 * Median of the recent window: for spiky series (most infrastructure metrics) a robust level beats the
 * last value, and a median is what minimises absolute error. Spans are in time, at least 3 samples.
 */
function recentMedian(name: string, seconds: number): Candidate {
  return perWindow(name, always, (w, h) => {
    const y = w.values;
    const span = Math.min(y.length, Math.max(3, Math.round(seconds / w.stepSeconds)));
    return new Float64Array(h).fill(median(Array.from(y.subarray(y.length - span))));
  });
}

export const recentMedianQuarterHour = recentMedian('median_15m', 900);
export const recentMedianHour = recentMedian('median_1h', 3600);
export const recentMedianQuarterDay = recentMedian('median_6h', 6 * 3600);
export const recentMedianDay = recentMedian('median_1d', 86_400);

/** The detected period other than the primary one that repeats best (lowest lag error), 0 when none. */
function otherPeriod(w: ForecastWindow): number {
  let best = 0;
  let bestError = Infinity;
  for (const p of w.periods) {
    if (p === w.season || p < 2 || w.values.length < 2 * p) {
      continue;
    }
    let sum = 0;
    const y = w.values;
    for (let i = p; i < y.length; i++) {
      sum += Math.abs(y[i]! - y[i - p]!);
    }
    const error = sum / (y.length - p);
    if (error < bestError) {
      bestError = error;
      best = p;
    }
  }
  return best;
}

/**
 * The median of the same phase over the last cycles (up to 7) of the other detected period: the daily
 * profile when the week is primary, or the week when the day is (weekdays differ from weekends).
 */
export const otherSeasonMedian: Candidate = perWindow(
  'other_season_median',
  (w) => otherPeriod(w) >= 2,
  (w, h) => seasonalMedianProfile(w.values, otherPeriod(w), h)
);

/**
 * Seasonal level plus a robust linear trend (Theil–Sen slope over the per-cycle medians of the last 14
 * cycles): for capacity planning days ahead, where growth matters more than the last hour.
 */
export const seasonalTrend: Candidate = perWindow(
  'seasonal_trend',
  (w) => w.season >= 2 && w.values.length >= 4 * w.season,
  (w, h) => {
    const { values: y, season: m } = w;
    const days = Math.min(14, Math.floor(y.length / m));
    const daily: number[] = [];
    for (let d = days; d >= 1; d--) {
      daily.push(median(Array.from(y.subarray(y.length - d * m, y.length - (d - 1) * m))));
    }
    const slopes: number[] = [];
    for (let i = 0; i < daily.length; i++) {
      for (let j = i + 1; j < daily.length; j++) {
        slopes.push((daily[j]! - daily[i]!) / (j - i));
      }
    }
    const perStep = median(slopes) / m;
    const [base] = seasonalLevel.predict([w], h) as CandidateForecast[];
    // The level sits about an eighth of a cycle back (median of the last quarter-cycle); extrapolate from there.
    return base!.p50.map((v, k) => v + perStep * (k + 1 + m / 8));
  }
);

export const STATISTICAL_CANDIDATES: Candidate[] = [
  naive,
  seasonalNaive,
  seasonalMedian,
  seasonalLevel,
  recentMedianQuarterHour,
  recentMedianHour,
  recentMedianQuarterDay,
  recentMedianDay,
  otherSeasonMedian,
  seasonalTrend,
];
