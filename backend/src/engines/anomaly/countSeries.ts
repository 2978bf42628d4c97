/**
 * What kind of numbers a series carries, decided from its first points: event counts (non-negative integers whose
 * noise grows with the level, as Poisson counts do) get a variance-stabilising transform before any Gaussian
 * residual is taken, and quantised series (CPU percentages in steps of 1/15, latencies stuck on buckets) get a
 * noise floor of one quantum, so that one step of the quantum is never an extreme deviation.
 *
 * - Counts: Poisson noise has variance = mean, so a fixed Gaussian scale fires on every busy hour and misses bursts
 *   at quiet hours. Anscombe's transform 2·√(x + 3/8) makes Poisson noise approximately unit-variance whatever the
 *   level (Anscombe 1948), so the residual scale no longer depends on the level.
 * - The test: every value a non-negative integer, and a variance that scales like a count's. The local variance of
 *   a block is half the mean squared first difference (slow trends and daily shape cancel); the dispersion index
 *   D = Σ local variance / Σ level over the blocks is 1 for Poisson counts and a few units for the over-dispersed
 *   counts of real event streams, but thousands for byte or millisecond totals that happen to be integers (whose
 *   noise is not a counting noise), and below 1 for a series that only switches between a few levels (a square wave).
 *   Counts are declared for `minDispersion` ≤ D ≤ `maxDispersion` (0.5 and 50: fixed from that reasoning, not fitted).
 */

export interface SeriesKind {
  /** Non-negative integers with a count-like variance: model in Anscombe's domain. */
  count: boolean;
  /** Dispersion index of the local variance (NaN when the level is 0 throughout). */
  dispersion: number;
  /** Smallest positive gap between distinct values (Infinity for a constant series), in the modelling domain's units before any transform. */
  resolution: number;
}

/** Anscombe's variance-stabilising transform for Poisson counts. */
export function anscombe(x: number): number {
  return 2 * Math.sqrt(Math.max(0, x) + 0.375);
}

/** Smallest positive gap between distinct values: the series' quantum (Infinity if fewer than two distinct values). */
export function valueResolution(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  let best = Infinity;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0 && d < best) {
      best = d;
    }
  }
  return best;
}

/** Classifies a series from its first points (at least 16; blocks of ≥ 8 points each). */
export function classifySeries(
  values: ArrayLike<number>,
  minDispersion = 0.5,
  maxDispersion = 50,
  blocks = 8
): SeriesKind {
  const n = values.length;
  const resolution = valueResolution(values);
  let integers = n >= 16;
  for (let i = 0; i < n && integers; i++) {
    const v = values[i]!;
    integers = v >= 0 && Number.isInteger(v);
  }
  const size = Math.max(8, Math.floor(n / blocks));
  let varSum = 0;
  let levelSum = 0;
  for (let start = 0; start + size <= n; start += size) {
    let level = 0;
    let sq = 0;
    for (let i = start; i < start + size; i++) {
      level += values[i]!;
      if (i > start) {
        const d = values[i]! - values[i - 1]!;
        sq += d * d;
      }
    }
    levelSum += level / size;
    varSum += sq / (2 * (size - 1));
  }
  const dispersion = levelSum > 0 ? varSum / levelSum : Number.NaN;
  return { count: integers && dispersion >= minDispersion && dispersion <= maxDispersion, dispersion, resolution };
}
