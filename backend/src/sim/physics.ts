/**
 * The tick physics of one service, in the order the cluster runs them each tick:
 * 1. `serveArrivals` (call order, callers first): readiness, M/M/c capacity reduced by faults, the fluid
 *    backlog under overload, the service's own response time and timeouts, CPU; the served requests
 *    become the callees' arrivals.
 * 2. `propagateFromCallees` (reverse call order, callees first): latency and errors including downstream
 *    calls.
 * 3. `updatePods`: memory (noise, leaks, OOM kills) and per-pod CPU for metrics-server's window.
 * The random draws happen in this order, service by service, so a seed gives one trajectory.
 */
import type { EventLog } from './events.ts';
import type { FaultEffects, FaultRecord } from './faults.ts';
import { backlogStep, erlangC, mmcResponseQuantile, mmcResponseSurvival } from './queueing.ts';
import type { Rng } from './random.ts';
import type { LatencyStats, ServiceRuntime } from './state.ts';

export interface TickContext {
  nowMs: number;
  tickSeconds: number;
  rng: Rng;
  /** Ticks in the metric window (the autoscaler's lagged view of CPU). */
  metricWindowTicks: number;
}

function pushWindow(window: number[], value: number, size: number): void {
  window.push(value);
  if (window.length > size) {
    window.shift();
  }
}

/**
 * Phase 1 for one service: serves `st.pendingArrivals` and sets the tick's arrivals, throughput, backlog,
 * own latency and error ratios and CPU. Returns the requests served (each calls downstream).
 */
export function serveArrivals(st: ServiceRuntime, faults: FaultEffects, ctx: TickContext): number {
  const spec = st.spec;
  const dt = ctx.tickSeconds;
  st.faultMask = faults.mask;
  st.faultErrorRatio = faults.errorRatio;

  let ready = 0;
  for (const p of st.pods) {
    if (p.readyAtMs <= ctx.nowMs) {
      ready++;
    }
  }
  st.ready = ready;
  st.starting = st.pods.length - ready;

  const arrivals = st.pendingArrivals;
  const c = ready * spec.concurrencyPerReplica;
  const mu = (spec.serviceRatePerReplica / spec.concurrencyPerReplica) * faults.serviceRateFactor;
  const capacity = c * mu;
  const b = backlogStep(st.backlog, arrivals, capacity, dt, spec.timeoutMs / 1000);
  st.backlog = b.backlog;
  st.arrivalRps = arrivals / dt;
  st.throughputRps = b.served / dt;
  st.requestsTotal += arrivals;
  const droppedFrac = arrivals > 0 ? Math.min(1, b.timedOut / arrivals) : 0;

  // Own response time (queue + service), seconds.
  let own: LatencyStats;
  let timeoutFrac: number;
  const lambda = arrivals / dt;
  const ownBudgetS = Math.max(0, (spec.timeoutMs - spec.baseLatencyMs - faults.addedLatencyMs) / 1000);
  if (c === 0 || mu <= 0) {
    const timeoutS = spec.timeoutMs / 1000;
    own = { p50: timeoutS, p95: timeoutS, p99: timeoutS, mean: timeoutS };
    timeoutFrac = arrivals > 0 ? 1 : 0;
  } else if (b.backlog > 1e-9 || lambda >= 0.995 * capacity) {
    // Saturated: the backlog's wait (at least the queue's at 99.5% load) plus the service time.
    const params = { lambda: 0.995 * capacity, mu, c };
    const C = erlangC(c, params.lambda / mu);
    const wait = Math.max(b.waitSeconds, C / (c * mu - params.lambda));
    const sq = (q: number): number => -Math.log(1 - q) / mu;
    own = { p50: wait + sq(0.5), p95: wait + sq(0.95), p99: wait + sq(0.99), mean: wait + 1 / mu };
    timeoutFrac = Math.exp(-mu * Math.max(0, ownBudgetS - wait));
  } else {
    const params = { lambda, mu, c };
    const C = erlangC(c, lambda / mu);
    own = {
      p50: mmcResponseQuantile(params, 0.5, C),
      p95: mmcResponseQuantile(params, 0.95, C),
      p99: mmcResponseQuantile(params, 0.99, C),
      mean: C / (c * mu - lambda) + 1 / mu,
    };
    timeoutFrac = ownBudgetS > 0 ? mmcResponseSurvival(params, ownBudgetS, C) : 1;
  }
  const addMs = spec.baseLatencyMs + faults.addedLatencyMs;
  st.own = {
    p50: own.p50 * 1000 + addMs,
    p95: own.p95 * 1000 + addMs,
    p99: own.p99 * 1000 + addMs,
    mean: own.mean * 1000 + addMs,
  };
  st.timeoutRatio = 1 - (1 - droppedFrac) * (1 - (arrivals > 0 ? timeoutFrac : 0));
  st.ownErrorRatio = 1 - (1 - st.timeoutRatio) * (1 - faults.errorRatio);
  st.exceptionRatio = faults.exceptionRatio;
  if (faults.exceptionRatio > 0) {
    st.ownErrorRatio = 1 - (1 - st.ownErrorRatio) * (1 - faults.exceptionRatio);
  }

  // CPU: share of the (fault-reduced) capacity in use.
  const util = capacity > 0 ? Math.min(1, b.served / dt / capacity) : 0;
  st.cpuUtil = ready > 0 ? Math.min(1, Math.max(0, util + ctx.rng.normal(0, 0.01))) : 0;
  st.cpuCores = st.cpuUtil * spec.cpuRequestCores * ready;
  pushWindow(st.cpuUtilWindow, st.cpuUtil, ctx.metricWindowTicks);
  return b.served;
}

/** Phase 2 for one service (its callees done): end-to-end latency and errors, timeouts from slow callees. */
export function propagateFromCallees(
  st: ServiceRuntime,
  callee: (name: string) => ServiceRuntime,
  tickSeconds: number
): void {
  const spec = st.spec;
  let downMean = 0;
  const tail = { p50: 0, p95: 0, p99: 0 };
  let okProduct = 1;
  for (const [i, call] of spec.calls.entries()) {
    const to = callee(call.to);
    const plan = st.callPlan?.[i];
    if (plan) {
      // Code-level faults: calls lost or repeated, retries of a throwing callee with their backoff, and
      // only what fails every attempt reaches this service.
      const calls = call.callsPerRequest * plan.factor;
      downMean += calls * (plan.attempts * to.meanMs + plan.backoffMs);
      const share = Math.min(1, calls);
      tail.p50 = Math.max(tail.p50, share * Math.max(0, to.p50 - to.meanMs));
      tail.p95 = Math.max(tail.p95, share * Math.max(0, to.p95 - to.meanMs));
      tail.p99 = Math.max(tail.p99, share * Math.max(0, to.p99 - to.meanMs));
      const other =
        to.exceptionRatio > 0 ? 1 - (1 - to.errorRatio) / Math.max(1e-12, 1 - to.exceptionRatio) : to.errorRatio;
      const seen = 1 - (1 - Math.max(0, other)) * (1 - plan.exhausted);
      okProduct *= Math.pow(1 - 0.8 * seen, calls);
      continue;
    }
    downMean += call.callsPerRequest * to.meanMs;
    const share = Math.min(1, call.callsPerRequest);
    tail.p50 = Math.max(tail.p50, share * Math.max(0, to.p50 - to.meanMs));
    tail.p95 = Math.max(tail.p95, share * Math.max(0, to.p95 - to.meanMs));
    tail.p99 = Math.max(tail.p99, share * Math.max(0, to.p99 - to.meanMs));
    okProduct *= Math.pow(1 - 0.8 * to.errorRatio, call.callsPerRequest);
  }
  for (const f of st.followUpCalls) {
    const to = callee(f.to);
    downMean += f.callsPerRequest * to.meanMs;
    okProduct *= Math.pow(1 - 0.8 * to.errorRatio, f.callsPerRequest);
  }
  const cap = spec.timeoutMs;
  st.p50 = Math.min(cap, st.own.p50 + downMean + tail.p50);
  st.p95 = Math.min(cap, Math.max(st.p50, st.own.p95 + downMean + tail.p95));
  st.p99 = Math.min(cap, Math.max(st.p95, st.own.p99 + downMean + tail.p99));
  st.meanMs = Math.min(cap, st.own.mean + downMean);
  st.ownMeanMs = st.own.mean;
  // Downstream time eats the timeout budget too.
  let extraTimeout = 0;
  if (downMean > 0 && st.own.p99 + downMean > cap) {
    extraTimeout = Math.min(1, (st.own.p99 + downMean - cap) / Math.max(1, st.own.p99 + downMean));
  }
  const ownErr = 1 - (1 - st.ownErrorRatio) * (1 - extraTimeout);
  st.ownErrorRatio = ownErr;
  st.errorRatio = st.arrivalRps > 0 ? 1 - (1 - ownErr) * okProduct : 0;
  st.errorsTotal += st.errorRatio * st.arrivalRps * tickSeconds;
}

/**
 * Phase 3 for one service: pod memory (noise, the leak of an active memory_leak fault, OOM kills at the
 * limit, which restart the pod and log an event) and the per-pod share of the service's CPU.
 */
export function updatePods(
  st: ServiceRuntime,
  leak: FaultRecord | undefined,
  ctx: TickContext,
  events: EventLog
): void {
  const spec = st.spec;
  const name = spec.name;
  const now = ctx.nowMs;
  const dt = ctx.tickSeconds;
  const leakRate = leak ? (leak.intensity * (spec.memoryLimitBytes - spec.memoryBaseBytes)) / 900 : 0;
  let totalWeight = 0;
  for (const p of st.pods) {
    if (p.readyAtMs <= now) {
      totalWeight += p.weight;
    }
  }
  let memSum = 0;
  for (const p of st.pods) {
    const isReady = p.readyAtMs <= now;
    p.memNoise = 0.97 * p.memNoise + ctx.rng.normal(0, 0.004);
    if (leakRate > 0 && isReady) {
      p.leakBytes += leakRate * dt * (0.8 + 0.4 * p.weight - 0.34);
    } else if (!leak) {
      p.leakBytes *= Math.exp(-dt / 60);
    }
    const base = spec.memoryBaseBytes * (isReady ? 1 + 0.15 * st.cpuUtil + p.memNoise : 0.6);
    p.memoryBytes = Math.max(spec.memoryBaseBytes * 0.3, base + p.leakBytes);
    if (p.memoryBytes >= spec.memoryLimitBytes) {
      p.restarts++;
      p.leakBytes = 0;
      p.readyAtMs = now + spec.podStartupSeconds * 1000;
      p.unreadySinceMs = now;
      events.push({
        timeMs: now,
        type: 'oom_kill',
        service: name,
        pod: p.name,
        message:
          `Container ${name} in pod ${p.name} OOMKilled (limit ${spec.memoryLimitBytes} bytes), ` +
          `restart #${p.restarts}`,
      });
      p.memoryBytes = spec.memoryBaseBytes * 0.6;
    }
    p.cpuCores = isReady && totalWeight > 0 ? (st.cpuCores * p.weight) / totalWeight : 0.02 * spec.cpuRequestCores;
    pushWindow(p.cpuWindow, p.cpuCores, ctx.metricWindowTicks);
    memSum += p.memoryBytes;
  }
  st.memoryBytes = memSum;
}
