/**
 * A world for crash tests of the optimisation loop that survives kill -9: the store is a SQLite file and the
 * workload lives in a JSON file written atomically (write + rename), like a Kubernetes object that outlives the
 * sidecar. Telemetry is constant; the policy raises the HPA's minReplicas by one whenever asked.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ActionLoop, type ActionLoopOptions } from '../../../src/automation/loop.ts';
import type {
  ActuationRequest,
  ActuationResult,
  Actuator,
  RestoreState,
  ScaleTarget,
  WorkloadScaleState,
} from '../../../src/automation/types.ts';
import type { Policy, ServiceState } from '../../../src/engines/optimiser/types.ts';
import type { Store } from '../../../src/store/types.ts';
import type { QueryResult, RangeQuery, TelemetrySource } from '../../../src/telemetry/types.ts';

export const INITIAL_WORKLOAD: WorkloadScaleState = {
  replicas: 2,
  hpa: { minReplicas: 2, maxReplicas: 20, targetCpuUtilization: 0.7 },
};

export const TARGET: ScaleTarget = {
  service: 'frontend',
  namespace: 'default',
  deployment: 'frontend',
  hpa: 'frontend',
};

/** The workload as a file: every write is atomic (rename), as an API server's object update is. */
export class FileActuator implements Actuator {
  readonly kind = 'simulator' as const;
  /** Called after each write reaches the file (the crash child counts these). */
  afterWrite: () => void = () => undefined;
  constructor(readonly path: string) {}

  static init(path: string): void {
    writeFileSync(path, JSON.stringify(INITIAL_WORKLOAD));
  }

  async read(): Promise<WorkloadScaleState> {
    return JSON.parse(readFileSync(this.path, 'utf8')) as WorkloadScaleState;
  }

  private write(state: WorkloadScaleState): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(state));
    renameSync(`${this.path}.tmp`, this.path);
    this.afterWrite();
  }

  async apply(request: ActuationRequest): Promise<ActuationResult> {
    const before = await this.read();
    if (before.lastActionId === request.actionId) {
      return { status: 'already_applied', before, after: before, attempts: 0 };
    }
    const after: WorkloadScaleState = {
      replicas: request.change.replicas ?? before.replicas,
      ...(before.hpa ? { hpa: { ...before.hpa, ...request.change.hpa } } : {}),
      lastActionId: request.actionId,
    };
    if (after.hpa) {
      after.replicas = Math.min(Math.max(after.replicas, after.hpa.minReplicas), after.hpa.maxReplicas);
    }
    if (request.dryRun) {
      return { status: 'dry_run', before, after: { ...after, lastActionId: before.lastActionId! }, attempts: 1 };
    }
    this.write(after);
    return { status: 'applied', before, after, attempts: 1 };
  }

  async restore(actionId: string, _target: ScaleTarget, state: RestoreState): Promise<ActuationResult> {
    const before = await this.read();
    if (before.lastActionId === actionId) {
      return { status: 'already_applied', before, after: before, attempts: 0 };
    }
    const after: WorkloadScaleState = {
      replicas: state.replicas ?? before.replicas,
      ...(state.hpa ? { hpa: { ...state.hpa } } : before.hpa ? { hpa: before.hpa } : {}),
      lastActionId: actionId,
    };
    this.write(after);
    return { status: 'applied', before, after, attempts: 1 };
  }
}

/** Every query answers one steady series over the asked range. */
class SteadyTelemetry implements TelemetrySource {
  readonly kind = 'prometheus' as const;
  async queryRange(q: RangeQuery): Promise<QueryResult> {
    const value = q.query.includes('cpu')
      ? 0.5
      : q.query.includes('latency')
        ? 0.1
        : q.query.includes('error')
          ? 0
          : 10;
    const samples: Array<[number, number]> = [];
    for (let t = q.startMs; t <= q.endMs; t += q.stepSeconds * 1000) {
      samples.push([t / 1000, value]);
    }
    return { resultType: 'matrix', series: [{ labels: {}, samples }], warnings: [] };
  }
  async queryInstant(): Promise<QueryResult> {
    return { resultType: 'vector', series: [], warnings: [] };
  }
  async series() {
    return [];
  }
  async labelValues() {
    return [];
  }
  async health() {
    return { name: 'prometheus', state: 'up' as const, detail: 'steady', checkedAt: new Date().toISOString() };
  }
}

class RaiseMinReplicas implements Policy {
  readonly name = 'raise-min';
  readonly mode = 'parametric' as const;
  propose(state: ServiceState) {
    const hpa = { minReplicas: state.hpa!.minReplicas + 1 };
    return { policy: this.name, service: state.service, mode: this.mode, hpa, reason: 'crash test' };
  }
}

export function crashLoop(store: Store, actuator: Actuator, extra: Partial<ActionLoopOptions> = {}): ActionLoop {
  return new ActionLoop({
    store,
    actuator,
    telemetry: new SteadyTelemetry(),
    targets: [TARGET],
    queries: {
      requestRate: 'rate',
      cpuUtilization: 'cpu',
      sliLatencyP95Seconds: 'latency',
      sliErrorRatio: 'error',
    },
    sloMs: 10_000,
    defaultMode: 'autonomous',
    historySeconds: 1800,
    historyStepSeconds: 60,
    policyFor: () => new RaiseMinReplicas(),
    safety: {
      scaleDownCooldownSeconds: 0,
      scaleUpCooldownSeconds: 0,
      maxStepUp: { pods: 100, percent: 1000 },
    },
    ...extra,
  });
}
