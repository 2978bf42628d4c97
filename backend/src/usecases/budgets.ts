/**
 * Request budgets, checked before any work: a request that would take the engines minutes is refused at once
 * with a 400 naming the field to change, instead of being started and stopped at its time limit.
 */
import { BadRequestError } from './errors.ts';

/** Points one request may hand the engines, across all its series. */
export const MAX_TOTAL_POINTS = 200_000;
/** Steps one raw range query may return per series (Prometheus' own limit is 11,000). */
export const MAX_QUERY_STEPS = 11_000;
/** The longest root-cause window (the incident window; the 30 min baseline comes on top). */
export const MAX_RCA_WINDOW_MS = 6 * 3600_000;
/** Steps of one RCA signal over its window (the detector's warm-up history comes on top). */
export const MAX_RCA_STEPS = 5_000;

export function checkTotalPoints(counts: number[], field: string, limit = MAX_TOTAL_POINTS): void {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > limit) {
    throw new BadRequestError(
      field,
      `the request holds ${total} points across ${counts.length} series; at most ${limit} per request here (fewer series, a shorter range or a larger step)`
    );
  }
}

/** A raw range query's steps, before it is sent. */
export function checkQuerySteps(startMs: number, endMs: number, stepSeconds: number): void {
  const steps = Math.floor((endMs - startMs) / (stepSeconds * 1000)) + 1;
  if (steps > MAX_QUERY_STEPS) {
    throw new BadRequestError(
      'stepSeconds',
      `the range holds ${steps} steps; at most ${MAX_QUERY_STEPS} per series (a larger step or a shorter range)`
    );
  }
}

/** A root-cause (or graph) window: at most MAX_RCA_WINDOW_MS, and at most MAX_RCA_STEPS steps of its signals. */
export function checkRcaWindow(startMs: number, endMs: number, stepSeconds?: number): void {
  if (endMs - startMs > MAX_RCA_WINDOW_MS) {
    throw new BadRequestError(
      'start',
      `the window is ${((endMs - startMs) / 3600_000).toFixed(1)} h; root-cause analysis looks at most ${MAX_RCA_WINDOW_MS / 3600_000} h (the incident, not its history)`
    );
  }
  if (stepSeconds !== undefined && (endMs - startMs) / (stepSeconds * 1000) > MAX_RCA_STEPS) {
    throw new BadRequestError('stepSeconds', `the window holds more than ${MAX_RCA_STEPS} steps; use a larger step`);
  }
}
