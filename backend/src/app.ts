/**
 * Builds the sidecar's Fastify app without listening, so tests drive it with `inject`.
 * Everything with I/O (telemetry source, simulator, clocks) is passed in.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { registerSecurity } from './security.ts';
import type { AidpeConfig } from './config/config.ts';
import {
  createSidecarMetrics,
  registerComputeMetrics,
  registerStreamingStateMetrics,
  type SidecarMetrics,
} from './observability/metrics.ts';
import { InlineCompute, WorkerPool, type Compute } from './compute/pool.ts';
import { HealthRegistry, httpReadyCheck } from './health/registry.ts';
import { healthRoutes } from './routes/health.ts';
import { queryRoutes } from './routes/query.ts';
import { simulatorRoutes } from './routes/simulator.ts';
import { forecastRoutes } from './routes/forecast.ts';
import { ForecastUseCase } from './usecases/forecast/forecast.ts';
import { loadForecastCandidates } from './models/forecastRegistry.ts';
import { errorHandler } from './routes/errors.ts';
import { identifyFromGrafana } from './routes/identity.ts';
import { strictValidatorCompiler } from './routes/validation.ts';
import { errorResponses, finiteJson, IncidentListSchema } from './routes/responses.ts';
import type { DependencyHealth, TelemetrySource } from './telemetry/types.ts';
import type { SimulatedCluster } from './sim/index.ts';
import { modelsHealthCheck } from './health/models.ts';
import { SIDECAR_VERSION } from './version.ts';
import { anomalyRoutes } from './routes/anomalies.ts';
import { AnomalyUseCase } from './usecases/anomalies/anomalies.ts';
import { rcaRoutes } from './routes/rca.ts';
import type { IncidentWatcher } from './watch/incidents.ts';
import { sourcesFromParts, type Sources } from './sources/index.ts';
import { RcaUseCase } from './usecases/rca/rca.ts';
import type { Store } from './store/sqlite.ts';
import type { ActionLoop } from './automation/loop.ts';
import { actionRoutes } from './routes/actions.ts';
import { forecastAccuracyRoutes } from './routes/forecastAccuracy.ts';
import { watchRoutes } from './routes/watch.ts';
import type { WatchService } from './watch/service.ts';
import type { ForecastAccuracyTracker } from './watch/forecastAccuracy.ts';

export interface AppDeps {
  config: AidpeConfig;
  /** Where metrics, logs and traces come from (chosen once by server.ts); built from the parts below when absent. */
  sources?: Sources | undefined;
  /** Tests and scripts: the metrics source, when `sources` is not given. */
  telemetry?: TelemetrySource;
  /** Tests and scripts: the embedded demo cluster, when `sources` is not given. */
  cluster?: SimulatedCluster | undefined;
  metrics?: SidecarMetrics;
  /** pino options, or false to silence logs (tests). */
  logger?: boolean | Record<string, unknown>;
  now?: () => number;
  /** The store (audit, feedback); absent when it could not be opened (storeError says why) or in tests. */
  store?: Store | undefined;
  storeError?: string | undefined;
  /** The loop that opens incidents from anomalies; started by server.ts, driven by hand in tests. */
  incidents?: IncidentWatcher | undefined;
  /** The loop that tracks forecast accuracy and drift; started by server.ts in every mode (watch/service.ts), driven by hand in tests. */
  forecastAccuracy?: ForecastAccuracyTracker | undefined;
  /** The watchers (plan, resolution, prediction series); started by server.ts in every mode. */
  watch?: WatchService | undefined;
  /** The optimisation loop (policy → guards → mode → actuator); absent without a store or an actuator. */
  actions?: ActionLoop | undefined;
  /** Why `actions` is absent, shown by the actions API. */
  actionsUnavailable?: string | undefined;
  /** The Kubernetes API's health when the Kubernetes actuator is in use. */
  kubernetesHealth?: (() => Promise<DependencyHealth>) | undefined;
  /** Where the engines run (default: a worker pool sized by config.compute, closed with the app). */
  compute?: Compute | undefined;
  /** Further dependencies health reports, by name (e.g. the embedded cluster's Loki/Tempo push). */
  healthChecks?: Record<string, () => Promise<DependencyHealth>> | undefined;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const sources =
    deps.sources ??
    sourcesFromParts({
      config,
      metrics: deps.telemetry ?? missing('telemetry'),
      cluster: deps.cluster,
      now: deps.now,
    });
  const telemetry = sources.metrics;
  const cluster = sources.cluster;
  const metrics = deps.metrics ?? createSidecarMetrics();
  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel },
    // The router's own refusals (a malformed URL, a path parameter over 100 characters) name their field too.
    // Longer than any path parameter's schema allows, so an over-long one is a 400 naming it, not the router's 414.
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors: (error, _request, reply) =>
      (reply as unknown as FastifyReply).status(error.statusCode ?? 400).send({
        statusCode: error.statusCode ?? 400,
        error: error.code ?? 'Bad Request',
        message: `url: ${error.message}`,
        field: 'url',
      }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Bodies are never coerced; querystring and params are (routes/validation.ts).
  app.setValidatorCompiler(strictValidatorCompiler());

  await registerSecurity(app, { apiToken: config.apiToken, changesPerMinute: config.server.changesPerMinute });
  const compute = deps.compute ?? computeFor(config);
  if (!deps.compute) {
    app.addHook('onClose', () => compute.close());
  }
  registerComputeMetrics(metrics.registry, () => compute.stats());
  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema (type lists for nullable numbers, numeric exclusiveMinimum).
      openapi: '3.1.0',
      info: {
        title: 'AIDPE sidecar API',
        description: 'Forecasts, anomalies, guarded scaling actions and root-cause analysis for Grafana.',
        version: SIDECAR_VERSION,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: config.apiToken ? [{ bearer: [] }] : [],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.setErrorHandler(errorHandler(metrics));
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: `url: no route for ${request.method} ${request.url.slice(0, 200)}`,
      field: 'url',
    })
  );
  // JSON has no NaN or Infinity: written as null (as JSON.stringify does) before the schema serialiser sees them.
  app.addHook('preSerialization', async (_request, _reply, payload) => finiteJson(payload));

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000
    );
  });

  const health = new HealthRegistry();
  health.register(telemetry.kind, () => telemetry.health());
  // Loki and Tempo through their connectors, so the circuit breaker's state shows in health and /metrics.
  const connectorHealth = { loki: sources.logs?.health, tempo: sources.traces?.health };
  for (const name of ['loki', 'tempo'] as const) {
    const check = connectorHealth[name];
    if (check) {
      health.register(name, check);
    } else if (config[name].url) {
      health.register(name, httpReadyCheck(name, config[name].url!, '/ready', Math.min(config[name].timeoutMs, 5000)));
    } else {
      health.register(
        name,
        HealthRegistry.disabled(
          name,
          cluster ? 'not configured; logs and traces come from the embedded simulator' : 'not configured'
        )
      );
    }
  }
  health.register(
    'kubernetes',
    deps.kubernetesHealth ??
      HealthRegistry.disabled(
        'kubernetes',
        cluster
          ? 'not configured; scaling goes to the embedded simulator'
          : (deps.actionsUnavailable ?? 'not configured (set kubernetes.kubeconfig)')
      )
  );
  const store = deps.store;
  health.register('store', async () => {
    const checkedAt = new Date().toISOString();
    if (!store) {
      return deps.storeError
        ? {
            name: 'store',
            state: 'down',
            detail: 'feedback and audit are not kept',
            checkedAt,
            lastError: { message: deps.storeError, at: checkedAt },
          }
        : { name: 'store', state: 'disabled', detail: 'no store configured', checkedAt };
    }
    try {
      await store.ping();
      return { name: 'store', state: 'up', detail: store.kind, checkedAt };
    } catch (err) {
      return {
        name: 'store',
        state: 'down',
        detail: store.kind,
        checkedAt,
        lastError: { message: (err as Error).message, at: checkedAt },
      };
    }
  });
  const forecastModels = () => loadForecastCandidates({ modelsDir: config.modelsDir });
  health.register('models', modelsHealthCheck(config.modelsDir, forecastModels));
  for (const [name, check] of Object.entries(deps.healthChecks ?? {})) {
    health.register(name, check);
  }

  await app.register(healthRoutes, {
    health,
    metrics,
    version: SIDECAR_VERSION,
    mode: config.mode,
    required: new Set([telemetry.kind]),
    startedAt: Date.now(),
  });
  await app.register(queryRoutes, { telemetry: () => telemetry, now: sources.now });
  await app.register(forecastRoutes, {
    forecast: new ForecastUseCase({
      metrics: () => telemetry,
      models: forecastModels,
      now: sources.now,
      compute,
      modelsDir: config.modelsDir,
    }),
  });
  await app.register(forecastAccuracyRoutes, { tracker: deps.forecastAccuracy });
  await app.register(watchRoutes, { watch: deps.watch });
  const anomalies = new AnomalyUseCase({
    metrics: () => telemetry,
    store,
    modelsDir: config.modelsDir,
    now: sources.now,
    compute,
  });
  registerStreamingStateMetrics(metrics.registry, {
    api: () => anomalies.streamingStats(),
    incidents: () => deps.incidents?.streamingStats(),
  });
  const identify = identifyFromGrafana(config.apiToken);
  await app.register(anomalyRoutes, { anomalies, identify });
  app.get(
    '/api/v1/incidents',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'Incidents the sidecar opened itself when anomalies fired on the watched queries',
        response: { 200: IncidentListSchema, ...errorResponses },
      },
    },
    async () => {
      const watcher = deps.incidents;
      if (!watcher) {
        return { incidents: [], running: false, message: 'the incident watcher is not running in this process' };
      }
      return { incidents: watcher.list(), running: true, lastRun: watcher.lastRun ?? null };
    }
  );
  await app.register(rcaRoutes, { rca: new RcaUseCase(sources, compute) });
  await app.register(actionRoutes, {
    loop: deps.actions,
    store,
    unavailableReason: deps.actionsUnavailable ?? (store ? 'no actuator is configured' : 'the store is not available'),
    identify,
  });
  if (cluster) {
    await app.register(simulatorRoutes, { cluster: cluster });
  }
  return app;
}

/** The engines' worker pool as configured; 0 workers runs them on the event loop (debugging only). */
function computeFor(config: AidpeConfig): Compute {
  return config.compute.workers === 0
    ? new InlineCompute()
    : new WorkerPool({
        workers: config.compute.workers,
        maxQueued: config.compute.maxQueued,
        timeoutMs: config.compute.timeoutMs,
      });
}

function missing(what: string): never {
  throw new TypeError(`buildApp needs ${what} when no sources are given`);
}

export { bearerCredential, PUBLIC_ROUTES } from './security.ts';
