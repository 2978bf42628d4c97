/**
 * SimulatedCluster: a deterministic, tick-based microservice cluster. Each tick replays the workload at
 * the gateway, fans requests out along the call graph, models every service as an M/M/c queue (with a
 * fluid backlog under overload), propagates latency and errors upstream, runs replica dynamics (start-up
 * delay, HPA hook), applies injected faults with ground truth, and records history.
 *
 * This file is the core: the clock, deployments, replicas and pods (a Kubernetes-like API), and the tick
 * as named phases. The seams it delegates to: `physics.ts` (per-service tick physics), `faults.ts`
 * (injection, schedule, ground truth), `autoscaler.ts` (the HPA hook), `recorder.ts` (metric history and
 * exposition), `logs.ts` and `traces.ts` (generated lazily from the recorded ticks with a stable hash),
 * `shapes.ts` (Loki and Tempo response bodies) and `events.ts`.
 */
import type { HpaObjectSpec } from '../kube/types.ts';
import type { MetricSeries } from '../telemetry/types.ts';
import { createKubernetesHpa, hpaPodStates, type Autoscaler } from './autoscaler.ts';
import {
  clearCodeFaultState,
  codeFaultsOf,
  serveForwardWithCodeFaults,
  type CodeFaultOnOperation,
} from './codefaults.ts';
import { EventLog, type ClusterEvent, type EventQuery } from './events.ts';
import type { MetricSample } from './exposition.ts';
import { FaultSchedule, faultEffects, type FaultRecord, type FaultSpec, type RandomFaultOptions } from './faults.ts';
import type { LabelMatcher } from './history.ts';
import { LogGenerator, type LogLine, type LogQuery } from './logs.ts';
import { propagateFromCallees, serveArrivals, updatePods, type TickContext } from './physics.ts';
import { Rng, hash32, hashK8sSuffix, hashUnit } from './random.ts';
import { GATEWAY_ROUTES, incomingOperations, type RecordedCluster } from './recorded.ts';
import { Recorder } from './recorder.ts';
import * as shapes from './shapes.ts';
import {
  deploymentInfo,
  serviceSnapshotOf,
  type ClusterSnapshot,
  type DeploymentInfo,
  type ServiceSnapshot,
} from './snapshot.ts';
import { newServiceRuntime, type Pod, type ServiceRuntime } from './state.ts';
import {
  DEFAULT_PEAK_RPS,
  defaultTopology,
  validateHpa,
  validateTopology,
  type ServiceSpec,
  type Topology,
} from './topology.ts';
import { TraceGenerator, type TraceData, type TraceQuery } from './traces.ts';
import { TraceReplay, syntheticDiurnalTrace, type WorkloadTrace } from './workload.ts';

export type { ClusterSnapshot, DeploymentInfo, ServiceSnapshot } from './snapshot.ts';

export interface SimulatedClusterOptions {
  seed: number;
  topology?: Topology;
  workload?: WorkloadTrace;
  /** The trace's peak maps to this gateway rate (req/s). Default DEFAULT_PEAK_RPS. */
  peakRps?: number;
  /** Unix ms of tick 0. Default 2025-01-01T00:00:00Z (fixed for determinism). */
  startTimeMs?: number;
  tickSeconds?: number;
  historyRetentionSeconds?: number;
  /** Seconds into the trace at which the replay starts. */
  workloadOffsetSeconds?: number;
  /**
   * Replica controller for services with an hpa object; null disables autoscaling. Default: the exact
   * Kubernetes HPA v2 port (`createKubernetesHpa()`); `createSimpleHpa()` is the older simplified one.
   */
  autoscaler?: Autoscaler | null;
  hpaSyncSeconds?: number;
  /**
   * Metric lag: the autoscaler sees CPU utilisation as metrics-server reports it, averaged over
   * this trailing window (default 30 s), not the instantaneous value. 0 disables the lag.
   */
  metricWindowSeconds?: number;
  /** Sampled traces per tick (default 2). */
  tracesPerTick?: number;
  /**
   * Benign errors and warnings that healthy services log routinely (timeouts retried successfully, cache
   * misses, deprecated-API warnings, caught exceptions) and transient call failures retried in traces, so
   * that "most errors" does not point at a fault by itself. Default off (FAULT_SUITE_TELEMETRY turns it on).
   */
  backgroundNoise?: boolean;
  /**
   * Span attributes (k8s.pod.name, response.size, …) and the aidpe_sim_response_size_bytes metric, what
   * evidence for code-level faults reads. Default off (FAULT_SUITE_TELEMETRY turns it on).
   */
  detailedTelemetry?: boolean;
}

/** The telemetry options of fault-suite runs, the demo and new evaluations: noise and detailed spans on. */
export const FAULT_SUITE_TELEMETRY = Object.freeze({ backgroundNoise: true, detailedTelemetry: true });

export class SimulatedCluster {
  readonly seed: number;
  readonly topology: Topology;
  readonly tickSeconds: number;
  readonly startTimeMs: number;
  readonly peakRps: number;
  readonly tracesPerTick: number;
  readonly backgroundNoise: boolean;
  readonly detailedTelemetry: boolean;
  /** Autoscaler hook for services with an hpa object; replace to plug in another controller. */
  autoscaler: Autoscaler | null;
  /** Multiplies the gateway rate at a simulated time (a run-time load surge, `surge.ts`); undefined: none. */
  entryRateFactor: ((timeMs: number) => number) | undefined = undefined;
  /** Services whose replicas an outside controller sets (`kubeMirror.ts`): the autoscaler hook skips them. */
  private readonly externallyScaled = new Set<string>();
  private readonly tickMs: number;
  /** Service names in call order (callers first). */
  private readonly order: string[];
  private readonly services = new Map<string, ServiceRuntime>();
  /** The same services, in call order. */
  private readonly inOrder: ServiceRuntime[] = [];
  private readonly replay: TraceReplay;
  private readonly workloadOffsetSeconds: number;
  private readonly rng: Rng;
  private readonly recorder: Recorder;
  private readonly eventLog = new EventLog();
  private readonly faultSchedule: FaultSchedule;
  private readonly logGenerator: LogGenerator;
  private readonly traceGenerator: TraceGenerator;
  private readonly recorded: RecordedCluster;
  private readonly hpaSyncMs: number;
  private readonly metricWindowTicks: number;
  private lastHpaSyncMs: number;
  private tick = -1;
  private nowMs: number;

  constructor(opts: SimulatedClusterOptions) {
    if (!Number.isInteger(opts.seed)) {
      throw new Error('SimulatedCluster: seed must be an integer');
    }
    this.seed = opts.seed >>> 0;
    this.topology = structuredClone(opts.topology ?? defaultTopology({ peakRps: opts.peakRps ?? DEFAULT_PEAK_RPS }));
    this.order = validateTopology(this.topology);
    this.tickSeconds = opts.tickSeconds ?? 5;
    if (!(this.tickSeconds > 0)) {
      throw new Error('SimulatedCluster: tickSeconds must be > 0');
    }
    this.tickMs = this.tickSeconds * 1000;
    this.startTimeMs = opts.startTimeMs ?? Date.UTC(2025, 0, 1);
    this.peakRps = opts.peakRps ?? DEFAULT_PEAK_RPS;
    this.replay = new TraceReplay(opts.workload ?? syntheticDiurnalTrace(), this.peakRps);
    this.workloadOffsetSeconds = opts.workloadOffsetSeconds ?? 0;
    this.rng = new Rng(hash32(this.seed, 'cluster'));
    this.tracesPerTick = opts.tracesPerTick ?? 2;
    this.backgroundNoise = opts.backgroundNoise ?? false;
    this.detailedTelemetry = opts.detailedTelemetry ?? false;
    const retention = opts.historyRetentionSeconds ?? 6 * 3600;
    const retainedTicks = Math.max(2, Math.ceil(retention / this.tickSeconds) + 1);
    this.recorder = new Recorder(retainedTicks, this.detailedTelemetry);
    this.autoscaler = opts.autoscaler === undefined ? createKubernetesHpa() : opts.autoscaler;
    this.hpaSyncMs = (opts.hpaSyncSeconds ?? 15) * 1000;
    this.metricWindowTicks = Math.max(1, Math.round((opts.metricWindowSeconds ?? 30) / this.tickSeconds));
    this.nowMs = this.startTimeMs;
    this.lastHpaSyncMs = this.startTimeMs;

    this.faultSchedule = new FaultSchedule({
      seed: this.seed,
      now: () => this.nowMs,
      assertService: (service) => {
        this.state(service);
      },
      operations: (service) => incomingOperations(this.recorded, this.state(service)),
      tier: (service) => this.state(service).spec.tier,
      randomFaultTargets: () => this.order.filter((s) => s !== this.topology.entry),
      currentVersion: (service) => this.state(service).version,
      deploy: (service, version, type, faultId) => this.deploy(service, version, type, faultId),
      pushEvent: (event) => this.eventLog.push(event),
    });
    this.recorded = {
      seed: this.seed,
      startTimeMs: this.startTimeMs,
      tickMs: this.tickMs,
      entry: this.topology.entry,
      order: this.order,
      service: (name) => this.state(name),
      events: () => this.eventLog.all(),
      tickRange: (startMs, endMs) => this.recorder.tickRange(startMs, endMs),
      firstTick: () => this.recorder.firstTick,
      lastTick: () => this.tick,
      codeFaultsAt: (service, timeMs) => codeFaultsOf(this.faultSchedule.codeFaultsAt(service, timeMs)),
      backgroundNoise: this.backgroundNoise,
      detailedTelemetry: this.detailedTelemetry,
    };
    this.logGenerator = new LogGenerator(this.recorded);
    this.traceGenerator = new TraceGenerator(this.recorded, this.tracesPerTick);

    const callers = new Map<string, string[]>();
    for (const s of this.topology.services) {
      for (const c of s.calls) {
        callers.set(c.to, [...(callers.get(c.to) ?? []), s.name]);
      }
    }
    for (const name of this.order) {
      const spec = this.topology.services.find((s) => s.name === name) as ServiceSpec;
      const st = newServiceRuntime(spec, callers.get(name) ?? [], retainedTicks);
      st.templateHash = this.templateHash(name, st.version);
      for (let k = 0; k < spec.replicas; k++) {
        const pod = this.newPod(st, this.startTimeMs - spec.podStartupSeconds * 1000 - 1);
        // Pods that exist at tick 0 started one start-up delay before they became ready.
        pod.createdMs = pod.unreadySinceMs = pod.readyAtMs - spec.podStartupSeconds * 1000;
        st.pods.push(pod);
      }
      this.services.set(name, st);
      this.inOrder.push(st);
    }
    this.step();
  }

  // ---- clock -------------------------------------------------------------------------------------

  /** Current simulated time (unix ms). */
  get timeMs(): number {
    return this.nowMs;
  }

  /** Current simulated time (unix ms). */
  now(): number {
    return this.nowMs;
  }

  get tickIndex(): number {
    return this.tick;
  }

  /** Advances by `seconds` of simulated time in whole ticks; returns the number of ticks run. */
  advance(seconds: number): number {
    return this.advanceTo(this.nowMs + seconds * 1000);
  }

  /** Advances tick by tick while the next tick's time is ≤ `simTimeMs`. */
  advanceTo(simTimeMs: number): number {
    let n = 0;
    while (this.nowMs + this.tickMs <= simTimeMs + 1e-6) {
      this.step();
      n++;
    }
    return n;
  }

  // ---- deployments, replicas and pods ------------------------------------------------------------

  private state(service: string): ServiceRuntime {
    const st = this.services.get(service);
    if (!st) {
      throw new Error(`unknown service "${service}" (known: ${this.order.join(', ')})`);
    }
    return st;
  }

  serviceNames(): string[] {
    return [...this.order];
  }

  private templateHash(service: string, version: string): string {
    return hashK8sSuffix(10, this.seed, 'rs', service, version);
  }

  private newPod(st: ServiceRuntime, readyAtMs: number): Pod {
    const serial = st.podSerial++;
    const suffix = hashK8sSuffix(5, this.seed, 'pod', st.spec.name, st.version, serial);
    const name = `${st.spec.name}-${st.templateHash}-${suffix}`;
    return {
      name,
      serial,
      createdMs: this.nowMs,
      readyAtMs,
      restarts: 0,
      leakBytes: 0,
      memNoise: 0,
      weight: 0.85 + 0.3 * hashUnit(this.seed, 'w', name),
      version: st.version,
      memoryBytes: st.spec.memoryBaseBytes,
      cpuCores: 0,
      cpuWindow: [],
      unreadySinceMs: this.nowMs,
    };
  }

  /** Marks a service as scaled from outside (`kubeMirror.ts`): the simulator's autoscaler leaves it alone. */
  setExternallyScaled(service: string, external: boolean): void {
    this.state(service);
    if (external) {
      this.externallyScaled.add(service);
    } else {
      this.externallyScaled.delete(service);
    }
  }

  /** Sets desired replicas: new pods become ready after podStartupSeconds; scale-down is immediate. */
  setReplicas(service: string, n: number, reason = 'manual'): void {
    const st = this.state(service);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`setReplicas: replicas must be a non-negative integer (got ${n})`);
    }
    const from = st.desired;
    st.desired = n;
    this.reconcilePods(st);
    if (from !== n) {
      this.eventLog.push({
        timeMs: this.nowMs,
        type: 'scale',
        service,
        from,
        to: n,
        message: `Scaled deployment ${service} from ${from} to ${n} replicas (${reason})`,
      });
    }
  }

  private reconcilePods(st: ServiceRuntime): void {
    while (st.pods.length < st.desired) {
      st.pods.push(this.newPod(st, this.nowMs + st.spec.podStartupSeconds * 1000));
    }
    if (st.pods.length > st.desired) {
      // Remove not-ready pods first, then the newest.
      const ranked = [...st.pods].sort((a, b) => {
        const ra = a.readyAtMs <= this.nowMs ? 1 : 0;
        const rb = b.readyAtMs <= this.nowMs ? 1 : 0;
        return ra - rb || b.serial - a.serial;
      });
      const remove = new Set(ranked.slice(0, st.pods.length - st.desired));
      st.pods = st.pods.filter((p) => !remove.has(p));
    }
  }

  /** Sets (or with undefined removes) the HPA of a service. */
  setHpa(service: string, hpa: HpaObjectSpec | undefined): void {
    const st = this.state(service);
    if (hpa) {
      validateHpa(service, hpa);
    }
    st.hpa = hpa ? { ...hpa } : undefined;
    if (hpa) {
      const clamped = Math.min(hpa.maxReplicas, Math.max(hpa.minReplicas, st.desired));
      if (clamped !== st.desired) {
        this.setReplicas(service, clamped, 'hpa bounds');
      }
    }
  }

  getDeployment(service: string): DeploymentInfo {
    return deploymentInfo(this.state(service), this.nowMs);
  }

  /** Rolls out a new version: pods are replaced (rolling update, capacity kept). */
  deploy(service: string, version: string, type: 'deploy' | 'rollback' = 'deploy', faultId?: string): void {
    const st = this.state(service);
    const from = st.version;
    if (from === version) {
      return;
    }
    st.version = version;
    st.templateHash = this.templateHash(service, version);
    const n = st.pods.length;
    st.pods = [];
    for (let k = 0; k < n; k++) {
      st.pods.push(this.newPod(st, this.nowMs));
    }
    st.timeline.recordVersion(this.nowMs, version);
    this.eventLog.push({
      timeMs: this.nowMs,
      type,
      service,
      from,
      to: version,
      ...(faultId ? { faultId } : {}),
      message: `${type === 'deploy' ? 'Deployed' : 'Rolled back'} ${service} ${from} -> ${version}`,
    });
  }

  /** Rolls back the active bad_deploy of a service now (its ground-truth end becomes now). */
  rollback(service: string): boolean {
    return this.faultSchedule.rollback(service);
  }

  // ---- faults and events -------------------------------------------------------------------------

  injectFault(spec: FaultSpec): FaultRecord {
    return this.faultSchedule.inject(spec);
  }

  /** Ground truth of every injected fault. */
  faults(): FaultRecord[] {
    return this.faultSchedule.groundTruth();
  }

  /** Seeded random faults: uniform start in [fromMs, toMs − duration], random service (not the entry) and type. */
  scheduleRandomFaults(opts: RandomFaultOptions): FaultRecord[] {
    return this.faultSchedule.scheduleRandom(opts);
  }

  events(opts: EventQuery = {}): ClusterEvent[] {
    return this.eventLog.query(opts);
  }

  // ---- the tick ----------------------------------------------------------------------------------

  private step(): void {
    this.tick++;
    this.nowMs = this.startTimeMs + this.tick * this.tickMs;
    const ctx: TickContext = {
      nowMs: this.nowMs,
      tickSeconds: this.tickSeconds,
      rng: this.rng,
      metricWindowTicks: this.metricWindowTicks,
    };
    this.faultSchedule.advance(this.nowMs);
    this.routeEntryArrivals();
    this.serveForward(ctx);
    this.propagateUpstream();
    this.updateAllPods(ctx);
    this.runAutoscaler();
    this.recorder.record(this.tick, this.nowMs, this.inOrder);
  }

  /** Gateway arrivals from the trace (rate at the tick's midpoint), with Poisson noise. */
  private routeEntryArrivals(): void {
    const dt = this.tickSeconds;
    const tTrace = (this.nowMs - this.startTimeMs) / 1000 + this.workloadOffsetSeconds - dt / 2;
    const factor = this.entryRateFactor ? this.entryRateFactor(this.nowMs) : 1;
    const entryArrivals = this.rng.poisson(this.replay.rateAt(tTrace) * factor * dt);
    for (const st of this.inOrder) {
      st.pendingArrivals = 0;
    }
    this.state(this.topology.entry).pendingArrivals = entryArrivals;
  }

  /** Callers first: each service serves its arrivals; what it served calls its callees. */
  private serveForward(ctx: TickContext): void {
    const code = this.activeCodeFaults();
    if (code) {
      serveForwardWithCodeFaults(
        {
          inOrder: this.inOrder,
          service: (name) => this.state(name),
          entry: this.topology.entry,
          entryOperations: GATEWAY_ROUTES,
          activeFaults: (name) => this.faultSchedule.active(name),
          operations: (name) => incomingOperations(this.recorded, this.state(name)),
        },
        code,
        ctx
      );
      return;
    }
    for (const st of this.inOrder) {
      clearCodeFaultState(st);
      const served = serveArrivals(st, faultEffects(this.faultSchedule.active(st.spec.name)), ctx);
      for (const call of st.spec.calls) {
        this.state(call.to).pendingArrivals += served * call.callsPerRequest;
      }
    }
  }

  /** The code-level faults active now, per service; undefined when there are none (the plain tick). */
  private activeCodeFaults(): Map<string, CodeFaultOnOperation[]> | undefined {
    let out: Map<string, CodeFaultOnOperation[]> | undefined;
    for (const st of this.inOrder) {
      const code = codeFaultsOf(this.faultSchedule.active(st.spec.name));
      if (code.length > 0) {
        (out ??= new Map()).set(st.spec.name, code);
      }
    }
    return out;
  }

  /** Callees first: latency and errors including downstream calls. */
  private propagateUpstream(): void {
    const callee = (name: string): ServiceRuntime => this.state(name);
    for (let i = this.inOrder.length - 1; i >= 0; i--) {
      propagateFromCallees(this.inOrder[i] as ServiceRuntime, callee, this.tickSeconds);
    }
  }

  /** Memory, OOM kills, per-pod CPU. */
  private updateAllPods(ctx: TickContext): void {
    for (const st of this.inOrder) {
      const leak = this.faultSchedule.active(st.spec.name).find((f) => f.type === 'memory_leak');
      updatePods(st, leak, ctx, this.eventLog);
    }
  }

  /** At the HPA sync period, asks the autoscaler for each service with an HPA and applies its answer. */
  private runAutoscaler(): void {
    const now = this.nowMs;
    if (!this.autoscaler || now - this.lastHpaSyncMs < this.hpaSyncMs - 1e-6) {
      return;
    }
    this.lastHpaSyncMs = now;
    for (const st of this.inOrder) {
      if (!st.hpa || this.externallyScaled.has(st.spec.name)) {
        continue;
      }
      const name = st.spec.name;
      const desired = this.autoscaler(
        {
          service: name,
          spec: st.spec,
          hpa: st.hpa,
          desiredReplicas: st.desired,
          readyReplicas: st.ready,
          startingReplicas: st.starting,
          cpuUtilization: st.cpuUtilWindow.reduce((a, b) => a + b, 0) / Math.max(1, st.cpuUtilWindow.length),
          arrivalRps: st.arrivalRps,
          pods: hpaPodStates(st.pods, st.spec.cpuRequestCores, now, this.metricWindowTicks, this.tickMs),
        },
        now
      );
      if (desired !== undefined && Number.isInteger(desired) && desired >= 0 && desired !== st.desired) {
        this.setReplicas(name, desired, 'hpa');
      }
    }
  }

  // ---- read side ---------------------------------------------------------------------------------

  snapshot(): ClusterSnapshot {
    return {
      timeMs: this.nowMs,
      seed: this.seed,
      services: this.inOrder.map((st) =>
        serviceSnapshotOf(
          st,
          this.faultSchedule.active(st.spec.name).map((f) => f.type)
        )
      ),
    };
  }

  serviceSnapshot(service: string): ServiceSnapshot {
    this.state(service);
    return this.snapshot().services.find((s) => s.service === service) as ServiceSnapshot;
  }

  currentMetrics(): MetricSample[] {
    return this.recorder.currentMetrics(this.inOrder);
  }

  exposition(): string {
    return this.recorder.exposition(this.inOrder);
  }

  /** History between startMs and endMs as OpenMetrics text with timestamps (ends with `# EOF`). */
  openMetricsHistory(startMs: number, endMs: number): string {
    return this.recorder.openMetricsHistory(startMs, endMs);
  }

  /** Stored samples of series named `name` (any name when undefined) matching all matchers. */
  select(name: string | undefined, matchers: readonly LabelMatcher[], startMs: number, endMs: number): MetricSeries[] {
    return this.recorder.select(name, matchers, startMs, endMs);
  }

  /** Label sets (with __name__) of series matching, optionally only those with samples in a range. */
  seriesLabels(
    name: string | undefined,
    matchers: readonly LabelMatcher[],
    startMs?: number,
    endMs?: number
  ): Array<Record<string, string>> {
    return this.recorder.seriesLabels(name, matchers, startMs, endMs);
  }

  metricNames(): string[] {
    return this.recorder.metricNames();
  }

  /** Time span (unix ms) of the retained history. */
  historyRange(): { startMs: number; endMs: number } {
    return this.recorder.historyRange(this.nowMs);
  }

  /** Deterministic, lazily generated log lines for the retained history. */
  logs(q: LogQuery): LogLine[] {
    return this.logGenerator.logs(q);
  }

  /** Deterministically sampled traces whose start lies in [startMs, endMs], oldest first. */
  traces(q: TraceQuery): TraceData[] {
    return this.traceGenerator.traces(q);
  }

  trace(traceId: string): TraceData | undefined {
    return this.traceGenerator.trace(traceId);
  }

  /** Loki `query_range` response body for the generated logs (newest first unless asked otherwise). */
  toLokiStreams(q: LogQuery): shapes.LokiStreamsResponse {
    return shapes.toLokiStreams(this.logs({ direction: 'backward', ...q }));
  }

  /** Tempo `GET /api/traces/{id}` body (OTLP JSON), or undefined when the trace is unknown. */
  toTempoTrace(traceId: string): shapes.TempoTrace | undefined {
    const t = this.trace(traceId);
    return t ? shapes.toTempoTrace(t, (service, timeMs) => this.state(service).timeline.versionAt(timeMs)) : undefined;
  }

  /** The version a service ran at a time (unix ms). */
  versionAt(service: string, timeMs: number): string {
    return this.state(service).timeline.versionAt(timeMs);
  }

  /** Tempo `GET /api/search` body. */
  toTempoSearch(q: TraceQuery): shapes.TempoSearchResult {
    return shapes.toTempoSearch(this.traces(q));
  }
}
