/**
 * SimulatedCluster: a deterministic, tick-based microservice cluster. Each tick replays the workload at
 * the gateway, fans requests out along the call graph, models every service as an M/M/c queue (with a
 * fluid backlog under overload), propagates latency and errors upstream, runs replica dynamics (start-up
 * delay, HPA hook), applies injected faults with ground truth, and records history. Logs and traces are
 * generated lazily from the recorded per-tick state with a stable hash.
 */
import type { MetricSeries } from '../telemetry/types.ts';
import type { HpaObjectSpec, PodState } from '../kube/types.ts';
import { createKubernetesHpa, type Autoscaler } from './autoscaler.ts';
import { MetricHistory, seriesKey, type LabelMatcher } from './history.ts';
import { renderExposition, renderOpenMetrics, type HistoricalSeries, type MetricSample } from './exposition.ts';
import { backlogStep, erlangC, mmcResponseQuantile, mmcResponseSurvival } from './queueing.ts';
import { Rng, hash32, hashHex, hashK8sSuffix, hashUnit } from './random.ts';
import {
  DEFAULT_PEAK_RPS,
  defaultTopology,
  validateHpa,
  validateTopology,
  type ServiceSpec,
  type Topology,
} from './topology.ts';
import { TraceReplay, syntheticDiurnalTrace, type WorkloadTrace } from './workload.ts';

export type FaultType = 'cpu_contention' | 'latency' | 'error_burst' | 'memory_leak' | 'bad_deploy';
export const FAULT_TYPES: readonly FaultType[] = [
  'cpu_contention',
  'latency',
  'error_burst',
  'memory_leak',
  'bad_deploy',
];

export interface FaultSpec {
  service: string;
  type: FaultType;
  startMs: number;
  endMs: number;
  /** Severity in (0, 10], default 1 (effects saturate). */
  intensity?: number;
}

export interface FaultRecord {
  id: string;
  service: string;
  type: FaultType;
  startMs: number;
  endMs: number;
  intensity: number;
}

export type ClusterEventType = 'scale' | 'deploy' | 'rollback' | 'fault_start' | 'fault_end' | 'oom_kill';

export interface ClusterEvent {
  timeMs: number;
  type: ClusterEventType;
  service: string;
  message: string;
  pod?: string;
  faultId?: string;
  from?: number | string;
  to?: number | string;
}

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
}

export interface ServiceSnapshot {
  service: string;
  tier: ServiceSpec['tier'];
  arrivalRps: number;
  throughputRps: number;
  errorRatio: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  cpuUtilization: number;
  cpuCores: number;
  memoryBytes: number;
  queueBacklog: number;
  replicas: { desired: number; ready: number; starting: number };
  hpa: HpaObjectSpec | undefined;
  version: string;
  activeFaults: FaultType[];
}

export interface ClusterSnapshot {
  timeMs: number;
  seed: number;
  services: ServiceSnapshot[];
}

export interface DeploymentInfo {
  service: string;
  spec: ServiceSpec;
  replicas: number;
  readyReplicas: number;
  startingReplicas: number;
  pods: Array<{ name: string; ready: boolean; restarts: number; version: string }>;
  hpa: HpaObjectSpec | undefined;
  version: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogQuery {
  startMs: number;
  endMs: number;
  service?: string;
  /** 'debug' | 'info' | 'warn' | 'error'. */
  level?: LogLevel | string;
  /** Default 1000. */
  limit?: number;
  /** Default 'forward' (oldest first); 'backward' returns the newest first like Loki. */
  direction?: 'forward' | 'backward';
}

export interface LogLine {
  timeMs: number;
  service: string;
  pod: string;
  level: LogLevel;
  line: string;
  traceId?: string;
}

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  operation: string;
  startTimeUnixNano: string;
  durationNanos: number;
  status: 'ok' | 'error';
}

export interface TraceData {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startTimeUnixNano: string;
  durationNanos: number;
  spans: SpanData[];
}

// ---- internal state ------------------------------------------------------------------------------

interface Pod {
  name: string;
  serial: number;
  createdMs: number;
  readyAtMs: number;
  restarts: number;
  leakBytes: number;
  memNoise: number;
  weight: number;
  version: string;
  memoryBytes: number;
  cpuCores: number;
  /** Per-tick CPU cores over the metric window, newest last (metrics-server's view of the pod). */
  cpuWindow: number[];
  /** When the pod last became not ready (creation, or an OOM kill). */
  unreadySinceMs: number;
}

// Per-tick state fields kept in each service's ring (for logs and traces).
const F_ARR = 0;
const F_THR = 1;
const F_ERR = 2;
const F_OWN_ERR = 3;
const F_P50 = 4;
const F_P95 = 5;
const F_P99 = 6;
const F_MEAN = 7;
const F_OWN_MEAN = 8;
const F_TIMEOUT = 9;
const F_FAULT_ERR = 10;
const F_FAULT_MASK = 11;
const F_MEM_FRAC = 12;
const F_CPU = 13;
const F_DOWN_ERR = 14;
const NF = 15;

const FAULT_BIT: Record<FaultType, number> = {
  cpu_contention: 1,
  latency: 2,
  error_burst: 4,
  memory_leak: 8,
  bad_deploy: 16,
};

interface ServiceState {
  spec: ServiceSpec;
  order: number;
  callers: string[];
  desired: number;
  hpa: HpaObjectSpec | undefined;
  version: string;
  templateHash: string;
  pods: Pod[];
  podSerial: number;
  backlog: number;
  requestsTotal: number;
  errorsTotal: number;
  pendingArrivals: number;
  // current tick
  arrivalRps: number;
  throughputRps: number;
  errorRatio: number;
  ownErrorRatio: number;
  timeoutRatio: number;
  faultErrorRatio: number;
  p50: number;
  p95: number;
  p99: number;
  meanMs: number;
  ownMeanMs: number;
  cpuUtil: number;
  /** Recent per-tick utilisations, newest last, for the lagged (windowed) metric. */
  cpuUtilWindow: number[];
  cpuCores: number;
  memoryBytes: number;
  ready: number;
  starting: number;
  faultMask: number;
  servedThisTick: number;
  own: { p50: number; p95: number; p99: number; mean: number };
  ring: Float64Array;
  podEpochs: Array<{ fromTick: number; pods: string[] }>;
  versionEpochs: Array<{ fromMs: number; version: string }>;
  labelKey: string;
}

interface FaultRuntime {
  record: FaultRecord;
  started: boolean;
  ended: boolean;
  previousVersion?: string;
}

const QUANTILES: Array<['0.5' | '0.95' | '0.99', 'p50' | 'p95' | 'p99']> = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
];

const HELP: Record<string, string> = {
  aidpe_sim_requests_total: 'Requests received by the service.',
  aidpe_sim_request_rate: 'Requests per second arriving at the service.',
  aidpe_sim_errors_total: 'Requests that ended in an error (own or propagated from callees).',
  aidpe_sim_error_ratio: 'Share of requests ending in an error over the last tick.',
  aidpe_sim_latency_seconds: 'Response time quantiles including downstream calls.',
  aidpe_sim_cpu_utilization: 'Average CPU utilisation of ready pods relative to their CPU request (0..1).',
  aidpe_sim_cpu_usage_cores: 'CPU used by the pod, in cores.',
  aidpe_sim_memory_bytes: 'Working-set memory of the pod.',
  aidpe_sim_pod_restarts_total: 'Container restarts of the pod (e.g. OOM kills).',
  aidpe_sim_replicas: 'Pods that exist for the deployment (ready or starting).',
  aidpe_sim_replicas_ready: 'Ready pods of the deployment.',
  aidpe_sim_replicas_desired: 'Desired replicas of the deployment.',
  aidpe_sim_hpa_min_replicas: 'HPA minimum replicas.',
  aidpe_sim_hpa_max_replicas: 'HPA maximum replicas.',
  aidpe_sim_hpa_target_cpu_utilization: 'HPA target CPU utilisation (0..1).',
  aidpe_sim_queue_backlog: 'Requests queued beyond what the service could serve.',
  aidpe_sim_deployment_info: 'Running version of the deployment (always 1).',
};

const COUNTERS = new Set(['aidpe_sim_requests_total', 'aidpe_sim_errors_total', 'aidpe_sim_pod_restarts_total']);

function bumpVersion(v: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(v);
  if (!m) {
    return `${v}-next`;
  }
  return `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

const EXCEPTIONS: Record<string, string[]> = {
  gateway: [
    'Error: upstream connect error or disconnect/reset before headers',
    "TypeError: Cannot read properties of undefined (reading 'items')",
  ],
  mid: [
    'java.lang.NullPointerException',
    'io.grpc.StatusRuntimeException: INTERNAL',
    'java.lang.IllegalStateException: invalid currency code',
    'RuntimeError: unexpected response',
  ],
  data: [
    'ERROR: could not serialize access due to concurrent update',
    'ERR max number of clients reached',
    'FATAL: remaining connection slots are reserved',
  ],
};

const GATEWAY_ROUTES = [
  'GET /',
  'GET /product/{id}',
  'POST /cart',
  'GET /cart',
  'POST /cart/checkout',
  'POST /setCurrency',
  'GET /static/{file}',
];

export class SimulatedCluster {
  readonly seed: number;
  readonly topology: Topology;
  readonly tickSeconds: number;
  readonly startTimeMs: number;
  readonly peakRps: number;
  readonly tracesPerTick: number;
  private readonly tickMs: number;
  private readonly order: string[];
  private readonly services = new Map<string, ServiceState>();
  private readonly replay: TraceReplay;
  private readonly workloadOffsetSeconds: number;
  private readonly rng: Rng;
  private readonly history: MetricHistory;
  private readonly ringCapacity: number;
  private readonly eventLog: ClusterEvent[] = [];
  private readonly faultList: FaultRuntime[] = [];
  private faultSeq = 0;
  private randomFaultBatch = 0;
  private readonly hpaSyncMs: number;
  private readonly metricWindowTicks: number;
  private lastHpaSyncMs: number;
  /** Autoscaler hook for services with an hpa object; replace to plug in another controller. */
  autoscaler: Autoscaler | null;
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
    const retention = opts.historyRetentionSeconds ?? 6 * 3600;
    this.ringCapacity = Math.max(2, Math.ceil(retention / this.tickSeconds) + 1);
    this.history = new MetricHistory(this.ringCapacity);
    this.autoscaler = opts.autoscaler === undefined ? createKubernetesHpa() : opts.autoscaler;
    this.hpaSyncMs = (opts.hpaSyncSeconds ?? 15) * 1000;
    this.metricWindowTicks = Math.max(1, Math.round((opts.metricWindowSeconds ?? 30) / this.tickSeconds));
    this.nowMs = this.startTimeMs;
    this.lastHpaSyncMs = this.startTimeMs;

    const callers = new Map<string, string[]>();
    for (const s of this.topology.services) {
      for (const c of s.calls) {
        callers.set(c.to, [...(callers.get(c.to) ?? []), s.name]);
      }
    }
    for (const [i, name] of this.order.entries()) {
      const spec = this.topology.services.find((s) => s.name === name) as ServiceSpec;
      const st: ServiceState = {
        spec,
        order: i,
        callers: callers.get(name) ?? [],
        desired: spec.replicas,
        hpa: spec.hpa ? { ...spec.hpa } : undefined,
        version: spec.version,
        templateHash: '',
        pods: [],
        podSerial: 0,
        backlog: 0,
        requestsTotal: 0,
        errorsTotal: 0,
        pendingArrivals: 0,
        arrivalRps: 0,
        throughputRps: 0,
        errorRatio: 0,
        ownErrorRatio: 0,
        timeoutRatio: 0,
        faultErrorRatio: 0,
        p50: 0,
        p95: 0,
        p99: 0,
        meanMs: 0,
        ownMeanMs: 0,
        cpuUtil: 0,
        cpuUtilWindow: [],
        cpuCores: 0,
        memoryBytes: 0,
        ready: 0,
        starting: 0,
        faultMask: 0,
        servedThisTick: 0,
        own: { p50: 0, p95: 0, p99: 0, mean: 0 },
        ring: new Float64Array(this.ringCapacity * NF),
        podEpochs: [],
        versionEpochs: [{ fromMs: -Infinity, version: spec.version }],
        labelKey: name,
      };
      st.templateHash = this.templateHash(name, st.version);
      for (let k = 0; k < spec.replicas; k++) {
        const pod = this.newPod(st, this.startTimeMs - spec.podStartupSeconds * 1000 - 1);
        // Pods that exist at tick 0 started one start-up delay before they became ready.
        pod.createdMs = pod.unreadySinceMs = pod.readyAtMs - spec.podStartupSeconds * 1000;
        st.pods.push(pod);
      }
      this.services.set(name, st);
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

  // ---- control -----------------------------------------------------------------------------------

  private state(service: string): ServiceState {
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

  private newPod(st: ServiceState, readyAtMs: number): Pod {
    const serial = st.podSerial++;
    const name = `${st.spec.name}-${st.templateHash}-${hashK8sSuffix(5, this.seed, 'pod', st.spec.name, st.version, serial)}`;
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

  private pushEvent(e: ClusterEvent): void {
    this.eventLog.push(e);
    if (this.eventLog.length > 100_000) {
      this.eventLog.splice(0, this.eventLog.length - 100_000);
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
      this.pushEvent({
        timeMs: this.nowMs,
        type: 'scale',
        service,
        from,
        to: n,
        message: `Scaled deployment ${service} from ${from} to ${n} replicas (${reason})`,
      });
    }
  }

  private reconcilePods(st: ServiceState): void {
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
    const st = this.state(service);
    return {
      service,
      spec: structuredClone({
        ...st.spec,
        replicas: st.desired,
        version: st.version,
        ...(st.hpa ? { hpa: st.hpa } : {}),
      }),
      replicas: st.desired,
      readyReplicas: st.ready,
      startingReplicas: st.starting,
      pods: st.pods.map((p) => ({
        name: p.name,
        ready: p.readyAtMs <= this.nowMs,
        restarts: p.restarts,
        version: p.version,
      })),
      hpa: st.hpa ? { ...st.hpa } : undefined,
      version: st.version,
    };
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
    st.versionEpochs.push({ fromMs: this.nowMs, version });
    this.pushEvent({
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
    const f = this.faultList.find(
      (x) => x.record.service === service && x.record.type === 'bad_deploy' && x.started && !x.ended
    );
    if (!f) {
      return false;
    }
    f.record.endMs = this.nowMs;
    this.endFault(f);
    return true;
  }

  // ---- faults ------------------------------------------------------------------------------------

  injectFault(spec: FaultSpec): FaultRecord {
    this.state(spec.service);
    if (!FAULT_TYPES.includes(spec.type)) {
      throw new Error(`unknown fault type "${spec.type}" (known: ${FAULT_TYPES.join(', ')})`);
    }
    if (!(spec.endMs > spec.startMs)) {
      throw new Error('injectFault: endMs must be after startMs');
    }
    const intensity = spec.intensity ?? 1;
    if (!(intensity > 0 && intensity <= 10)) {
      throw new Error('injectFault: intensity must be in (0, 10]');
    }
    const record: FaultRecord = {
      id: `fault-${++this.faultSeq}-${hashHex(6, this.seed, 'fault', this.faultSeq, spec.service, spec.type)}`,
      service: spec.service,
      type: spec.type,
      startMs: spec.startMs,
      endMs: spec.endMs,
      intensity,
    };
    this.faultList.push({ record, started: false, ended: false });
    return { ...record };
  }

  /** Ground truth of every injected fault. */
  faults(): FaultRecord[] {
    return this.faultList.map((f) => ({ ...f.record }));
  }

  /** Seeded random faults: uniform start in [fromMs, toMs − duration], random service (not the entry) and type. */
  scheduleRandomFaults(opts: {
    count: number;
    fromMs: number;
    toMs: number;
    minDurationMs: number;
    maxDurationMs: number;
    types?: FaultType[];
    services?: string[];
  }): FaultRecord[] {
    const rng = new Rng(hash32(this.seed, 'random-faults', this.randomFaultBatch++));
    const types = opts.types ?? [...FAULT_TYPES];
    const services = opts.services ?? this.order.filter((s) => s !== this.topology.entry);
    const out: FaultRecord[] = [];
    for (let i = 0; i < opts.count; i++) {
      const duration = rng.uniform(opts.minDurationMs, opts.maxDurationMs);
      const latest = Math.max(opts.fromMs, opts.toMs - duration);
      const start = Math.round(rng.uniform(opts.fromMs, latest));
      out.push(
        this.injectFault({
          service: rng.pick(services),
          type: rng.pick(types),
          startMs: start,
          endMs: Math.round(start + duration),
          intensity: Math.round(rng.uniform(0.6, 1.2) * 100) / 100,
        })
      );
    }
    return out;
  }

  private startFault(f: FaultRuntime): void {
    f.started = true;
    const r = f.record;
    this.pushEvent({
      timeMs: this.nowMs,
      type: 'fault_start',
      service: r.service,
      faultId: r.id,
      message: `Fault ${r.type} started on ${r.service} (intensity ${r.intensity})`,
    });
    if (r.type === 'bad_deploy') {
      const st = this.state(r.service);
      f.previousVersion = st.version;
      this.deploy(r.service, bumpVersion(st.version), 'deploy', r.id);
    }
  }

  private endFault(f: FaultRuntime): void {
    f.ended = true;
    const r = f.record;
    this.pushEvent({
      timeMs: this.nowMs,
      type: 'fault_end',
      service: r.service,
      faultId: r.id,
      message: `Fault ${r.type} ended on ${r.service}`,
    });
    if (r.type === 'bad_deploy' && f.previousVersion !== undefined) {
      this.deploy(r.service, f.previousVersion, 'rollback', r.id);
    }
  }

  private activeFaults(service: string): FaultRuntime[] {
    return this.faultList.filter((f) => f.record.service === service && f.started && !f.ended);
  }

  events(opts: { startMs?: number; endMs?: number; service?: string } = {}): ClusterEvent[] {
    return this.eventLog
      .filter(
        (e) =>
          (opts.startMs === undefined || e.timeMs >= opts.startMs) &&
          (opts.endMs === undefined || e.timeMs <= opts.endMs) &&
          (opts.service === undefined || e.service === opts.service)
      )
      .map((e) => ({ ...e }));
  }

  // ---- the tick ----------------------------------------------------------------------------------

  private step(): void {
    this.tick++;
    this.nowMs = this.startTimeMs + this.tick * this.tickMs;
    const now = this.nowMs;
    const dt = this.tickSeconds;

    // Faults become active / inactive.
    for (const f of this.faultList) {
      if (!f.started && !f.ended && f.record.startMs <= now && now < f.record.endMs) {
        this.startFault(f);
      }
      if (f.started && !f.ended && now >= f.record.endMs) {
        this.endFault(f);
      }
      if (!f.started && !f.ended && now >= f.record.endMs) {
        f.ended = true;
      } // window fell between ticks
    }

    // Gateway arrivals from the trace (rate at the tick's midpoint), with Poisson noise.
    const tTrace = (now - this.startTimeMs) / 1000 + this.workloadOffsetSeconds - dt / 2;
    const entryArrivals = this.rng.poisson(this.replay.rateAt(tTrace) * dt);
    for (const st of this.services.values()) {
      st.pendingArrivals = 0;
    }
    this.state(this.topology.entry).pendingArrivals = entryArrivals;

    // Forward pass: arrivals, capacity, backlog, own queueing delay.
    for (const name of this.order) {
      const st = this.state(name);
      const spec = st.spec;
      const faults = this.activeFaults(name);
      let muFactor = 1;
      let faultLatencyMs = 0;
      let faultErr = 0;
      let mask = 0;
      for (const f of faults) {
        const x = f.record.intensity;
        mask |= FAULT_BIT[f.record.type];
        if (f.record.type === 'cpu_contention') {
          muFactor *= Math.max(0.05, 1 - 0.5 * x);
        } else if (f.record.type === 'latency') {
          faultLatencyMs += 250 * x;
        } else if (f.record.type === 'error_burst') {
          faultErr = 1 - (1 - faultErr) * (1 - Math.min(1, 0.3 * x));
        } else if (f.record.type === 'bad_deploy') {
          faultLatencyMs += 80 * x;
          faultErr = 1 - (1 - faultErr) * (1 - Math.min(1, 0.15 * x));
        }
      }
      st.faultMask = mask;
      st.faultErrorRatio = faultErr;

      let ready = 0;
      for (const p of st.pods) {
        if (p.readyAtMs <= now) {
          ready++;
        }
      }
      st.ready = ready;
      st.starting = st.pods.length - ready;

      const arrivals = st.pendingArrivals;
      const c = ready * spec.concurrencyPerReplica;
      const mu = (spec.serviceRatePerReplica / spec.concurrencyPerReplica) * muFactor;
      const capacity = c * mu;
      const b = backlogStep(st.backlog, arrivals, capacity, dt, spec.timeoutMs / 1000);
      st.backlog = b.backlog;
      st.servedThisTick = b.served;
      st.arrivalRps = arrivals / dt;
      st.throughputRps = b.served / dt;
      st.requestsTotal += arrivals;
      const droppedFrac = arrivals > 0 ? Math.min(1, b.timedOut / arrivals) : 0;

      // Own response time (queue + service), seconds.
      let own: { p50: number; p95: number; p99: number; mean: number };
      let timeoutFrac = 0;
      const lambda = arrivals / dt;
      const ownBudgetS = Math.max(0, (spec.timeoutMs - spec.baseLatencyMs - faultLatencyMs) / 1000);
      if (c === 0 || mu <= 0) {
        own = {
          p50: spec.timeoutMs / 1000,
          p95: spec.timeoutMs / 1000,
          p99: spec.timeoutMs / 1000,
          mean: spec.timeoutMs / 1000,
        };
        timeoutFrac = arrivals > 0 ? 1 : 0;
      } else if (b.backlog > 1e-9 || lambda >= 0.995 * capacity) {
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
      const addMs = spec.baseLatencyMs + faultLatencyMs;
      st.own = {
        p50: own.p50 * 1000 + addMs,
        p95: own.p95 * 1000 + addMs,
        p99: own.p99 * 1000 + addMs,
        mean: own.mean * 1000 + addMs,
      };
      st.timeoutRatio = 1 - (1 - droppedFrac) * (1 - (arrivals > 0 ? timeoutFrac : 0));
      st.ownErrorRatio = 1 - (1 - st.timeoutRatio) * (1 - faultErr);

      // Requests served call downstream.
      for (const call of spec.calls) {
        this.state(call.to).pendingArrivals += b.served * call.callsPerRequest;
      }

      // CPU: share of the (fault-reduced) capacity in use.
      const util = capacity > 0 ? Math.min(1, b.served / dt / capacity) : 0;
      st.cpuUtil = ready > 0 ? Math.min(1, Math.max(0, util + this.rng.normal(0, 0.01))) : 0;
      st.cpuCores = st.cpuUtil * spec.cpuRequestCores * ready;
      st.cpuUtilWindow.push(st.cpuUtil);
      if (st.cpuUtilWindow.length > this.metricWindowTicks) {
        st.cpuUtilWindow.shift();
      }
    }

    // Reverse pass: latency and errors including downstream.
    for (let i = this.order.length - 1; i >= 0; i--) {
      const st = this.state(this.order[i] as string);
      const spec = st.spec;
      let downMean = 0;
      const tail = { p50: 0, p95: 0, p99: 0 };
      let okProduct = 1;
      for (const call of spec.calls) {
        const callee = this.state(call.to);
        downMean += call.callsPerRequest * callee.meanMs;
        const share = Math.min(1, call.callsPerRequest);
        tail.p50 = Math.max(tail.p50, share * Math.max(0, callee.p50 - callee.meanMs));
        tail.p95 = Math.max(tail.p95, share * Math.max(0, callee.p95 - callee.meanMs));
        tail.p99 = Math.max(tail.p99, share * Math.max(0, callee.p99 - callee.meanMs));
        okProduct *= Math.pow(1 - 0.8 * callee.errorRatio, call.callsPerRequest);
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
      st.errorsTotal += st.errorRatio * st.arrivalRps * dt;
    }

    // Memory, OOM kills, per-pod CPU.
    for (const name of this.order) {
      const st = this.state(name);
      const spec = st.spec;
      const leak = this.activeFaults(name).find((f) => f.record.type === 'memory_leak');
      const leakRate = leak ? (leak.record.intensity * (spec.memoryLimitBytes - spec.memoryBaseBytes)) / 900 : 0;
      let totalW = 0;
      for (const p of st.pods) {
        if (p.readyAtMs <= now) {
          totalW += p.weight;
        }
      }
      let memSum = 0;
      for (const p of st.pods) {
        const isReady = p.readyAtMs <= now;
        p.memNoise = 0.97 * p.memNoise + this.rng.normal(0, 0.004);
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
          this.pushEvent({
            timeMs: now,
            type: 'oom_kill',
            service: name,
            pod: p.name,
            message: `Container ${name} in pod ${p.name} OOMKilled (limit ${spec.memoryLimitBytes} bytes), restart #${p.restarts}`,
          });
          p.memoryBytes = spec.memoryBaseBytes * 0.6;
        }
        p.cpuCores = isReady && totalW > 0 ? (st.cpuCores * p.weight) / totalW : 0.02 * spec.cpuRequestCores;
        p.cpuWindow.push(p.cpuCores);
        if (p.cpuWindow.length > this.metricWindowTicks) {
          p.cpuWindow.shift();
        }
        memSum += p.memoryBytes;
      }
      st.memoryBytes = memSum;
    }

    // Autoscaling at the sync period.
    if (this.autoscaler && now - this.lastHpaSyncMs >= this.hpaSyncMs - 1e-6) {
      this.lastHpaSyncMs = now;
      for (const name of this.order) {
        const st = this.state(name);
        if (!st.hpa) {
          continue;
        }
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
            pods: this.hpaPods(st, now),
          },
          now
        );
        if (desired !== undefined && Number.isInteger(desired) && desired >= 0 && desired !== st.desired) {
          this.setReplicas(name, desired, 'hpa');
        }
      }
    }

    this.record();
  }

  /** The pods of a service in the shape the Kubernetes HPA reads (see AutoscalerInput.pods). */
  private hpaPods(st: ServiceState, now: number): PodState[] {
    const windowMs = this.metricWindowTicks * this.tickMs;
    const requestMilli = Math.round(st.spec.cpuRequestCores * 1000);
    return st.pods.map((p) => {
      const ready = p.readyAtMs <= now;
      const full = p.cpuWindow.length >= this.metricWindowTicks;
      const meanCores = full ? p.cpuWindow.reduce((a, b) => a + b, 0) / p.cpuWindow.length : 0;
      return {
        name: p.name,
        phase: 'Running',
        startTimeMs: p.createdMs,
        readyCondition: {
          status: ready,
          lastTransitionTimeMs: ready ? Math.max(p.readyAtMs, p.unreadySinceMs) : p.unreadySinceMs,
        },
        cpuRequestMilli: requestMilli,
        // metrics-server reports nanocores; the HPA reads Quantity.MilliValue(), which rounds up.
        ...(full
          ? { cpuUsage: { milli: Math.ceil(Math.round(meanCores * 1e9) / 1e6), timestampMs: now, windowMs } }
          : {}),
      };
    });
  }

  private record(): void {
    const k = this.tick;
    const idx = (k % this.ringCapacity) * NF;
    this.history.beginTick(this.nowMs);
    for (const st of this.services.values()) {
      const r = st.ring;
      r[idx + F_ARR] = st.arrivalRps;
      r[idx + F_THR] = st.throughputRps;
      r[idx + F_ERR] = st.errorRatio;
      r[idx + F_OWN_ERR] = st.ownErrorRatio;
      r[idx + F_P50] = st.p50;
      r[idx + F_P95] = st.p95;
      r[idx + F_P99] = st.p99;
      r[idx + F_MEAN] = st.meanMs;
      r[idx + F_OWN_MEAN] = st.ownMeanMs;
      r[idx + F_TIMEOUT] = st.timeoutRatio;
      r[idx + F_FAULT_ERR] = st.faultErrorRatio;
      r[idx + F_FAULT_MASK] = st.faultMask;
      r[idx + F_MEM_FRAC] = st.pods.reduce((m, p) => Math.max(m, p.memoryBytes / st.spec.memoryLimitBytes), 0);
      r[idx + F_CPU] = st.cpuUtil;
      r[idx + F_DOWN_ERR] =
        st.errorRatio > st.ownErrorRatio ? 1 - (1 - st.errorRatio) / Math.max(1e-12, 1 - st.ownErrorRatio) : 0;
      const names = st.pods.map((p) => p.name);
      const last = st.podEpochs[st.podEpochs.length - 1];
      if (!last || last.pods.length !== names.length || last.pods.some((n, i) => n !== names[i])) {
        st.podEpochs.push({ fromTick: k, pods: names });
        const oldest = k - this.ringCapacity;
        while (st.podEpochs.length > 1 && (st.podEpochs[1] as { fromTick: number }).fromTick <= oldest) {
          st.podEpochs.shift();
        }
      }
    }
    this.collect((name, labels, value, key) => this.history.write(key, name, labels, value));
  }

  private collect(emit: (name: string, labels: Record<string, string>, value: number, key: string) => void): void {
    const e = (name: string, labels: Record<string, string>, value: number): void =>
      emit(name, labels, value, seriesKey(name, labels));
    for (const name of this.order) {
      const st = this.state(name);
      const l = { service: name };
      e('aidpe_sim_requests_total', l, st.requestsTotal);
      e('aidpe_sim_request_rate', l, st.arrivalRps);
      e('aidpe_sim_errors_total', l, st.errorsTotal);
      e('aidpe_sim_error_ratio', l, st.errorRatio);
      for (const [q, f] of QUANTILES) {
        e('aidpe_sim_latency_seconds', { service: name, quantile: q }, st[f] / 1000);
      }
      e('aidpe_sim_cpu_utilization', l, st.cpuUtil);
      for (const p of st.pods) {
        e('aidpe_sim_cpu_usage_cores', { service: name, pod: p.name }, p.cpuCores);
      }
      for (const p of st.pods) {
        e('aidpe_sim_memory_bytes', { service: name, pod: p.name }, p.memoryBytes);
      }
      for (const p of st.pods) {
        e('aidpe_sim_pod_restarts_total', { service: name, pod: p.name }, p.restarts);
      }
      e('aidpe_sim_replicas', l, st.pods.length);
      e('aidpe_sim_replicas_ready', l, st.ready);
      e('aidpe_sim_replicas_desired', l, st.desired);
      if (st.hpa) {
        e('aidpe_sim_hpa_min_replicas', l, st.hpa.minReplicas);
        e('aidpe_sim_hpa_max_replicas', l, st.hpa.maxReplicas);
        e('aidpe_sim_hpa_target_cpu_utilization', l, st.hpa.targetCpuUtilization);
      }
      e('aidpe_sim_queue_backlog', l, st.backlog);
      e('aidpe_sim_deployment_info', { service: name, version: st.version }, 1);
    }
  }

  // ---- read side ---------------------------------------------------------------------------------

  snapshot(): ClusterSnapshot {
    return {
      timeMs: this.nowMs,
      seed: this.seed,
      services: this.order.map((name) => {
        const st = this.state(name);
        const active = this.activeFaults(name).map((f) => f.record.type);
        return {
          service: name,
          tier: st.spec.tier,
          arrivalRps: st.arrivalRps,
          throughputRps: st.throughputRps,
          errorRatio: st.errorRatio,
          latencyP50Ms: st.p50,
          latencyP95Ms: st.p95,
          latencyP99Ms: st.p99,
          cpuUtilization: st.cpuUtil,
          cpuCores: st.cpuCores,
          memoryBytes: st.memoryBytes,
          queueBacklog: st.backlog,
          replicas: { desired: st.desired, ready: st.ready, starting: st.starting },
          hpa: st.hpa ? { ...st.hpa } : undefined,
          version: st.version,
          activeFaults: active,
        };
      }),
    };
  }

  serviceSnapshot(service: string): ServiceSnapshot {
    this.state(service);
    return this.snapshot().services.find((s) => s.service === service) as ServiceSnapshot;
  }

  currentMetrics(): MetricSample[] {
    const out: MetricSample[] = [];
    this.collect((name, labels, value) =>
      out.push({
        name,
        help: HELP[name] ?? name,
        type: COUNTERS.has(name) ? 'counter' : 'gauge',
        labels: { ...labels },
        value,
      })
    );
    return out;
  }

  exposition(): string {
    return renderExposition(this.currentMetrics());
  }

  /** History between startMs and endMs as OpenMetrics text with timestamps (ends with `# EOF`). */
  openMetricsHistory(startMs: number, endMs: number): string {
    const series: HistoricalSeries[] = [];
    for (const s of this.history.find(undefined, [])) {
      const [from, to] = this.history.tickRange(startMs, endMs);
      const points: Array<[number, number]> = [];
      for (let k = from; k <= to; k++) {
        const v = this.history.valueAt(s, k);
        if (!Number.isNaN(v)) {
          points.push([this.history.timeOf(k), v]);
        }
      }
      if (points.length > 0) {
        series.push({
          name: s.name,
          help: HELP[s.name] ?? s.name,
          type: COUNTERS.has(s.name) ? 'counter' : 'gauge',
          labels: s.labels,
          points,
        });
      }
    }
    series.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return renderOpenMetrics(series);
  }

  /** Stored samples of series named `name` (any name when undefined) matching all matchers. */
  select(name: string | undefined, matchers: readonly LabelMatcher[], startMs: number, endMs: number): MetricSeries[] {
    return this.history.select(name, matchers, startMs, endMs);
  }

  /** Label sets (with __name__) of series matching, optionally only those with samples in a range. */
  seriesLabels(
    name: string | undefined,
    matchers: readonly LabelMatcher[],
    startMs?: number,
    endMs?: number
  ): Array<Record<string, string>> {
    if (startMs !== undefined || endMs !== undefined) {
      return this.history.select(name, matchers, startMs ?? -Infinity, endMs ?? Infinity).map((s) => s.labels);
    }
    return this.history.find(name, matchers).map((s) => ({ __name__: s.name, ...s.labels }));
  }

  metricNames(): string[] {
    return this.history.names();
  }

  /** Time span (unix ms) of the retained history. */
  historyRange(): { startMs: number; endMs: number } {
    return { startMs: this.history.timeOf(this.history.firstTick), endMs: this.nowMs };
  }

  // ---- logs --------------------------------------------------------------------------------------

  private ringValue(st: ServiceState, tick: number, field: number): number {
    return st.ring[(tick % this.ringCapacity) * NF + field] as number;
  }

  private podsAt(st: ServiceState, tick: number): string[] {
    let pods: string[] = [];
    for (const e of st.podEpochs) {
      if (e.fromTick <= tick) {
        pods = e.pods;
      } else {
        break;
      }
    }
    return pods;
  }

  private versionAt(st: ServiceState, timeMs: number): string {
    let v = st.spec.version;
    for (const e of st.versionEpochs) {
      if (e.fromMs <= timeMs) {
        v = e.version;
      } else {
        break;
      }
    }
    return v;
  }

  private incomingOperations(st: ServiceState): string[] {
    if (st.spec.name === this.topology.entry) {
      return GATEWAY_ROUTES;
    }
    const ops: string[] = [];
    for (const callerName of st.callers) {
      for (const c of this.state(callerName).spec.calls) {
        if (c.to === st.spec.name && !ops.includes(c.operation)) {
          ops.push(c.operation);
        }
      }
    }
    return ops.length > 0 ? ops : ['Handle'];
  }

  /** A duration drawn from the tick's latency quantiles (piecewise-linear inverse CDF). */
  private sampleLatency(u: number, p50: number, p95: number, p99: number): number {
    if (u < 0.5) {
      return p50 * (0.35 + 1.3 * u);
    }
    if (u < 0.95) {
      return p50 + ((p95 - p50) * (u - 0.5)) / 0.45;
    }
    if (u < 0.99) {
      return p95 + ((p99 - p95) * (u - 0.95)) / 0.04;
    }
    return p99 * (1 + (u - 0.99) * 30);
  }

  private logsForTick(st: ServiceState, tick: number): LogLine[] {
    const out: LogLine[] = [];
    const name = st.spec.name;
    const seed = this.seed;
    const tEnd = this.startTimeMs + tick * this.tickMs;
    const tStart = tEnd - this.tickMs;
    const pods = this.podsAt(st, tick);
    const v = (f: number): number => this.ringValue(st, tick, f);
    const thr = v(F_THR);
    const err = v(F_ERR);
    const p50 = v(F_P50);
    const p95 = v(F_P95);
    const p99 = v(F_P99);
    const mask = v(F_FAULT_MASK);
    const ops = this.incomingOperations(st);
    const tier = st.spec.tier;
    const version = this.versionAt(st, tEnd);
    const pickPod = (...k: Array<string | number>): string =>
      pods.length > 0 ? (pods[hash32(seed, 'lp', name, tick, ...k) % pods.length] as string) : `${name}-unknown`;
    const at = (...k: Array<string | number>): number =>
      Math.floor(tStart + hashUnit(seed, 'lt', name, tick, ...k) * this.tickMs);
    const iso = (t: number): string => new Date(t).toISOString();

    // Events of this tick.
    for (const e of this.eventLog) {
      if (e.service !== name || e.timeMs <= tStart || e.timeMs > tEnd) {
        continue;
      }
      if (e.type === 'oom_kill') {
        out.push({
          timeMs: e.timeMs,
          service: name,
          pod: e.pod ?? pickPod('oom'),
          level: 'error',
          line: `ts=${iso(e.timeMs)} level=error msg="fatal error: runtime: out of memory" container=${name} reason=OOMKilled limit_bytes=${st.spec.memoryLimitBytes}`,
        });
      } else if (e.type === 'deploy' || e.type === 'rollback') {
        out.push({
          timeMs: e.timeMs,
          service: name,
          pod: pickPod('deploy'),
          level: 'info',
          line: `ts=${iso(e.timeMs)} level=info msg="starting ${name}" version=${String(e.to)} previous_version=${String(e.from)} reason=${e.type}`,
        });
      } else if (e.type === 'scale' && typeof e.to === 'number' && typeof e.from === 'number' && e.to > e.from) {
        out.push({
          timeMs: e.timeMs,
          service: name,
          pod: pickPod('scale'),
          level: 'info',
          line: `ts=${iso(e.timeMs)} level=info msg="server listening" addr=:8080 version=${version}`,
        });
      }
    }

    if (thr > 0) {
      const nInfo = Math.min(3, 1 + Math.floor(Math.log10(1 + thr)));
      for (let i = 0; i < nInfo; i++) {
        const t = at('info', i);
        const op = ops[hash32(seed, 'op', name, tick, i) % ops.length] as string;
        const isErr = hashUnit(seed, 'ie', name, tick, i) < err;
        const dur = this.sampleLatency(hashUnit(seed, 'id', name, tick, i), p50, p95, p99);
        const traceId = hashHex(32, seed, 'ltr', name, tick, i);
        const line =
          tier === 'gateway'
            ? `ts=${iso(t)} level=info msg="request completed" http.method=${op.split(' ')[0] ?? 'GET'} http.route=${op.split(' ')[1] ?? '/'} http.status=${isErr ? (v(F_TIMEOUT) > 0.5 * err ? 504 : 500) : 200} duration_ms=${dur.toFixed(1)} trace_id=${traceId} version=${version}`
            : tier === 'data'
              ? `ts=${iso(t)} level=info msg="statement complete" statement="${op}" duration_ms=${dur.toFixed(2)} rows=${1 + (hash32(seed, 'rows', name, tick, i) % 40)} trace_id=${traceId}`
              : `ts=${iso(t)} level=info msg="finished call" grpc.method=${op} grpc.code=${isErr ? 'Unavailable' : 'OK'} duration_ms=${dur.toFixed(1)} trace_id=${traceId} version=${version}`;
        out.push({ timeMs: t, service: name, pod: pickPod('info', i), level: 'info', line, traceId });
      }
      const own50 = st.spec.baseLatencyMs + (1000 * st.spec.concurrencyPerReplica) / st.spec.serviceRatePerReplica;
      if (
        p95 > Math.max(4 * own50 + 50, 0.5 * st.spec.timeoutMs) ||
        (mask & (FAULT_BIT.latency | FAULT_BIT.cpu_contention)) !== 0
      ) {
        const slowCallee = st.spec.calls.length > 0 ? this.slowestCallee(st, tick) : undefined;
        const t = at('warn');
        out.push({
          timeMs: t,
          service: name,
          pod: pickPod('warn'),
          level: 'warn',
          line: slowCallee
            ? `ts=${iso(t)} level=warn msg="slow downstream call" callee=${slowCallee} duration_ms=${p95.toFixed(1)} threshold_ms=${(4 * own50 + 50).toFixed(0)}`
            : `ts=${iso(t)} level=warn msg="slow request" duration_ms=${p95.toFixed(1)} p99_ms=${p99.toFixed(1)} cpu_utilization=${v(F_CPU).toFixed(2)}`,
        });
      }
      const memFrac = v(F_MEM_FRAC);
      if (memFrac > 0.85) {
        const t = at('mem');
        out.push({
          timeMs: t,
          service: name,
          pod: pickPod('mem'),
          level: 'warn',
          line: `ts=${iso(t)} level=warn msg="memory usage high" used_ratio=${memFrac.toFixed(3)} limit_bytes=${st.spec.memoryLimitBytes}`,
        });
      }
      const expected = err * 10;
      const nErr = Math.min(
        5,
        Math.floor(expected) + (hashUnit(seed, 'ne', name, tick) < expected - Math.floor(expected) ? 1 : 0)
      );
      const faultErr = v(F_FAULT_ERR);
      const timeout = v(F_TIMEOUT);
      const downErr = v(F_DOWN_ERR);
      for (let i = 0; i < nErr; i++) {
        const t = at('err', i);
        const u = hashUnit(seed, 'ek', name, tick, i) * (faultErr + timeout + downErr + 1e-12);
        const traceId = hashHex(32, seed, 'etr', name, tick, i);
        let line: string;
        if (u < faultErr) {
          const list = EXCEPTIONS[tier] as string[];
          const exc = list[hash32(seed, 'ex', name, tick, i) % list.length] as string;
          line = `ts=${iso(t)} level=error msg="unhandled exception" exception="${exc}" version=${version} trace_id=${traceId}`;
        } else if (u < faultErr + timeout) {
          line = `ts=${iso(t)} level=error msg="request timed out" error="context deadline exceeded" timeout_ms=${st.spec.timeoutMs} trace_id=${traceId}`;
        } else {
          const callee = st.spec.calls.length > 0 ? this.worstCallee(st, tick) : 'unknown';
          line = `ts=${iso(t)} level=error msg="downstream call failed" callee=${callee} error="rpc error: code = Unavailable desc = upstream ${callee} failed" trace_id=${traceId}`;
        }
        out.push({ timeMs: t, service: name, pod: pickPod('err', i), level: 'error', line, traceId });
      }
    }
    return out;
  }

  private slowestCallee(st: ServiceState, tick: number): string {
    let best = '';
    let bestV = -1;
    for (const c of st.spec.calls) {
      const m = c.callsPerRequest * this.ringValue(this.state(c.to), tick, F_MEAN);
      if (m > bestV) {
        [best, bestV] = [c.to, m];
      }
    }
    return best;
  }

  private worstCallee(st: ServiceState, tick: number): string {
    let best = st.spec.calls[0]?.to ?? 'unknown';
    let bestV = -1;
    for (const c of st.spec.calls) {
      const m = Math.min(1, c.callsPerRequest) * this.ringValue(this.state(c.to), tick, F_ERR);
      if (m > bestV) {
        [best, bestV] = [c.to, m];
      }
    }
    return best;
  }

  /** Deterministic, lazily generated log lines for the retained history. */
  logs(q: LogQuery): LogLine[] {
    const limit = q.limit ?? 1000;
    const backward = q.direction === 'backward';
    const services = q.service !== undefined ? [this.state(q.service)] : this.order.map((n) => this.state(n));
    // A tick covers (t − tick, t]: include ticks whose interval overlaps the range.
    const [from, to] = this.history.tickRange(q.startMs, q.endMs + this.tickMs);
    const out: LogLine[] = [];
    for (let step = 0; step <= to - from; step++) {
      const k = backward ? to - step : from + step;
      const batch: LogLine[] = [];
      for (const st of services) {
        for (const line of this.logsForTick(st, k)) {
          if (line.timeMs < q.startMs || line.timeMs > q.endMs) {
            continue;
          }
          if (q.level !== undefined && line.level !== q.level) {
            continue;
          }
          batch.push(line);
        }
      }
      batch.sort(
        (a, b) =>
          a.timeMs - b.timeMs ||
          (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) ||
          (a.line < b.line ? -1 : 1)
      );
      if (backward) {
        batch.reverse();
      }
      for (const l of batch) {
        out.push(l);
        if (out.length >= limit) {
          return out;
        }
      }
    }
    return out;
  }

  /** Loki `query_range` response body for the generated logs, one stream per service/pod/level. */
  toLokiStreams(q: LogQuery): {
    status: 'success';
    data: { resultType: 'streams'; result: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> };
  } {
    const lines = this.logs({ direction: 'backward', ...q });
    const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
    for (const l of lines) {
      const key = `${l.service}\u0000${l.pod}\u0000${l.level}`;
      let s = streams.get(key);
      if (!s) {
        streams.set(
          key,
          (s = { stream: { service: l.service, pod: l.pod, level: l.level, job: 'aidpe-sim' }, values: [] })
        );
      }
      s.values.push([`${BigInt(Math.round(l.timeMs)) * 1_000_000n}`, l.line]);
    }
    return { status: 'success', data: { resultType: 'streams', result: [...streams.values()] } };
  }

  // ---- traces ------------------------------------------------------------------------------------

  private traceMask(head: string): bigint {
    return BigInt(`0x${hashHex(16, this.seed, 'trace-mask', head)}`);
  }

  /** 16 hex of hash, then 16 hex encoding (tick, index) masked by a hash of the head: random-looking, decodable. */
  private traceIdFor(tick: number, index: number): string {
    const head = hashHex(16, this.seed, 'trace', tick, index);
    const tail = ((BigInt(tick) << 8n) | BigInt(index & 0xff)) ^ this.traceMask(head);
    return head + tail.toString(16).padStart(16, '0');
  }

  private decodeTraceId(traceId: string): { tick: number; index: number } | undefined {
    if (!/^[0-9a-f]{32}$/i.test(traceId)) {
      return undefined;
    }
    const id = traceId.toLowerCase();
    const tail = BigInt(`0x${id.slice(16)}`) ^ this.traceMask(id.slice(0, 16));
    const tick = Number(tail >> 8n);
    const index = Number(tail & 0xffn);
    if (tick > Number.MAX_SAFE_INTEGER || this.traceIdFor(tick, index) !== id) {
      return undefined;
    }
    return { tick, index };
  }

  private buildTrace(tick: number, index: number): TraceData | undefined {
    const entry = this.state(this.topology.entry);
    if (this.ringValue(entry, tick, F_THR) <= 0) {
      return undefined;
    }
    const seed = this.seed;
    const traceId = this.traceIdFor(tick, index);
    const tStartMs = this.startTimeMs + (tick - 1) * this.tickMs + hashUnit(seed, 'ts', tick, index) * this.tickMs;
    const spans: SpanData[] = [];
    const rootOps = this.incomingOperations(entry);
    let spanCount = 0;
    const build = (
      st: ServiceState,
      operation: string,
      parentSpanId: string,
      startMs: number,
      path: string,
      depth: number
    ): { durationMs: number; error: boolean } => {
      const name = st.spec.name;
      const spanId = hashHex(16, seed, 'span', traceId, path);
      const mySpan = spans.length;
      spans.push({
        traceId,
        spanId,
        parentSpanId,
        service: name,
        operation,
        startTimeUnixNano: '',
        durationNanos: 0,
        status: 'ok',
      });
      spanCount++;
      const v = (f: number): number => this.ringValue(st, tick, f);
      // Own time drawn around the own mean; children run sequentially after a share of it.
      const ownMean = v(F_OWN_MEAN);
      const u = hashUnit(seed, 'own', traceId, path);
      const own = ownMean * Math.min(6, -Math.log(1 - u * 0.999)) * 0.9 + 0.1 * ownMean;
      let cursor = startMs + own * 0.3;
      let childError = false;
      for (const [ci, call] of st.spec.calls.entries()) {
        const whole = Math.floor(call.callsPerRequest);
        const n = Math.min(3, whole + (hashUnit(seed, 'n', traceId, path, ci) < call.callsPerRequest - whole ? 1 : 0));
        for (let j = 0; j < n && spanCount < 80 && depth < 8; j++) {
          const r = build(this.state(call.to), call.operation, spanId, cursor, `${path}.${ci}-${j}`, depth + 1);
          cursor += r.durationMs;
          if (r.error && hashUnit(seed, 'prop', traceId, path, ci, j) < 0.8) {
            childError = true;
          }
        }
      }
      const durationMs = Math.min(st.spec.timeoutMs, cursor - startMs + own * 0.7);
      const ownError = hashUnit(seed, 'err', traceId, path) < v(F_OWN_ERR);
      const error = ownError || childError;
      const span = spans[mySpan] as SpanData;
      span.startTimeUnixNano = (BigInt(Math.round(startMs * 1000)) * 1000n).toString();
      span.durationNanos = Math.round(durationMs * 1e6);
      span.status = error ? 'error' : 'ok';
      return { durationMs, error };
    };
    const rootOp = rootOps[hash32(seed, 'rootop', traceId) % rootOps.length] as string;
    const root = build(entry, rootOp, '', tStartMs, 'r', 0);
    return {
      traceId,
      rootService: entry.spec.name,
      rootOperation: rootOp,
      startTimeUnixNano: (spans[0] as SpanData).startTimeUnixNano,
      durationNanos: Math.round(root.durationMs * 1e6),
      spans,
    };
  }

  /** Deterministically sampled traces whose start lies in [startMs, endMs], oldest first. */
  traces(q: {
    startMs: number;
    endMs: number;
    limit?: number;
    service?: string;
    status?: 'ok' | 'error';
  }): TraceData[] {
    const limit = q.limit ?? 100;
    const [from, to] = this.history.tickRange(q.startMs, q.endMs + this.tickMs);
    const out: TraceData[] = [];
    for (let k = from; k <= to && out.length < limit; k++) {
      for (let i = 0; i < this.tracesPerTick && out.length < limit; i++) {
        const t = this.buildTrace(k, i);
        if (!t) {
          continue;
        }
        const startMs = Number(BigInt(t.startTimeUnixNano) / 1_000_000n);
        if (startMs < q.startMs || startMs > q.endMs) {
          continue;
        }
        if (q.service !== undefined && !t.spans.some((s) => s.service === q.service)) {
          continue;
        }
        const hasError = t.spans.some((s) => s.status === 'error');
        if ((q.status === 'error' && !hasError) || (q.status === 'ok' && hasError)) {
          continue;
        }
        out.push(t);
      }
    }
    return out;
  }

  trace(traceId: string): TraceData | undefined {
    const d = this.decodeTraceId(traceId);
    if (!d || d.tick < this.history.firstTick || d.tick > this.tick || d.index >= this.tracesPerTick) {
      return undefined;
    }
    return this.buildTrace(d.tick, d.index);
  }

  /** Tempo `GET /api/traces/{id}` body (OTLP JSON), or undefined when the trace is unknown. */
  toTempoTrace(traceId: string): TempoTrace | undefined {
    const t = this.trace(traceId);
    if (!t) {
      return undefined;
    }
    const byService = new Map<string, SpanData[]>();
    for (const s of t.spans) {
      byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
    }
    const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
    return {
      batches: [...byService.entries()].map(([service, spans]) => ({
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: service } },
            {
              key: 'service.version',
              value: {
                stringValue: this.versionAt(this.state(service), Number(BigInt(t.startTimeUnixNano) / 1_000_000n)),
              },
            },
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'aidpe-sim' },
            spans: spans.map((s) => ({
              traceId: b64(s.traceId),
              spanId: b64(s.spanId),
              ...(s.parentSpanId ? { parentSpanId: b64(s.parentSpanId) } : {}),
              name: s.operation,
              kind: 'SPAN_KIND_SERVER',
              startTimeUnixNano: s.startTimeUnixNano,
              endTimeUnixNano: (BigInt(s.startTimeUnixNano) + BigInt(s.durationNanos)).toString(),
              status:
                s.status === 'error' ? { code: 'STATUS_CODE_ERROR' as const } : { code: 'STATUS_CODE_UNSET' as const },
            })),
          },
        ],
      })),
    };
  }

  /** Tempo `GET /api/search` body. */
  toTempoSearch(q: {
    startMs: number;
    endMs: number;
    limit?: number;
    service?: string;
    status?: 'ok' | 'error';
  }): TempoSearchResult {
    return {
      traces: this.traces(q).map((t) => ({
        traceID: t.traceId,
        rootServiceName: t.rootService,
        rootTraceName: t.rootOperation,
        startTimeUnixNano: t.startTimeUnixNano,
        durationMs: Math.max(1, Math.round(t.durationNanos / 1e6)),
      })),
    };
  }
}

export interface TempoTrace {
  batches: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue: string } }> };
    scopeSpans: Array<{
      scope: { name: string };
      spans: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: string;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        status: { code: 'STATUS_CODE_ERROR' | 'STATUS_CODE_UNSET' };
      }>;
    }>;
  }>;
}

export interface TempoSearchResult {
  traces: Array<{
    traceID: string;
    rootServiceName: string;
    rootTraceName: string;
    startTimeUnixNano: string;
    durationMs: number;
  }>;
}
