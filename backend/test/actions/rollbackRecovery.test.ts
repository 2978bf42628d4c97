/**
 * Defect: interrupted rollbacks stayed stuck in `rolling_back` and the API had no way to resolve them. Every
 * intermediate state a crash (or the earlier three-transaction rollback) can leave is completed by `reconcile`,
 * and `POST /api/v1/actions/:id/resolve` settles one on request. (The kill -9 proof is rollbackCrash.real.test.ts.)
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { ActionRecord } from '../../src/automation/types.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';
import { crashLoop, FileActuator, INITIAL_WORKLOAD, TARGET } from './crash/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'aidpe-recovery-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const audit = (id: string, action: string) => ({ actor: 't', action, subject: id, details: {} });
const at = '2025-01-01T00:00:00.000Z';

/** An applied action A (minReplicas 2 → 3) on the workload, in a fresh store. */
async function withApplied(name: string) {
  const workload = join(dir, `${name}.json`);
  FileActuator.init(workload);
  const store = new SqliteStore(join(dir, `${name}.sqlite`));
  const actuator = new FileActuator(workload);
  const change = { hpa: { minReplicas: 3 } };
  const a: ActionRecord = {
    id: `${name}-A`,
    service: TARGET.service,
    target: TARGET,
    policy: 'p',
    integration: 'parametric',
    mode: 'autonomous',
    status: 'applied',
    reason: 'r',
    proposed: change,
    change,
    guard: { outcome: 'allowed', decisions: [] },
    before: INITIAL_WORKLOAD,
    createdAt: at,
    updatedAt: at,
  };
  await actuator.apply({ actionId: a.id, target: TARGET, change, dryRun: false });
  await store.insertAction(a, audit(a.id, 'action.applied'));
  const rb: ActionRecord = {
    ...a,
    id: `${name}-RB`,
    policy: 'rollback',
    status: 'applying',
    change: { hpa: INITIAL_WORKLOAD.hpa! },
    proposed: { hpa: INITIAL_WORKLOAD.hpa! },
    rollbackOf: a.id,
    decidedBy: 'dave',
  };
  return { store, actuator, a, rb, loop: crashLoop(store, actuator) };
}

describe('interrupted rollbacks are completed from any intermediate state', () => {
  it('rolling_back with no rollback record (killed between the old first and second transaction) → applied', async () => {
    const w = await withApplied('norecord');
    await w.store.updateAction({ ...w.a, status: 'rolling_back' }, ['applied'], audit(w.a.id, 'action.rolling_back'));
    const report = await w.loop.reconcile();
    assert.deepEqual(report, { applied: [], failed: [w.a.id] });
    const a = (await w.store.getAction(w.a.id))!;
    assert.equal(a.status, 'applied');
    assert.match(a.error ?? '', /nothing was written back/);
    assert.equal((await w.actuator.read()).hpa!.minReplicas, 3, 'the change is still in place');
  });

  it('rolling_back with its rollback record applying: reached the workload → rolled_back, else → applied', async () => {
    for (const reached of [true, false]) {
      const w = await withApplied(`applying-${reached}`);
      await w.store.writeActions([
        {
          action: { ...w.a, status: 'rolling_back', rollbackActionId: w.rb.id },
          expected: ['applied'],
          audit: audit(w.a.id, 'action.rolling_back'),
        },
        { action: w.rb, audit: audit(w.rb.id, 'action.rollback_applying') },
      ]);
      if (reached) {
        await w.actuator.restore(w.rb.id, TARGET, { hpa: INITIAL_WORKLOAD.hpa! });
      }
      const report = await w.loop.reconcile();
      assert.deepEqual(report, reached ? { applied: [w.rb.id], failed: [] } : { applied: [], failed: [w.rb.id] });
      const a = (await w.store.getAction(w.a.id))!;
      const rb = (await w.store.getAction(w.rb.id))!;
      assert.equal(a.status, reached ? 'rolled_back' : 'applied');
      assert.equal(rb.status, reached ? 'applied' : 'failed');
      if (reached) {
        assert.equal(a.rolledBackBy, 'dave', 'the person who asked for the rollback');
      }
    }
  });

  it('rolling_back whose rollback record was already settled (the old third transaction lost) → follows it', async () => {
    for (const rbStatus of ['applied', 'failed'] as const) {
      const w = await withApplied(`settled-${rbStatus}`);
      await w.store.updateAction({ ...w.a, status: 'rolling_back' }, ['applied'], audit(w.a.id, 'action.rolling_back'));
      await w.store.insertAction({ ...w.rb, status: rbStatus }, audit(w.rb.id, `action.rollback_${rbStatus}`));
      await w.loop.reconcile();
      assert.equal((await w.store.getAction(w.a.id))!.status, rbStatus === 'applied' ? 'rolled_back' : 'applied');
      assert.deepEqual(await w.loop.reconcile(), { applied: [], failed: [] }, 'reconcile is idempotent');
    }
  });

  it('POST /api/v1/actions/:id/resolve settles a stuck action on request; 409 when nothing is in flight', async () => {
    const w = await withApplied('api');
    await w.store.updateAction({ ...w.a, status: 'rolling_back' }, ['applied'], audit(w.a.id, 'action.rolling_back'));
    const config = loadConfig({
      env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1' },
      overrides: { logLevel: 'silent' },
    });
    const app = await buildApp({
      config,
      telemetry: new ScriptedTelemetry(),
      store: w.store,
      actions: w.loop,
      logger: false,
    });
    try {
      const url = `/api/v1/actions/${w.a.id}/resolve`;
      assert.equal((await app.inject({ method: 'POST', url })).statusCode, 401, 'needs the user');
      const res = await app.inject({ method: 'POST', url, headers: { 'x-grafana-user': 'erin' } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().action.status, 'applied');
      const again = await app.inject({ method: 'POST', url, headers: { 'x-grafana-user': 'erin' } });
      assert.equal(again.statusCode, 409);
      assert.match(again.json().message, /only applying or rolling_back actions can be resolved/);
      const trail = await w.store.listAudit(10);
      assert.equal(trail[0]!.actor, 'erin');
      assert.equal(trail[0]!.details.resolvedOnRequest, true);
      const missing = await app.inject({
        method: 'POST',
        url: '/api/v1/actions/nope/resolve',
        headers: { 'x-grafana-user': 'erin' },
      });
      assert.equal(missing.statusCode, 404);
    } finally {
      await app.close();
    }
  });
});
