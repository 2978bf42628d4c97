/**
 * Level shifts and fast ramps at the end of the history. The ensemble is chosen from rolling-origin backtests
 * whose origins mostly lie before a break near the end, so it keeps forecasting the old level. Here the latest
 * backtest origin (whose test window ends at the last sample) is tested for a structural break at its end, and
 * when one is found the forecast is intercept-corrected to the level after the break (Clements & Hendry 1996,
 * "Intercept corrections and structural change"; the level is estimated on the post-break window only, as in
 * Pesaran & Timmermann 2007).
 *
 * The test is a robust tail version of Page's CUSUM: for every tail of the standardised residual path the
 * tail's median times √length (a likelihood-ratio statistic for a shift in mean over that tail, with the median
 * so that one or two spikes cannot make it), maximised over the tail length. Residual paths are autocorrelated,
 * so no normal threshold holds: the statistic is calibrated on the same statistic at every other backtest origin
 * (a conformal, Monte-Carlo-style test) and must exceed all of them.
 */
import type { BacktestTable } from './backtest.ts';

/** A tail needs at least this many samples, so that its median ignores one spike (two of three must agree). */
const MIN_TAIL_SAMPLES = 3;
/**
 * The latest origin must beat this many other origins: with its statistic above all of them a level shift is
 * declared at a false-alarm rate of at most 1/(n+1) ≈ 11%, only when the shift is larger than every wobble the
 * series showed, which for an ordinary origin it seldom is.
 */
const MIN_COMPARISON_ORIGINS = 8;
/** And exceed this absolute level (robust standard units): a shift of about two spreads sustained over the tail. */
const MIN_STATISTIC = 3;

export interface LevelShift {
  /** Index into the history of the first sample after the break. */
  breakAt: number;
  /** The statistic at the latest origin and the largest at any other origin (or the absolute floor). */
  statistic: number;
  threshold: number;
  /** The post-break residual level (Theil–Sen line), at index t ≥ breakAt of the history. */
  residualAt: (t: number) => number;
  /** The post-break residual level at the last sample: what the forecast is moved by. */
  levelNow: number;
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** Tail lengths to try: every one up to 12, then growing by a quarter (the statistic varies slowly there). */
function tailLengths(h: number): number[] {
  const out: number[] = [];
  for (let len = MIN_TAIL_SAMPLES; len <= h; len = len < 12 ? len + 1 : Math.ceil(len * 1.25)) {
    out.push(len);
  }
  return out;
}

/** The largest |median of the tail| · √length over the tail lengths, signed. */
export function tailShiftStatistic(z: ArrayLike<number>, lengths: number[]): number {
  const h = z.length;
  let best = 0;
  for (const len of lengths) {
    if (len > h) {
      break;
    }
    const tail: number[] = [];
    for (let k = h - len; k < h; k++) {
      tail.push(z[k]!);
    }
    const value = median(tail) * Math.sqrt(len);
    if (Math.abs(value) > Math.abs(best)) {
      best = value;
    }
  }
  return best;
}

/**
 * Where the mean of a path changes (the CUSUM / two-segment likelihood-ratio location, Page 1954): the split
 * maximising |mean after − mean before| · √(before·after/n), with at least MIN_TAIL_SAMPLES after it.
 */
export function changeLocation(r: ArrayLike<number>): number {
  const n = r.length;
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += r[k]!;
  }
  let before = 0;
  let best = 1;
  let bestValue = -1;
  for (let tau = 1; tau <= n - MIN_TAIL_SAMPLES; tau++) {
    before += r[tau - 1]!;
    const after = n - tau;
    const value = Math.abs((total - before) / after - before / tau) * Math.sqrt((tau * after) / n);
    if (value > bestValue) {
      bestValue = value;
      best = tau;
    }
  }
  return best;
}

/** A robust (Theil–Sen) line through the values, as a function of the position. */
export function robustLine(values: number[]): (i: number) => number {
  const n = values.length;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      slopes.push((values[j]! - values[i]!) / (j - i));
    }
  }
  const slope = slopes.length > 0 ? median(slopes) : 0;
  const intercept = median(values.map((v, i) => v - slope * i));
  return (i) => intercept + slope * i;
}

/**
 * Tests the latest backtest origin for a level shift at its end. `paths[j]` is the combined forecast at origin
 * j (latest first) and `spreadAt` the residual spread per lead step. Undefined when no shift is found.
 */
export function detectLevelShift(
  table: BacktestTable,
  paths: Array<Float64Array | undefined>,
  spreadAt: Float64Array
): LevelShift | undefined {
  const { y, origins, horizon: h } = table;
  const n = y.length;
  if (!paths[0] || origins[0]! + h !== n || h < MIN_TAIL_SAMPLES) {
    return undefined;
  }
  const lengths = tailLengths(h);
  const residualPath = (j: number): Float64Array => paths[j]!.map((v, k) => y[origins[j]! + k]! - v);
  const standardised = (r: Float64Array): Float64Array => r.map((v, k) => v / spreadAt[k]!);
  let threshold = MIN_STATISTIC;
  let compared = 0;
  for (let j = 1; j < origins.length; j++) {
    if (paths[j]) {
      threshold = Math.max(threshold, Math.abs(tailShiftStatistic(standardised(residualPath(j)), lengths)));
      compared++;
    }
  }
  if (compared < MIN_COMPARISON_ORIGINS) {
    return undefined;
  }
  const r = residualPath(0);
  const z = standardised(r);
  const statistic = tailShiftStatistic(z, lengths);
  if (!(Math.abs(statistic) > threshold)) {
    return undefined;
  }
  // The level after the break is estimated on the post-break window only.
  const tau = changeLocation(z);
  const line = robustLine(Array.from(r.subarray(tau)));
  const breakAt = origins[0]! + tau;
  const levelNow = line(n - 1 - breakAt);
  // A break whose post-break level is not on the side the test found is a spike pattern, not a shift.
  if (Math.sign(levelNow) !== Math.sign(statistic)) {
    return undefined;
  }
  return { breakAt, statistic: Math.abs(statistic), threshold, residualAt: (t) => line(t - breakAt), levelNow };
}

/** The history with the post-break residual level taken out: what the old regime would have looked like. */
export function withoutShift(y: Float64Array, shift: LevelShift): Float64Array {
  const out = Float64Array.from(y);
  for (let t = shift.breakAt; t < y.length; t++) {
    out[t] = y[t]! - shift.residualAt(t);
  }
  return out;
}
