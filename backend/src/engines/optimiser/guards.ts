/**
 * The safety layer's settings and the plain facts its rules and the independent auditor share: step
 * allowances, freeze windows, hard bounds, costs, the forecast a proposal rests on, and how an applied
 * proposal moves capacity (`classifyAction`). Pure (no I/O).
 */
import type { Proposal, ServiceState } from './types.ts';

export interface StepLimit {
  /** At most this many pods … */
  pods: number;
  /** … and at most this percent of the replicas at the start of the window (at least one pod). */
  percent: number;
}

export type FreezeWindow =
  | { startMs: number; endMs: number; reason: string }
  /** Every day (UTC) from startMinute to endMinute (wrapping past midnight when end < start). */
  | { dailyStartMinute: number; dailyEndMinute: number; reason: string };

export interface CircuitBreakerConfig {
  /** Bad outcomes of one service's actions within `windowSeconds` that open the breaker. */
  maxBadOutcomes: number;
  windowSeconds: number;
  /** How long after an action its outcome is judged (at most the forecast window it rested on). */
  observeSeconds: number;
  /** "SLO worse": p95 above the SLO and above this factor × the p95 before the action. */
  sloWorsenFactor: number;
  /** "Forecast out of bounds": the mean rate realised over the window above p90 × (1 + tol) or below p10 ÷ (1 + tol). */
  forecastErrorTolerance: number;
  /**
   * Forecast misses degrade the breaker (forecast-based changes rejected, the policy's fallback admitted,
   * closing again by itself) instead of opening it; default true. Harmful outcomes always open it.
   */
  degradeOnForecastMiss?: boolean;
  /** A degraded breaker closes again after this long without a forecast miss (seconds; default 1800). */
  recoverySeconds?: number;
}

export interface SafetyConfig {
  hardBounds: {
    minReplicas: number;
    maxReplicas: number;
    services?: Record<string, { minReplicas: number; maxReplicas: number }>;
  };
  maxStepUp: StepLimit;
  maxStepDown: StepLimit;
  /** The step limits hold for the net change within any window of this length. */
  stepWindowSeconds: number;
  /** Minimum time between two capacity increases. */
  scaleUpCooldownSeconds: number;
  /** Minimum time after any applied action before a capacity decrease (or a loosening of the HPA). */
  scaleDownCooldownSeconds: number;
  targetUtilization: { min: number; max: number; maxStep: number };
  /** Utilisation per replica at which the forecast guard counts capacity (a replica at 100% CPU is overloaded). */
  capacityUtilization: number;
  /** Cap on the cost of all replicas (default cost 1 per replica). */
  budget?: { maxCost: number; costPerReplica?: Record<string, number> };
  freezeWindows: FreezeWindow[];
  circuitBreaker: CircuitBreakerConfig;
}

export const DEFAULT_SAFETY_CONFIG: Readonly<SafetyConfig> = Object.freeze({
  hardBounds: { minReplicas: 1, maxReplicas: 50 },
  maxStepUp: { pods: 8, percent: 100 },
  maxStepDown: { pods: 4, percent: 50 },
  stepWindowSeconds: 60,
  scaleUpCooldownSeconds: 0,
  scaleDownCooldownSeconds: 120,
  targetUtilization: { min: 0.3, max: 0.9, maxStep: 0.1 },
  capacityUtilization: 0.9,
  freezeWindows: [],
  circuitBreaker: {
    maxBadOutcomes: 3,
    windowSeconds: 1800,
    observeSeconds: 300,
    sloWorsenFactor: 1.2,
    forecastErrorTolerance: 0.5,
    degradeOnForecastMiss: true,
    recoverySeconds: 1800,
  },
});

/** Replicas of every service now (for the budget), keyed by service. */
export interface ClusterContext {
  replicas: Record<string, number>;
}

/** Allowed step from `base` replicas: min(pods, max(1, ⌈percent% × base⌉)). */
export function stepAllowance(base: number, limit: StepLimit): number {
  return Math.max(0, Math.min(limit.pods, Math.max(1, Math.ceil((base * limit.percent) / 100))));
}

export function inFreezeWindow(windows: readonly FreezeWindow[], timeMs: number): FreezeWindow | undefined {
  const minute = Math.floor((((timeMs % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
  return windows.find((w) => {
    if ('startMs' in w) {
      return timeMs >= w.startMs && timeMs < w.endMs;
    }
    return w.dailyStartMinute <= w.dailyEndMinute
      ? minute >= w.dailyStartMinute && minute < w.dailyEndMinute
      : minute >= w.dailyStartMinute || minute < w.dailyEndMinute;
  });
}

export function hardBoundsFor(config: SafetyConfig, service: string): { minReplicas: number; maxReplicas: number } {
  return (
    config.hardBounds.services?.[service] ?? {
      minReplicas: config.hardBounds.minReplicas,
      maxReplicas: config.hardBounds.maxReplicas,
    }
  );
}

export function costPerReplica(config: SafetyConfig, service: string): number {
  return config.budget?.costPerReplica?.[service] ?? 1;
}

/** The largest p90 the proposal (or else the state) expects over the next window, req/s. */
export function forecastP90(proposal: Proposal, state: ServiceState): number | undefined {
  if (proposal.forecast && Number.isFinite(proposal.forecast.p90)) {
    return proposal.forecast.p90;
  }
  const p90 = state.forecast?.p90;
  if (p90 && p90.length > 0) {
    return Math.max(...p90);
  }
  return undefined;
}

/** Replicas needed to serve `rate` at the capacity utilisation. */
export function replicasNeeded(rate: number, capacityPerReplicaRps: number, utilization: number): number {
  return Math.max(0, Math.ceil(rate / (capacityPerReplicaRps * utilization) - 1e-9));
}

/** One committed action, as both the safety layer and the auditor remember it. */
export interface CommittedAction {
  timeMs: number;
  service: string;
  mode: Proposal['mode'];
  replicasBefore: number;
  /** direct: the replicas set; parametric: the replicas the HPA is forced to (or undefined when it is not forced). */
  forcedReplicas: number | undefined;
  /** Whether the action raised capacity / can lower it. */
  up: boolean;
  down: boolean;
}

/** Classifies an applied proposal against the state it was applied to. */
export function classifyAction(applied: Proposal, state: ServiceState): CommittedAction {
  const cur = state.replicas.desired;
  if (applied.mode === 'direct') {
    const r = applied.replicas ?? cur;
    return {
      timeMs: state.timeMs,
      service: applied.service,
      mode: 'direct',
      replicasBefore: cur,
      forcedReplicas: r,
      up: r > cur,
      down: r < cur,
    };
  }
  const h = applied.hpa ?? {};
  const hpa = state.hpa;
  const min = h.minReplicas;
  const max = h.maxReplicas;
  const t = h.targetCpuUtilization;
  let forced: number | undefined;
  if (min !== undefined && min > cur) {
    forced = min;
  }
  if (max !== undefined && max < cur) {
    forced = max;
  }
  const up =
    (min !== undefined && min > cur) ||
    (t !== undefined && hpa !== undefined && t < hpa.targetCpuUtilization) ||
    (min !== undefined && hpa !== undefined && min > hpa.minReplicas);
  const down =
    (max !== undefined && max < cur) ||
    (t !== undefined && hpa !== undefined && t > hpa.targetCpuUtilization) ||
    (min !== undefined && hpa !== undefined && min < hpa.minReplicas);
  return {
    timeMs: state.timeMs,
    service: applied.service,
    mode: 'parametric',
    replicasBefore: cur,
    forcedReplicas: forced,
    up,
    down,
  };
}

/** Short numbers for reasons: integers as they are, else up to 3 decimals without trailing zeros. */
export const fmtGuardNumber = (x: number): string =>
  Number.isInteger(x) ? String(x) : x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
