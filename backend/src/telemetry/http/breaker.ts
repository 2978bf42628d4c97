/**
 * A circuit breaker per connector, so a dependency that stops answering costs one budget, not one
 * per request: after `failureThreshold` consecutive transport failures or timeouts (attempts that
 * got no HTTP answer) it opens and calls fail at once; after `openMs` one call goes through as a
 * probe (half-open) while the others keep failing fast; any HTTP answer closes it again.
 * An HTTP error status counts as an answer: the upstream is there, the request is what failed.
 */

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive transport failures or timeouts that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before one probe may go through. Default 30 000. */
  openMs?: number;
}

export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  /** Unix ms the circuit last opened (while open or half-open). */
  openedAtMs?: number;
  /** Unix ms from which one probe may go through (while open). */
  retryAtMs?: number;
  /** Why it opened: the last transport failure. */
  lastCause?: string;
}

export type Admission =
  { admitted: true; probe: boolean } | { admitted: false; retryInMs: number; snapshot: CircuitSnapshot };

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_OPEN_MS = 30_000;
/** What a caller refused while a half-open probe is in flight is told to wait. */
const PROBE_IN_FLIGHT_RETRY_MS = 1_000;

export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly openMs: number;
  private state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAtMs: number | undefined;
  private lastCause: string | undefined;
  private probeInFlight = false;

  constructor(
    opts: CircuitBreakerOptions,
    /** Wall clock (unix ms). */
    private readonly now: () => number,
    private readonly onChange?: (snapshot: CircuitSnapshot) => void
  ) {
    const threshold = opts.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    const openMs = opts.openMs ?? DEFAULT_OPEN_MS;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new TypeError(`circuit failureThreshold must be a positive integer, got ${threshold}`);
    }
    if (!Number.isFinite(openMs) || openMs <= 0) {
      throw new TypeError(`circuit openMs must be a positive number, got ${openMs}`);
    }
    this.failureThreshold = threshold;
    this.openMs = openMs;
  }

  /** Whether a call may go now; a half-open circuit admits exactly one probe at a time. */
  admit(): Admission {
    this.advance();
    if (this.state === 'closed') {
      return { admitted: true, probe: false };
    }
    if (this.state === 'half_open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return { admitted: true, probe: true };
    }
    const retryInMs =
      this.state === 'open' ? Math.max(0, (this.openedAtMs ?? 0) + this.openMs - this.now()) : PROBE_IN_FLIGHT_RETRY_MS;
    return { admitted: false, retryInMs: Math.max(retryInMs, 1), snapshot: this.snapshot() };
  }

  /** An attempt got an HTTP answer: the upstream is reachable. */
  recordAnswer(): void {
    this.probeInFlight = false;
    this.consecutiveFailures = 0;
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.openedAtMs = undefined;
      this.changed();
    }
  }

  /** An attempt got no answer (refused, reset, timed out, body cut off). */
  recordFailure(cause: string): void {
    this.consecutiveFailures += 1;
    this.lastCause = cause;
    if (this.state === 'half_open' || (this.state === 'closed' && this.consecutiveFailures >= this.failureThreshold)) {
      this.probeInFlight = false;
      this.state = 'open';
      this.openedAtMs = this.now();
      this.changed();
    }
  }

  /** A probe that ended without sending anything (e.g. refused by a budget) frees the half-open slot. */
  releaseProbe(): void {
    this.probeInFlight = false;
  }

  /** Whether the circuit is open now (retries stop: the next attempt would be refused anyway). */
  isOpen(): boolean {
    this.advance();
    return this.state === 'open';
  }

  snapshot(): CircuitSnapshot {
    this.advance();
    const out: CircuitSnapshot = { state: this.state, consecutiveFailures: this.consecutiveFailures };
    if (this.openedAtMs !== undefined && this.state !== 'closed') {
      out.openedAtMs = this.openedAtMs;
      if (this.state === 'open') {
        out.retryAtMs = this.openedAtMs + this.openMs;
      }
    }
    if (this.lastCause !== undefined && this.state !== 'closed') {
      out.lastCause = this.lastCause;
    }
    return out;
  }

  private advance(): void {
    if (this.state === 'open' && this.now() >= (this.openedAtMs ?? 0) + this.openMs) {
      this.state = 'half_open';
      this.probeInFlight = false;
      this.changed();
    }
  }

  private changed(): void {
    this.onChange?.(this.snapshot());
  }
}
