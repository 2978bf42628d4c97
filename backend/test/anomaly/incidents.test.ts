/** The sidecar's incident loop on the demo cluster: an injected fault opens an incident, audited, listed by the API. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { DEMO_WATCHED_QUERIES, IncidentWatcher } from '../../src/watch/incidents.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';
import type { TelemetrySource } from '../../src/telemetry/types.ts';

const START = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
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
cluster.advance(7 * 3600 + 20 * 60);
const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });
const store = new SqliteStore(':memory:');
const watcher = new IncidentWatcher({ telemetry, store, queries: DEMO_WATCHED_QUERIES, now: () => cluster.now() });
const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } });
const app = await buildApp({
  config,
  telemetry,
  cluster,
  store,
  incidents: watcher,
  logger: false,
  now: () => cluster.now(),
});
after(async () => {
  await app.close();
  await store.close();
});

test('a fault in progress opens one incident for the faulted service, audited and listed by GET /api/v1/incidents', async () => {
  await watcher.tick();
  const res = await app.inject({ method: 'GET', url: '/api/v1/incidents' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.running, true);
  assert.equal(body.lastRun.error, undefined);
  const payment = body.incidents.filter((i: { labels: Record<string, string> }) => i.labels['service'] === 'payment');
  assert.ok(payment.length >= 1, JSON.stringify(body.incidents.map((i: { series: string }) => i.series)));
  // Open while the anomaly lasts; the detector adapts to a lasting shift, so the region (and the incident) can end
  // before the fault does.
  assert.equal(payment[0].status, payment[0].endMs >= cluster.now() - 2 * 60_000 ? 'open' : 'resolved');
  assert.ok(
    payment[0].startMs >= START + 7 * HOUR && payment[0].startMs <= START + 7 * HOUR + 5 * 60_000,
    'starts within five minutes of the fault'
  );
  assert.ok((await store.listAudit()).some((a) => a.action === 'incident.opened' && a.subject === payment[0].id));
  // A second run does not open it again.
  const before = body.incidents.length;
  await watcher.tick();
  assert.equal(watcher.list().length, before);
});

test('a failing query is reported in lastRun, the others still run', async () => {
  const broken: TelemetrySource = {
    ...telemetry,
    kind: 'simulator',
    queryRange: async () => Promise.reject(new Error('boom')),
  } as unknown as TelemetrySource;
  const w = new IncidentWatcher({
    telemetry: broken,
    store: undefined,
    queries: DEMO_WATCHED_QUERIES,
    now: () => cluster.now(),
  });
  await w.tick();
  assert.match(w.lastRun!.error!, /boom/);
});
