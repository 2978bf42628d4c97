/**
 * Fault injection for the simulated cluster: the fault types and their ground truth, the seeded random
 * schedule, the start/end transitions (a bad deploy rolls out a new version and rolls it back), and the
 * effect of the active faults on a service's tick (capacity, added latency, errors, memory leak rate).
 * The code-level faults (`exception`, `wrong_return`) hit one operation of the service; their per-tick
 * effects on calls live in `codefaults.ts`.
 */
import type { ClusterEvent } from './events.ts';
import { Rng, hash32, hashHex } from './random.ts';
import { exceptionClasses } from './stacktraces.ts';
import type { ServiceTier } from './topology.ts';

export type InfrastructureFaultType = 'cpu_contention' | 'latency' | 'error_burst' | 'memory_leak' | 'bad_deploy';
export type CodeFaultType = 'exception' | 'wrong_return';
export type FaultType = InfrastructureFaultType | CodeFaultType;

/**
 * The infrastructure faults, what random schedules draw from by default (unchanged since before the
 * code-level faults existed, so seeded schedules stay the same).
 */
export const FAULT_TYPES: readonly InfrastructureFaultType[] = [
  'cpu_contention',
  'latency',
  'error_burst',
  'memory_leak',
  'bad_deploy',
];
export const CODE_FAULT_TYPES: readonly CodeFaultType[] = ['exception', 'wrong_return'];
/** Every fault type the simulator injects. */
export const ALL_FAULT_TYPES: readonly FaultType[] = [...FAULT_TYPES, ...CODE_FAULT_TYPES];

/** What a wrong return returns: an empty value, or an inflated one (too many items). */
export type WrongReturnVariant = 'empty' | 'inflated';
export const WRONG_RETURN_VARIANTS: readonly WrongReturnVariant[] = ['empty', 'inflated'];

export function isCodeFaultType(type: string): type is CodeFaultType {
  return type === 'exception' || type === 'wrong_return';
}

export interface FaultSpec {
  service: string;
  type: FaultType;
  startMs: number;
  endMs: number;
  /** Severity in (0, 10], default 1 (effects saturate). */
  intensity?: number;
  /** Code-level faults only: the faulty operation (one the service serves); default drawn from the fault id. */
  operation?: string;
  /**
   * Code-level faults only: the exception class thrown (exception) or 'empty' / 'inflated' (wrong_return);
   * default drawn from the fault id.
   */
  variant?: string;
}

export interface FaultRecord {
  id: string;
  service: string;
  type: FaultType;
  startMs: number;
  endMs: number;
  intensity: number;
  /** Code-level faults: the faulty operation. */
  operation?: string;
  /** Code-level faults: the exception class, or the wrong-return variant. */
  variant?: string;
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
  exception: 32,
  wrong_return: 64,
});

/** What the active faults do to one service in one tick. */
export interface FaultEffects {
  /** Multiplies the per-replica service rate (cpu_contention). */
  serviceRateFactor: number;
  /** Added to every response (latency, bad_deploy). */
  addedLatencyMs: number;
  /** Share of requests failing in the service's own code (error_burst, bad_deploy). */
  errorRatio: number;
  /** Share of requests that throw (set by the cluster from the exception faults on the service's operations). */
  exceptionRatio: number;
  /** FAULT_BIT of every active fault. */
  mask: number;
}

export function faultEffects(active: readonly FaultRecord[]): FaultEffects {
  const effects: FaultEffects = { serviceRateFactor: 1, addedLatencyMs: 0, errorRatio: 0, exceptionRatio: 0, mask: 0 };
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
  /** The operations a service serves (its callers' call operations, or the entry's routes). */
  operations(service: string): readonly string[];
  tier(service: string): ServiceTier;
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
    if (!ALL_FAULT_TYPES.includes(spec.type)) {
      throw new Error(`unknown fault type "${spec.type}" (known: ${ALL_FAULT_TYPES.join(', ')})`);
    }
    if (!isCodeFaultType(spec.type) && (spec.operation !== undefined || spec.variant !== undefined)) {
      throw new Error(`injectFault: operation and variant apply to ${CODE_FAULT_TYPES.join(' and ')} faults only`);
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
    if (isCodeFaultType(spec.type)) {
      Object.assign(record, this.codeFaultTarget(record.id, spec));
    }
    this.list.push({ record, started: false, ended: false });
    return { ...record };
  }

  /** The operation and variant of a code-level fault: as given (validated), else drawn from the fault id. */
  private codeFaultTarget(id: string, spec: FaultSpec): { operation: string; variant: string } {
    const ops = this.host.operations(spec.service);
    const operation = spec.operation ?? (ops[hash32(this.host.seed, 'fault-op', id) % ops.length] as string);
    if (!ops.includes(operation)) {
      throw new Error(
        `injectFault: operation ${JSON.stringify(operation)} is not served by ${spec.service} (it serves: ${ops.join(', ')})`
      );
    }
    if (spec.type === 'wrong_return') {
      const variant = spec.variant ?? WRONG_RETURN_VARIANTS[hash32(this.host.seed, 'fault-variant', id) % 2];
      if (!WRONG_RETURN_VARIANTS.includes(variant as WrongReturnVariant)) {
        throw new Error(`injectFault: variant of wrong_return must be one of ${WRONG_RETURN_VARIANTS.join(', ')}`);
      }
      return { operation, variant: variant as string };
    }
    const classes = exceptionClasses(this.host.tier(spec.service), spec.service);
    const variant = spec.variant ?? (classes[hash32(this.host.seed, 'fault-variant', id) % classes.length] as string);
    if (!/^[A-Za-z_$][\w$.]*$/.test(variant)) {
      throw new Error(
        'injectFault: variant of exception must be an exception class name such as java.lang.NullPointerException'
      );
    }
    return { operation, variant };
  }

  /** Seeded random faults: uniform start in [fromMs, toMs − duration], random service (not the entry) and type. */
  scheduleRandom(opts: RandomFaultOptions): FaultRecord[] {
    const rng = new Rng(hash32(this.host.seed, 'random-faults', this.randomBatch++));
    const types: readonly FaultType[] = opts.types ?? FAULT_TYPES;
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

  /** The code-level faults whose window holds `timeMs` on a service (live records: read, don't keep). */
  codeFaultsAt(service: string, timeMs: number): FaultRecord[] {
    return this.list
      .filter(
        (f) =>
          f.record.service === service &&
          isCodeFaultType(f.record.type) &&
          f.record.startMs <= timeMs &&
          timeMs < f.record.endMs
      )
      .map((f) => f.record);
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
