/**
 * Optimiser contracts. Every scaling policy sits behind one interface: a service's state in, a proposed
 * change out, with a reason. Proposals never reach an actuator directly: the safety layer (`safety.ts`)
 * reviews each one and records, rule by rule, what it allowed, clamped or rejected and why.
 *
 * Pure types and helpers only (no I/O), so engines, the replay evaluation and (later) the Kubernetes
 * actuator share them.
 */
import type { HpaObjectSpec, PodState } from '../../kube/types.ts';

// ---- state in --------------------------------------------------------------------------------------

export interface TimeFeatures {
  /** 0..23, UTC. */
  hourOfDay: number;
  /** 0..1439, UTC. */
  minuteOfDay: number;
  /** 0 (Sunday)..6, UTC. */
  dayOfWeek: number;
  isWeekend: boolean;
}

export function timeFeatures(timeMs: number): TimeFeatures {
  const d = new Date(timeMs);
  const dow = d.getUTCDay();
  return {
    hourOfDay: d.getUTCHours(),
    minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes(),
    dayOfWeek: dow,
    isWeekend: dow === 0 || dow === 6,
  };
}

/** A request-rate forecast for the next window, step by step (req/s at this service). */
export interface RateForecast {
  stepSeconds: number;
  /** When the forecast was made (unix ms); step k covers (generatedAt + k·step, generatedAt + (k+1)·step]. */
  generatedAtMs: number;
  p50: number[];
  p90: number[];
  p10?: number[];
  /** The model the forecast engine chose, for reasons and audit. */
  model?: string;
}

/** Everything a policy may look at for one service at one instant. */
export interface ServiceState {
  service: string;
  /** Unix ms. */
  timeMs: number;
  replicas: { desired: number; ready: number; starting: number };
  /** Per-pod readiness and CPU, when the source has it (the HPA port needs it). */
  pods?: PodState[];
  /** Average CPU utilisation of ready pods as the metrics pipeline reports it, 0..1 of the request. */
  cpuUtilization: number;
  /** The service's HPA as it is now (after any parametric change); undefined when it has none. */
  hpa?: HpaObjectSpec;
  latencyP95Ms: number;
  sloMs: number;
  /** Share of requests ending in an error, 0..1. */
  errorRate: number;
  /** Requests per second arriving now. */
  requestRate: number;
  /** Requests/s one ready replica serves at 100% CPU (estimated from telemetry by the caller), when known. */
  capacityPerReplicaRps?: number;
  /** Forecast of this service's request rate for the next window, when the caller has one. */
  forecast?: RateForecast;
  /** Recent request-rate history on a regular grid (oldest first), for policies that forecast themselves. */
  requestRateHistory?: { stepSeconds: number; values: number[]; lastTimestampMs: number };
  /**
   * The safety layer's circuit breaker as the caller last saw it, when it passes it on: while it is
   * degraded (the forecasts missed) the layer admits only fallback-mode changes, so a policy switches
   * to its fallback at once instead of proposing forecast-based changes that would be rejected.
   */
  breaker?: { open: boolean; degraded: boolean };
  time: TimeFeatures;
}

// ---- proposal out ----------------------------------------------------------------------------------

/**
 * parametric: move the HPA's bounds/target and let the HPA act (default); direct: set replicas.
 * In Kubernetes an HPA jumps straight to a new bound when the replicas fall outside it (no rate limit),
 * so the safety layer rate-limits bound changes itself.
 */
export type IntegrationMode = 'parametric' | 'direct';

export interface HpaChange {
  minReplicas?: number;
  maxReplicas?: number;
  targetCpuUtilization?: number;
}

/** The forecast a proposal rests on, summarised over its window (req/s at the service). */
export interface ProposalForecast {
  p50: number;
  p90: number;
  p10?: number;
  horizonSeconds: number;
}

export interface Proposal {
  policy: string;
  service: string;
  mode: IntegrationMode;
  /** direct mode: the replica count to set. */
  replicas?: number;
  /** parametric mode: the HPA fields to change (omitted fields stay as they are). */
  hpa?: HpaChange;
  reason: string;
  forecast?: ProposalForecast;
  /**
   * What the change rests on: 'forecast' (the circuit breaker judges the forecast against the load it
   * meets, and a degraded breaker rejects such changes) or 'fallback' (a conservative change from
   * measured load only, e.g. an HPA floor sized from recent peaks, admitted while the breaker is degraded).
   * Unset: a proposal with a forecast counts as 'forecast'.
   */
  basis?: 'forecast' | 'fallback';
}

/** A scaling policy: state in, a proposed change out (or undefined for "no change"), with a reason. */
export interface Policy {
  readonly name: string;
  readonly mode: IntegrationMode;
  propose(state: ServiceState): Proposal | undefined | Promise<Proposal | undefined>;
}

// ---- safety decisions ------------------------------------------------------------------------------

export type SafetyRule =
  | 'validity'
  | 'circuit_breaker'
  | 'freeze_window'
  | 'hard_bounds'
  | 'max_step'
  | 'cooldown'
  | 'slo_guard'
  | 'forecast_capacity_guard'
  | 'budget'
  | 'target_bounds'
  | 'feasible_projection';

export interface RuleDecision {
  rule: SafetyRule;
  action: 'allowed' | 'clamped' | 'rejected';
  reason: string;
}

export interface SafetyVerdict {
  timeMs: number;
  proposal: Proposal;
  /** What may go to the actuator (possibly modified); undefined when nothing is to be applied. */
  applied: Proposal | undefined;
  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
  decisions: RuleDecision[];
}
