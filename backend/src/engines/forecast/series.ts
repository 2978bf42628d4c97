/** Turning raw samples into a clean, regular history the models can use, with reasons for every repair. */
import type { ForecastReason, RegularSeries } from './types.ts';

/** Input the caller must fix (unsorted, duplicate or non-finite timestamps): routes answer 400 with the field. */
export class ForecastInputError extends Error {
  constructor(
    readonly field: string,
    message: string
  ) {
    super(`${field}: ${message}`);
    this.name = 'ForecastInputError';
  }
}

/** The sampling step as the median spacing; robust to the odd missing or late sample. */
export function inferStepSeconds(timestamps: ArrayLike<number>): number {
  const diffs: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    diffs.push(timestamps[i]! - timestamps[i - 1]!);
  }
  if (diffs.length === 0) {
    return Number.NaN;
  }
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor((diffs.length - 1) / 2)]!; // lower median: a late sample cannot inflate the step
}

/**
 * Puts samples on a regular grid. Timestamps must be strictly increasing (an error names the first
 * offender otherwise); samples off the grid snap to the nearest slot, and missing slots become NaN.
 */
export function regularise(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  opts: { field?: string; stepSeconds?: number; maxPoints?: number } = {}
): RegularSeries {
  const field = opts.field ?? 'series';
  if (timestamps.length !== values.length) {
    throw new ForecastInputError(field, `has ${timestamps.length} timestamps but ${values.length} values`);
  }
  if (timestamps.length === 0) {
    throw new ForecastInputError(field, 'is empty');
  }
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (!Number.isFinite(t)) {
      throw new ForecastInputError(field, `timestamp at index ${i} is not a finite number`);
    }
    if (i > 0) {
      const prev = timestamps[i - 1]!;
      if (t === prev) {
        throw new ForecastInputError(field, `duplicate timestamp ${t} at index ${i}`);
      }
      if (t < prev) {
        throw new ForecastInputError(field, `timestamps are not sorted: ${t} at index ${i} comes after ${prev}`);
      }
    }
  }
  const last = timestamps[timestamps.length - 1]!;
  if (timestamps.length === 1) {
    return {
      values: Float64Array.from([Number(values[0])]),
      stepSeconds: opts.stepSeconds ?? Number.NaN,
      lastTimestamp: last,
    };
  }
  const step = opts.stepSeconds ?? inferStepSeconds(timestamps);
  if (!(step > 0)) {
    throw new ForecastInputError('stepSeconds', 'must be positive');
  }
  const first = timestamps[0]!;
  const slots = Math.round((last - first) / step) + 1;
  const maxPoints = opts.maxPoints ?? 1_000_000;
  if (slots > maxPoints) {
    throw new ForecastInputError(field, `spans ${slots} steps of ${step}s; at most ${maxPoints} are allowed`);
  }
  const sums = new Float64Array(slots);
  const counts = new Uint32Array(slots);
  for (let i = 0; i < timestamps.length; i++) {
    const v = Number(values[i]);
    if (!Number.isFinite(v)) {
      continue;
    } // NaN/Inf are gaps, repaired later with a reason
    const slot = slots - 1 - Math.round((last - timestamps[i]!) / step);
    if (slot < 0) {
      continue;
    }
    sums[slot]! += v;
    counts[slot]! += 1;
  }
  const out = new Float64Array(slots);
  for (let s = 0; s < slots; s++) {
    out[s] = counts[s]! > 0 ? sums[s]! / counts[s]! : Number.NaN;
  }
  return { values: out, stepSeconds: step, lastTimestamp: last };
}

export interface CleanHistory {
  values: Float64Array;
  /** The same span with NaN where a value was interpolated (what was really observed). */
  observed: Float64Array;
  lastTimestamp: number;
  reasons: ForecastReason[];
}

/**
 * Repairs gaps: leading NaN are dropped; a trailing gap moves the origin back to the last real sample
 * (the forecast then starts in the past, and says so); a long inner gap keeps only the history after it
 * (older data describes another regime); short gaps are linearly interpolated.
 */
export function cleanHistory(series: RegularSeries, longGapSteps: number, minSamplesAfterGap = 16): CleanHistory {
  const reasons: ForecastReason[] = [];
  const v = series.values;
  let end = v.length;
  while (end > 0 && !Number.isFinite(v[end - 1]!)) {
    end--;
  }
  if (end === 0) {
    return { values: new Float64Array(0), observed: new Float64Array(0), lastTimestamp: series.lastTimestamp, reasons };
  }
  const lastTimestamp = series.lastTimestamp - (v.length - end) * series.stepSeconds;
  if (end < v.length) {
    reasons.push({
      code: 'trailing_gap',
      message: `the last ${v.length - end} sample(s) are missing; the forecast starts at the last real sample`,
    });
  }
  let start = 0;
  while (start < end && !Number.isFinite(v[start]!)) {
    start++;
  }
  // Find the last long gap: history before it is dropped.
  let run = 0;
  for (let i = end - 1; i >= start; i--) {
    if (!Number.isFinite(v[i]!)) {
      run++;
      if (run >= longGapSteps) {
        let j = i;
        while (j < end && !Number.isFinite(v[j]!)) {
          j++;
        }
        if (end - j < minSamplesAfterGap) {
          // Too little after the gap to forecast from: bridging it beats answering nothing.
          reasons.push({
            code: 'gaps_imputed',
            message: `a gap of ${run}+ steps with only ${end - j} sample(s) after it; it is bridged, not cut`,
          });
          break;
        }
        reasons.push({
          code: 'history_truncated_at_gap',
          message: `a gap of ${run}+ steps; only the ${end - j} samples after it are used`,
        });
        start = j;
        break;
      }
    } else {
      run = 0;
    }
  }
  const out = v.slice(start, end);
  const observed = out.slice();
  let imputed = 0;
  for (let i = 0; i < out.length; i++) {
    if (Number.isFinite(out[i]!)) {
      continue;
    }
    let j = i;
    while (j < out.length && !Number.isFinite(out[j]!)) {
      j++;
    }
    const a = out[i - 1]!; // start and end are finite by construction
    const b = out[j]!;
    for (let k = i; k < j; k++) {
      out[k] = a + ((b - a) * (k - i + 1)) / (j - i + 1);
    }
    imputed += j - i;
    i = j;
  }
  if (imputed > 0) {
    reasons.push({ code: 'gaps_imputed', message: `${imputed} missing sample(s) were linearly interpolated` });
  }
  return { values: out, observed, lastTimestamp, reasons };
}

/** The daily season in steps when the step divides a day and the history holds two days; else 0. */
export function dailySeason(stepSeconds: number, n: number): number {
  if (!(stepSeconds > 0)) {
    return 0;
  }
  const m = 86400 / stepSeconds;
  if (!Number.isInteger(m) || m < 2 || n < 2 * m) {
    return 0;
  }
  return m;
}
