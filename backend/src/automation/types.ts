/**
 * The actuator contract: what an actuator reads and changes (the simulator and Kubernetes implement it). The
 * action record and the values it shares with the store live in domain/actions.ts and are re-exported here.
 */
import type { ActionChange, RestoreState, ScaleTarget, WorkloadScaleState } from '../domain/actions.ts';

export type {
  ActionChange,
  ActionOutcome,
  ActionRecord,
  ActionStatus,
  AutomationMode,
  HpaFields,
  RestoreState,
  ScaleTarget,
  WorkloadScaleState,
} from '../domain/actions.ts';

export interface ActuationRequest {
  /** The action's id, also its idempotency key: applying the same id twice changes nothing the second time. */
  actionId: string;
  target: ScaleTarget;
  change: ActionChange;
  /** Validate only (Kubernetes server-side dry run, `dryRun=All`); nothing is persisted. */
  dryRun: boolean;
}

export type ActuationErrorCode =
  'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'timeout' | 'unavailable' | 'unknown';

export interface ActuationResult {
  /** applied: changed now; dry_run: validated only; already_applied: the idempotency key was found on the object. */
  status: 'applied' | 'dry_run' | 'already_applied' | 'failed';
  before: WorkloadScaleState | undefined;
  after?: WorkloadScaleState;
  /** Write attempts made (a 409 resourceVersion conflict re-reads and retries). */
  attempts: number;
  error?: { code: ActuationErrorCode; message: string; httpStatus?: number };
}

/** Applies scaling changes to a cluster (the simulator or Kubernetes). Never throws for API errors: it returns status 'failed'. */
export interface Actuator {
  readonly kind: 'simulator' | 'kubernetes';
  read(target: ScaleTarget): Promise<WorkloadScaleState>;
  apply(request: ActuationRequest): Promise<ActuationResult>;
  /**
   * Writes the recorded state back exactly, tagged with `actionId` (the rollback's own id): the HPA fields
   * when `state.hpa` is given, the replicas when `state.replicas` is given (a parametric action's rollback
   * restores only the HPA: its replicas belong to the HPA again).
   */
  restore(actionId: string, target: ScaleTarget, state: RestoreState): Promise<ActuationResult>;
}
