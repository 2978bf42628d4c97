/**
 * What a connector knows about its dependency's health: the last real error, when requests last
 * failed and succeeded, and its circuit; and the rules that turn a readiness probe plus that
 * history into a DependencyHealth (up / degraded / down).
 */
import { TelemetryError } from '../types.ts';
import type { DependencyCircuit, DependencyHealth } from '../types.ts';
import type { CircuitSnapshot } from './breaker.ts';

export interface ReadyProbe {
  ready: boolean;
  status: number;
  /** Body text, trimmed and cut to 200 characters. */
  body: string;
  latencyMs: number;
}

export class HealthTracker {
  private lastError: { message: string; at: string } | undefined;
  private lastFailureAtMs: number | undefined;
  private lastSuccessAtMs: number | undefined;

  constructor(
    /** A failed request keeps health 'degraded' this long unless one succeeds since. */
    private readonly degradedWindowMs: number,
    private readonly now: () => number
  ) {}

  /** A request failed (not the caller's fault): degraded for a while, and the message is kept. */
  failure(err: unknown): void {
    this.recordError(err);
    this.lastFailureAtMs = this.now();
  }

  success(): void {
    this.lastSuccessAtMs = this.now();
  }

  recordError(err: unknown): void {
    this.lastError = {
      message: err instanceof Error ? err.message : String(err),
      at: new Date(this.now()).toISOString(),
    };
  }

  publicLastError(): { message: string; at: string } | undefined {
    return this.lastError ? { ...this.lastError } : undefined;
  }

  /** Seconds since the last failure when requests are failing now (a failure since the last success, recently). */
  failingFor(atMs: number): number | undefined {
    const failedAt = this.lastFailureAtMs;
    if (
      failedAt !== undefined &&
      failedAt > (this.lastSuccessAtMs ?? -Infinity) &&
      atMs - failedAt < this.degradedWindowMs
    ) {
      return Math.max(0, Math.round((atMs - failedAt) / 1000));
    }
    return undefined;
  }
}

export function publicCircuit(snapshot: CircuitSnapshot): DependencyCircuit {
  const out: DependencyCircuit = { state: snapshot.state, consecutiveFailures: snapshot.consecutiveFailures };
  if (snapshot.retryAtMs !== undefined) {
    out.retryAt = new Date(snapshot.retryAtMs).toISOString();
  }
  return out;
}

/** "circuit open after 5 consecutive failures; next probe at …" */
export function circuitDetail(snapshot: CircuitSnapshot): string {
  if (snapshot.state === 'half_open') {
    return 'circuit half-open: a probe is checking whether it is back';
  }
  const next = snapshot.retryAtMs === undefined ? '' : `; next probe at ${new Date(snapshot.retryAtMs).toISOString()}`;
  return `circuit open after ${snapshot.consecutiveFailures} consecutive failures${next}`;
}

export interface AssessInput {
  name: string;
  label: string;
  baseUrl: string;
  tracker: HealthTracker;
  checkedAtMs: number;
  /** The readiness probe's answer, or why none came. */
  probe: { ok: true; value: ReadyProbe } | { ok: false; error: unknown };
  /** What answered, e.g. "Prometheus 2.53.0" (the label when unknown). */
  about: string;
  /** What fails when requests fail: "requests" or "queries". */
  failing: string;
  circuit: CircuitSnapshot | undefined;
}

/** up: ready and no recent failures; degraded: answering but not ready, or requests failing; down: no answer. */
export function assessHealth(i: AssessInput): DependencyHealth {
  const checkedAt = new Date(i.checkedAtMs).toISOString();
  const circuit = i.circuit ? { circuit: publicCircuit(i.circuit) } : {};
  if (!i.probe.ok) {
    const err = i.probe.error;
    const refused = err instanceof TelemetryError && err.kind === 'unavailable';
    // A refusal by the circuit is not news: the last real error stays the one reported.
    if (!refused) {
      i.tracker.recordError(err);
    }
    const why =
      refused && i.circuit
        ? `at ${i.baseUrl}: ${circuitDetail(i.circuit)}`
        : `${err instanceof TelemetryError && err.kind === 'timeout' ? 'not answering' : 'unreachable'} at ${i.baseUrl}`;
    const detail = `${i.label} ${why}`;
    return { name: i.name, state: 'down', detail, lastError: i.tracker.publicLastError(), checkedAt, ...circuit };
  }
  const probe = i.probe.value;
  const about = `${i.about} at ${i.baseUrl}`;
  const base = { name: i.name, latencyMs: probe.latencyMs, checkedAt, ...circuit };
  if (!probe.ready) {
    const body = probe.body ? ` ${probe.body}` : '';
    i.tracker.recordError(new Error(`${i.label} at ${i.baseUrl} is not ready: HTTP ${probe.status}${body}`));
    const detail = `${about}; not ready (HTTP ${probe.status})`;
    return { ...base, state: 'degraded', detail, lastError: i.tracker.publicLastError() };
  }
  const ago = i.tracker.failingFor(i.checkedAtMs);
  if (ago !== undefined) {
    const detail = `${about}; ${i.failing} failing (last failure ${ago}s ago)`;
    return { ...base, state: 'degraded', detail, lastError: i.tracker.publicLastError() };
  }
  return { ...base, state: 'up', detail: about, lastError: i.tracker.publicLastError() };
}
