/**
 * The step and lookback of a watched query, chosen from the history actually available: a detector or a
 * forecast needs a number of points before it answers, so a young series is watched at a finer step (down to a
 * typical scrape interval) and says how long until it is ready instead of claiming there is nothing to see.
 */
import type { TelemetrySource } from '../telemetry/types.ts';

/** Steps a watched query may use, finest first (15 s is Prometheus's most common scrape interval). */
export const STEP_LADDER_SECONDS = [15, 30, 60] as const;
/** How far back the probe looks for the first sample. */
const PROBE_RANGE_SECONDS = 7 * 86_400;
const PROBE_POINTS = 500;
/** Lookback at least this long once there is history: a day's shape for seasonal scoring and forecasting. */
const PREFERRED_LOOKBACK_SECONDS = 6 * 3600;
const MAX_POINTS = 11_000;

export interface Resolution {
  stepSeconds: number;
  lookbackSeconds: number;
  /** Seconds of history the query has now (0 when it returned nothing). */
  availableSeconds: number;
  /** Seconds until enough history exists at this step; 0 when ready. */
  readyInSeconds: number;
  why: string;
}

/** Seconds of history behind a query: from its first sample in the last week (to the probe's resolution) until now. */
export async function availableHistorySeconds(metrics: TelemetrySource, query: string, nowMs: number): Promise<number> {
  const stepSeconds = Math.ceil(PROBE_RANGE_SECONDS / PROBE_POINTS);
  const result = await metrics.queryRange({
    query,
    startMs: nowMs - PROBE_RANGE_SECONDS * 1000,
    endMs: nowMs,
    stepSeconds,
  });
  let first = Infinity;
  for (const s of result.series) {
    const found = s.samples.find(([, v]) => Number.isFinite(v));
    if (found) {
      first = Math.min(first, found[0] * 1000);
    }
  }
  return Number.isFinite(first) ? Math.max(0, (nowMs - first) / 1000) : 0;
}

/**
 * `neededPoints` at the coarsest ladder step that fits in three quarters of the history (room for the detector
 * to score after warming up); the finest step, with the wait, when none fits yet. A configured step is kept.
 */
export function chooseResolution(opts: {
  availableSeconds: number;
  neededPoints: number;
  fixedStepSeconds?: number | undefined;
}): Resolution {
  const { availableSeconds, neededPoints } = opts;
  const needsAt = (step: number) => neededPoints * step;
  let stepSeconds: number;
  let why: string;
  if (opts.fixedStepSeconds !== undefined) {
    stepSeconds = opts.fixedStepSeconds;
    why = `step ${stepSeconds} s as configured`;
  } else {
    const fitting = STEP_LADDER_SECONDS.filter((s) => needsAt(s) <= 0.75 * availableSeconds);
    stepSeconds = fitting.at(-1) ?? STEP_LADDER_SECONDS[0];
    why =
      fitting.length > 0
        ? `step ${stepSeconds} s: ${neededPoints} points fit in the ${formatDuration(availableSeconds)} of history`
        : `step ${stepSeconds} s (the finest) while history is short`;
  }
  const readyInSeconds = Math.max(0, Math.ceil(needsAt(stepSeconds) - availableSeconds));
  const lookbackSeconds = Math.min(
    Math.max(PREFERRED_LOOKBACK_SECONDS, Math.ceil(1.25 * needsAt(stepSeconds))),
    MAX_POINTS * stepSeconds
  );
  if (readyInSeconds > 0) {
    why += `; ${formatDuration(availableSeconds)} of history, ${neededPoints} points needed: ready in about ${formatDuration(readyInSeconds)}`;
  }
  return { stepSeconds, lookbackSeconds, availableSeconds, readyInSeconds, why };
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) {
    return `${Math.round(seconds)} s`;
  }
  if (seconds < 90 * 60) {
    return `${Math.round(seconds / 60)} min`;
  }
  return `${(seconds / 3600).toFixed(1)} h`;
}
