/**
 * The optimisation loop the sidecar runs on a schedule, per managed service:
 * telemetry → state → policy proposal → safety layer → mode → actuator → outcome.
 *
 * - recommend: the change is validated by a dry run and shown as `proposed`; nothing is applied.
 * - approve: it waits as `pending_approval` until a person approves (guards are checked again then,
 *   against the state at that moment) or rejects it, or it expires.
 * - autonomous: it is applied within the guards.
 *
 * Every action is written to the store (with an audit entry) *before* the actuator is called, so a crash
 * leaves an `applying` record that `reconcile` settles on restart by reading the workload's idempotency
 * key. Applied actions can be rolled back: the recorded before-state is written back exactly. Outcomes are
 * measured some minutes later and feed the circuit breaker, whose state survives restarts.
 */
import type { Proposal, ServiceState } from '../engines/optimiser/types.ts';
import { runEvery } from '../watch/schedule.ts';
import { auditOf, IN_FLIGHT, settle, settleRollback, type WriteOutcome } from './recovery.ts';
import type { ActionOutcome, ActionRecord, AutomationMode, RestoreState, ScaleTarget } from './types.ts';
import {
  ActionConflictError,
  ActionLoopCore,
  ActionUnavailableError,
  SYSTEM,
  changeOf,
  credentialOf,
  sameChange,
  type AutomationStatus,
  type LeadershipStatus,
  type ServiceAutomationStatus,
} from './loopCore.ts';

export * from './loopCore.ts';

export class ActionLoop extends ActionLoopCore {
  /** Settles actions a crash left half-done, then runs a tick every interval. Returns a stop function. */
  async start(onError: (err: unknown) => void = () => undefined): Promise<() => void> {
    await this.reconcile();
    this.running = true;
    const every = this.o.wallIntervalMs ?? this.intervalSeconds * 1000;
    const stop = runEvery(() => this.tick(), every, onError, { firstRunInMs: every });
    return () => {
      this.running = false;
      stop();
    };
  }

  /** One pass over every managed service; one failing service is recorded and the others still run. */
  tick(): Promise<void> {
    return this.serial(async () => {
      const errors: string[] = [];
      for (const target of this.o.targets) {
        try {
          await this.step(target);
          const rt = this.runtimes.get(target.service);
          if (rt) {
            delete rt.lastError;
          }
        } catch (err) {
          const msg = `${target.service}: ${(err as Error).message}`;
          errors.push(msg);
          const rt = this.runtimes.get(target.service);
          if (rt) {
            rt.lastError = (err as Error).message;
          }
        }
      }
      this.lastRun = { atMs: this.o.now(), ...(errors.length ? { error: errors.join('; ') } : {}) };
    });
  }

  private async step(target: ScaleTarget): Promise<void> {
    const rt = await this.runtime(target);
    const settings = await this.settings(target);
    const { state, workload } = await this.state(rt);
    const wasOpen = rt.safety.breaker().open;
    rt.safety.observe(state);
    const breaker = rt.safety.breaker();
    if (breaker.open && !wasOpen) {
      await this.o.store.putAutomation(
        {
          ...settings,
          breaker: {
            open: true,
            ...(breaker.reason ? { reason: breaker.reason } : {}),
            openedAt: new Date(breaker.openedAtMs ?? this.o.now()).toISOString(),
          },
          updatedAt: this.nowIso(),
          updatedBy: SYSTEM,
        },
        {
          actor: SYSTEM,
          action: 'automation.breaker_opened',
          subject: target.service,
          details: { reason: breaker.reason ?? '' },
        }
      );
    }
    await this.measureOutcomes(target.service, state);
    await this.expireApprovals(target.service);

    const proposal = await rt.policy.propose(state);
    if (!proposal) {
      return;
    }
    const verdict = rt.safety.review(proposal, state, { replicas: { [target.service]: state.replicas.desired } });
    if (verdict.outcome === 'noop') {
      return;
    }
    const mode = settings.mode;
    const change = verdict.applied ? changeOf(verdict.applied) : changeOf(proposal);
    // One open recommendation per service: the same change again is not a new action; a different one supersedes it.
    const open = await this.o.store.listActions({
      service: target.service,
      statuses: ['proposed', 'pending_approval'],
      limit: 20,
    });
    const latest = (await this.o.store.listActions({ service: target.service, limit: 1 }))[0];
    if (verdict.outcome === 'rejected') {
      if (
        latest &&
        latest.status === 'rejected' &&
        latest.decidedBy === 'safety-layer' &&
        sameChange(latest.proposed, changeOf(proposal))
      ) {
        return;
      }
    } else if (
      mode !== 'autonomous' &&
      open.some(
        (a) => a.status === (mode === 'recommend' ? 'proposed' : 'pending_approval') && sameChange(a.change, change)
      )
    ) {
      return;
    }
    for (const a of open) {
      await this.transition(
        a,
        ['proposed', 'pending_approval'],
        { status: 'expired', decisionNote: 'superseded by a newer proposal' },
        SYSTEM,
        'action.superseded'
      );
    }
    const record = this.newRecord(rt, proposal, verdict, state, workload, mode);
    // The audit entry describes the record as stored (its status included), in the same transaction.
    const insert = (r: ActionRecord, action: string) => this.o.store.insertAction(r, auditOf(r, action, SYSTEM));
    if (verdict.outcome === 'rejected' || !verdict.applied) {
      const rule = verdict.decisions.find((d) => d.action === 'rejected');
      await insert(
        {
          ...record,
          status: 'rejected',
          decidedBy: 'safety-layer',
          decidedAt: record.createdAt,
          decisionNote: rule ? `${rule.rule}: ${rule.reason}` : 'rejected by the guards',
        },
        'action.guard_rejected'
      );
      return;
    }
    if (mode === 'recommend') {
      const dry = await this.o.actuator.apply({ actionId: record.id, target, change, dryRun: true });
      const failed = dry.status === 'failed';
      await insert(
        {
          ...record,
          status: failed ? 'failed' : 'proposed',
          ...(dry.after ? { after: dry.after } : {}),
          ...(failed ? { error: `dry run: ${dry.error?.message ?? 'failed'}` } : {}),
        },
        failed ? 'action.dry_run_failed' : 'action.proposed'
      );
      return;
    }
    if (mode === 'approve') {
      await insert({ ...record, status: 'pending_approval' }, 'action.pending_approval');
      return;
    }
    await insert({ ...record, status: 'applying' }, 'action.applying');
    await this.applyRecorded({ ...record, status: 'applying' }, rt, verdict, state, SYSTEM);
  }

  /** Judges applied actions `outcomeAfterSeconds` after they landed: p95 latency then versus when decided. */
  private async measureOutcomes(service: string, state: ServiceState): Promise<void> {
    const applied = await this.o.store.listActions({ service, statuses: ['applied'], limit: 20 });
    for (const a of applied) {
      if (a.outcome || !a.observed || !a.before) {
        continue;
      }
      if (this.o.now() - Date.parse(a.updatedAt) < this.o.outcomeAfterSeconds * 1000) {
        continue;
      }
      const before = a.observed.latencyP95Ms;
      const after = state.latencyP95Ms;
      const slo = a.observed.sloMs;
      const verdict: ActionOutcome['verdict'] =
        after > slo && after > before * 1.2
          ? 'worse'
          : (before > slo && after <= slo) || (after <= slo && state.replicas.desired < a.before.replicas)
            ? 'improved'
            : 'neutral';
      const outcome: ActionOutcome = {
        measuredAt: this.nowIso(),
        latencyP95BeforeMs: before,
        latencyP95AfterMs: after,
        sloMs: slo,
        replicasBefore: a.before.replicas,
        replicasAfter: state.replicas.desired,
        verdict,
      };
      await this.transition(a, ['applied'], { outcome }, SYSTEM, 'action.outcome', { outcome });
    }
  }

  private async expireApprovals(service: string): Promise<void> {
    const pending = await this.o.store.listActions({ service, statuses: ['pending_approval'], limit: 50 });
    for (const a of pending) {
      const ageMs = this.o.now() - Date.parse(a.createdAt);
      // Created "in the future": the clock went back (an accelerated demo clock restarts at wall time).
      const fromBeforeRestart = ageMs < 0;
      if (ageMs > this.o.approvalTtlSeconds * 1000 || fromBeforeRestart) {
        await this.transition(
          a,
          ['pending_approval'],
          {
            status: 'expired',
            decisionNote: fromBeforeRestart
              ? 'proposed before the clock went back (restart); the state it was decided on is gone'
              : `not approved within ${this.o.approvalTtlSeconds} s`,
          },
          SYSTEM,
          'action.expired'
        );
      }
    }
  }

  /** Applies a pending action after checking the guards again against the state now. */
  approve(id: string, user: string, note: string | undefined, credential?: string): Promise<ActionRecord> {
    return this.serial(async () => {
      const a = await this.get(id);
      if (a.status !== 'pending_approval') {
        throw new ActionConflictError(`action ${id} is ${a.status}; only pending_approval actions can be approved`);
      }
      const rt = await this.runtime(this.target(a.service));
      const { state, workload } = await this.state(rt);
      const proposal: Proposal = {
        policy: a.policy,
        service: a.service,
        mode: a.integration,
        reason: a.reason,
        ...(a.change.replicas !== undefined ? { replicas: a.change.replicas } : {}),
        ...(a.change.hpa ? { hpa: { ...a.change.hpa } } : {}),
        ...(a.forecast ? { forecast: a.forecast } : {}),
      };
      const verdict = rt.safety.review(proposal, state, { replicas: { [a.service]: state.replicas.desired } });
      const decided = { decidedBy: user, decidedAt: this.nowIso(), ...(note ? { decisionNote: note } : {}) };
      if (!verdict.applied) {
        const rule = verdict.decisions.find((d) => d.action === 'rejected');
        const why =
          verdict.outcome === 'noop'
            ? 'nothing to change any more'
            : rule
              ? `${rule.rule}: ${rule.reason}`
              : 'rejected by the guards';
        const r = await this.transition(
          a,
          ['pending_approval'],
          {
            ...decided,
            status: 'rejected',
            guard: { outcome: verdict.outcome, decisions: verdict.decisions },
            error: `approved, but the guards refuse it now: ${why}`,
          },
          user,
          'action.approval_refused_by_guards',
          credentialOf(credential)
        );
        if (!r) {
          throw new ActionConflictError(`action ${id} changed meanwhile`);
        }
        return r;
      }
      const applying = await this.transition(
        a,
        ['pending_approval'],
        {
          ...decided,
          status: 'applying',
          change: changeOf(verdict.applied),
          before: workload,
          observed: {
            latencyP95Ms: state.latencyP95Ms,
            sloMs: state.sloMs,
            requestRateRps: state.requestRate,
            cpuUtilization: state.cpuUtilization,
          },
          guard: { outcome: verdict.outcome, decisions: verdict.decisions },
        },
        user,
        'action.approved',
        credentialOf(credential)
      );
      if (!applying) {
        throw new ActionConflictError(`action ${id} changed meanwhile`);
      }
      return this.applyRecorded(applying, rt, verdict, state, user, credentialOf(credential));
    });
  }

  reject(id: string, user: string, note: string | undefined, credential?: string): Promise<ActionRecord> {
    return this.serial(async () => {
      const a = await this.get(id);
      if (a.status !== 'pending_approval' && a.status !== 'proposed') {
        throw new ActionConflictError(
          `action ${id} is ${a.status}; only proposed or pending_approval actions can be rejected`
        );
      }
      const r = await this.transition(
        a,
        ['pending_approval', 'proposed'],
        { status: 'rejected', decidedBy: user, decidedAt: this.nowIso(), ...(note ? { decisionNote: note } : {}) },
        user,
        'action.rejected',
        credentialOf(credential)
      );
      if (!r) {
        throw new ActionConflictError(`action ${id} changed meanwhile`);
      }
      return r;
    });
  }

  /**
   * Writes the applied action's before-state back (only what it changed) and records the rollback as its own
   * action: marking the original and recording the rollback is one transaction, settling both is another, so a
   * crash anywhere leaves a state `reconcile` / `resolve` completes (automation/recovery.ts).
   */
  rollback(
    id: string,
    user: string,
    note: string | undefined,
    credential?: string
  ): Promise<{ action: ActionRecord; rollback: ActionRecord }> {
    return this.serial(async () => {
      const by = { user, credential };
      const a = await this.get(id);
      if (a.status !== 'applied') {
        throw new ActionConflictError(`action ${id} is ${a.status}; only applied actions can be rolled back`);
      }
      if (!a.before) {
        throw new ActionConflictError(`action ${id} has no recorded before-state`);
      }
      const restore: RestoreState = {
        ...(a.change.replicas !== undefined ? { replicas: a.before.replicas } : {}),
        ...(a.change.hpa && a.before.hpa ? { hpa: { ...a.before.hpa } } : {}),
      };
      const at = this.nowIso();
      const current = await this.o.actuator.read(a.target);
      const rb: ActionRecord = {
        ...a,
        id: this.o.newId(),
        policy: 'rollback',
        mode: a.mode,
        status: 'applying',
        reason: `rollback of ${a.id} by ${user}${note ? `: ${note}` : ''}`,
        proposed: { ...restore },
        change: { ...restore },
        guard: { outcome: 'allowed', decisions: [] },
        before: current,
        rollbackOf: a.id,
        decidedBy: user,
        decidedAt: at,
        createdAt: at,
        updatedAt: at,
      };
      for (const k of [
        'after',
        'outcome',
        'error',
        'forecast',
        'predictedEffect',
        'observed',
        'rollbackActionId',
      ] as const) {
        delete rb[k];
      }
      const marked: ActionRecord = { ...a, status: 'rolling_back', rollbackActionId: rb.id, updatedAt: at };
      const who = credential ? { credential } : {};
      const started = await this.o.store.writeActions([
        {
          action: marked,
          expected: ['applied'],
          audit: auditOf(marked, 'action.rolling_back', user, { rollback: rb.id, ...who }),
        },
        { action: rb, audit: auditOf(rb, 'action.rollback_applying', user, { rollbackOf: a.id, ...who }) },
      ]);
      if (!started) {
        throw new ActionConflictError(`action ${id} changed meanwhile`);
      }
      const result = await this.o.actuator.restore(rb.id, a.target, restore);
      const outcome: WriteOutcome =
        result.status === 'applied' || result.status === 'already_applied'
          ? { reached: true, before: result.before, after: result.after }
          : {
              reached: false,
              error: `${result.error?.code ?? 'unknown'}: ${result.error?.message ?? 'the actuator failed'}`,
            };
      const done = await settleRollback(this.recovery(), marked, rb, outcome, by);
      return done ?? { action: marked, rollback: rb };
    });
  }

  /** Settles one action a crash left in flight (`applying` or `rolling_back`) from what its workload shows. */
  resolve(id: string, user: string, credential?: string): Promise<{ action: ActionRecord; rollback?: ActionRecord }> {
    return this.serial(async () => {
      const a = await this.get(id);
      if (!IN_FLIGHT.includes(a.status)) {
        throw new ActionConflictError(
          `action ${id} is ${a.status}; only applying or rolling_back actions can be resolved`
        );
      }
      let r;
      try {
        r = await settle(this.recovery(), a, { user, credential }, { resolvedOnRequest: true });
      } catch (err) {
        throw new ActionUnavailableError(`cannot read the workload of action ${id} now: ${(err as Error).message}`);
      }
      if (!r.settled) {
        throw new ActionConflictError(r.reason);
      }
      return { action: r.action, ...(r.rollback ? { rollback: r.rollback } : {}) };
    });
  }

  setMode(service: string, mode: AutomationMode, user: string, credential?: string): Promise<AutomationStatus> {
    return this.serial(async () => {
      const s = await this.settings(this.target(service));
      if (s.mode !== mode) {
        await this.o.store.putAutomation(
          { ...s, mode, updatedAt: this.nowIso(), updatedBy: user },
          {
            actor: user,
            action: 'automation.mode',
            subject: service,
            details: { from: s.mode, to: mode, ...credentialOf(credential) },
          }
        );
        // Pending approvals of a service switched to recommend or autonomous would never be decided: expire them.
        if (mode !== 'approve') {
          for (const a of await this.o.store.listActions({ service, statuses: ['pending_approval'], limit: 50 })) {
            await this.transition(
              a,
              ['pending_approval'],
              { status: 'expired', decisionNote: `mode changed to ${mode} by ${user}` },
              user,
              'action.expired',
              credentialOf(credential)
            );
          }
        }
      }
      return this.status();
    });
  }

  resume(service: string, user: string, credential?: string): Promise<AutomationStatus> {
    return this.serial(async () => {
      const target = this.target(service);
      const s = await this.settings(target);
      const rt = await this.runtime(target);
      rt.safety.resume(user, this.o.now());
      await this.o.store.putAutomation(
        {
          ...s,
          breaker: { open: false, resumedBy: user, resumedAt: this.nowIso() },
          updatedAt: this.nowIso(),
          updatedBy: user,
        },
        {
          actor: user,
          action: 'automation.resumed',
          subject: service,
          details: { wasOpen: s.breaker.open, reason: s.breaker.reason ?? null, ...credentialOf(credential) },
        }
      );
      return this.status();
    });
  }

  /** Who acts among the replicas, for status (set by the leader election that starts this loop). */
  describeLeadership(status: () => LeadershipStatus): void {
    this.leadership = status;
  }

  async status(): Promise<AutomationStatus> {
    const services: ServiceAutomationStatus[] = [];
    for (const t of this.o.targets) {
      const s = await this.o.store.getAutomation(t.service);
      const rt = this.runtimes.get(t.service);
      const b = s?.breaker ?? { open: false };
      services.push({
        service: t.service,
        mode: s?.mode ?? this.o.defaultMode,
        policy: rt?.policy.name ?? 'predictive',
        integration: rt?.policy.mode ?? 'parametric',
        breaker: {
          open: b.open,
          ...(b.reason ? { reason: b.reason } : {}),
          ...(b.openedAt ? { openedAt: b.openedAt } : {}),
        },
        ...(rt?.lastError ? { lastError: rt.lastError } : {}),
      });
    }
    return {
      running: this.running,
      intervalSeconds: this.intervalSeconds,
      actuator: this.o.actuator.kind,
      ...(this.lastRun ? { lastRunAt: new Date(this.lastRun.atMs).toISOString() } : {}),
      ...(this.lastRun?.error ? { lastError: this.lastRun.error } : {}),
      ...(this.leadership ? { leadership: this.leadership() } : {}),
      services,
    };
  }

  /**
   * After a restart: every action a crash left in flight is completed from what the workload shows — an
   * `applying` action that reached the workload (its id is the workload's last action id) is applied, one that
   * did not is failed (nothing is re-applied behind anyone's back); a rollback in flight (`rolling_back` with its
   * record in any state) is finished or undone the same way. Actions whose workload cannot be read are left for
   * the next start or for `resolve`.
   */
  reconcile(): Promise<{ applied: string[]; failed: string[] }> {
    return this.serial(async () => {
      const out = { applied: [] as string[], failed: [] as string[] };
      // Originals in rolling_back first: settling one settles its rollback record too.
      const inFlight = [
        ...(await this.o.store.listActions({ statuses: ['rolling_back'], limit: 500 })),
        ...(await this.o.store.listActions({ statuses: ['applying'], limit: 500 })),
      ];
      const seen = new Set<string>();
      for (const listed of inFlight) {
        const a = await this.o.store.getAction(listed.id);
        if (!a || seen.has(a.id) || !IN_FLIGHT.includes(a.status)) {
          continue;
        }
        let r;
        try {
          r = await settle(this.recovery(), a, { user: SYSTEM });
        } catch {
          continue; // cannot tell now; the next start (or resolve) tries again
        }
        if (!r.settled) {
          continue;
        }
        // A rollback is reported by its own record; an original whose rollback was never recorded as failed.
        const settled = r.rollback ?? r.action;
        const reached = r.rollback
          ? r.rollback.status === 'applied'
          : a.status === 'applying' && r.action.status === 'applied';
        seen.add(settled.id);
        (reached ? out.applied : out.failed).push(settled.id);
        seen.add(a.id);
      }
      return out;
    });
  }
}
