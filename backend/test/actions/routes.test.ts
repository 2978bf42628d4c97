/** The actions API through `fastify.inject`: listing, decisions with the forwarded user, 401/404/409/400, modes, audit. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { ActionLoop } from '../../src/automation/loop.ts';
import { simulatorStateQueries } from '../../src/automation/serviceState.ts';
import { SimulatorActuator } from '../../src/automation/simulatorActuator.ts';
import { simulatorTargets } from '../../src/automation/targets.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Policy, ServiceState } from '../../src/engines/optimiser/types.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

const START = Date.UTC(2025, 0, 1);
const cluster = new SimulatedCluster({
  seed: 3,
  topology: defaultTopology(),
  workload: syntheticDiurnalTrace({ days: 1 }),
  tickSeconds: 5,
  startTimeMs: START,
  historyRetentionSeconds: 4 * 3600,
});
cluster.advance(3600);
const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });
const store = new SqliteStore(':memory:');
const raiseFloor: Policy = {
  name: 'raise-floor',
  mode: 'parametric',
  propose: (s: ServiceState) => ({
    policy: 'raise-floor',
    service: s.service,
    mode: 'parametric',
    hpa: { minReplicas: s.hpa!.minReplicas + 1 },
    reason: 'test',
  }),
};
const loop = new ActionLoop({
  store,
  actuator: new SimulatorActuator(cluster),
  telemetry,
  targets: simulatorTargets(cluster, 'default').filter((t) => t.service === 'frontend' || t.service === 'catalog'),
  queries: simulatorStateQueries('frontend'),
  sloMs: 10_000,
  defaultMode: 'approve',
  policyFor: () => raiseFloor,
  now: () => cluster.now(),
});
const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } });
const app = await buildApp({
  config,
  telemetry,
  cluster,
  store,
  actions: loop,
  logger: false,
  now: () => cluster.now(),
});
after(async () => {
  await app.close();
  await store.close();
});

const user = { 'x-grafana-user': 'alice' };

test('GET /api/v1/actions lists pending actions with the automation status; bad status → 400 naming the field', async () => {
  await loop.tick();
  const res = await app.inject({ method: 'GET', url: '/api/v1/actions?status=pending_approval' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.ok(body.actions.length >= 1);
  assert.ok(body.actions.every((a: { status: string }) => a.status === 'pending_approval'));
  assert.equal(body.automation.actuator, 'simulator');
  assert.deepEqual(body.automation.services.map((s: { mode: string }) => s.mode).sort(), ['approve', 'approve']);
  const bad = await app.inject({ method: 'GET', url: '/api/v1/actions?status=done' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /^status: unknown status "done"/);
});

test('approve needs the forwarded user (401), applies once (second try 409), unknown ids are 404', async () => {
  const [pending] = await store.listActions({ statuses: ['pending_approval'], service: 'frontend' });
  const anonymous = await app.inject({ method: 'POST', url: `/api/v1/actions/${pending!.id}/approve`, payload: {} });
  assert.equal(anonymous.statusCode, 401);
  assert.match(anonymous.json().message, /^user: /);
  assert.equal((await store.getAction(pending!.id))?.status, 'pending_approval', 'a refused call changes nothing');
  const ok = await app.inject({
    method: 'POST',
    url: `/api/v1/actions/${pending!.id}/approve`,
    headers: user,
    payload: { note: 'go' },
  });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().action.status, 'applied');
  assert.equal(ok.json().action.decidedBy, 'alice');
  const again = await app.inject({ method: 'POST', url: `/api/v1/actions/${pending!.id}/approve`, headers: user });
  assert.equal(again.statusCode, 409);
  assert.match(again.json().message, /is applied; only pending_approval/);
  const missing = await app.inject({ method: 'POST', url: '/api/v1/actions/nope/reject', headers: user });
  assert.equal(missing.statusCode, 404);
  const extra = await app.inject({
    method: 'POST',
    url: `/api/v1/actions/${pending!.id}/rollback`,
    headers: user,
    payload: { note: { text: 'x' } },
  });
  assert.equal(extra.statusCode, 400, 'a note must be a string');
});

test('rollback through the API restores the HPA and both records are listed', async () => {
  const [applied] = await store.listActions({ statuses: ['applied'], service: 'frontend' });
  const hpaBefore = applied!.before!.hpa;
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/actions/${applied!.id}/rollback`,
    headers: user,
    payload: { note: 'undo' },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().action.status, 'rolled_back');
  assert.equal(res.json().rollback.rollbackOf, applied!.id);
  const { minReplicas, maxReplicas, targetCpuUtilization } = cluster.getDeployment('frontend').hpa!;
  assert.deepEqual({ minReplicas, maxReplicas, targetCpuUtilization }, hpaBefore);
  const one = await app.inject({ method: 'GET', url: `/api/v1/actions/${applied!.id}` });
  assert.equal(one.json().action.rolledBackBy, 'alice');
});

test('mode changes and resume are audited under the user; unknown services are 404, bad modes 400', async () => {
  const anonymous = await app.inject({
    method: 'PUT',
    url: '/api/v1/automation/services/frontend',
    payload: { mode: 'autonomous' },
  });
  assert.equal(anonymous.statusCode, 401);
  const set = await app.inject({
    method: 'PUT',
    url: '/api/v1/automation/services/catalog',
    headers: user,
    payload: { mode: 'recommend' },
  });
  assert.equal(set.statusCode, 200, set.body);
  assert.equal(set.json().services.find((s: { service: string }) => s.service === 'catalog').mode, 'recommend');
  assert.equal(
    (await store.listActions({ service: 'catalog', statuses: ['pending_approval'] })).length,
    0,
    'pending approvals of a service leaving approve mode expire'
  );
  const bad = await app.inject({
    method: 'PUT',
    url: '/api/v1/automation/services/catalog',
    headers: user,
    payload: { mode: 'yolo' },
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /mode/);
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/automation/services/nosuch/resume', headers: user });
  assert.equal(unknown.statusCode, 404);
  const resumed = await app.inject({
    method: 'POST',
    url: '/api/v1/automation/services/frontend/resume',
    headers: user,
  });
  assert.equal(resumed.statusCode, 200);
  const audit = await app.inject({ method: 'GET', url: '/api/v1/audit?limit=100' });
  const entries = audit.json().entries as Array<{ action: string; actor: string; subject: string }>;
  assert.ok(entries.some((e) => e.action === 'automation.mode' && e.actor === 'alice' && e.subject === 'catalog'));
  assert.ok(entries.some((e) => e.action === 'automation.resumed' && e.actor === 'alice'));
});

test('without a loop the list says why and decisions are 503', async () => {
  const bare = await buildApp({
    config,
    telemetry,
    logger: false,
    store: undefined,
    actions: undefined,
    actionsUnavailable: 'live mode: the Kubernetes actuator is not configured',
  });
  const list = await bare.inject({ method: 'GET', url: '/api/v1/actions' });
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json().actions, []);
  assert.match(list.json().message, /Kubernetes actuator/);
  const approve = await bare.inject({ method: 'POST', url: '/api/v1/actions/x/approve', headers: user });
  assert.equal(approve.statusCode, 503);
  await bare.close();
});
