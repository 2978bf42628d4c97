/**
 * The action loop's shared state and its record keeping: options, per-service runtimes (policy and safety layer),
 * the serial queue that orders ticks and operator requests, and the steps every change goes through (a record
 * written before the actuator is called, status transitions, applying a recorded change). `loop.ts` builds the
 * schedule and the operator's decisions on it.
 */
import { randomUUID } from 'node:crypto';
import { PredictivePolicy } from '../engines/optimiser/predictive.ts';
import { SafetyLayer, type SafetyConfig } from '../engines/optimiser/safety.ts';
import type { Policy, Proposal, SafetyVerdict, ServiceState } from '../engines/optimiser/types.ts';
import type { HpaObjectSpec } from '../kube/types.ts';
import type { TelemetrySource } from '../telemetry/types.ts';
import { SIDECAR_VERSION } from '../version.ts';
import type { AutomationSettings, Store } from '../store/sqlite.ts';
import { auditOf, type RecoveryContext } from './recovery.ts';
import { buildServiceState, type StateQueries } from './serviceState.ts';
import type {
  ActionChange,
  ActionRecord,
  ActionStatus,
  Actuator,
  AutomationMode,
  HpaFields,
  ScaleTarget,
  WorkloadScaleState,
} from './types.ts';

export interface ServiceAutomationStatus {
  service: string;
  mode: AutomationMode;
  policy: string;
  integration: 'parametric' | 'direct';
  breaker: { open: boolean; reason?: string; openedAt?: string };
  lastError?: string;
}

export interface AutomationStatus {
  running: boolean;
  intervalSeconds: number;
  actuator: Actuator['kind'];
  lastRunAt?: string;
  lastError?: string;
  /** Which replica acts (leader election among sidecar replicas), when one is configured. */
  leadership?: LeadershipStatus;
  services: ServiceAutomationStatus[];
}

export interface LeadershipStatus {
  kind: 'kubernetes-lease' | 'postgres-advisory-lock' | 'single-replica';
  /** This replica's identity (the Lease's holderIdentity). */
  identity: string;
  /** Whether this replica is the one that acts now. */
  leading: boolean;
}

export interface ActionLoopOptions {
  store: Store;
  actuator: Actuator;
  telemetry: TelemetrySource;
  targets: ScaleTarget[];
  queries: StateQueries;
  sloMs: number;
  defaultMode: AutomationMode;
  intervalSeconds?: number;
  /** Wall-clock period of the schedule when the telemetry clock runs faster (the demo's accelerated clock). */
  wallIntervalMs?: number;
  /** The policy for a service, given its baseline HPA (default: the forecast-driven policy, parametric). */
  policyFor?: (target: ScaleTarget, baseline: HpaObjectSpec | undefined) => Policy;
  safety?: Partial<Omit<SafetyConfig, 'hardBounds'>>;
  /** A pending approval older than this expires (default 15 min). */
  approvalTtlSeconds?: number;
  /** An applied action's outcome is measured this long after it (default 5 min). */
  outcomeAfterSeconds?: number;
  historySeconds?: number;
  historyStepSeconds?: number;
  now?: () => number;
  newId?: () => string;
  modelVersion?: string;
}

/** Raised for requests the action's state does not allow (→ 409), or unknown ids (→ 404). */
export class ActionConflictError extends Error {}
export class ActionNotFoundError extends Error {}
/** The workload cannot be read now (→ 503): try again later. */
export class ActionUnavailableError extends Error {}

export interface ServiceRuntime {
  target: ScaleTarget;
  policy: Policy;
  safety: SafetyLayer;
  lastError?: string;
}

export const SYSTEM = 'aidpe-loop';

/** The credential that vouched for a person's decision, for its audit entry (absent for the loop's own). */
export const credentialOf = (credential: string | undefined) => (credential ? { credential } : {});

export function hpaSpec(h: HpaFields | undefined): HpaObjectSpec | undefined {
  return h
    ? { minReplicas: h.minReplicas, maxReplicas: h.maxReplicas, targetCpuUtilization: h.targetCpuUtilization }
    : undefined;
}

export function sameChange(a: ActionChange, b: ActionChange): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function changeOf(p: Proposal): ActionChange {
  return p.mode === 'direct'
    ? { ...(p.replicas !== undefined ? { replicas: p.replicas } : {}) }
    : { ...(p.hpa ? { hpa: { ...p.hpa } } : {}) };
}

/** Replicas the change leads to right away (a parametric bound forces replicas into [min, max]). */
export function replicasAfter(change: ActionChange, replicas: number): number {
  if (change.replicas !== undefined) {
    return change.replicas;
  }
  let r = replicas;
  if (change.hpa?.minReplicas !== undefined) {
    r = Math.max(r, change.hpa.minReplicas);
  }
  if (change.hpa?.maxReplicas !== undefined) {
    r = Math.min(r, change.hpa.maxReplicas);
  }
  return r;
}

export abstract class ActionLoopCore {
  readonly intervalSeconds: number;

  protected readonly o: Required<Omit<ActionLoopOptions, 'policyFor' | 'safety' | 'modelVersion' | 'wallIntervalMs'>> &
    Pick<ActionLoopOptions, 'policyFor' | 'safety' | 'modelVersion' | 'wallIntervalMs'>;

  protected readonly runtimes = new Map<string, ServiceRuntime>();

  protected running = false;

  protected leadership: (() => LeadershipStatus) | undefined;

  /** Serialises ticks and operator requests so a decision never races a tick on the same action. */
  protected queue: Promise<unknown> = Promise.resolve();

  lastRun: { atMs: number; error?: string } | undefined;

  constructor(options: ActionLoopOptions) {
    this.o = {
      intervalSeconds: 60,
      approvalTtlSeconds: 900,
      outcomeAfterSeconds: 300,
      historySeconds: 6 * 3600,
      historyStepSeconds: 60,
      now: Date.now,
      newId: randomUUID,
      ...options,
    };
    this.intervalSeconds = this.o.intervalSeconds;
  }

  protected serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  protected nowIso(): string {
    return new Date(this.o.now()).toISOString();
  }

  protected async settings(target: ScaleTarget): Promise<AutomationSettings> {
    const stored = await this.o.store.getAutomation(target.service);
    if (stored) {
      return stored;
    }
    // First sight of the service: remember its HPA as found, so the policy returns to it even after restarts.
    const workload = await this.o.actuator.read(target);
    const s: AutomationSettings = {
      service: target.service,
      mode: this.o.defaultMode,
      ...(workload.hpa ? { baselineHpa: { ...workload.hpa } } : {}),
      breaker: { open: false },
      updatedAt: this.nowIso(),
      updatedBy: SYSTEM,
    };
    await this.o.store.putAutomation(s, {
      actor: SYSTEM,
      action: 'automation.enrolled',
      subject: target.service,
      details: { mode: s.mode, baselineHpa: s.baselineHpa ?? null },
    });
    return s;
  }

  protected async runtime(target: ScaleTarget): Promise<ServiceRuntime> {
    let rt = this.runtimes.get(target.service);
    if (rt) {
      return rt;
    }
    const s = await this.settings(target);
    const baseline = hpaSpec(s.baselineHpa);
    const policy =
      this.o.policyFor?.(target, baseline) ??
      new PredictivePolicy({}, baseline ? { baselines: { [target.service]: baseline } } : {});
    const bounds = baseline
      ? { minReplicas: baseline.minReplicas, maxReplicas: baseline.maxReplicas }
      : { minReplicas: 1, maxReplicas: 50 };
    const safety = new SafetyLayer({
      ...this.o.safety,
      hardBounds: { minReplicas: 1, maxReplicas: 1000, services: { [target.service]: bounds } },
    });
    if (s.breaker.open) {
      safety.restoreBreaker({
        open: true,
        ...(s.breaker.openedAt ? { openedAtMs: Date.parse(s.breaker.openedAt) } : {}),
        ...(s.breaker.reason ? { reason: s.breaker.reason } : {}),
      });
    }
    rt = { target, policy, safety };
    this.runtimes.set(target.service, rt);
    await this.replayRecentActions(rt);
    return rt;
  }

  /** Cooldowns and step windows must survive a restart: commit the recent applied actions to the fresh safety layer. */
  protected async replayRecentActions(rt: ServiceRuntime): Promise<void> {
    const since = this.o.now() - 3600_000;
    const recent = (
      await this.o.store.listActions({ service: rt.target.service, statuses: ['applied', 'rolled_back'], limit: 50 })
    ).reverse();
    for (const a of recent) {
      const at = Date.parse(a.updatedAt);
      // Actions dated after now come from before a restart that set the clock back: they do not cool anything now.
      if (!(at >= since) || at > this.o.now() || !a.before) {
        continue;
      }
      const proposal: Proposal = {
        policy: a.policy,
        service: a.service,
        mode: a.integration,
        reason: a.reason,
        ...(a.change.replicas !== undefined ? { replicas: a.change.replicas } : {}),
        ...(a.change.hpa ? { hpa: a.change.hpa } : {}),
      };
      const state = {
        service: a.service,
        timeMs: at,
        replicas: { desired: a.before.replicas, ready: a.before.replicas, starting: 0 },
        ...(a.before.hpa ? { hpa: a.before.hpa } : {}),
        latencyP95Ms: a.outcome?.latencyP95BeforeMs ?? 0,
      } as ServiceState;
      rt.safety.commit({ timeMs: at, proposal, applied: proposal, outcome: 'allowed', decisions: [] }, state);
    }
  }

  protected async state(rt: ServiceRuntime): Promise<{ state: ServiceState; workload: WorkloadScaleState }> {
    const workload = await this.o.actuator.read(rt.target);
    const state = await buildServiceState(rt.target, workload, this.o.now(), {
      telemetry: this.o.telemetry,
      queries: this.o.queries,
      sloMs: this.o.sloMs,
      historySeconds: this.o.historySeconds,
      historyStepSeconds: this.o.historyStepSeconds,
      recentSeconds: Math.min(60, this.intervalSeconds),
    });
    return { state, workload };
  }

  protected newRecord(
    rt: ServiceRuntime,
    proposal: Proposal,
    verdict: SafetyVerdict,
    state: ServiceState,
    workload: WorkloadScaleState,
    mode: AutomationMode
  ): ActionRecord {
    const at = this.nowIso();
    const change = verdict.applied ? changeOf(verdict.applied) : changeOf(proposal);
    const capacity = (rt.policy as Partial<PredictivePolicy>).capacityPerReplica?.call(rt.policy, state);
    const after = replicasAfter(change, workload.replicas);
    return {
      id: this.o.newId(),
      service: rt.target.service,
      target: rt.target,
      policy: proposal.policy,
      integration: proposal.mode,
      mode,
      status: 'proposed',
      reason: proposal.reason,
      proposed: changeOf(proposal),
      change,
      guard: { outcome: verdict.outcome, decisions: verdict.decisions },
      ...(proposal.forecast ? { forecast: proposal.forecast } : {}),
      predictedEffect: {
        replicasBefore: workload.replicas,
        replicasAfter: after,
        ...(capacity !== undefined
          ? { capacityRpsBefore: capacity * workload.replicas, capacityRpsAfter: capacity * after }
          : {}),
        ...(proposal.forecast ? { forecastP90Rps: proposal.forecast.p90 } : {}),
      },
      observed: {
        latencyP95Ms: state.latencyP95Ms,
        sloMs: state.sloMs,
        requestRateRps: state.requestRate,
        cpuUtilization: state.cpuUtilization,
      },
      before: workload,
      // Which policy build decided: the model's card version for learned policies, else the sidecar's version.
      modelVersion: this.o.modelVersion ?? `${proposal.policy}@${SIDECAR_VERSION}`,
      createdAt: at,
      updatedAt: at,
    };
  }

  /** Compare-and-set a status change with its audit entry; false when someone else changed the action first. */
  protected async transition(
    a: ActionRecord,
    expected: ActionStatus[],
    patch: Partial<ActionRecord>,
    actor: string,
    auditAction: string,
    extra: Record<string, unknown> = {}
  ): Promise<ActionRecord | undefined> {
    const next: ActionRecord = { ...a, ...patch, updatedAt: this.nowIso() };
    const ok = await this.o.store.updateAction(next, expected, auditOf(next, auditAction, actor, extra));
    return ok ? next : undefined;
  }

  /** The record is already `applying` in the store; call the actuator and settle it. */
  protected async applyRecorded(
    record: ActionRecord,
    rt: ServiceRuntime,
    verdict: SafetyVerdict,
    state: ServiceState,
    actor: string,
    extra: Record<string, unknown> = {}
  ): Promise<ActionRecord> {
    const result = await this.o.actuator.apply({
      actionId: record.id,
      target: record.target,
      change: record.change,
      dryRun: false,
    });
    if (result.status === 'applied' || result.status === 'already_applied') {
      rt.safety.commit(verdict, state);
      const done = await this.transition(
        record,
        ['applying'],
        {
          status: 'applied',
          ...(result.before ? { before: result.before } : {}),
          ...(result.after ? { after: result.after } : {}),
        },
        actor,
        'action.applied',
        { attempts: result.attempts, ...extra }
      );
      return done ?? record;
    }
    const failed = await this.transition(
      record,
      ['applying'],
      {
        status: 'failed',
        error: `${result.error?.code ?? 'unknown'}: ${result.error?.message ?? 'the actuator failed'}`,
      },
      actor,
      'action.failed',
      { attempts: result.attempts, ...extra }
    );
    return failed ?? record;
  }

  protected async get(id: string): Promise<ActionRecord> {
    const a = await this.o.store.getAction(id);
    if (!a) {
      throw new ActionNotFoundError(`action ${id} not found`);
    }
    return a;
  }

  protected target(service: string): ScaleTarget {
    const t = this.o.targets.find((x) => x.service === service);
    if (!t) {
      throw new ActionNotFoundError(
        `service "${service}" is not managed by the loop (managed: ${this.o.targets.map((x) => x.service).join(', ')})`
      );
    }
    return t;
  }

  protected recovery(): RecoveryContext {
    return { store: this.o.store, actuator: this.o.actuator, nowIso: () => this.nowIso() };
  }
}
