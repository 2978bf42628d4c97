/**
 * Pieces the replay evaluation (`evaluation.ts`) and the RL environment (`rlEnv.ts`) share: the evaluation
 * cluster, its safety settings, the result row both report and the rolling statistics both keep per tick.
 * Pure (no I/O).
 */
import type { BreakerMode, BreakerState, SafetyConfig } from '../../engines/optimiser/safety.ts';
import type { IntegrationMode, SafetyRule, SafetyVerdict } from '../../engines/optimiser/types.ts';
import { defaultTopology, type Topology } from '../../sim/topology.ts';

export const DEFAULT_TOPOLOGY_SCALE = 5;

/**
 * The evaluation cluster: the default topology (sized for 400 req/s) scaled `scale`× in load; gateway and
 * mid-tier services get an HPA (min 1, or 2 for the gateway; max 2× the scaled default replicas; target
 * 70%), data stores keep `scale`× their replicas.
 */
export function autoscaleTopology(scale = DEFAULT_TOPOLOGY_SCALE): Topology {
  const t = defaultTopology();
  for (const s of t.services) {
    const replicas = Math.max(1, Math.round(s.replicas * scale));
    s.replicas = replicas;
    if (s.tier === 'data') {
      delete s.hpa;
      continue;
    }
    s.hpa = { minReplicas: s.tier === 'gateway' ? 2 : 1, maxReplicas: 2 * replicas, targetCpuUtilization: 0.7 };
  }
  return t;
}

/** The evaluation's safety settings (hard bounds come from each HPA's original min/max). */
export const EVAL_SAFETY: Partial<Omit<SafetyConfig, 'hardBounds'>> = {
  maxStepUp: { pods: 10, percent: 100 },
  maxStepDown: { pods: 10, percent: 50 },
  stepWindowSeconds: 60,
  scaleUpCooldownSeconds: 0,
  scaleDownCooldownSeconds: 60,
  capacityUtilization: 0.9,
};

/** Request-weighted q-quantile of per-tick values. */
export function weightedPercentile(values: Float64Array, weights: Float64Array, q: number): number {
  const idx = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (const w of weights) {
    total += w;
  }
  if (!(total > 0)) {
    return Number.NaN;
  }
  let acc = 0;
  for (const i of idx) {
    acc += weights[i]!;
    if (acc >= q * total) {
      return values[i]!;
    }
  }
  return values[idx[idx.length - 1]!]!;
}

/** A fixed-size ring of the last n values with a running sum. */
export class Ring {
  private readonly buf: Float64Array;
  private n = 0;
  private i = 0;
  sum = 0;
  constructor(size: number) {
    this.buf = new Float64Array(size);
  }
  push(v: number): void {
    if (this.n === this.buf.length) {
      this.sum -= this.buf[this.i]!;
    } else {
      this.n++;
    }
    this.buf[this.i] = v;
    this.sum += v;
    this.i = (this.i + 1) % this.buf.length;
  }
  get mean(): number {
    return this.n > 0 ? this.sum / this.n : 0;
  }
}

/** One policy's row of the replay evaluation (`replayPolicy`, `replayRl`). */
export interface PolicyResult {
  policy: string;
  /** The leave-one-trace-out candidate setting this replay used (autoscale-eval with several traces). */
  candidate?: string;
  available: boolean;
  message?: string;
  mode?: IntegrationMode;
  sloViolationMinutes?: number;
  replicaHours?: number;
  replicaHoursAll?: number;
  scalingActions?: number;
  /** hpa: the HPA's own syncs; hpa bounds: a changed min/max applied at once; predictive: direct sets. */
  scalingActionsBySource?: Record<string, number>;
  largestStep?: number;
  guardViolations?: number;
  latencyMs?: { p50: number; p95: number; p99: number };
  meanErrorRatio?: number;
  /** Actions the policy applied through the safety layer (HPA changes or replica sets). */
  policyActions?: number;
  proposals?: { total: number; allowed: number; modified: number; rejected: number; noop: number };
  /** How often each rule clamped or rejected a proposal. */
  ruleActions?: Partial<Record<SafetyRule, { clamped: number; rejected: number }>>;
  guardChecks?: number;
  breaker?: BreakerState & { fallback?: string };
  /** Seconds in each breaker state after the policy took over, and how many periods of each began. */
  breakerTime?: { seconds: Record<BreakerMode, number>; episodes: Record<BreakerMode, number> };
  /** Share of the policy's decisions made in its fallback mode, and how often a service switched mode. */
  operatingModes?: { fallbackShare: number; switches: number };
  forecasts?: number;
  /** A few modified or rejected proposals with every rule's decision, for the report. */
  examples?: SafetyVerdict[];
  simulatedHours?: number;
  elapsedSeconds?: number;
}
