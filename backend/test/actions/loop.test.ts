/**
 * The optimisation loop on the embedded cluster: the three modes, approve / reject / rollback with their
 * audit, guard rejections, outcomes, and crash-and-restart reconciliation against the same store file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionConflictError, ActionLoop, type ActionLoopOptions } from '../../src/automation/loop.ts';
import { simulatorStateQueries } from '../../src/automation/serviceState.ts';
import { SimulatorActuator } from '../../src/automation/simulatorActuator.ts';
import { simulatorTargets } from '../../src/automation/targets.ts';
import type { HpaChange, Policy, ServiceState } from '../../src/engines/optimiser/types.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

const START = Date.UTC(2025, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'aidpe-loop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A policy that proposes whatever the test sets next (undefined: no change). */
class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  readonly mode = 'parametric' as const;
  next: ((s: ServiceState) => HpaChange | undefined) | undefined;
  seen: ServiceState[] = [];
  propose(state: ServiceState) {
    this.seen.push(state);
    const hpa = this.next?.(state);
    return hpa
      ? { policy: this.name, service: state.service, mode: this.mode, hpa, reason: `scripted ${JSON.stringify(hpa)}` }
      : undefined;
  }
}

function world(name: string, overrides: Partial<ActionLoopOptions> = {}) {
  const cluster = new SimulatedCluster({
    seed: 7,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: START,
    historyRetentionSeconds: 4 * 3600,
  });
  cluster.advance(2 * 3600);
  const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });
  const path = join(dir, `${name}.sqlite`);
  const store = new SqliteStore(path);
  const actuator = new SimulatorActuator(cluster);
  const policy = new ScriptedPolicy();
  const targets = simulatorTargets(cluster, 'default').filter((t) => t.service === 'frontend');
  let n = 0;
  const options: ActionLoopOptions = {
    store,
    actuator,
    telemetry,
    targets,
    queries: simulatorStateQueries('frontend'),
    sloMs: 10_000,
    defaultMode: 'recommend',
    intervalSeconds: 60,
    policyFor: () => policy,
    safety: { scaleDownCooldownSeconds: 0 },
    now: () => cluster.now(),
    newId: () => `${name}-${++n}`,
    ...overrides,
  };
  const loop = new ActionLoop(options);
  return { cluster, store, actuator, policy, loop, options, path };
}

test('recommend: a dry-run-validated proposal is recorded once, nothing changes in the cluster', async () => {
  const w = world('recommend');
  const before = w.cluster.getDeployment('frontend').hpa!;
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
  await w.loop.tick();
  await w.loop.tick();
  const actions = await w.store.listActions({ service: 'frontend' });
  assert.equal(actions.length, 1, 'the same proposal again is not a second action');
  const a = actions[0]!;
  assert.equal(a.status, 'proposed');
  assert.deepEqual(a.change, { hpa: { minReplicas: before.minReplicas + 1 } });
  assert.equal(a.after?.hpa?.minReplicas, before.minReplicas + 1, 'the dry run reports what would result');
  assert.deepEqual(w.cluster.getDeployment('frontend').hpa, before);
  assert.ok(a.observed && a.observed.requestRateRps > 0, 'the state the decision rested on is recorded');
  assert.equal(
    w.policy.seen[0]!.requestRateHistory !== undefined,
    true,
    'the policy gets the request-rate history to forecast from'
  );
  // A different proposal supersedes the open one.
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 2 });
  await w.loop.tick();
  const after2 = await w.store.listActions({ service: 'frontend' });
  assert.deepEqual(
    after2.map((x) => x.status),
    ['proposed', 'expired']
  );
  await w.store.close();
});

test('approve: pending until a person approves; approval re-checks the guards, applies, and is audited with the user', async () => {
  const w = world('approve', { defaultMode: 'approve' });
  const before = w.cluster.getDeployment('frontend').hpa!;
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
  await w.loop.tick();
  const [pending] = await w.store.listActions({ statuses: ['pending_approval'] });
  assert.ok(pending);
  assert.deepEqual(w.cluster.getDeployment('frontend').hpa, before, 'nothing applied before approval');
  const applied = await w.loop.approve(pending.id, 'alice', 'looks right');
  assert.equal(applied.status, 'applied');
  assert.equal(applied.decidedBy, 'alice');
  assert.equal(w.cluster.getDeployment('frontend').hpa!.minReplicas, before.minReplicas + 1);
  assert.equal(applied.before?.hpa?.minReplicas, before.minReplicas);
  await assert.rejects(w.loop.approve(pending.id, 'bob', undefined), ActionConflictError);
  const audit = (await w.store.listAudit(50))
    .filter((e) => e.subject === pending.id)
    .map((e) => `${e.action}:${e.actor}`);
  assert.deepEqual(audit.reverse(), [
    'action.pending_approval:aidpe-loop',
    'action.approved:alice',
    'action.applied:alice',
  ]);
  await w.store.close();
});

test('approve: a proposal the guards refuse by the time it is approved is rejected, not applied', async () => {
  const w = world('approve-guard', {
    defaultMode: 'approve',
    safety: { scaleDownCooldownSeconds: 0, freezeWindows: [] },
  });
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
  await w.loop.tick();
  const [pending] = await w.store.listActions({ statuses: ['pending_approval'] });
  // Meanwhile someone raised the HPA's floor by hand: the proposal no longer changes anything.
  const hpa = w.cluster.getDeployment('frontend').hpa!;
  w.cluster.setHpa('frontend', { ...hpa, minReplicas: hpa.minReplicas + 1 });
  const decided = await w.loop.approve(pending!.id, 'alice', undefined);
  assert.equal(decided.status, 'rejected');
  assert.match(decided.error ?? '', /guards refuse it now/);
  await w.store.close();
});

test('reject and expiry: a rejected or stale proposal is never applied', async () => {
  const w = world('reject', { defaultMode: 'approve', approvalTtlSeconds: 120 });
  const before = w.cluster.getDeployment('frontend').hpa!;
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
  await w.loop.tick();
  const [first] = await w.store.listActions({ statuses: ['pending_approval'] });
  const rejected = await w.loop.reject(first!.id, 'carol', 'not during the sale');
  assert.equal(rejected.status, 'rejected');
  assert.equal(rejected.decisionNote, 'not during the sale');
  await w.loop.tick();
  const [second] = await w.store.listActions({ statuses: ['pending_approval'] });
  assert.ok(second && second.id !== first!.id);
  w.policy.next = undefined;
  w.cluster.advance(180);
  await w.loop.tick();
  assert.equal((await w.store.getAction(second.id))?.status, 'expired');
  assert.deepEqual(w.cluster.getDeployment('frontend').hpa, before);
  await w.store.close();
});

test('autonomous: applied within the guards, clamped when it overreaches, and rolled back exactly', async () => {
  const w = world('autonomous', {
    defaultMode: 'autonomous',
    safety: { scaleDownCooldownSeconds: 0, maxStepUp: { pods: 2, percent: 100 } },
  });
  const before = w.cluster.getDeployment('frontend');
  w.policy.next = (s) => ({ minReplicas: s.replicas.desired + 6, targetCpuUtilization: 0.6 });
  await w.loop.tick();
  const [a] = await w.store.listActions({ service: 'frontend' });
  assert.equal(a!.status, 'applied');
  assert.equal(a!.guard.outcome, 'modified');
  assert.ok(
    a!.guard.decisions.some((d) => d.rule === 'max_step' && d.action === 'clamped'),
    JSON.stringify(a!.guard.decisions)
  );
  const now = w.cluster.getDeployment('frontend');
  assert.ok(now.hpa!.minReplicas <= before.replicas + 2, 'the step limit held');
  assert.equal(now.hpa!.targetCpuUtilization, 0.6);
  w.policy.next = undefined;
  const { action, rollback } = await w.loop.rollback(a!.id, 'dave', 'too eager');
  assert.equal(action.status, 'rolled_back');
  assert.equal(action.rolledBackBy, 'dave');
  assert.equal(rollback.status, 'applied');
  assert.equal(rollback.rollbackOf, a!.id);
  assert.deepEqual(w.cluster.getDeployment('frontend').hpa, before.hpa, 'the HPA is exactly as before');
  await assert.rejects(w.loop.rollback(a!.id, 'dave', undefined), ActionConflictError);
  const trail = (await w.store.listAudit(50)).map((e) => e.action);
  for (const step of [
    'action.applying',
    'action.applied',
    'action.rolling_back',
    'action.rollback_applying',
    'action.rollback_applied',
    'action.rolled_back',
  ]) {
    assert.ok(trail.includes(step), `${step} in the audit trail`);
  }
  await w.store.close();
});

test('a proposal the guards reject is recorded once with the rule that acted', async () => {
  const w = world('guard', {
    defaultMode: 'autonomous',
    safety: { freezeWindows: [{ dailyStartMinute: 0, dailyEndMinute: 1439, reason: 'change freeze' }] },
  });
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
  await w.loop.tick();
  await w.loop.tick();
  const actions = await w.store.listActions({ service: 'frontend' });
  assert.equal(actions.length, 1);
  assert.equal(actions[0]!.status, 'rejected');
  assert.equal(actions[0]!.decidedBy, 'safety-layer');
  assert.match(actions[0]!.decisionNote ?? '', /^freeze_window: /);
  await w.store.close();
});

test('defect: the audit entry of a new action described it as proposed whatever its status (found by 100 kills)', async () => {
  const freeze = { freezeWindows: [{ dailyStartMinute: 0, dailyEndMinute: 1439, reason: 'freeze' }] };
  const cases: Array<['autonomous' | 'approve' | 'recommend', typeof freeze | undefined, string]> = [
    ['autonomous', freeze, 'rejected'],
    ['approve', undefined, 'pending_approval'],
    ['recommend', undefined, 'proposed'],
  ];
  for (const [mode, safety, expected] of cases) {
    const w = world(`audit-${mode}`, { defaultMode: mode, ...(safety ? { safety } : {}) });
    w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
    await w.loop.tick();
    const [a] = await w.store.listActions({ service: 'frontend' });
    const first = (await w.store.listAudit(50)).filter((e) => e.subject === a!.id).at(-1)!;
    assert.equal(a!.status, expected);
    assert.equal((first.details as { status: string }).status, expected, `${mode}: ${first.action}`);
    await w.store.close();
  }
});

test('outcomes are measured after the action has had time to act', async () => {
  const w = world('outcome', { defaultMode: 'autonomous', outcomeAfterSeconds: 120 });
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
  await w.loop.tick();
  w.policy.next = undefined;
  w.cluster.advance(180);
  await w.loop.tick();
  const [a] = await w.store.listActions({ service: 'frontend' });
  assert.ok(a!.outcome, 'outcome recorded');
  assert.equal(a!.outcome!.sloMs, 10_000);
  assert.ok(['improved', 'neutral', 'worse'].includes(a!.outcome!.verdict));
  assert.ok((await w.store.listAudit(20)).some((e) => e.action === 'action.outcome' && e.subject === a!.id));
  await w.store.close();
});

test('crash and restart: in-flight actions are reconciled against the workload, modes and breaker survive', async () => {
  const w = world('restart', { defaultMode: 'autonomous' });
  await w.loop.setMode('frontend', 'autonomous', 'erin');
  // Two actions were written as `applying` when the process died: one had reached the cluster, one had not.
  const base = {
    service: 'frontend',
    target: w.options.targets[0]!,
    policy: 'scripted',
    integration: 'parametric' as const,
    mode: 'autonomous' as const,
    reason: 'r',
    guard: { outcome: 'allowed' as const, decisions: [] },
    createdAt: new Date(w.cluster.now()).toISOString(),
    updatedAt: new Date(w.cluster.now()).toISOString(),
  };
  const hpa = w.cluster.getDeployment('frontend').hpa!;
  const change = { hpa: { minReplicas: hpa.minReplicas + 1 } };
  await w.store.insertAction(
    {
      ...base,
      id: 'lost',
      status: 'applying',
      proposed: change,
      change,
      before: await w.actuator.read(w.options.targets[0]!),
    },
    { actor: 't', action: 'action.applying', subject: 'lost', details: {} }
  );
  await w.store.insertAction(
    {
      ...base,
      id: 'landed',
      status: 'applying',
      proposed: change,
      change,
      before: await w.actuator.read(w.options.targets[0]!),
    },
    { actor: 't', action: 'action.applying', subject: 'landed', details: {} }
  );
  await w.actuator.apply({ actionId: 'landed', target: w.options.targets[0]!, change, dryRun: false });
  await w.store.putAutomation(
    {
      ...(await w.store.getAutomation('frontend'))!,
      breaker: { open: true, reason: 'two bad outcomes', openedAt: new Date(w.cluster.now()).toISOString() },
    },
    undefined
  );
  await w.store.close();

  // Restart: a new store handle on the same file, a new loop.
  const store = new SqliteStore(w.path);
  const loop = new ActionLoop({ ...w.options, store, defaultMode: 'recommend' });
  const report = await loop.reconcile();
  assert.deepEqual(report, { applied: ['landed'], failed: ['lost'] });
  assert.equal((await store.getAction('landed'))?.status, 'applied');
  assert.match((await store.getAction('lost'))?.error ?? '', /interrupted before it reached the workload/);
  const status = await loop.status();
  assert.equal(status.services[0]!.mode, 'autonomous', 'the mode an operator set survives');
  assert.equal(status.services[0]!.breaker.open, true, 'an open breaker stays open');
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
  await loop.tick();
  const newest = (await store.listActions({ service: 'frontend', limit: 1 }))[0]!;
  assert.equal(newest.status, 'rejected');
  assert.match(newest.decisionNote ?? '', /^circuit_breaker: /);
  await loop.resume('frontend', 'erin');
  w.cluster.advance(60);
  w.policy.next = (s) => ({ minReplicas: s.hpa!.minReplicas + 1 });
  await loop.tick();
  assert.equal((await store.listActions({ service: 'frontend', limit: 1 }))[0]!.status, 'applied');
  await store.close();
});

test('the forecast-driven policy runs through the loop on the embedded cluster in all three modes', async () => {
  for (const mode of ['recommend', 'approve', 'autonomous'] as const) {
    const w = world(`predictive-${mode}`, { defaultMode: mode, sloMs: 250 });
    const loop = new ActionLoop({ ...w.options, policyFor: undefined, defaultMode: mode });
    const before = w.cluster.getDeployment('frontend').hpa!;
    for (let i = 0; i < 3; i++) {
      w.cluster.advance(60);
      await loop.tick();
    }
    assert.equal(loop.lastRun?.error, undefined);
    const actions = await w.store.listActions({ service: 'frontend' });
    assert.ok(actions.length >= 1, `${mode}: the policy proposed something`);
    assert.equal(actions.at(-1)!.policy, 'predictive');
    assert.match(actions.at(-1)!.reason, /p90 forecast/);
    const expected = { recommend: 'proposed', approve: 'pending_approval', autonomous: 'applied' }[mode];
    assert.equal(actions.at(-1)!.status, expected);
    const changed = JSON.stringify(w.cluster.getDeployment('frontend').hpa) !== JSON.stringify(before);
    assert.equal(changed, mode === 'autonomous', `${mode}: only autonomous mode changes the cluster by itself`);
    await w.store.close();
  }
});
