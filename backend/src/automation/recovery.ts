/**
 * Rollbacks and crash recovery as an idempotent state machine over the store.
 *
 * A rollback is two store transactions around one actuator call:
 *   1. the original `applied → rolling_back` and the rollback record (`applying`) in ONE transaction;
 *   2. the actuator writes the before-state back, tagged with the rollback's id (its idempotency key);
 *   3. the rollback's `applying → applied | failed` and the original's `rolling_back → rolled_back | applied`
 *      in ONE transaction.
 * A crash between any two steps leaves a state `settle` completes from what the workload shows (its last
 * action id): `reconcile()` on start does it for every action in flight, `resolve()` for one on request. Every
 * step is a compare-and-set, so running it twice (two replicas, a crash during recovery) changes nothing twice.
 */
import type { AuditInput, Store } from '../store/types.ts';
import type { ActionRecord, ActionStatus, Actuator, WorkloadScaleState } from './types.ts';

/** Who decided, for the audit: the user, and how the sidecar knew it (the credential the request carried). */
export interface Decider {
  user: string;
  /** The credential the request carried, e.g. "api-token sha256:1a2b3c4d" or "loopback (no token configured)". */
  credential?: string | undefined;
}

export function auditOf(
  a: ActionRecord,
  action: string,
  actor: string,
  extra: Record<string, unknown> = {}
): AuditInput {
  return {
    actor,
    action,
    subject: a.id,
    details: {
      service: a.service,
      policy: a.policy,
      mode: a.mode,
      status: a.status,
      change: a.change,
      guard: a.guard.outcome,
      reason: a.reason,
      before: a.before ?? null,
      after: a.after ?? null,
      ...extra,
    },
  };
}

export interface RecoveryContext {
  store: Store;
  actuator: Actuator;
  nowIso(): string;
}

/** What the actuator (or, after a crash, the workload's last action id) says about a write. */
export type WriteOutcome =
  | { reached: true; before?: WorkloadScaleState | undefined; after?: WorkloadScaleState | undefined }
  | { reached: false; error: string };

const credentialOf = (d: Decider) => (d.credential ? { credential: d.credential } : {});

/**
 * Step 3 (and its recovery): settles a rollback and its original in one transaction. False when either was
 * changed meanwhile (someone else settled them).
 */
export async function settleRollback(
  ctx: RecoveryContext,
  original: ActionRecord,
  rollback: ActionRecord,
  outcome: WriteOutcome,
  by: Decider,
  extra: Record<string, unknown> = {}
): Promise<{ action: ActionRecord; rollback: ActionRecord } | undefined> {
  const at = ctx.nowIso();
  const who = { ...credentialOf(by), ...extra };
  const rb: ActionRecord = outcome.reached
    ? {
        ...rollback,
        status: 'applied',
        ...(outcome.before ? { before: outcome.before } : {}),
        ...(outcome.after ? { after: outcome.after } : {}),
        updatedAt: at,
      }
    : { ...rollback, status: 'failed', error: outcome.error, updatedAt: at };
  const a: ActionRecord = outcome.reached
    ? {
        ...original,
        status: 'rolled_back',
        rolledBackBy: rollback.decidedBy ?? by.user,
        rolledBackAt: at,
        updatedAt: at,
      }
    : { ...original, status: 'applied', error: `rollback ${rollback.id} failed: ${outcome.error}`, updatedAt: at };
  const verb = outcome.reached ? 'applied' : 'failed';
  const ok = await ctx.store.writeActions([
    { action: rb, expected: ['applying'], audit: auditOf(rb, `action.rollback_${verb}`, by.user, who) },
    {
      action: a,
      expected: ['rolling_back'],
      audit: auditOf(a, outcome.reached ? 'action.rolled_back' : 'action.rollback_failed', by.user, {
        rollback: rollback.id,
        ...who,
      }),
    },
  ]);
  return ok ? { action: a, rollback: rb } : undefined;
}

/**
 * Whether a write reached the workload, from the ids it carries. The Deployment's tag is written last; a
 * parametric (HPA-only) change is whole once the HPA, written with its own tag, carries the id. `partly`: the HPA
 * changed but the replicas did not.
 */
export function reachedWorkload(a: ActionRecord, workload: WorkloadScaleState): { reached: boolean; partly: boolean } {
  const hpaOnly = a.change.replicas === undefined && a.change.hpa !== undefined;
  const reached = workload.lastActionId === a.id || (hpaOnly && workload.hpaActionId === a.id);
  return { reached, partly: !reached && workload.hpaActionId === a.id };
}

const interrupted = (partly: boolean, when: string) =>
  partly
    ? `interrupted after the HPA change and before the replicas (${when}): check the workload`
    : `interrupted before it reached the workload (${when})`;

/** Settles an `applying` action that is not a rollback: applied when the workload carries its id, else failed. */
async function settleApplying(
  ctx: RecoveryContext,
  a: ActionRecord,
  workload: WorkloadScaleState,
  by: Decider,
  extra: Record<string, unknown>
): Promise<ActionRecord | undefined> {
  const { reached, partly } = reachedWorkload(a, workload);
  const next: ActionRecord = reached
    ? { ...a, status: 'applied', after: workload, updatedAt: ctx.nowIso() }
    : { ...a, status: 'failed', error: interrupted(partly, 'reconciled on restart'), updatedAt: ctx.nowIso() };
  const ok = await ctx.store.updateAction(
    next,
    ['applying'],
    auditOf(next, reached ? 'action.reconciled_applied' : 'action.reconciled_failed', by.user, {
      ...credentialOf(by),
      ...extra,
    })
  );
  return ok ? next : undefined;
}

/** The rollback record of an original in `rolling_back` (by the id it names, else by searching its service). */
async function rollbackRecordOf(store: Store, original: ActionRecord): Promise<ActionRecord | undefined> {
  if (original.rollbackActionId) {
    const named = await store.getAction(original.rollbackActionId);
    if (named) {
      return named;
    }
  }
  // Stores written before rollbackActionId existed: the newest rollback of this action.
  const recent = await store.listActions({ service: original.service, limit: 1000 });
  return recent.find((r) => r.rollbackOf === original.id);
}

export type SettleResult =
  { settled: true; action: ActionRecord; rollback?: ActionRecord } | { settled: false; reason: string };

/** The statuses a crash can leave behind; `settle` completes them. */
export const IN_FLIGHT: readonly ActionStatus[] = ['applying', 'rolling_back'];

/**
 * Completes one action a crash left in flight, from any intermediate state: an `applying` action or rollback,
 * or an original in `rolling_back` (with its rollback record applying, settled, or never written). Reads the
 * workload only when the answer depends on it; throws when it cannot be read (the caller retries later).
 */
export async function settle(
  ctx: RecoveryContext,
  a: ActionRecord,
  by: Decider,
  extra: Record<string, unknown> = {}
): Promise<SettleResult> {
  if (a.status === 'applying' && a.rollbackOf) {
    const original = await ctx.store.getAction(a.rollbackOf);
    if (original?.status === 'rolling_back') {
      return settle(ctx, original, by, extra);
    }
  }
  if (a.status === 'applying') {
    const workload = await ctx.actuator.read(a.target);
    const done = await settleApplying(ctx, a, workload, by, extra);
    return done ? { settled: true, action: done } : { settled: false, reason: `action ${a.id} changed meanwhile` };
  }
  if (a.status !== 'rolling_back') {
    return {
      settled: false,
      reason: `action ${a.id} is ${a.status}; only applying or rolling_back actions can be resolved`,
    };
  }
  const rb = await rollbackRecordOf(ctx.store, a);
  const at = ctx.nowIso();
  if (!rb) {
    // The crash came before the rollback was recorded: nothing was written back (the record precedes the write).
    const back: ActionRecord = {
      ...a,
      status: 'applied',
      error: 'rollback interrupted before it was recorded; nothing was written back',
      updatedAt: at,
    };
    const ok = await ctx.store.updateAction(
      back,
      ['rolling_back'],
      auditOf(back, 'action.rollback_failed', by.user, { reconciled: true, ...credentialOf(by), ...extra })
    );
    return ok ? { settled: true, action: back } : { settled: false, reason: `action ${a.id} changed meanwhile` };
  }
  let outcome: WriteOutcome;
  if (rb.status === 'applying') {
    const workload = await ctx.actuator.read(a.target);
    const { reached, partly } = reachedWorkload(rb, workload);
    outcome = reached
      ? { reached: true, after: workload }
      : { reached: false, error: interrupted(partly, 'reconciled') };
  } else {
    // The rollback record was settled but its original was not (a store written by the three-transaction version).
    const a2: ActionRecord =
      rb.status === 'applied'
        ? { ...a, status: 'rolled_back', rolledBackBy: rb.decidedBy ?? by.user, rolledBackAt: at, updatedAt: at }
        : { ...a, status: 'applied', error: `rollback ${rb.id} ${rb.status}`, updatedAt: at };
    const ok = await ctx.store.updateAction(
      a2,
      ['rolling_back'],
      auditOf(a2, a2.status === 'rolled_back' ? 'action.rolled_back' : 'action.rollback_failed', by.user, {
        rollback: rb.id,
        reconciled: true,
        ...credentialOf(by),
        ...extra,
      })
    );
    return ok
      ? { settled: true, action: a2, rollback: rb }
      : { settled: false, reason: `action ${a.id} changed meanwhile` };
  }
  const done = await settleRollback(ctx, a, rb, outcome, by, { reconciled: true, ...extra });
  return done
    ? { settled: true, action: done.action, rollback: done.rollback }
    : { settled: false, reason: `action ${a.id} changed meanwhile` };
}
