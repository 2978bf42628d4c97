/**
 * Starts the sidecar for real: picks the telemetry source (the embedded demo cluster or the
 * configured Prometheus), builds the app and listens. `close()` stops clocks and the server.
 */
import { createSidecarMetrics } from './observability/metrics.ts';
import { WatchService } from './watch/service.ts';
import { loadForecastCandidates } from './models/forecastRegistry.ts';
import type { Store } from './store/types.ts';
import type { ActionLoop } from './automation/loop.ts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { AidpeConfig } from './config/config.ts';
import { createSources, isActuation } from './sources/index.ts';
import type { TelemetrySource } from './telemetry/types.ts';
import { createDemoCluster, type DemoCluster } from './sim/demo.ts';
import { startSimulatorPush } from './sim/push/index.ts';
import type { KubeMirror } from './sim/kubeMirror.ts';

export interface RunningSidecar {
  app: FastifyInstance;
  url: string;
  demo: DemoCluster | undefined;
  telemetry: TelemetrySource;
  /** The watchers (incidents, forecast accuracy, prediction series). */
  watch: WatchService;
  /** The optimisation loop, when it runs. */
  actions: ActionLoop | undefined;
  /** The embedded cluster's mirror of a real API server's Deployments (simulator.mirror), when configured. */
  mirror: KubeMirror | undefined;
  store: Store | undefined;
  close(): Promise<void>;
}

export async function startSidecar(
  config: AidpeConfig,
  options: { logger?: boolean | Record<string, unknown> } = {}
): Promise<RunningSidecar> {
  // The embedded cluster runs in demo mode, and in live mode as the workload behind a real Prometheus when asked.
  const demo: DemoCluster | undefined =
    config.mode === 'demo' || config.simulator.embedded ? createDemoCluster(config) : undefined;
  // The one place where the mode decides where data comes from and what acts on the cluster.
  const sources = await createSources(config, demo?.cluster);
  const telemetry = sources.metrics;
  // The embedded cluster as the data plane of a real API server (simulator.mirror): replicas follow its Deployments.
  let mirrorWarn = (what: string, err: unknown): void => console.warn(`${what}: ${(err as Error)?.message}`);
  const actuatorKind = isActuation(sources.actuation) ? sources.actuation.actuator.kind : undefined;
  const mirror = config.simulator.mirror.kubeconfig
    ? await import('./sim/kubeMirror.ts').then((m) =>
        m.startKubeMirrorWhenConfigured(config, demo?.cluster, actuatorKind, (what, err) => mirrorWarn(what, err))
      )
    : undefined;
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
  // Every mode: the sidecar watches its SLIs and forecasts by itself (watch/plan.ts says what and why) and
  // publishes its predictions as Prometheus series on /metrics.
  const metrics = createSidecarMetrics();
  // The embedded cluster's logs and traces go to Loki and Tempo when their URLs are configured.
  const push = demo ? startSimulatorPush(config, demo.cluster, metrics.registry) : undefined;
  const watch = new WatchService({
    config,
    sources,
    store,
    models: () => loadForecastCandidates({ modelsDir: config.modelsDir }),
    registry: metrics.registry,
  });
  // The optimisation loop: the embedded cluster in demo mode, Kubernetes in live mode when configured.
  const { setupActionLoop } = await import('./automation/setup.ts');
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
    metrics,
    watch,
    incidents: watch.incidents,
    forecastAccuracy: watch.accuracy,
    actions,
    actionsUnavailable,
    kubernetesHealth,
    healthChecks: push?.healthChecks(),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  mirrorWarn = (what, err) => app.log.warn({ err }, what);
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  demo?.runner.start();
  const stopWatch = watch.start((what, err) => app.log.warn({ err }, `${what} failed`));
  // Only the elected replica runs the loop (leader election: a Lease, or a PostgreSQL advisory lock).
  const { startActionLoopWhenLeading } = await import('./leader/actionLoopLeadership.ts');
  const stopActions = actions
    ? await startActionLoopWhenLeading(config, actions, (err) => app.log.warn({ err }, 'optimisation loop failed'))
    : undefined;
  return {
    app,
    url: address,
    demo,
    telemetry,
    watch,
    actions,
    mirror,
    store,
    async close() {
      stopWatch();
      await stopActions?.();
      await mirror?.stop();
      demo?.runner.stop();
      await push?.stop();
      await app.close();
      await store?.close();
    },
  };
}
