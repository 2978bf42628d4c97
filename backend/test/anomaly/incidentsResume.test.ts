/**
 * The incident loop scores streaming and keeps its detector states in the store: a second watcher on the same
 * store file (a restarted sidecar) continues without re-warming, scores only new points, and opens no incident
 * twice.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_WATCHED_QUERIES, IncidentWatcher } from '../../src/watch/incidents.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

const START = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'aidpe-loop-'));
const path = join(dir, 'aidpe.sqlite');
after(() => rmSync(dir, { recursive: true, force: true }));

test('a restarted watcher resumes every series from the store: no re-warm-up, only new points, no duplicate incidents', async () => {
  const cluster = new SimulatedCluster({
    seed: 11,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: START,
    historyRetentionSeconds: 12 * 3600,
  });
  cluster.injectFault({
    service: 'payment',
    type: 'latency',
    startMs: START + 7 * HOUR,
    endMs: START + 8 * HOUR,
    intensity: 2,
  });
  cluster.advance(7 * 3600 + 3 * 60);
  const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });

  let store = new SqliteStore(path);
  const first = new IncidentWatcher({ telemetry, store, queries: DEMO_WATCHED_QUERIES, now: () => cluster.now() });
  await first.tick();
  const s1 = first.lastRun!.states!;
  assert.equal(first.lastRun!.error, undefined);
  const seriesCount = s1.rebuilt;
  assert.ok(seriesCount >= 16, `every series rebuilt from the lookback on the first run (${seriesCount})`);
  assert.equal(s1.fromStore + s1.fromMemory, 0);
  assert.match(s1.notes[0]!, /state rebuilt from \d+ points of history/);
  // The same watcher's next tick: from memory, only the new points.
  cluster.advance(60);
  await first.tick();
  assert.equal(first.lastRun!.states!.fromMemory, seriesCount);
  assert.ok(
    first.lastRun!.states!.pointsScored <= seriesCount * 5,
    `a minute at 15 s is 4 points per series (${first.lastRun!.states!.pointsScored})`
  );
  const openedBefore = first.list().map((i) => i.id);
  assert.ok(
    first.list().some((i) => i.labels['service'] === 'payment'),
    'the fault opened an incident before the restart'
  );
  await store.close();

  // Restart: a new watcher, a new handle on the same file, five more minutes of data.
  cluster.advance(5 * 60);
  store = new SqliteStore(path);
  try {
    const second = new IncidentWatcher({ telemetry, store, queries: DEMO_WATCHED_QUERIES, now: () => cluster.now() });
    await second.tick();
    const s2 = second.lastRun!.states!;
    assert.equal(second.lastRun!.error, undefined);
    assert.equal(s2.rebuilt, 0, `no series re-warmed: ${s2.notes.join('; ')}`);
    assert.equal(s2.fromStore, seriesCount);
    assert.ok(s2.pointsScored <= seriesCount * 21, `only the five new minutes are scored (${s2.pointsScored} points)`);
    const opened = (await store.listAudit(1000)).filter((a) => a.action === 'incident.opened').map((a) => a.subject);
    assert.equal(new Set(opened).size, opened.length, `an incident opened twice: ${opened.join(', ')}`);
    for (const id of openedBefore) {
      assert.equal(opened.filter((x) => x === id).length, 1);
    }
    // A region still going on is listed again by the restarted watcher (same id), not opened again.
    const payment = second.list().filter((i) => i.labels['service'] === 'payment');
    for (const i of payment) {
      if (openedBefore.includes(i.id)) {
        assert.ok(opened.includes(i.id));
      }
    }
  } finally {
    await store.close();
  }
});
