/**
 * Prediction bands from backtest residuals, corrected online: adaptive conformal inference (ACI, Gibbs &
 * Candès 2021) run over the backtest origins in time order. At each origin the band level is nudged by the
 * miss rate observed there (level ← level + γ·(target − covered share)), so a band that was too narrow
 * lately (errors drifting up) widens and one that was too wide narrows; the final level is applied to every
 * residual seen. Residuals are standardised by a robust spread per lead-time bucket, non-decreasing in lead.
 */
import { empiricalQuantile } from './stats.ts';

/** Lead-time buckets of doubling width, merged from the front until each holds enough residuals. */
export function leadBuckets(horizon: number, origins: number, minPerBucket: number): number[] {
  const bucketOf = new Array<number>(horizon);
  let bucket = 0;
  let start = 0;
  let width = 1;
  while (start < horizon) {
    let end = Math.min(horizon, start + width);
    while (end < horizon && (end - start) * origins < minPerBucket) {
      end++;
    }
    for (let k = start; k < end; k++) {
      bucketOf[k] = bucket;
    }
    bucket++;
    width = Math.max(width * 2, end - start);
    start = end;
  }
  return bucketOf;
}

export interface ConformalSettings {
  /** ACI step size γ per backtest origin (0: plain split conformal). */
  rate: number;
  /** Multiplier on the standardised quantiles (1: none). */
  inflation: number;
}

/** Merges two ascending arrays. */
function merge(a: Float64Array, b: Float64Array): Float64Array<ArrayBuffer> {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  }
  while (i < a.length) {
    out[k++] = a[i++]!;
  }
  while (j < b.length) {
    out[k++] = b[j++]!;
  }
  return out;
}

/** Residuals standardised per lead bucket, ready for any level, rate and inflation. */
export interface ConformalScores {
  horizon: number;
  /** Standardised residual rows, oldest origin first, each sorted ascending. */
  sortedRows: Float64Array[];
  /** All standardised residuals, ascending. */
  sorted: Float64Array;
  /** Spread per lead step (non-decreasing). */
  spreadAt: Float64Array;
}

export function conformalScores(residuals: Float64Array[], horizon: number): ConformalScores {
  const origins = residuals.length;
  const bucketOf = leadBuckets(horizon, origins, 24);
  const nBuckets = bucketOf[horizon - 1]! + 1;
  const spread = new Float64Array(nBuckets);
  for (let b = 0; b < nBuckets; b++) {
    let sum = 0;
    let count = 0;
    for (let k = 0; k < horizon; k++) {
      if (bucketOf[k] !== b) {
        continue;
      }
      for (const r of residuals) {
        sum += Math.abs(r[k]!);
      }
      count += residuals.length;
    }
    spread[b] = sum / Math.max(1, count);
  }
  for (let b = 1; b < nBuckets; b++) {
    spread[b] = Math.max(spread[b]!, spread[b - 1]!);
  }
  const floor = Math.max(1e-12, spread[nBuckets - 1]! * 1e-6);
  const spreadAt = new Float64Array(horizon);
  for (let k = 0; k < horizon; k++) {
    spreadAt[k] = Math.max(floor, spread[bucketOf[k]!]!);
  }
  const sortedRows = residuals.map((r) => r.map((v, k) => v / spreadAt[k]!).sort());
  let sorted = new Float64Array(0);
  for (const row of sortedRows) {
    sorted = merge(sorted, row);
  }
  return { horizon, sortedRows, sorted, spreadAt };
}

/** Share of an ascending array at or below x (binary search). */
function shareAtOrBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo / sorted.length;
}

/**
 * The level ACI ends at for target quantile q: walking the origins in time order, the threshold is the
 * current level's quantile of the scores seen so far, and the level moves by γ·(q − share at or below it).
 */
export function adaptiveLevel(scores: ConformalScores, q: number, rate: number): number {
  let level = q;
  if (rate <= 0 || scores.sortedRows.length < 3) {
    return level;
  }
  let seen = new Float64Array(0);
  for (const row of scores.sortedRows) {
    if (seen.length >= row.length) {
      const threshold = empiricalQuantile(seen, level);
      level = Math.min(1, Math.max(0, level + rate * (q - shareAtOrBelow(row, threshold))));
    }
    seen = merge(seen, row);
  }
  return level;
}

/** Offsets from the median per quantile level and lead step. */
export function offsetsFor(
  scores: ConformalScores,
  levels: number[],
  settings: ConformalSettings
): Map<number, Float64Array> {
  const { sorted, spreadAt, horizon } = scores;
  const out = new Map<number, Float64Array>();
  for (const q of levels) {
    const level = adaptiveLevel(scores, q, settings.rate);
    // Finite-sample correction of split conformal: push the level outwards by 1/(n+1).
    const adj =
      level < 0.5
        ? Math.max(0, level - (1 - level) / (sorted.length + 1))
        : Math.min(1, level + level / (sorted.length + 1));
    const z = empiricalQuantile(sorted, adj) * settings.inflation;
    const offsets = new Float64Array(horizon);
    for (let k = 0; k < horizon; k++) {
      offsets[k] = z * spreadAt[k]!;
    }
    out.set(q, offsets);
  }
  return out;
}

/**
 * Offsets from the median per quantile level and lead step. `residuals` are (actual − forecast) vectors of
 * length `horizon`, oldest origin first.
 */
export function conformalQuantiles(
  residuals: Float64Array[],
  horizon: number,
  levels: number[],
  settings: ConformalSettings
): Map<number, Float64Array> {
  return offsetsFor(conformalScores(residuals, horizon), levels, settings);
}
