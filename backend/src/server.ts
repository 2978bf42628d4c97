/**
 * Starts the sidecar for real: picks the telemetry source (the embedded demo cluster or the
 * configured Prometheus), builds the app and listens. `close()` stops clocks and the server.
 */
import { DEMO_WATCHED_QUERIES, IncidentWatcher } from './loop/incidents.ts';
import type { SqliteStore } from './store/sqlite.ts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { AidpeConfig } from './config/config.ts';
import { PrometheusSource } from './telemetry/prometheus.ts';
import { SimulatorSource } from './telemetry/simulatorSource.ts';
import type { TelemetrySource } from './telemetry/types.ts';
import { createDemoCluster, type DemoCluster } from './sim/demo.ts';
import { ActionLoop } from './actions/loop.ts';
import { SimulatorActuator } from './actions/simulatorActuator.ts';
import { simulatorStateQueries } from './actions/serviceState.ts';
import { simulatorTargets } from './actions/targets.ts';

export interface RunningSidecar {
  app: FastifyInstance;
  url: string;
  demo: DemoCluster | undefined;
  telemetry: TelemetrySource;
  close(): Promise<void>;
}

export async function startSidecar(config: AidpeConfig, options: { logger?: boolean | Record<string, unknown> } = {}): Promise<RunningSidecar> {
  let demo: DemoCluster | undefined;
  let telemetry: TelemetrySource;
  if (config.mode === 'demo') {
    demo = createDemoCluster(config);
    telemetry = new SimulatorSource(demo.cluster);
  } else {
    telemetry = new PrometheusSource({
      baseUrl: config.prometheus.url!,
      timeoutMs: config.prometheus.timeoutMs,
      retries: config.prometheus.retries,
      ...(config.prometheus.bearerToken ? { bearerToken: config.prometheus.bearerToken } : {}),
    });
  }
  // A store that cannot be opened degrades the sidecar (health says why), it does not stop it.
  let store: SqliteStore | undefined;
  let storeError: string | undefined;
  // Loaded here, not at the top, so CLI commands that need no store do not load node:sqlite (and its warning).
  const { defaultStorePath, SqliteStore: Sqlite } = await import('./store/sqlite.ts');
  const storePath = config.storePath ?? defaultStorePath();
  try {
    store = new Sqlite(storePath);
  } catch (err) {
    storeError = `cannot open ${storePath}: ${(err as Error).message}`;
  }
  // In demo mode the sidecar watches every service's latency and errors and opens incidents by itself.
  const incidents = demo ? new IncidentWatcher({ telemetry, store, queries: DEMO_WATCHED_QUERIES }) : undefined;
  // The optimisation loop: on the embedded cluster in demo mode (its clock is the simulated one, which the
  // telemetry follows); in live mode it needs a Kubernetes actuator and the managed workloads configured.
  let actions: ActionLoop | undefined;
  let actionsUnavailable: string | undefined;
  if (!store) actionsUnavailable = 'the store is not available, and actions must be recorded before they are applied';
  else if (demo) {
    const cluster = demo.cluster;
    actions = new ActionLoop({
      store,
      actuator: new SimulatorActuator(cluster),
      telemetry,
      targets: simulatorTargets(cluster, config.kubernetes.namespace),
      queries: simulatorStateQueries(cluster.topology.entry),
      sloMs: config.automation.sloMs,
      defaultMode: config.defaultActionMode,
      intervalSeconds: config.automation.intervalSeconds,
      now: () => cluster.timeMs,
    });
  } else actionsUnavailable = 'live mode: the Kubernetes actuator is not configured';
  const app = await buildApp({ config, telemetry, cluster: demo?.cluster, store, storeError, incidents, actions, actionsUnavailable, ...(options.logger !== undefined ? { logger: options.logger } : {}) });
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  demo?.runner.start();
  const stopIncidents = incidents?.start(60_000, (err) => app.log.warn({ err }, 'incident watcher failed'));
  const stopActions = await actions?.start((err) => app.log.warn({ err }, 'optimisation loop failed'));
  return {
    app,
    url: address,
    demo,
    telemetry,
    async close() {
      stopIncidents?.();
      stopActions?.();
      demo?.runner.stop();
      await app.close();
      await store?.close();
    },
  };
}
