/**
 * Pieces the replay evaluation (`evaluation.ts`) and the RL environment (`rlEnv.ts`) share: the evaluation
 * cluster, its safety settings and the rolling statistics both keep per tick. Pure (no I/O).
 */
import { defaultTopology, type Topology } from '../../sim/topology.ts';
import type { SafetyConfig } from './safety.ts';

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
