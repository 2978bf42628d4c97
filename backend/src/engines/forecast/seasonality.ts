/**
 * Automatic detection of several seasonal periods on a (possibly gappy) regular grid.
 *
 * Candidates are the calendar periods the step divides (hour, day, week) and the peaks of the gap-aware
 * autocorrelation function (so a timer-driven 5- or 15-minute cycle is found too). Each candidate is then
 * judged by its seasonal strength (Wang, Smith & Hyndman 2006: 1 − Var(remainder)/Var(seasonal + remainder))
 * on what the shorter accepted periods left unexplained, as MSTL decomposes, with a degrees-of-freedom
 * correction so that a long period seen only twice cannot "explain" noise. Gaps (NaN, e.g. from irregular
 * sampling snapped to the grid) are skipped, never interpolated, so they cannot fake a cycle.
 */

/** Calendar periods, in seconds, tried whenever the step divides them. */
const CALENDAR_PERIODS_SECONDS = [3600, 86_400, 604_800];
export const MIN_PERIOD_STEPS = 4;
/** At most this many periods are kept (MSTL cost grows with each). */
export const MAX_PERIODS = 3;

export interface SeasonalityOptions {
  /** Seasonal strength a period needs on what shorter periods left; chosen by leave-one-source-out. */
  minStrength?: number;
  /** Autocorrelation an autocorrelation peak needs to become a candidate. */
  minAutocorrelation?: number;
}

export const DEFAULT_MIN_STRENGTH = 0.3;
export const DEFAULT_MIN_AUTOCORRELATION = 0.3;

export interface DetectedPeriod {
  /** Period in steps. */
  period: number;
  /** Seasonal strength in [0, 1] on the remainder of the shorter accepted periods. */
  strength: number;
  /** Whether it is a calendar period (hour, day, week) rather than an autocorrelation peak. */
  calendar: boolean;
}

export interface Seasonality {
  /** Accepted periods, shortest first. */
  periods: DetectedPeriod[];
  /**
   * The period that repeating the last cycle forecasts best (lowest mean absolute lag-p difference), 0 when
   * none: what single-season candidates use.
   */
  primary: number;
}

/** In-place iterative radix-2 FFT on (re, im); length must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) {
      j ^= bit;
    }
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a]! += tr;
        im[a]! += ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/** Autocorrelation of x at lags 0..n-1 with zero-padding (x[i] = 0 at gaps). */
function autocovarianceSums(x: Float64Array): Float64Array {
  const n = x.length;
  let size = 1;
  while (size < 2 * n) {
    size <<= 1;
  }
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re.set(x);
  fft(re, im);
  for (let i = 0; i < size; i++) {
    re[i] = re[i]! * re[i]! + im[i]! * im[i]!;
    im[i] = 0;
  }
  // Inverse FFT through the forward one: conj, fft, conj, / size (the power spectrum is real).
  fft(re, im);
  const out = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    out[l] = re[l]! / size;
  }
  return out;
}

/**
 * Gap-aware autocorrelation: Σ x_i x_{i+l} over pairs both observed, divided by the number of such pairs
 * and by the variance (the same idea as the ACF of irregularly sampled data via masks).
 */
export function gapAwareAcf(values: Float64Array, maxLag: number): Float64Array {
  const n = values.length;
  const mask = new Float64Array(n);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(values[i]!)) {
      mask[i] = 1;
      sum += values[i]!;
      count++;
    }
  }
  const acf = new Float64Array(maxLag + 1);
  if (count < 2) {
    return acf;
  }
  const mean = sum / count;
  const x = new Float64Array(n);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i]) {
      x[i] = values[i]! - mean;
      variance += x[i]! * x[i]!;
    }
  }
  variance /= count;
  if (!(variance > 0)) {
    return acf;
  }
  const cov = autocovarianceSums(x);
  const pairs = autocovarianceSums(mask);
  for (let l = 0; l <= maxLag && l < n; l++) {
    acf[l] = pairs[l]! > 0.5 ? cov[l]! / Math.round(pairs[l]!) / variance : 0;
  }
  return acf;
}

/** Least-squares line over the observed points, removed (a trend would raise the ACF at every lag). */
function detrend(values: Float64Array): Float64Array {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      sx += i;
      sy += v;
      sxx += i * i;
      sxy += i * v;
      c++;
    }
  }
  const denom = c * sxx - sx * sx;
  const slope = denom > 0 ? (c * sxy - sx * sy) / denom : 0;
  const intercept = c > 0 ? (sy - slope * sx) / c : 0;
  return values.map((v, i) => (Number.isFinite(v) ? v - intercept - slope * i : Number.NaN));
}

/** Lags where the ACF has a prominent local maximum above the threshold, by height. */
function acfPeaks(acf: Float64Array, minLag: number, maxLag: number, minAcf: number): number[] {
  const peaks: Array<{ lag: number; r: number }> = [];
  for (let l = Math.max(minLag, 2); l <= maxLag - 1; l++) {
    const r = acf[l]!;
    if (r < minAcf || r < acf[l - 1]! || r < acf[l + 1]!) {
      continue;
    }
    // Prominence: the ACF must dip well below the peak between lag/2 and the lag (not a slow decay).
    let trough = Infinity;
    for (let k = Math.floor(l / 2); k < l; k++) {
      trough = Math.min(trough, acf[k]!);
    }
    if (r - trough >= 0.1) {
      peaks.push({ lag: l, r });
    }
  }
  peaks.sort((a, b) => b.r - a.r || a.lag - b.lag);
  // Keep fundamentals: a peak is replaced by the shortest peak that divides it and is nearly as high (the
  // ACF of a 15-step cycle peaks at 15, 30, 45… alike), and multiples of a kept period are not kept again.
  const isMultiple = (lag: number, of: number): boolean =>
    Math.abs(lag / of - Math.round(lag / of)) * of <= Math.max(1, 0.02 * lag);
  const kept: number[] = [];
  for (const p of peaks) {
    if (kept.some((k) => isMultiple(p.lag, k))) {
      continue;
    }
    const fundamental = peaks
      .filter((q) => q.lag < p.lag && q.r >= 0.9 * p.r && isMultiple(p.lag, q.lag))
      .sort((a, b) => a.lag - b.lag)[0];
    const lag = fundamental?.lag ?? p.lag;
    if (!kept.some((k) => isMultiple(lag, k))) {
      kept.push(lag);
    }
    if (kept.length >= MAX_PERIODS) {
      break;
    }
  }
  return kept;
}

/**
 * Centred moving average over p points (p + 1 for even p) of the observed points only, truncated at the
 * ends (a long period seen twice has no untruncated window); NaN where the window holds no observation.
 */
function movingAverage(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const sum = new Float64Array(n + 1);
  const cnt = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const ok = Number.isFinite(x[i]!);
    sum[i + 1] = sum[i]! + (ok ? x[i]! : 0);
    cnt[i + 1] = cnt[i]! + (ok ? 1 : 0);
  }
  const half = Math.floor(p / 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    const c = cnt[b]! - cnt[a]!;
    out[i] = c > 0 ? (sum[b]! - sum[a]!) / c : Number.NaN;
  }
  return out;
}

/**
 * Seasonal strength of period p on x, and x with that seasonal component removed. The per-phase means
 * are estimated from k cycles, so the remainder's variance is corrected by k/(k−1) (otherwise a period
 * seen twice explains half the noise).
 */
export function seasonalStrength(x: Float64Array, p: number): { strength: number; remainder: Float64Array } {
  const n = x.length;
  const trend = movingAverage(x, p);
  const phaseSum = new Float64Array(p);
  const phaseCount = new Float64Array(p);
  const detrended = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = x[i]! - trend[i]!;
    detrended[i] = d;
    if (Number.isFinite(d)) {
      // Phase relative to the series end, so the last cycle is complete.
      const phase = (((i - n) % p) + p) % p;
      phaseSum[phase]! += d;
      phaseCount[phase]! += 1;
    }
  }
  const profile = new Float64Array(p);
  let mean = 0;
  let phases = 0;
  for (let k = 0; k < p; k++) {
    if (phaseCount[k]! > 0) {
      profile[k] = phaseSum[k]! / phaseCount[k]!;
      mean += profile[k]!;
      phases++;
    }
  }
  mean /= Math.max(1, phases);
  let varDetrended = 0;
  let varRemainder = 0;
  let count = 0;
  let totalPhaseCount = 0;
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const phase = (((i - n) % p) + p) % p;
    const s = phaseCount[phase]! > 0 ? profile[phase]! - mean : 0;
    remainder[i] = Number.isFinite(x[i]!) ? x[i]! - s : Number.NaN;
    const d = detrended[i]!;
    if (Number.isFinite(d)) {
      varDetrended += d * d;
      varRemainder += (d - s) * (d - s);
      count++;
      totalPhaseCount += phaseCount[phase]!;
    }
  }
  const cycles = count > 0 ? totalPhaseCount / count : 0;
  if (count < 2 * p || cycles < 2 || !(varDetrended > 0)) {
    return { strength: 0, remainder };
  }
  const corrected = (varRemainder * cycles) / (cycles - 1);
  return { strength: Math.max(0, 1 - corrected / varDetrended), remainder };
}

/** Detects the seasonal periods of a series on a regular grid (NaN marks gaps). */
export function detectSeasonality(
  values: Float64Array,
  stepSeconds: number,
  opts: SeasonalityOptions = {}
): Seasonality {
  const minStrength = opts.minStrength ?? DEFAULT_MIN_STRENGTH;
  const minAcf = opts.minAutocorrelation ?? DEFAULT_MIN_AUTOCORRELATION;
  const n = values.length;
  let observed = 0;
  for (const v of values) {
    if (Number.isFinite(v)) {
      observed++;
    }
  }
  if (observed < 4 * MIN_PERIOD_STEPS || !(stepSeconds > 0)) {
    return { periods: [], primary: 0 };
  }
  // Spikes (faults, bursts) would dominate every variance below and hide a cycle: winsorise them first.
  const robust = winsorise(values);
  const candidates = new Map<number, boolean>();
  for (const seconds of CALENDAR_PERIODS_SECONDS) {
    const p = seconds / stepSeconds;
    if (Number.isInteger(p) && p >= MIN_PERIOD_STEPS && n >= 2 * p) {
      candidates.set(p, true);
    }
  }
  // Autocorrelation peaks need three cycles in the history to count as a cycle rather than a coincidence.
  const maxLag = Math.floor(n / 3);
  if (maxLag > MIN_PERIOD_STEPS + 1) {
    const acf = gapAwareAcf(detrend(robust), maxLag);
    for (const lag of acfPeaks(acf, MIN_PERIOD_STEPS, maxLag, minAcf)) {
      // A peak within 10% of a calendar period is that period (an ACF peak is broad, gaps make it noisy).
      const near = [...candidates.keys()].find((c) => Math.abs(c - lag) <= Math.max(1, 0.1 * c));
      if (near === undefined) {
        candidates.set(lag, false);
      }
    }
  }
  const accepted: DetectedPeriod[] = [];
  let rest = robust;
  // Shortest first, each judged on what the shorter accepted ones left (as MSTL decomposes).
  for (const [period, calendar] of [...candidates].sort((a, b) => a[0] - b[0])) {
    if (!calendar && accepted.some((a) => Math.abs(a.period - period) <= 0.1 * a.period)) {
      continue;
    }
    const { strength, remainder } = seasonalStrength(rest, period);
    if (strength >= minStrength) {
      accepted.push({ period, strength, calendar });
      rest = remainder;
    }
  }
  const periods = accepted
    .sort((a, b) => b.strength - a.strength)
    .slice(0, MAX_PERIODS)
    .sort((a, b) => a.period - b.period);
  // The strongest period on the remainder is not always the one to repeat (an hourly ripple on a daily
  // cycle): the primary one is the period whose last cycle, repeated, has fitted the history best.
  const primary =
    periods.length === 0
      ? 0
      : periods
          .map((d) => ({ period: d.period, error: lagError(robust, d.period) }))
          .sort((a, b) => a.error - b.error || b.period - a.period)[0]!.period;
  return { periods, primary };
}

/** Mean absolute lag-p difference over the pairs both observed. */
function lagError(x: Float64Array, p: number): number {
  let sum = 0;
  let count = 0;
  for (let i = p; i < x.length; i++) {
    const d = x[i]! - x[i - p]!;
    if (Number.isFinite(d)) {
      sum += Math.abs(d);
      count++;
    }
  }
  return count > 0 ? sum / count : Infinity;
}

/** Clips observed values to median ± 5 robust standard deviations (1.4826 · MAD); gaps stay gaps. */
export function winsorise(values: Float64Array): Float64Array {
  const finite = Array.from(values)
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b);
  if (finite.length === 0) {
    return values;
  }
  const med = finite[finite.length >> 1]!;
  const dev = finite.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  const mad = dev[dev.length >> 1]! * 1.4826;
  if (!(mad > 0)) {
    return values;
  }
  const lo = med - 5 * mad;
  const hi = med + 5 * mad;
  return values.map((v) => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : v));
}
