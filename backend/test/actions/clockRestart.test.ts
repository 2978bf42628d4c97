/**
 * Defect: after a restart of the accelerated demo clock, stored actions were "in the future" and sorted above new
 * ones. The store orders actions by insertion, and the loop treats actions dated after now as from before the
 * restart: their approvals expire, and they do not hold cooldowns.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionLoop } from '../../src/automation/loop.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { crashLoop, FileActuator } from './crash/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'aidpe-clock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('action timestamps survive a restart that sets the clock back: new actions list first, old approvals expire', async () => {
  const workload = join(dir, 'w.json');
  FileActuator.init(workload);
  const path = join(dir, 's.sqlite');
  const actuator = new FileActuator(workload);
  // Before the restart the (accelerated) clock was two days ahead of where it starts again.
  let now = Date.UTC(2025, 0, 3);
  let store = new SqliteStore(path);
  let n = 0;
  const loop = (s: SqliteStore) => {
    return crashLoop(s, actuator, { newId: () => `a${++n}`, now: () => now });
  };
  const first = loop(store);
  await first.setMode('frontend', 'approve', 'erin');
  await first.tick();
  const [pending] = await store.listActions({ statuses: ['pending_approval'] });
  assert.ok(pending);
  await store.close();

  now = Date.UTC(2025, 0, 1);
  store = new SqliteStore(path);
  const second = loop(store);
  await second.reconcile();
  await second.setMode('frontend', 'autonomous', 'erin');
  await second.tick();
  const listed = await store.listActions({ service: 'frontend' });
  assert.equal(listed[0]!.createdAt, new Date(now).toISOString(), 'the action made after the restart lists first');
  assert.equal(listed[0]!.status, 'applied', 'the actions from before the restart hold no cooldown');
  assert.equal(listed[1]!.id, pending.id);
  assert.equal(listed[1]!.status, 'expired', 'mode change (or the clock going back) expired the old approval');
  await store.close();
});

test('a pending approval dated after now (the clock went back) expires on the next tick, saying why', async () => {
  const workload = join(dir, 'w2.json');
  FileActuator.init(workload);
  const store = new SqliteStore(join(dir, 's2.sqlite'));
  let now = Date.UTC(2025, 0, 3);
  const l: ActionLoop = crashLoop(store, new FileActuator(workload), { now: () => now });
  await l.setMode('frontend', 'approve', 'erin');
  await l.tick();
  now = Date.UTC(2025, 0, 1);
  await l.tick();
  const actions = await store.listActions({ service: 'frontend' });
  const old = actions.find((a) => a.createdAt === new Date(Date.UTC(2025, 0, 3)).toISOString())!;
  assert.equal(old.status, 'expired');
  assert.match(old.decisionNote ?? '', /before the clock went back/);
  assert.equal(actions[0]!.status, 'pending_approval', 'the new proposal lists first');
  await store.close();
});
