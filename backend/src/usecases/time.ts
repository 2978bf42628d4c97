/** The time forms users type into Grafana and curl, resolved against the Sources' clock. */
import { BadRequestError } from './errors.ts';

/**
 * Times a request may name: 1970-01-01 to 9999-12-31 (what RFC 3339 writes with four-digit years, and what the
 * query APIs accept). Anything beyond cannot be a time a query means, and arithmetic on it (a warm-up reach-back)
 * would leave the range a JavaScript Date can hold.
 */
export const MAX_TIME_MS = 253_402_300_799_999;
/** The coarsest query step: one week. */
export const MAX_STEP_SECONDS = 7 * 86_400;

function checked(field: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
    throw new BadRequestError(field, 'is outside the supported time range (1970-01-01 to 9999-12-31)');
  }
  return ms;
}

/** Unix seconds or milliseconds, RFC 3339, or `now`, `now-15m` (s, m, h, d, w); undefined means now. */
export function parseTime(field: string, value: number | string | undefined, nowMs: number): number {
  if (value === undefined) {
    return nowMs;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new BadRequestError(field, 'must be a finite time');
    }
    return checked(field, value > 1e11 ? value : value * 1000); // ms vs seconds
  }
  if (typeof value !== 'string') {
    throw new BadRequestError(field, 'must be a number or a string');
  }
  const rel = /^now(?:-(\d+)([smhdw]))?$/.exec(value.trim());
  if (rel) {
    if (!rel[1]) {
      return nowMs;
    }
    const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 }[rel[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return checked(field, nowMs - Number(rel[1]) * unit);
  }
  if (/^\d+(\.\d+)?$/.test(value)) {
    return parseTime(field, Number(value), nowMs);
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new BadRequestError(
      field,
      `cannot parse time ${JSON.stringify(value.slice(0, 64))}; use Unix seconds, RFC 3339 or now-1h`
    );
  }
  return checked(field, parsed);
}

/** A [start, end) window in ms with start before end. */
export function parseWindow(
  start: number | string | undefined,
  end: number | string | undefined,
  nowMs: number
): { startMs: number; endMs: number } {
  const startMs = parseTime('start', start, nowMs);
  const endMs = parseTime('end', end, nowMs);
  if (startMs >= endMs) {
    throw new BadRequestError('start', 'must be before end');
  }
  return { startMs, endMs };
}
