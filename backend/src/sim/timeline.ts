/**
 * What each service looked like at every retained tick: a fixed record of numbers per tick in a ring, the
 * pod names (stored when they change) and the running version (stored at each rollout). Logs and traces
 * are generated lazily from this, so they stay consistent with the metrics without being stored.
 */

/** The per-tick record, in storage order. */
export const TICK_RECORD_FIELDS = [
  'arrivalRps',
  'throughputRps',
  /** Share of requests ending in an error, own or propagated from callees. */
  'errorRatio',
  /** Share failing in the service itself (timeouts and faults). */
  'ownErrorRatio',
  'latencyP50Ms',
  'latencyP95Ms',
  'latencyP99Ms',
  /** Mean response time including downstream calls. */
  'meanLatencyMs',
  /** Mean time spent in the service itself (queue + service + injected latency). */
  'ownMeanLatencyMs',
  'timeoutRatio',
  'faultErrorRatio',
  /** FAULT_BIT of the faults active in the tick. */
  'faultMask',
  /** The highest pod memory as a share of the limit. */
  'peakMemoryFraction',
  'cpuUtilization',
  /** Share of requests failing because a callee failed. */
  'downstreamErrorRatio',
  /** Share of requests that threw (exception fault). */
  'exceptionRatio',
  /** Share of responses that were wrong (wrong_return fault). */
  'wrongReturnRatio',
  'responseSizeBytes',
] as const;

export type TickField = (typeof TICK_RECORD_FIELDS)[number];
export type TickRecord = Record<TickField, number>;

/** Slot of each field inside a tick's record. */
export const Field: Readonly<Record<TickField, number>> = Object.freeze(
  Object.fromEntries(TICK_RECORD_FIELDS.map((name, slot) => [name, slot])) as Record<TickField, number>
);

const RECORD_SIZE = TICK_RECORD_FIELDS.length;

export class ServiceTimeline {
  private readonly ring: Float64Array;
  /** Pod names from a tick on, oldest first; a new entry only when the set changes. */
  private readonly podEpochs: Array<{ fromTick: number; pods: string[] }> = [];
  /** Running version from a time on, oldest first. */
  private readonly versionEpochs: Array<{ fromMs: number; version: string }>;

  constructor(
    private readonly capacityTicks: number,
    private readonly initialVersion: string
  ) {
    this.ring = new Float64Array(capacityTicks * RECORD_SIZE);
    this.versionEpochs = [{ fromMs: -Infinity, version: initialVersion }];
  }

  write(tick: number, record: TickRecord): void {
    const base = (tick % this.capacityTicks) * RECORD_SIZE;
    for (let slot = 0; slot < RECORD_SIZE; slot++) {
      this.ring[base + slot] = record[TICK_RECORD_FIELDS[slot] as TickField];
    }
  }

  /** A field of a retained tick (the caller keeps to the retained range). */
  value(tick: number, field: TickField): number {
    return this.ring[(tick % this.capacityTicks) * RECORD_SIZE + Field[field]] as number;
  }

  /** Stores the pod names at `tick` when they differ from the last stored ones; forgets epochs out of retention. */
  recordPods(tick: number, names: string[]): void {
    const last = this.podEpochs[this.podEpochs.length - 1];
    if (!last || last.pods.length !== names.length || last.pods.some((n, i) => n !== names[i])) {
      this.podEpochs.push({ fromTick: tick, pods: names });
      const oldest = tick - this.capacityTicks;
      while (this.podEpochs.length > 1 && (this.podEpochs[1] as { fromTick: number }).fromTick <= oldest) {
        this.podEpochs.shift();
      }
    }
  }

  podsAt(tick: number): string[] {
    let pods: string[] = [];
    for (const e of this.podEpochs) {
      if (e.fromTick <= tick) {
        pods = e.pods;
      } else {
        break;
      }
    }
    return pods;
  }

  recordVersion(fromMs: number, version: string): void {
    this.versionEpochs.push({ fromMs, version });
  }

  versionAt(timeMs: number): string {
    let v = this.initialVersion;
    for (const e of this.versionEpochs) {
      if (e.fromMs <= timeMs) {
        v = e.version;
      } else {
        break;
      }
    }
    return v;
  }
}
