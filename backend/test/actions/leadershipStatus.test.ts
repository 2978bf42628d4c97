/** Which replica acts shows in the automation status, as the elector sees it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActionLoop } from '../../src/automation/loop.ts';
import { simulatorStateQueries } from '../../src/automation/serviceState.ts';
import { SimulatorActuator } from '../../src/automation/simulatorActuator.ts';
import { simulatorTargets } from '../../src/automation/targets.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startActionLoopWhenLeading } from '../../src/leader/actionLoopLeadership.ts';
import type { LeaderElector, LeadershipCallbacks } from '../../src/leader/types.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

class ScriptedElector implements LeaderElector {
  readonly kind = 'postgres-advisory-lock' as const;
  readonly identity = 'replica-b';
  leading = false;
  callbacks: LeadershipCallbacks | undefined;
  isLeader() {
    return this.leading;
  }
  start(callbacks: LeadershipCallbacks) {
    this.callbacks = callbacks;
  }
  async stop() {
    this.leading = false;
    await this.callbacks?.onStoppedLeading();
  }
}

test('the automation status names the election, this replica and whether it leads', async () => {
  const cluster = new SimulatedCluster({
    seed: 7,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: Date.UTC(2025, 0, 1),
  });
  cluster.advance(600);
  const store = new SqliteStore(':memory:');
  const loop = new ActionLoop({
    store,
    actuator: new SimulatorActuator(cluster),
    telemetry: new SimulatorSource(cluster, { wallNow: () => cluster.now() }),
    targets: simulatorTargets(cluster, 'default'),
    queries: simulatorStateQueries('frontend'),
    sloMs: 250,
    defaultMode: 'recommend',
    intervalSeconds: 60,
    now: () => cluster.timeMs,
  });
  assert.equal((await loop.status()).leadership, undefined);
  const elector = new ScriptedElector();
  const config = loadConfig({ env: {} });
  const stop = await startActionLoopWhenLeading(config, loop, () => undefined, elector);
  assert.deepEqual((await loop.status()).leadership, {
    kind: 'postgres-advisory-lock',
    identity: 'replica-b',
    leading: false,
  });
  elector.leading = true;
  await elector.callbacks!.onStartedLeading();
  assert.equal((await loop.status()).leadership?.leading, true);
  await stop();
  await store.close();
});
