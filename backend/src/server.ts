/**
 * Starts the sidecar for real: picks the telemetry source (the embedded demo cluster or the
 * configured Prometheus), builds the app and listens. `close()` stops clocks and the server.
 */
import { DEMO_WATCHED_QUERIES, IncidentWatcher } from './loop/incidents.ts';
import { DEMO_ACCURACY_WATCHES, ForecastAccuracyTracker } from './loop/forecastAccuracy.ts';
import { loadForecastCandidates } from './models/forecastRegistry.ts';
import type { Store } from './store/types.ts';
import type { ActionLoop } from './actions/loop.ts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { AidpeConfig } from './config/config.ts';
import { createSources } from './sources/index.ts';
import type { TelemetrySource } from './telemetry/types.ts';
import { createDemoCluster, type DemoCluster } from './sim/demo.ts';

export interface RunningSidecar {
  app: FastifyInstance;
  url: string;
  demo: DemoCluster | undefined;
  telemetry: TelemetrySource;
  /** The optimisation loop, when it runs. */
  actions: ActionLoop | undefined;
  store: Store | undefined;
  close(): Promise<void>;
}

export async function startSidecar(
  config: AidpeConfig,
  options: { logger?: boolean | Record<string, unknown> } = {}
): Promise<RunningSidecar> {
  const demo: DemoCluster | undefined = config.mode === 'demo' ? createDemoCluster(config) : undefined;
  // The one place where the mode decides where data comes from and what acts on the cluster.
  const sources = await createSources(config, demo?.cluster);
  const telemetry = sources.metrics;
  // A store that cannot be opened degrades the sidecar (health says why), it does not stop it.
  let store: Store | undefined;
  let storeError: string | undefined;
  if (config.storeUrl) {
    const { PostgresStore, redactPostgresUrl } = await import('./store/postgres.ts');
    try {
      store = await PostgresStore.open(config.storeUrl);
    } catch (err) {
      storeError = `cannot open ${redactPostgresUrl(config.storeUrl)}: ${(err as Error).message}`;
    }
  } else {
    // Loaded here, not at the top, so CLI commands that need no store do not load node:sqlite (and its warning).
    const { defaultStorePath, SqliteStore } = await import('./store/sqlite.ts');
    const storePath = config.storePath ?? defaultStorePath();
    try {
      store = new SqliteStore(storePath);
    } catch (err) {
      storeError = `cannot open ${storePath}: ${(err as Error).message}`;
    }
  }
  // In demo mode the sidecar watches every service's latency and errors and opens incidents by itself.
  const incidents = demo ? new IncidentWatcher({ telemetry, store, queries: DEMO_WATCHED_QUERIES }) : undefined;
  // In demo mode it also forecasts every service's request rate every 5 minutes of the cluster's clock and scores them as they mature.
  const forecastAccuracy = demo
    ? new ForecastAccuracyTracker({
        telemetry,
        models: () => loadForecastCandidates({ modelsDir: config.modelsDir }),
        watches: DEMO_ACCURACY_WATCHES,
        now: () => demo!.cluster.now(),
      })
    : undefined;
  // The optimisation loop: the embedded cluster in demo mode, Kubernetes in live mode when configured.
  const { setupActionLoop } = await import('./actions/setup.ts');
  const {
    loop: actions,
    unavailable: actionsUnavailable,
    kubernetesHealth,
  } = await setupActionLoop(config, { store, sources });
  const app = await buildApp({
    config,
    sources,
    store,
    storeError,
    incidents,
    forecastAccuracy,
    actions,
    actionsUnavailable,
    kubernetesHealth,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  demo?.runner.start();
  const stopIncidents = incidents?.start(60_000, (err) => app.log.warn({ err }, 'incident watcher failed'));
  const stopForecastAccuracy = forecastAccuracy?.start(30_000, (err) =>
    app.log.warn({ err }, 'forecast accuracy tracker failed')
  );
  const stopActions = await actions?.start((err) => app.log.warn({ err }, 'optimisation loop failed'));
  return {
    app,
    url: address,
    demo,
    telemetry,
    actions,
    store,
    async close() {
      stopIncidents?.();
      stopForecastAccuracy?.();
      stopActions?.();
      demo?.runner.stop();
      await app.close();
      await store?.close();
    },
  };
}
