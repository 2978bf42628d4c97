/**
 * A run-time load surge on the simulated cluster's gateway: the workload's rate is multiplied by a factor that
 * ramps linearly from `from` to `to` over `rampSeconds` of simulated time from `startMs`, then holds. Plugged into
 * `SimulatedCluster.entryRateFactor`, so a test or a demo can overload the cluster beyond what its topology was
 * sized for (a CSV workload cannot: its peak is what the topology is sized to).
 */
import type { SimulatedCluster } from './cluster.ts';

export interface SurgeSpec {
  /** The factor when the ramp starts (default: the one in force, 1 without an earlier surge). */
  from?: number;
  /** The factor the ramp reaches and holds. */
  to: number;
  /** Simulated seconds the ramp takes (0: a step). */
  rampSeconds: number;
  /** Simulated unix ms at which the ramp starts (default: the cluster's now). */
  startMs?: number;
}

/** The factor at a simulated time: `from` before the start, linear during the ramp, `to` after it. */
export function surgeFactor(spec: Required<SurgeSpec>): (timeMs: number) => number {
  const { from, to, rampSeconds, startMs } = spec;
  if (!(from >= 0 && to >= 0 && rampSeconds >= 0) || !Number.isFinite(from + to + rampSeconds + startMs)) {
    throw new Error(`surge: from, to and rampSeconds must be finite and >= 0 (got ${from}, ${to}, ${rampSeconds})`);
  }
  const rampMs = rampSeconds * 1000;
  return (timeMs) => {
    if (timeMs <= startMs) {
      return from;
    }
    if (timeMs >= startMs + rampMs) {
      return to;
    }
    return from + ((to - from) * (timeMs - startMs)) / rampMs;
  };
}

/** Starts a surge on the cluster's gateway load (replacing any earlier one); returns the factor function. */
export function startSurge(cluster: SimulatedCluster, spec: SurgeSpec): (timeMs: number) => number {
  const now = cluster.now();
  const factor = surgeFactor({ from: cluster.entryRateFactor?.(now) ?? 1, startMs: now, ...spec });
  cluster.entryRateFactor = factor;
  return factor;
}
