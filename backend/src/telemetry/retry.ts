/**
 * Retry with exponential backoff and jitter, for idempotent upstream reads.
 * Randomness and sleeping are injectable so tests are deterministic and instant.
 */

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseDelayMs: number;
  /** Upper bound of any single delay (after the exponential growth, before jitter). */
  maxDelayMs: number;
  /** Returns a number in [0, 1). */
  random: () => number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): "equal jitter" —
 * half of the capped exponential delay is fixed, the other half is random, so retries from
 * many clients spread out but never collapse to zero.
 */
export function backoffDelayMs(retry: number, opts: BackoffOptions): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, retry));
  const r = Math.min(Math.max(opts.random(), 0), 1);
  return Math.round(exp / 2 + (exp / 2) * r);
}

export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt (0 = try once). */
  retries: number;
  sleep: (ms: number) => Promise<void>;
  /** Whether this failure may be retried (the operation must be idempotent). */
  isRetryable: (err: unknown) => boolean;
  /** A minimum delay the upstream asked for (e.g. Retry-After), in ms; capped at maxDelayMs. */
  minDelayFor?: (err: unknown) => number | undefined;
  /** A last say before retrying after `delayMs` (e.g. no time left in the request's budget); default yes. */
  canRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => boolean;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Runs `op(attempt)` (attempt starts at 1) until it succeeds, fails non-retryably, or retries run out. */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const retries = Math.max(0, Math.floor(opts.retries));
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (attempt > retries || !opts.isRetryable(err)) {
        throw err;
      }
      let delayMs = backoffDelayMs(attempt - 1, opts);
      const min = opts.minDelayFor?.(err);
      if (min !== undefined && Number.isFinite(min) && min > delayMs) {
        delayMs = Math.min(min, opts.maxDelayMs);
      }
      if (opts.canRetry && !opts.canRetry({ attempt, delayMs, error: err })) {
        throw err;
      }
      opts.onRetry?.({ attempt, delayMs, error: err });
      await opts.sleep(delayMs);
    }
  }
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Small seeded PRNG (mulberry32) returning [0, 1); for deterministic jitter in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
