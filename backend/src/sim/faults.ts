/**
 * Fault injection for the simulated cluster: the fault types and their ground truth, the seeded random
 * schedule, the start/end transitions (a bad deploy rolls out a new version and rolls it back), and the
 * effect of the active faults on a service's tick (capacity, added latency, errors, memory leak rate).
 */
import type { ClusterEvent } from './events.ts';
import { Rng, hash32, hashHex } from './random.ts';

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

export interface RandomFaultOptions {
  count: number;
  fromMs: number;
  toMs: number;
  minDurationMs: number;
  maxDurationMs: number;
  types?: FaultType[];
  services?: string[];
}

/** One bit per fault type, so a tick's active faults fit in one recorded number. */
export const FAULT_BIT: Readonly<Record<FaultType, number>> = Object.freeze({
  cpu_contention: 1,
  latency: 2,
  error_burst: 4,
  memory_leak: 8,
  bad_deploy: 16,
});

/** What the active faults do to one service in one tick. */
export interface FaultEffects {
  /** Multiplies the per-replica service rate (cpu_contention). */
  serviceRateFactor: number;
  /** Added to every response (latency, bad_deploy). */
  addedLatencyMs: number;
  /** Share of requests failing in the service's own code (error_burst, bad_deploy). */
  errorRatio: number;
  /** FAULT_BIT of every active fault. */
  mask: number;
}

export function faultEffects(active: readonly FaultRecord[]): FaultEffects {
  const effects: FaultEffects = { serviceRateFactor: 1, addedLatencyMs: 0, errorRatio: 0, mask: 0 };
  for (const f of active) {
    const x = f.intensity;
    effects.mask |= FAULT_BIT[f.type];
    if (f.type === 'cpu_contention') {
      effects.serviceRateFactor *= Math.max(0.05, 1 - 0.5 * x);
    } else if (f.type === 'latency') {
      effects.addedLatencyMs += 250 * x;
    } else if (f.type === 'error_burst') {
      effects.errorRatio = 1 - (1 - effects.errorRatio) * (1 - Math.min(1, 0.3 * x));
    } else if (f.type === 'bad_deploy') {
      effects.addedLatencyMs += 80 * x;
      effects.errorRatio = 1 - (1 - effects.errorRatio) * (1 - Math.min(1, 0.15 * x));
    }
  }
  return effects;
}

/** The next patch version ("1.4.2" → "1.4.3"), what a bad deploy rolls out. */
function bumpVersion(v: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(v);
  if (!m) {
    return `${v}-next`;
  }
  return `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

/** What the fault schedule needs from the cluster it injects into. */
export interface FaultHost {
  readonly seed: number;
  now(): number;
  /** Throws for an unknown service, naming the known ones. */
  assertService(service: string): void;
  /** Services a random fault may hit (every one but the entry). */
  randomFaultTargets(): string[];
  currentVersion(service: string): string;
  deploy(service: string, version: string, type: 'deploy' | 'rollback', faultId: string): void;
  pushEvent(event: ClusterEvent): void;
}

interface FaultRuntime {
  record: FaultRecord;
  started: boolean;
  ended: boolean;
  previousVersion?: string;
}

/** Injected faults with their ground truth; `advance` starts and ends them as simulated time passes. */
export class FaultSchedule {
  private readonly list: FaultRuntime[] = [];
  private sequence = 0;
  private randomBatch = 0;

  constructor(private readonly host: FaultHost) {}

  inject(spec: FaultSpec): FaultRecord {
    this.host.assertService(spec.service);
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
    const seq = ++this.sequence;
    const record: FaultRecord = {
      id: `fault-${seq}-${hashHex(6, this.host.seed, 'fault', seq, spec.service, spec.type)}`,
      service: spec.service,
      type: spec.type,
      startMs: spec.startMs,
      endMs: spec.endMs,
      intensity,
    };
    this.list.push({ record, started: false, ended: false });
    return { ...record };
  }

  /** Seeded random faults: uniform start in [fromMs, toMs − duration], random service (not the entry) and type. */
  scheduleRandom(opts: RandomFaultOptions): FaultRecord[] {
    const rng = new Rng(hash32(this.host.seed, 'random-faults', this.randomBatch++));
    const types = opts.types ?? [...FAULT_TYPES];
    const services = opts.services ?? this.host.randomFaultTargets();
    const out: FaultRecord[] = [];
    for (let i = 0; i < opts.count; i++) {
      const duration = rng.uniform(opts.minDurationMs, opts.maxDurationMs);
      const latest = Math.max(opts.fromMs, opts.toMs - duration);
      const start = Math.round(rng.uniform(opts.fromMs, latest));
      out.push(
        this.inject({
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

  /** Ground truth of every injected fault. */
  groundTruth(): FaultRecord[] {
    return this.list.map((f) => ({ ...f.record }));
  }

  /** Starts the faults whose window holds `nowMs` and ends those whose window has passed. */
  advance(nowMs: number): void {
    for (const f of this.list) {
      if (!f.started && !f.ended && f.record.startMs <= nowMs && nowMs < f.record.endMs) {
        this.start(f);
      }
      if (f.started && !f.ended && nowMs >= f.record.endMs) {
        this.end(f);
      }
      if (!f.started && !f.ended && nowMs >= f.record.endMs) {
        f.ended = true; // the window fell between ticks
      }
    }
  }

  /** Rolls back the active bad_deploy of a service now (its ground-truth end becomes now). */
  rollback(service: string): boolean {
    const f = this.list.find(
      (x) => x.record.service === service && x.record.type === 'bad_deploy' && x.started && !x.ended
    );
    if (!f) {
      return false;
    }
    f.record.endMs = this.host.now();
    this.end(f);
    return true;
  }

  /** The faults active on a service now (live records: read, don't keep). */
  active(service: string): FaultRecord[] {
    return this.list.filter((f) => f.record.service === service && f.started && !f.ended).map((f) => f.record);
  }

  private start(f: FaultRuntime): void {
    f.started = true;
    const r = f.record;
    this.host.pushEvent({
      timeMs: this.host.now(),
      type: 'fault_start',
      service: r.service,
      faultId: r.id,
      message: `Fault ${r.type} started on ${r.service} (intensity ${r.intensity})`,
    });
    if (r.type === 'bad_deploy') {
      f.previousVersion = this.host.currentVersion(r.service);
      this.host.deploy(r.service, bumpVersion(f.previousVersion), 'deploy', r.id);
    }
  }

  private end(f: FaultRuntime): void {
    f.ended = true;
    const r = f.record;
    this.host.pushEvent({
      timeMs: this.host.now(),
      type: 'fault_end',
      service: r.service,
      faultId: r.id,
      message: `Fault ${r.type} ended on ${r.service}`,
    });
    if (r.type === 'bad_deploy' && f.previousVersion !== undefined) {
      this.host.deploy(r.service, f.previousVersion, 'rollback', r.id);
    }
  }
}
