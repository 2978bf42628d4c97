/**
 * Code-level faults: `exception` (one operation of a service throws for a share of its requests) and
 * `wrong_return` (one operation returns a wrong value: empty, or inflated). Unlike the infrastructure
 * faults they act on one operation and on the callers' behaviour, so this module holds the per-tick plan
 * of every service's calls while such a fault is active:
 * - exception at X: X's throwing requests stop before their remaining downstream calls (lost calls), the
 *   callers of X's faulty operation retry up to MAX_RETRIES times with a backoff (more arrivals at X, more
 *   latency at the caller), and only what fails every attempt reaches the caller as an error;
 * - wrong_return at X: X's response size changes; a caller that got the wrong value skips the calls it
 *   makes after X (empty), or makes them several times and looks up the extra items with follow-up calls
 *   to another of X's operations (inflated); its own response size follows.
 * Nothing here runs when no code-level fault is active, so runs without one stay bit-identical.
 */
import { faultEffects, type FaultRecord, type WrongReturnVariant } from './faults.ts';
import { serveArrivals, type TickContext } from './physics.ts';
import { hashUnit } from './random.ts';
import type { ServiceRuntime } from './state.ts';
import type { ServiceSpec } from './topology.ts';

/** Retries a caller makes after a failed call (gRPC/HTTP clients' usual default of 2). */
export const MAX_RETRIES = 2;
/** Backoff before retry k (1-based) is k times this. */
export const RETRY_BACKOFF_MS = 50;
/** Response size of a wrong return relative to a correct one. */
export const WRONG_RETURN_SIZE_FACTOR: Readonly<Record<WrongReturnVariant, number>> = { empty: 0.08, inflated: 4 };
/** An inflated return makes the caller repeat its later calls this many times (once per wrong item). */
export const INFLATED_CALL_FACTOR = 3;
/** ...and look the extra items up with this many follow-up calls to the faulty service. */
export const INFLATED_FOLLOW_UPS = 2;

/** A call a caller makes only because a callee returned an inflated value. */
export interface FollowUpCall {
  to: string;
  operation: string;
  callsPerRequest: number;
}

/** The operation a caller looks extra items up with: another operation of the callee, else the same one. */
export function followUpOperation(operations: readonly string[], faulty: string): string {
  return operations.find((o) => o !== faulty) ?? faulty;
}
/** A caller's own response shrinks to this share after an empty return (it answers with defaults). */
export const EMPTY_CALLER_SIZE_FACTOR = 0.4;
/** ...and grows by this factor after an inflated return. */
export const INFLATED_CALLER_SIZE_FACTOR = 2.5;

/** Share of the faulty operation's requests that throw. */
export function exceptionRatioFor(intensity: number): number {
  return Math.min(0.9, 0.3 * intensity);
}

/** Share of the faulty operation's responses that are wrong. */
export function wrongReturnRatioFor(intensity: number): number {
  return Math.min(1, 0.4 * intensity);
}

/** A code-level fault active on one operation of a service. */
export interface CodeFaultOnOperation {
  record: FaultRecord;
  type: 'exception' | 'wrong_return';
  operation: string;
  /** Share of the operation's requests affected. */
  ratio: number;
  /** The exception class (exception) or 'empty' / 'inflated' (wrong_return). */
  variant: string;
}

export function codeFaultsOf(active: readonly FaultRecord[]): CodeFaultOnOperation[] {
  const out: CodeFaultOnOperation[] = [];
  for (const f of active) {
    if ((f.type === 'exception' || f.type === 'wrong_return') && f.operation !== undefined) {
      out.push({
        record: f,
        type: f.type,
        operation: f.operation,
        ratio: f.type === 'exception' ? exceptionRatioFor(f.intensity) : wrongReturnRatioFor(f.intensity),
        variant: f.variant ?? (f.type === 'wrong_return' ? 'empty' : 'Error'),
      });
    }
  }
  return out;
}

/** Expected attempts of a call whose attempts each throw with probability e (1 + e + … + e^MAX_RETRIES). */
export function expectedAttempts(e: number): number {
  let sum = 1;
  let p = 1;
  for (let k = 0; k < MAX_RETRIES; k++) {
    p *= e;
    sum += p;
  }
  return sum;
}

/** Mean backoff waited per call (retry k waits k × RETRY_BACKOFF_MS). */
export function expectedBackoffMs(e: number): number {
  let sum = 0;
  let p = 1;
  for (let k = 1; k <= MAX_RETRIES; k++) {
    p *= e;
    sum += p * k * RETRY_BACKOFF_MS;
  }
  return sum;
}

/** What one of a service's calls does this tick while code-level faults are active. */
export interface CallPlan {
  /** Calls made per call the spec lists (lost after an own exception; skipped or repeated after a wrong return). */
  factor: number;
  /** Expected attempts per call (retries of a throwing callee). */
  attempts: number;
  /** Mean backoff per call, ms. */
  backoffMs: number;
  /** The callee's exception probability per attempt for this call's operation. */
  calleeException: number;
  /** Probability that every attempt throws (the failure the caller sees). */
  exhausted: number;
}

/** Base response size of a service (bytes), fixed per service name: what its spans and metric report. */
export function baseResponseBytes(spec: ServiceSpec): number {
  const u = hashUnit(0, 'response-size', spec.name);
  if (spec.tier === 'gateway') {
    return Math.round(18_000 + 40_000 * u);
  }
  if (spec.tier === 'data') {
    return Math.round(600 + 6_000 * u);
  }
  return Math.round(300 + 3_000 * u);
}

/**
 * The plan of a service's calls this tick: `ownException` is the share of its own requests that throw
 * (their remaining calls are lost: call i of n is lost when the throw comes before it, (i+1)/(n+1) of the
 * time), `calleeFaults(callee)` the code-level faults active on each callee.
 */
export function planCalls(
  spec: ServiceSpec,
  ownException: number,
  calleeFaults: (service: string) => readonly CodeFaultOnOperation[] | undefined,
  operationsOf: (service: string) => readonly string[]
): { plan: CallPlan[]; followUps: FollowUpCall[]; sizeFactor: number } {
  const n = spec.calls.length;
  const plan: CallPlan[] = [];
  const followUps: FollowUpCall[] = [];
  let wrongMultiplier = 1;
  let sizeFactor = 1;
  for (const [i, call] of spec.calls.entries()) {
    const lost = ownException * ((i + 1) / (n + 1));
    let e = 0;
    let wrong: CodeFaultOnOperation | undefined;
    for (const f of calleeFaults(call.to) ?? []) {
      if (f.operation !== call.operation) {
        continue;
      }
      if (f.type === 'exception') {
        e = 1 - (1 - e) * (1 - f.ratio);
      } else {
        wrong = f;
      }
    }
    plan.push({
      factor: (1 - lost) * wrongMultiplier,
      attempts: expectedAttempts(e),
      backoffMs: expectedBackoffMs(e),
      calleeException: e,
      exhausted: Math.pow(e, MAX_RETRIES + 1),
    });
    if (wrong) {
      // Share of this service's requests that got a wrong value from the call.
      const a = Math.min(1, call.callsPerRequest) * wrong.ratio;
      if (wrong.variant === 'inflated') {
        wrongMultiplier *= 1 + (INFLATED_CALL_FACTOR - 1) * a;
        sizeFactor *= 1 + (INFLATED_CALLER_SIZE_FACTOR - 1) * a;
        followUps.push({
          to: call.to,
          operation: followUpOperation(operationsOf(call.to), call.operation),
          callsPerRequest: a * INFLATED_FOLLOW_UPS * (plan[i] as CallPlan).factor,
        });
      } else {
        wrongMultiplier *= 1 - a;
        sizeFactor *= 1 - (1 - EMPTY_CALLER_SIZE_FACTOR) * a;
      }
    }
  }
  return { plan, followUps, sizeFactor };
}

/** Response-size factor of a service's own wrong returns, `wrongShare(f)` being the share of its requests f hits. */
export function ownWrongReturnSizeFactor(
  faults: readonly CodeFaultOnOperation[],
  wrongShare: (f: CodeFaultOnOperation) => number
): number {
  let factor = 1;
  for (const f of faults) {
    if (f.type === 'wrong_return') {
      const s = wrongShare(f);
      factor *= 1 - s + s * (WRONG_RETURN_SIZE_FACTOR[f.variant as WrongReturnVariant] ?? 1);
    }
  }
  return factor;
}

/** What phase 1 with code-level faults needs from the cluster. */
export interface CodeFaultTickHost {
  /** Services in call order (callers first). */
  readonly inOrder: readonly ServiceRuntime[];
  service(name: string): ServiceRuntime;
  readonly entry: string;
  /** The entry's routes (requests spread evenly over them). */
  readonly entryOperations: readonly string[];
  activeFaults(service: string): readonly FaultRecord[];
  /** The operations a service serves. */
  operations(service: string): readonly string[];
}

/**
 * Phase 1 of a tick while a code-level fault is active somewhere (`codeFaults`: per service, non-empty):
 * as the plain phase 1 (callers first, each service serves its arrivals and calls its callees), with each
 * service's exception and wrong-return shares taken from the faulty operation's share of its arrivals, and
 * its calls following its call plan (lost, skipped, repeated and retried calls).
 */
export function serveForwardWithCodeFaults(
  host: CodeFaultTickHost,
  codeFaults: ReadonlyMap<string, readonly CodeFaultOnOperation[]>,
  ctx: TickContext
): void {
  // Arrivals per operation, for the services with a code-level fault (callers add to them first).
  const byOperation = new Map<string, Map<string, number>>();
  for (const st of host.inOrder) {
    const name = st.spec.name;
    const mine = codeFaults.get(name) ?? [];
    const opArrivals = byOperation.get(name);
    const share = (operation: string): number => {
      if (name === host.entry) {
        return host.entryOperations.includes(operation) ? 1 / host.entryOperations.length : 0;
      }
      return st.pendingArrivals > 0 ? Math.min(1, (opArrivals?.get(operation) ?? 0) / st.pendingArrivals) : 0;
    };
    let exception = 0;
    let wrong = 0;
    for (const f of mine) {
      const s = f.ratio * share(f.operation);
      if (f.type === 'exception') {
        exception = 1 - (1 - exception) * (1 - s);
      } else {
        wrong = 1 - (1 - wrong) * (1 - s);
      }
    }
    const effects = faultEffects(host.activeFaults(name));
    effects.exceptionRatio = exception;
    const ownSize = ownWrongReturnSizeFactor(mine, (f) => f.ratio * share(f.operation));
    const served = serveArrivals(st, effects, ctx);
    const { plan, followUps, sizeFactor } = planCalls(
      st.spec,
      exception,
      (s) => codeFaults.get(s),
      (s) => host.operations(s)
    );
    st.wrongReturnRatio = wrong;
    st.callPlan = plan;
    st.followUpCalls = followUps;
    st.responseSizeBytes = baseResponseBytes(st.spec) * ownSize * sizeFactor;
    const calls = [
      ...st.spec.calls.map((call, i) => ({
        to: call.to,
        operation: call.operation,
        n: served * call.callsPerRequest * (plan[i] as CallPlan).factor * (plan[i] as CallPlan).attempts,
      })),
      ...followUps.map((f) => ({ to: f.to, operation: f.operation, n: served * f.callsPerRequest })),
    ];
    for (const { to, operation, n } of calls) {
      host.service(to).pendingArrivals += n;
      if (codeFaults.has(to)) {
        const m = byOperation.get(to) ?? new Map<string, number>();
        m.set(operation, (m.get(operation) ?? 0) + n);
        byOperation.set(to, m);
      }
    }
  }
}

/** Clears what a code-level fault left on a service's state (the first tick after the last one ended). */
export function clearCodeFaultState(st: ServiceRuntime): void {
  if (st.callPlan !== undefined) {
    st.callPlan = undefined;
    st.followUpCalls = [];
    st.wrongReturnRatio = 0;
    st.responseSizeBytes = baseResponseBytes(st.spec);
  }
}
