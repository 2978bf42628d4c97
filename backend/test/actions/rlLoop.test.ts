/** The trained RL actor behind the loop (automation.policy rl): its proposals go through the same guards and records. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupActionLoop } from '../../src/automation/setup.ts';
import { assembleSources } from '../../src/sources/index.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

function cluster() {
  const c = new SimulatedCluster({
    seed: 9,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: Date.UTC(2025, 0, 1),
    historyRetentionSeconds: 4 * 3600,
  });
  c.advance(2 * 3600);
  return c;
}

test('automation.policy rl: the RL actor proposes, the guards review, the action is recorded with the model version', async () => {
  const c = cluster();
  const store = new SqliteStore(':memory:');
  const config = loadConfig({
    env: {},
    overrides: { mode: 'demo', logLevel: 'silent', 'automation.policy': 'rl', defaultActionMode: 'autonomous' },
  });
  const setup = await setupActionLoop(config, {
    store,
    sources: await assembleSources({ config, metrics: new SimulatorSource(c, { wallNow: () => c.now() }), cluster: c }),
  });
  assert.ok(setup.loop, setup.unavailable);
  for (let i = 0; i < 3; i++) {
    c.advance(60);
    await setup.loop.tick();
  }
  assert.equal(setup.loop.lastRun?.error, undefined);
  const status = await setup.loop.status();
  assert.ok(status.services.every((s) => s.policy === 'rl'));
  const actions = await store.listActions();
  assert.ok(actions.length > 0, 'the actor acted');
  assert.ok(
    actions.every((a) => a.policy === 'rl' && /^rl\//.test(a.modelVersion ?? '')),
    JSON.stringify(actions[0]?.modelVersion)
  );
  assert.ok(
    actions.every((a) => a.guard.decisions.length > 0),
    'every proposal went through the guards'
  );
  await store.close();
});

test('automation.policy rl without a verifiable model: no loop, and the reason says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-nomodels-'));
  try {
    const c = cluster();
    const store = new SqliteStore(':memory:');
    const config = loadConfig({
      env: {},
      overrides: { mode: 'demo', logLevel: 'silent', 'automation.policy': 'rl', modelsDir: dir },
    });
    const setup = await setupActionLoop(config, {
      store,
      sources: await assembleSources({ config, metrics: new SimulatorSource(c), cluster: c }),
    });
    assert.equal(setup.loop, undefined);
    assert.match(setup.unavailable ?? '', /^automation\.policy rl: .*missing/);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
