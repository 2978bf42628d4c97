/**
 * Pure request building for forecast and anomaly queries: durations, horizons, steps, thresholds and the
 * panel's time range → the body of `POST /api/v1/forecast` or `POST /api/v1/anomalies`. No Grafana runtime,
 * no I/O: everything here is unit-tested.
 */
import type { AnomalyRequest, ForecastRequest } from '../../api/types';
import { DEFAULT_HORIZON, type SidecarQuery } from './types';

/** Longest forecast the sidecar accepts, in steps (backend `MAX_HORIZON`). */
export const MAX_HORIZON_STEPS = 20_000;
/** Most steps the sidecar queries per series (backend `MAX_POINTS`). */
export const MAX_RANGE_POINTS = 100_000;
/** p10/p90: the 80% band every forecast gets. */
export const BAND_80: readonly number[] = [0.1, 0.9];
/** p2.5/p97.5: the optional 95% band. */
export const BAND_95: readonly number[] = [0.025, 0.975];

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(error: string): Result<T> => ({ ok: false, error });

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const WHOLE_NUMBER = /^\d+$/;

/** Seconds in a Prometheus-style duration (`90s`, `15m`, `1h30m`, `2d`, `1w`), or `undefined` if it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) {
    return undefined;
  }
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(DURATION_PART)) {
    seconds += Number(amount) * UNIT_SECONDS[unit];
  }
  return seconds;
}

/** Compact form of a number of seconds for messages: `15s`, `5m`, `1.5h`, `2d`. */
export function formatSeconds(seconds: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size) {
      return `${Number((seconds / size).toFixed(2))}${unit}`;
    }
  }
  return `${Number(seconds.toFixed(3))}s`;
}

/** A forecast horizon: a number of steps, or a duration the sidecar rounds up to whole steps. */
export type Horizon = { horizon: number } | { horizonSeconds: number };

/**
 * `15m` | `6h` | `2d` → `{ horizonSeconds }`; `288` → `{ horizon: 288 }` (steps). Empty means {@link DEFAULT_HORIZON}.
 */
export function parseHorizon(text: string | undefined): Result<Horizon> {
  const trimmed = (text ?? '').trim() || DEFAULT_HORIZON;
  if (WHOLE_NUMBER.test(trimmed)) {
    const steps = Number(trimmed);
    if (steps < 1) {
      return fail('Horizon must be at least 1 step');
    }
    if (steps > MAX_HORIZON_STEPS) {
      return fail(`Horizon is ${steps} steps; the sidecar forecasts at most ${MAX_HORIZON_STEPS} steps`);
    }
    return ok({ horizon: steps });
  }
  const seconds = parseDuration(trimmed);
  if (seconds === undefined) {
    return fail(`Horizon "${trimmed}" is neither a duration (15m, 6h, 2d) nor a number of steps (288)`);
  }
  if (seconds <= 0) {
    return fail('Horizon must be longer than 0');
  }
  return ok({ horizonSeconds: seconds });
}

/** `30s` | `1m` | `60` (seconds) → seconds; empty → `undefined` (use the panel's interval). */
export function parseStep(text: string | undefined): Result<number | undefined> {
  const trimmed = (text ?? '').trim();
  if (!trimmed) {
    return ok(undefined);
  }
  const seconds = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : parseDuration(trimmed);
  if (seconds === undefined) {
    return fail(`Step "${trimmed}" is not a duration (30s, 1m) or a number of seconds (60)`);
  }
  if (seconds <= 0) {
    return fail('Step must be longer than 0');
  }
  return ok(seconds);
}

/** The time range and interval of a Grafana request, as plain numbers. */
export interface RequestWindow {
  /** Range start and end, Unix ms. */
  fromMs: number;
  toMs: number;
  /** Grafana's suggested interval for the panel, in ms. */
  intervalMs: number;
  /** Current time, Unix ms: history ends now even when the dashboard shows the future. */
  nowMs: number;
}

/** Start, end (Unix ms) and step (seconds) of a request over the panel's range, up to now. */
export interface RangeAndStep {
  start: number;
  end: number;
  stepSeconds: number;
}

/**
 * The panel's range, its end capped at now, and the step: the query's step, else the request interval
 * (≥ 1 s, widened to stay within the sidecar's point limit). `futureError` is the message when the whole range
 * lies after now.
 */
export function rangeAndStep(
  stepText: string | undefined,
  window: RequestWindow,
  futureError: string
): Result<RangeAndStep> {
  const step = parseStep(stepText);
  if (!step.ok) {
    return step;
  }
  const start = Math.floor(window.fromMs);
  const end = Math.floor(Math.min(window.toMs, window.nowMs));
  if (!(end > start)) {
    return fail(futureError);
  }
  const rangeSeconds = (end - start) / 1000;

  let stepSeconds: number;
  if (step.value !== undefined) {
    stepSeconds = step.value;
    const points = Math.floor(rangeSeconds / stepSeconds) + 1;
    if (points > MAX_RANGE_POINTS) {
      return fail(
        `The time range holds ${points} steps of ${formatSeconds(stepSeconds)}; the sidecar takes at most ${MAX_RANGE_POINTS}: use a larger step`
      );
    }
  } else {
    const fromInterval = Math.max(1, Math.round(window.intervalMs / 1000));
    stepSeconds = Math.max(fromInterval, Math.ceil(rangeSeconds / (MAX_RANGE_POINTS - 1)));
  }
  if (rangeSeconds < stepSeconds) {
    return fail(`The time range is shorter than one step (${formatSeconds(stepSeconds)})`);
  }
  return ok({ start, end, stepSeconds });
}

/**
 * Body of `POST /api/v1/forecast` for a forecast query (its template variables already interpolated).
 * - `start`/`end`: the panel's range, the end capped at now (the forecast covers the future);
 * - `stepSeconds`: the query's step, else the request interval (≥ 1 s, widened to stay within the sidecar's point limit);
 * - `horizon`/`horizonSeconds` from {@link parseHorizon}, checked against the step;
 * - `quantiles`: the 80% band, plus the 95% band when asked for.
 */
export function buildForecastRequest(query: SidecarQuery, window: RequestWindow): Result<ForecastRequest> {
  const expr = (query.expr ?? '').trim();
  if (!expr) {
    return fail('Enter a PromQL expression to forecast');
  }
  const step = parseStep(query.step);
  if (!step.ok) {
    return step;
  }
  const horizon = parseHorizon(query.horizon);
  if (!horizon.ok) {
    return horizon;
  }
  const range = rangeAndStep(
    query.step,
    window,
    'The time range lies in the future: a forecast needs history before now'
  );
  if (!range.ok) {
    return range;
  }
  const { stepSeconds } = range.value;

  if ('horizonSeconds' in horizon.value) {
    const steps = Math.ceil(horizon.value.horizonSeconds / stepSeconds - 1e-9);
    if (steps > MAX_HORIZON_STEPS) {
      return fail(
        `Horizon ${formatSeconds(horizon.value.horizonSeconds)} is ${steps} steps of ${formatSeconds(stepSeconds)}; ` +
          `the sidecar forecasts at most ${MAX_HORIZON_STEPS} steps: shorten the horizon or use a larger step`
      );
    }
  }

  return ok({
    query: expr,
    ...range.value,
    ...horizon.value,
    quantiles: query.band95 ? [...BAND_80, ...BAND_95] : [...BAND_80],
  });
}

/** `0.995` → 0.995; empty → `undefined` (each series' own threshold). The sidecar takes (0, 1), both ends open. */
export function parseThreshold(text: string | undefined): Result<number | undefined> {
  const trimmed = (text ?? '').trim();
  if (!trimmed) {
    return ok(undefined);
  }
  const value = /^(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(value > 0 && value < 1)) {
    return fail(`Threshold "${trimmed}" must be a number between 0 and 1 (exclusive), e.g. 0.995`);
  }
  return ok(value);
}

/**
 * Body of `POST /api/v1/anomalies` for an anomaly query (its template variables already interpolated):
 * the panel's range up to now, the step as for forecasts, and the threshold override when one is given.
 * The sidecar itself reaches back before `start` to warm its detector up.
 */
export function buildAnomalyRequest(query: SidecarQuery, window: RequestWindow): Result<AnomalyRequest> {
  const expr = (query.expr ?? '').trim();
  if (!expr) {
    return fail('Enter a PromQL expression to scan for anomalies');
  }
  const threshold = parseThreshold(query.threshold);
  if (!threshold.ok) {
    return threshold;
  }
  const range = rangeAndStep(
    query.step,
    window,
    'The time range lies in the future: anomalies are scored on history up to now'
  );
  if (!range.ok) {
    return range;
  }
  return ok({
    query: expr,
    ...range.value,
    ...(threshold.value !== undefined ? { threshold: threshold.value } : {}),
  });
}
