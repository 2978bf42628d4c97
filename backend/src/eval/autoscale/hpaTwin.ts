/**
 * The HPA twin of an RL environment: a second simulated cluster with the same seed, topology and trace
 * window that runs under the HPA alone throughout. Until the agent's first decision the two are identical;
 * from then on the twin says, interval by interval, what the HPA would have cost on exactly this load:
 * replicas per managed service, scale events per service and the share of ticks with the gateway p95
 * above the SLO. The environment reports the agent's excess over it as constrained costs (the issue's
 * targets are relative to the HPA). Pure (no I/O).
 */
import { SimulatedCluster } from '../../sim/cluster.ts';

export interface TwinInterval {
  /** Per managed service: mean replicas (ready + starting) over the interval. */
  meanReplicas: number[];
  /** Per managed service: scale events in the interval. */
  scaleEvents: number[];
  /** Share of the interval's ticks with the gateway p95 above the SLO. */
  violationShare: number;
}

/** Scale events per service so far (cumulative), in `services` order; differences give an interval's. */
export function scaleEventCounts(cluster: SimulatedCluster, services: readonly string[]): number[] {
  const counts = new Map<string, number>();
  for (const e of cluster.events()) {
    if (e.type === 'scale') {
      counts.set(e.service, (counts.get(e.service) ?? 0) + 1);
    }
  }
  return services.map((s) => counts.get(s) ?? 0);
}

export class HpaTwin {
  private ticks = 0;
  private violations = 0;
  private readonly replicas: Float64Array;
  private countsAtStart: number[];

  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly managed: readonly string[],
    private readonly entry: string,
    private readonly sloMs: number
  ) {
    this.replicas = new Float64Array(managed.length);
    this.countsAtStart = scaleEventCounts(cluster, managed);
  }

  advance(tickSeconds: number): void {
    this.cluster.advance(tickSeconds);
    const snap = this.cluster.snapshot();
    this.ticks++;
    for (const s of snap.services) {
      if (s.service === this.entry && s.latencyP95Ms > this.sloMs) {
        this.violations++;
      }
      const i = this.managed.indexOf(s.service);
      if (i >= 0) {
        this.replicas[i]! += s.replicas.ready + s.replicas.starting;
      }
    }
  }

  /** Starts a new interval (the agent's decision). */
  startInterval(): void {
    this.ticks = 0;
    this.violations = 0;
    this.replicas.fill(0);
    this.countsAtStart = scaleEventCounts(this.cluster, this.managed);
  }

  interval(): TwinInterval {
    const n = Math.max(1, this.ticks);
    return {
      meanReplicas: Array.from(this.replicas, (r) => r / n),
      scaleEvents: scaleEventCounts(this.cluster, this.managed).map((c, i) => c - this.countsAtStart[i]!),
      violationShare: this.violations / n,
    };
  }
}
