/**
 * The action domain every layer shares: what a scaling action targets and changes, and the record the store
 * keeps and the API serves. Pure types; the store, the actuators, the loop and the routes import them from here.
 */
import type { HpaChange, IntegrationMode, ProposalForecast, RuleDecision } from '../engines/optimiser/types.ts';

/** The workload an action changes: a Deployment and, in parametric mode, the HPA that scales it. */
export interface ScaleTarget {
  /** The service name AIDPE knows it by (the simulator's service; in Kubernetes usually the Deployment). */
  service: string;
  namespace: string;
  deployment: string;
  /** The HorizontalPodAutoscaler (autoscaling/v2) of the Deployment, when it has one. */
  hpa?: string;
}

/** The HPA fields AIDPE may change (autoscaling/v2: minReplicas, maxReplicas, the CPU averageUtilization / 100). */
export interface HpaFields {
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation, 0..1. */
  targetCpuUtilization: number;
}

/** What the actuator reads before and after a change; rollback writes `before` back exactly. */
export interface WorkloadScaleState {
  /** The Deployment's spec.replicas (through the scale subresource). */
  replicas: number;
  hpa?: HpaFields;
  /** metadata.resourceVersion of the objects as read (optimistic concurrency); absent in the simulator. */
  resourceVersions?: { scale?: string; hpa?: string };
  /** The id of the last AIDPE action applied to this workload (the `aidpe.io/action-id` annotation). */
  lastActionId?: string;
  /**
   * The id on the HPA (Kubernetes): written with the HPA change itself, before the Deployment's tag. When it
   * differs from lastActionId, an apply stopped between the two writes (a parametric change is then in place).
   */
  hpaActionId?: string;
}

/** What a rollback writes back: a recorded before-state, or the part of it the action changed. */
export interface RestoreState {
  replicas?: number;
  hpa?: HpaFields;
}

/** The change an action makes: replicas (direct) or HPA fields (parametric). */
export interface ActionChange {
  replicas?: number;
  hpa?: HpaChange;
}

// ---- the action record ---------------------------------------------------------------------------

/** recommend: dry run, nothing applied; approve: a person approves in Grafana; autonomous: applied within the guards. */
export type AutomationMode = 'recommend' | 'approve' | 'autonomous';

export type ActionStatus =
  /** recommend mode: validated, shown, never applied. */
  | 'proposed'
  /** approve mode: waiting for a person. */
  | 'pending_approval'
  /** written, being applied (a crash here is reconciled on restart). */
  | 'applying'
  | 'applied'
  | 'failed'
  | 'rejected'
  /** superseded by a newer proposal for the same service, or expired before approval. */
  | 'expired'
  | 'rolling_back'
  | 'rolled_back';

export interface ActionOutcome {
  /** When the outcome was measured (ISO). */
  measuredAt: string;
  latencyP95BeforeMs: number;
  latencyP95AfterMs: number;
  sloMs: number;
  replicasBefore: number;
  replicasAfter: number;
  verdict: 'improved' | 'neutral' | 'worse';
}

export interface ActionRecord {
  /** A UUID, also the idempotency key of the actuation. */
  id: string;
  service: string;
  target: ScaleTarget;
  policy: string;
  integration: IntegrationMode;
  mode: AutomationMode;
  status: ActionStatus;
  reason: string;
  /** The change as the policy proposed it, and as the safety layer let it through. */
  proposed: ActionChange;
  change: ActionChange;
  guard: { outcome: 'allowed' | 'modified' | 'rejected' | 'noop'; decisions: RuleDecision[] };
  forecast?: ProposalForecast;
  /** Predicted effect: replicas (or HPA bounds) and capacity after the change versus now. */
  predictedEffect?: {
    replicasBefore: number;
    replicasAfter: number;
    capacityRpsBefore?: number;
    capacityRpsAfter?: number;
    forecastP90Rps?: number;
  };
  /** What the loop saw when it decided (or when a person approved): the outcome is judged against it. */
  observed?: { latencyP95Ms: number; sloMs: number; requestRateRps: number; cpuUtilization: number };
  before?: WorkloadScaleState;
  after?: WorkloadScaleState;
  outcome?: ActionOutcome;
  error?: string;
  modelVersion?: string;
  createdAt: string;
  updatedAt: string;
  /** Who approved / rejected / rolled back, and when. */
  decidedBy?: string;
  decidedAt?: string;
  decisionNote?: string;
  rolledBackBy?: string;
  rolledBackAt?: string;
  /** The id of the action this one rolls back, for rollback records. */
  rollbackOf?: string;
  /** The id of the rollback record, once a rollback of this action has started (crash recovery finds it by this). */
  rollbackActionId?: string;
}
