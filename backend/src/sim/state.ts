/**
 * The simulator's mutable state per service and per pod. The cluster core owns it; the tick physics
 * updates it, the recorder reads it into history, and the log and trace generators read the timeline.
 */
import type { HpaObjectSpec } from '../kube/types.ts';
import { baseResponseBytes, type CallPlan, type FollowUpCall } from './codefaults.ts';
import { ServiceTimeline } from './timeline.ts';
import type { ServiceSpec } from './topology.ts';

export interface Pod {
  name: string;
  serial: number;
  createdMs: number;
  readyAtMs: number;
  restarts: number;
  leakBytes: number;
  memNoise: number;
  /** Share of the service's load this pod takes relative to its siblings (fixed per pod). */
  weight: number;
  version: string;
  memoryBytes: number;
  cpuCores: number;
  /** Per-tick CPU cores over the metric window, newest last (metrics-server's view of the pod). */
  cpuWindow: number[];
  /** When the pod last became not ready (creation, or an OOM kill). */
  unreadySinceMs: number;
}

/** Response-time quantiles and mean, ms. */
export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface ServiceRuntime {
  spec: ServiceSpec;
  /** Services that call this one. */
  callers: string[];
  desired: number;
  hpa: HpaObjectSpec | undefined;
  version: string;
  /** The pod-template hash in pod names (changes with the version, as a ReplicaSet's does). */
  templateHash: string;
  pods: Pod[];
  podSerial: number;
  backlog: number;
  requestsTotal: number;
  errorsTotal: number;
  /** Requests routed to the service this tick (entry arrivals, then callers' calls). */
  pendingArrivals: number;
  // The current tick:
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
  /** Share of the service's requests that throw (an exception fault on one of its operations). */
  exceptionRatio: number;
  /** Share of the service's responses that are wrong (a wrong_return fault on one of its operations). */
  wrongReturnRatio: number;
  /** Mean response size, bytes (changes with wrong returns, its own or its callees'). */
  responseSizeBytes: number;
  /** Per call of the spec, while a code-level fault is active anywhere; undefined otherwise. */
  callPlan: CallPlan[] | undefined;
  /** Calls made only because a callee returned an inflated value (wrong_return), this tick. */
  followUpCalls: FollowUpCall[];
  /** Own response time this tick (queue + service + injected latency), before downstream calls. */
  own: LatencyStats;
  timeline: ServiceTimeline;
}

export function newServiceRuntime(spec: ServiceSpec, callers: string[], retainedTicks: number): ServiceRuntime {
  return {
    spec,
    callers,
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
    exceptionRatio: 0,
    wrongReturnRatio: 0,
    responseSizeBytes: baseResponseBytes(spec),
    callPlan: undefined,
    followUpCalls: [],
    own: { p50: 0, p95: 0, p99: 0, mean: 0 },
    timeline: new ServiceTimeline(retainedTicks, spec.version),
  };
}
