/**
 * The actuator of the embedded default: applies scaling changes to the simulated cluster with the same
 * contract as the Kubernetes actuator (before/after state, dry run, idempotency key, exact restore), so the
 * loop, the store and the API behave the same on a bare machine as against a real cluster.
 */
import type { SimulatedCluster } from '../sim/cluster.ts';
import type { HpaObjectSpec } from '../kube/types.ts';
import { TopologyError, validateHpa } from '../sim/topology.ts';
import type {
  ActuationRequest,
  ActuationResult,
  Actuator,
  HpaFields,
  RestoreState,
  ScaleTarget,
  WorkloadScaleState,
} from './types.ts';

function hpaFields(hpa: HpaObjectSpec | undefined): HpaFields | undefined {
  return hpa
    ? { minReplicas: hpa.minReplicas, maxReplicas: hpa.maxReplicas, targetCpuUtilization: hpa.targetCpuUtilization }
    : undefined;
}

export class SimulatorActuator implements Actuator {
  readonly kind = 'simulator' as const;
  /** The idempotency annotation of each deployment (`aidpe.io/action-id` in Kubernetes). */
  private readonly lastAction = new Map<string, string>();

  constructor(private readonly cluster: SimulatedCluster) {}

  async read(target: ScaleTarget): Promise<WorkloadScaleState> {
    const d = this.cluster.getDeployment(target.deployment);
    const hpa = hpaFields(d.hpa);
    const last = this.lastAction.get(target.deployment);
    return { replicas: d.replicas, ...(hpa ? { hpa } : {}), ...(last ? { lastActionId: last } : {}) };
  }

  async apply(request: ActuationRequest): Promise<ActuationResult> {
    const { target, change } = request;
    let before: WorkloadScaleState;
    try {
      before = await this.read(target);
    } catch (err) {
      return {
        status: 'failed',
        before: undefined,
        attempts: 0,
        error: { code: 'not_found', message: (err as Error).message },
      };
    }
    if (before.lastActionId === request.actionId) {
      return { status: 'already_applied', before, after: before, attempts: 0 };
    }
    const current = this.cluster.getDeployment(target.deployment);
    let nextHpa: HpaObjectSpec | undefined;
    if (change.hpa) {
      if (!current.hpa) {
        return {
          status: 'failed',
          before,
          attempts: 1,
          error: { code: 'not_found', message: `deployment "${target.deployment}" has no HorizontalPodAutoscaler` },
        };
      }
      nextHpa = { ...current.hpa, ...change.hpa };
    }
    // Validate everything before touching anything, as the API server does (422 with the reason).
    const invalid = this.validate(target, change.replicas, nextHpa);
    if (invalid) {
      return { status: 'failed', before, attempts: 1, error: { code: 'invalid', message: invalid, httpStatus: 422 } };
    }
    if (request.dryRun) {
      return {
        status: 'dry_run',
        before,
        after: {
          ...before,
          ...(change.replicas !== undefined ? { replicas: change.replicas } : {}),
          ...(nextHpa ? { hpa: hpaFields(nextHpa)! } : {}),
        },
        attempts: 1,
      };
    }
    if (nextHpa) {
      this.cluster.setHpa(target.deployment, nextHpa);
    }
    if (change.replicas !== undefined) {
      this.cluster.setReplicas(target.deployment, change.replicas, `aidpe ${request.actionId.slice(0, 8)}`);
    }
    this.lastAction.set(target.deployment, request.actionId);
    return { status: 'applied', before, after: await this.read(target), attempts: 1 };
  }

  async restore(actionId: string, target: ScaleTarget, state: RestoreState): Promise<ActuationResult> {
    let before: WorkloadScaleState;
    try {
      before = await this.read(target);
    } catch (err) {
      return {
        status: 'failed',
        before: undefined,
        attempts: 0,
        error: { code: 'not_found', message: (err as Error).message },
      };
    }
    if (before.lastActionId === actionId) {
      return { status: 'already_applied', before, after: before, attempts: 0 };
    }
    const current = this.cluster.getDeployment(target.deployment);
    const nextHpa = state.hpa && current.hpa ? { ...current.hpa, ...state.hpa } : undefined;
    const invalid = this.validate(target, state.replicas, nextHpa);
    if (invalid) {
      return { status: 'failed', before, attempts: 1, error: { code: 'invalid', message: invalid, httpStatus: 422 } };
    }
    // Bounds first, then replicas: the HPA would otherwise clamp the restored count to the bounds being undone.
    if (nextHpa) {
      this.cluster.setHpa(target.deployment, nextHpa);
    }
    if (state.replicas !== undefined) {
      this.cluster.setReplicas(target.deployment, state.replicas, `aidpe rollback ${actionId.slice(0, 8)}`);
    }
    this.lastAction.set(target.deployment, actionId);
    return { status: 'applied', before, after: await this.read(target), attempts: 1 };
  }

  private validate(
    target: ScaleTarget,
    replicas: number | undefined,
    hpa: HpaObjectSpec | undefined
  ): string | undefined {
    if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
      return `spec.replicas: must be a non-negative integer (got ${replicas})`;
    }
    if (hpa) {
      try {
        validateHpa(target.deployment, hpa);
      } catch (err) {
        if (err instanceof TopologyError) {
          return err.message;
        }
        throw err;
      }
    }
    return undefined;
  }
}
