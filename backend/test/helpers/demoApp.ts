/**
 * A demo-mode sidecar for route-wide tests (response schemas, fuzzing): the embedded cluster with two hours of
 * history and a fault, an in-memory store, an optimisation loop in approve mode, the incident watcher, the watch
 * service, and a record of every payload before the schema serialiser so a test can see what it dropped.
 */
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { ActionLoop } from '../../src/automation/loop.ts';
import { simulatorStateQueries } from '../../src/automation/serviceState.ts';
import { SimulatorActuator } from '../../src/automation/simulatorActuator.ts';
import { simulatorTargets } from '../../src/automation/targets.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Policy, ServiceState } from '../../src/engines/optimiser/types.ts';
import { DEMO_WATCHED_QUERIES, IncidentWatcher } from '../../src/watch/incidents.ts';
import { WatchService } from '../../src/watch/service.ts';
import { loadForecastCandidates } from '../../src/models/forecastRegistry.ts';
import { finiteJson } from '../../src/routes/responses.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { sourcesFromParts } from '../../src/sources/index.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

export const DEMO_START = Date.UTC(2025, 0, 1);

export interface DemoApp {
  app: FastifyInstance;
  cluster: SimulatedCluster;
  loop: ActionLoop;
  incidents: IncidentWatcher;
  /** The payload the last handler returned (non-finite numbers as null), before the schema serialiser. */
  lastPayload(): unknown;
  close(): Promise<void>;
}

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

export async function demoApp(overrides: Record<string, unknown> = {}): Promise<DemoApp> {
  const cluster = new SimulatedCluster({
    seed: 11,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: DEMO_START,
    historyRetentionSeconds: 3 * 3600,
  });
  cluster.advance(3600);
  cluster.injectFault({
    service: 'cart',
    type: 'latency',
    startMs: cluster.now(),
    endMs: cluster.now() + 1800_000,
    intensity: 3,
  });
  cluster.advance(1800);
  const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent', ...overrides } });
  const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });
  const sources = sourcesFromParts({ config, metrics: telemetry, cluster, now: () => cluster.now() });
  const store = new SqliteStore(':memory:');
  const loop = new ActionLoop({
    store,
    actuator: new SimulatorActuator(cluster),
    telemetry,
    targets: simulatorTargets(cluster, 'default').filter((t) => t.service === 'frontend'),
    queries: simulatorStateQueries('frontend'),
    sloMs: 10_000,
    defaultMode: 'approve',
    policyFor: () => raiseFloor,
    now: () => cluster.now(),
  });
  const incidents = new IncidentWatcher({
    telemetry,
    store,
    queries: DEMO_WATCHED_QUERIES,
    now: () => cluster.now(),
  });
  // What GET /api/v1/watch shows (its own registry: the app's metrics are not under test here).
  const watch = new WatchService({
    config,
    sources,
    store,
    models: () => loadForecastCandidates({ modelsDir: config.modelsDir }),
    registry: new Registry(),
  });
  await watch.refresh();
  const app = await buildApp({ config, sources, store, actions: loop, incidents, watch, logger: false });
  let last: unknown;
  app.addHook('preSerialization', async (_request, _reply, payload) => {
    last = JSON.parse(JSON.stringify(finiteJson(payload))) as unknown;
    return payload;
  });
  return {
    app,
    cluster,
    loop,
    incidents,
    lastPayload: () => last,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
