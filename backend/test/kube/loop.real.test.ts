/**
 * The action loop against a real control plane (kube-apiserver and kube-controller-manager with the
 * deployment, replicaset and HPA controllers; no metrics API, no kubelet), acting as the sidecar's
 * ServiceAccount bound to the shipped RBAC:
 * - reconcile() after a crash between the write and its record, and after a crash half-way through a write;
 * - the real HPA controller honours a parametric change made through the product (approve → minReplicas up
 *   → the controller moves the Deployment's replicas), and a rollback restores the HPA exactly;
 * - a direct-mode replica change: what the HPA controller does with it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACTION_ID_ANNOTATION, KubernetesActuator } from '../../src/automation/kubernetesActuator.ts';
import { setupActionLoop } from '../../src/automation/setup.ts';
import { loadConfig } from '../../src/config/config.ts';
import { assembleSources } from '../../src/sources/index.ts';
import { ActionLoop } from '../../src/automation/loop.ts';
import type { ActionRecord, ScaleTarget } from '../../src/automation/types.ts';
import type { Policy, Proposal, ServiceState } from '../../src/engines/optimiser/types.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SteadyTelemetry, STEADY_QUERIES } from '../helpers/steadyTelemetry.ts';
import {
  kubeControlPlaneMissing,
  startKubeControlPlane,
  type BeforeRequest,
  type KubeControlPlane,
} from '../helpers/kubeControlPlane.ts';
import { cpuMetric, installSidecarRbac, seedWorkload, stored, uniqueName } from './fixtures.ts';

const NS = 'shop';
const skip = kubeControlPlaneMissing();

/** A policy that proposes one fixed change (the loop, guards, store and actuator around it are the product's). */
class FixedPolicy implements Policy {
  readonly name = 'fixed';
  constructor(
    readonly mode: 'parametric' | 'direct',
    private readonly change: Pick<Proposal, 'hpa' | 'replicas'>
  ) {}
  propose(state: ServiceState): Proposal {
    return { policy: this.name, service: state.service, mode: this.mode, reason: 'test', ...this.change };
  }
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

describe('the action loop against a real control plane', { skip }, () => {
  let cp: KubeControlPlane;
  let sidecarToken: string;

  before(async () => {
    cp = await startKubeControlPlane({ controllerManager: true });
    sidecarToken = await installSidecarRbac(cp, [NS]);
  });
  after(() => cp?.stop());

  const actuator = (beforeRequest?: BeforeRequest): KubernetesActuator =>
    new KubernetesActuator({ kubeConfig: cp.kubeConfigForToken(sidecarToken, beforeRequest), retryBackoffMs: 20 });

  const loopFor = (
    store: SqliteStore,
    target: ScaleTarget,
    policy: Policy | undefined,
    mode: 'approve' | 'autonomous',
    act = actuator()
  ): ActionLoop =>
    new ActionLoop({
      store,
      actuator: act,
      telemetry: new SteadyTelemetry(),
      targets: [target],
      queries: STEADY_QUERIES,
      sloMs: 250,
      defaultMode: mode,
      ...(policy ? { policyFor: () => policy } : {}),
    });

  const seed = (replicas: number, minReplicas = 2, maxReplicas = 10): Promise<ScaleTarget> =>
    seedWorkload(cp, {
      namespace: NS,
      name: uniqueName('web'),
      replicas,
      hpa: { minReplicas, maxReplicas, metrics: [cpuMetric(70)] },
    });

  const replicasOf = async (t: ScaleTarget): Promise<number | undefined> =>
    (await stored(cp, t)).deployment.spec.replicas;

  /** An `applying` record as the loop writes it before calling the actuator. */
  const applyingRecord = (id: string, target: ScaleTarget, change: ActionRecord['change']): ActionRecord => {
    const at = new Date().toISOString();
    return {
      id,
      service: target.service,
      target,
      policy: 'fixed',
      integration: change.replicas !== undefined ? 'direct' : 'parametric',
      mode: 'autonomous',
      status: 'applying',
      reason: 'test',
      proposed: change,
      change,
      guard: { outcome: 'allowed', decisions: [] },
      createdAt: at,
      updatedAt: at,
    };
  };

  describe('reconcile() after a crash', () => {
    it('settles an action whose write reached the workload but whose record did not: applied', async () => {
      const target = await seed(3);
      const store = new SqliteStore(':memory:');
      const record = applyingRecord('crash-after-write', target, { hpa: { minReplicas: 4 } });
      await store.insertAction(record, { actor: 'test', action: 'action.applying', subject: record.id, details: {} });
      // The loop called the actuator, the writes landed, and the process died before recording it.
      const written = await actuator().apply({ actionId: record.id, target, change: record.change, dryRun: false });
      assert.equal(written.status, 'applied', JSON.stringify(written.error));
      const never = applyingRecord('crash-before-write', target, { hpa: { minReplicas: 5 } });
      await store.insertAction(never, { actor: 'test', action: 'action.applying', subject: never.id, details: {} });

      const restarted = loopFor(store, target, undefined, 'autonomous');
      const settled = await restarted.reconcile();
      assert.deepEqual(settled, { applied: ['crash-after-write'], failed: ['crash-before-write'] });
      const a = await store.getAction('crash-after-write');
      assert.equal(a?.status, 'applied');
      assert.equal(a?.after?.lastActionId, 'crash-after-write');
      assert.equal(a?.after?.hpa?.minReplicas, 4);
      assert.match((await store.getAction('crash-before-write'))?.error ?? '', /before it reached the workload/);
      assert.equal((await stored(cp, target)).hpa?.spec.minReplicas, 4, 'the never-written one changed nothing');
      assert.deepEqual(await restarted.reconcile(), { applied: [], failed: [] }, 'settled once');
      await store.close();
    });

    it('a crash between the HPA write and the scale write of a change with both: failed, naming the HPA', async () => {
      const target = await seed(3);
      const store = new SqliteStore(':memory:');
      const both = applyingRecord('crash-mid-both', target, { replicas: 6, hpa: { maxReplicas: 14 } });
      await store.insertAction(both, { actor: 'test', action: 'x', subject: both.id, details: {} });
      // The process stops for good when it is about to write the replicas (the HPA is already patched).
      const diesAtScale: BeforeRequest = (method, url) =>
        method === 'PUT' && url.includes('/scale') ? new Promise<void>(() => undefined) : Promise.resolve();
      void actuator(diesAtScale).apply({ actionId: both.id, target, change: both.change, dryRun: false });
      await until(
        'the HPA patch',
        () => stored(cp, target),
        (s) => s.hpa?.spec.maxReplicas === 14
      );
      const settled = await loopFor(store, target, undefined, 'autonomous').reconcile();
      assert.deepEqual(settled, { applied: [], failed: ['crash-mid-both'] });
      assert.match((await store.getAction(both.id))?.error ?? '', /after the HPA change and before the replicas/);
      await store.close();
    });

    it('a crash right after the HPA write of a parametric change: applied, with the HPA as written', async () => {
      const target = await seed(3);
      const store = new SqliteStore(':memory:');
      const record = applyingRecord('crash-mid-hpa-only', target, { hpa: { maxReplicas: 11 } });
      await store.insertAction(record, { actor: 'test', action: 'x', subject: record.id, details: {} });
      const dies: BeforeRequest = (method, url) =>
        method === 'PATCH' && url.includes('/deployments/') ? new Promise<void>(() => undefined) : Promise.resolve();
      void actuator(dies).apply({ actionId: record.id, target, change: record.change, dryRun: false });
      await until(
        'the HPA patch',
        () => stored(cp, target),
        (s) => s.hpa?.spec.maxReplicas === 11
      );
      const settled = await loopFor(store, target, undefined, 'autonomous').reconcile();
      assert.deepEqual(settled, { applied: ['crash-mid-hpa-only'], failed: [] });
      assert.equal((await store.getAction(record.id))?.after?.hpa?.maxReplicas, 11);
      await store.close();
    });
  });

  it('live mode from configuration: the loop built from a kubeconfig file applies and rolls back exactly', async () => {
    const target = await seedWorkload(cp, {
      namespace: NS,
      name: 'checkout',
      replicas: 3,
      hpa: { minReplicas: 2, maxReplicas: 10, metrics: [cpuMetric(70)] },
    });
    const original = await stored(cp, target);
    const config = loadConfig({
      env: {
        AIDPE_MODE: 'live',
        AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:9',
        AIDPE_KUBECONFIG: cp.writeKubeconfig(sidecarToken, 'aidpe-sidecar'),
        AIDPE_AUTOMATION_SERVICES: 'checkout=shop/checkout/checkout-hpa',
        AIDPE_QUERY_REQUEST_RATE: STEADY_QUERIES.requestRate,
        AIDPE_QUERY_SLI_LATENCY_P95: STEADY_QUERIES.sliLatencyP95Seconds,
        AIDPE_QUERY_SLI_ERROR_RATIO: STEADY_QUERIES.sliErrorRatio,
        AIDPE_DEFAULT_ACTION_MODE: 'autonomous',
      },
    });
    const store = new SqliteStore(':memory:');
    const telemetry = new SteadyTelemetry();
    const setup = await setupActionLoop(config, {
      store,
      sources: await assembleSources({ config, metrics: telemetry }),
    });
    assert.ok(setup.loop, setup.unavailable);
    assert.equal((await setup.kubernetesHealth!()).state, 'up');
    await setup.loop.tick();
    assert.equal(setup.loop.lastRun?.error, undefined);
    assert.ok(telemetry.asked.includes('rate_of{service="checkout"}'), 'templates are filled per workload');
    const [action] = await store.listActions();
    assert.ok(action, 'the policy proposed a change');
    assert.equal(action.status, 'applied', action.error);
    assert.equal((await stored(cp, target)).hpa?.metadata.annotations?.[ACTION_ID_ANNOTATION], action.id);
    const rolled = await setup.loop.rollback(action.id, 'alice', undefined);
    assert.equal(rolled.action.status, 'rolled_back', rolled.rollback.error);
    assert.equal(JSON.stringify((await stored(cp, target)).hpa?.spec), JSON.stringify(original.hpa?.spec));
    await store.close();
  });

  describe('the real HPA controller', () => {
    it('moves the replicas when minReplicas is raised through the product; a rollback restores the HPA exactly', async () => {
      const target = await seed(2, 2, 10);
      await until(
        'the controllers settle',
        () => stored(cp, target),
        (s) => s.hpa?.status?.currentReplicas === 2
      );
      const original = await stored(cp, target);
      const store = new SqliteStore(':memory:');
      const loop = loopFor(store, target, new FixedPolicy('parametric', { hpa: { minReplicas: 4 } }), 'approve');
      await loop.tick();
      const [pending] = await store.listActions({ statuses: ['pending_approval'] });
      assert.ok(pending, `a pending action (last run: ${JSON.stringify(loop.lastRun)})`);
      const approved = await loop.approve(pending.id, 'alice', 'more headroom');
      assert.equal(approved.status, 'applied', approved.error);
      assert.equal((await stored(cp, target)).hpa?.spec.minReplicas, 4);
      // The controller, not the sidecar, brings the Deployment up to the new floor (no metrics API needed).
      await until(
        'the HPA controller scales to minReplicas',
        () => replicasOf(target),
        (r) => r === 4
      );

      const rolled = await loop.rollback(pending.id, 'alice', undefined);
      assert.equal(rolled.action.status, 'rolled_back', rolled.rollback.error);
      const now = await stored(cp, target);
      assert.equal(JSON.stringify(now.hpa?.spec), JSON.stringify(original.hpa?.spec), 'the HPA spec, byte for byte');
      // Without metrics the controller only enforces the bounds: 4 is within [2, 10], so it stays.
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(await replicasOf(target), 4);
      await store.close();
    });

    it('a direct-mode replica change inside the HPA bounds stands; one below minReplicas is fought back', async () => {
      const target = await seed(3, 3, 8);
      await until(
        'the controllers settle',
        () => stored(cp, target),
        (s) => s.hpa?.status?.currentReplicas === 3
      );
      const store = new SqliteStore(':memory:');
      const up = loopFor(store, target, new FixedPolicy('direct', { replicas: 5 }), 'autonomous');
      await up.tick();
      const [applied] = await store.listActions({ statuses: ['applied'] });
      assert.ok(applied, `an applied action (last run: ${JSON.stringify(up.lastRun)})`);
      assert.equal(applied.change.replicas, 5);
      // Several HPA sync periods (1 s here): with no metrics the controller keeps replicas within bounds as they are.
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal(await replicasOf(target), 5, 'inside [min, max]: respected');

      // Below the floor: the sidecar's write lands, then the controller restores minReplicas.
      const result = await actuator().apply({
        actionId: 'direct-below-min',
        target,
        change: { replicas: 1 },
        dryRun: false,
      });
      assert.equal(result.status, 'applied', JSON.stringify(result.error));
      await until(
        'the HPA controller restores minReplicas',
        () => replicasOf(target),
        (r) => r === 3
      );
      await store.close();
    });
  });
});
