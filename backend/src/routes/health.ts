import { Type } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import {
  circuitValue,
  overallStatus,
  stateValue,
  unreadyDependencies,
  type HealthRegistry,
} from '../health/registry.ts';
import type { SidecarMetrics } from '../observability/metrics.ts';
import type { DependencyHealth } from '../telemetry/types.ts';
import { errorResponses } from './responses.ts';

export const DependencyHealthSchema = Type.Object({
  name: Type.String(),
  state: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down'), Type.Literal('disabled')]),
  detail: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.Object({ message: Type.String(), at: Type.String() })),
  latencyMs: Type.Optional(Type.Number()),
  checkedAt: Type.String(),
  circuit: Type.Optional(
    Type.Object({
      state: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')]),
      consecutiveFailures: Type.Number(),
      retryAt: Type.Optional(Type.String()),
    })
  ),
});

export const HealthReportSchema = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  version: Type.String(),
  mode: Type.Union([Type.Literal('demo'), Type.Literal('live')]),
  uptimeSeconds: Type.Number(),
  dependencies: Type.Array(DependencyHealthSchema),
});

export const ReadinessSchema = Type.Object({
  ready: Type.Boolean(),
  status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  /** Required dependencies that keep the sidecar from serving. */
  failing: Type.Array(
    Type.Object({
      name: Type.String(),
      state: Type.String(),
      reason: Type.String(),
    })
  ),
});

export interface HealthRouteOptions {
  health: HealthRegistry;
  metrics: SidecarMetrics;
  version: string;
  mode: 'demo' | 'live';
  /** Dependencies whose loss makes the sidecar unable to do its job (status "down", not ready). */
  required: ReadonlySet<string>;
  startedAt: number;
}

/**
 * `/api/v1/health` answers from the registry's cached probe results, never waiting on a dependency:
 * always 200, with up / degraded / down in the body (Grafana's config page reads it).
 * `/api/v1/ready` is the readiness probe for orchestrators: 503 (with Retry-After) while a required
 * dependency is down or not checked yet, else 200.
 */
export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, opts) => {
  const publish = (dep: DependencyHealth) => {
    const v = stateValue(dep.state);
    if (v !== undefined) {
      opts.metrics.dependencyUp.set({ dependency: dep.name }, v);
    }
    if (dep.circuit) {
      opts.metrics.dependencyCircuit.set({ dependency: dep.name }, circuitValue(dep.circuit.state));
    }
  };
  opts.health.onResult(publish);
  app.addHook('onClose', async () => opts.health.stop());

  app.get(
    '/api/v1/health',
    {
      schema: {
        tags: ['system'],
        summary: 'State of the sidecar and of each dependency (up / degraded / down / disabled) with the last error',
        description:
          'Answered from the last background probe of each dependency (refreshed every few seconds), so it is fast whatever the dependencies do. Always 200; use /api/v1/ready for a probe that fails.',
        response: { 200: HealthReportSchema, ...errorResponses },
      },
    },
    async () => {
      const dependencies = opts.health.snapshot();
      return {
        status: overallStatus(dependencies, opts.required),
        version: opts.version,
        mode: opts.mode,
        uptimeSeconds: Math.round((Date.now() - opts.startedAt) / 1000),
        dependencies,
      };
    }
  );

  app.get(
    '/api/v1/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: 503 while a required dependency is down or not checked yet, else 200',
        description:
          'For orchestrator readiness probes (e.g. a Kubernetes readinessProbe). Read from the same cached probe results as /api/v1/health.',
        response: { 200: ReadinessSchema, 503: ReadinessSchema },
      },
    },
    async (_req, reply) => {
      const dependencies = opts.health.snapshot();
      const failing = unreadyDependencies(dependencies, opts.required, opts.health.pending());
      const body = { ready: failing.length === 0, status: overallStatus(dependencies, opts.required), failing };
      if (!body.ready) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(opts.health.refreshIntervalMs / 1000))));
        return reply.status(503).send(body);
      }
      return body;
    }
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['system'],
        summary: "The sidecar's own metrics in Prometheus text format",
        response: {
          200: {
            content: { 'text/plain': { schema: Type.String({ description: 'Prometheus text exposition format' }) } },
          },
        },
      },
    },
    async (_req, reply) => {
      // Keeps the dependency gauges fresh for scrapers that never read /health (the refresh runs in the background).
      opts.health.snapshot();
      reply.header('content-type', opts.metrics.registry.contentType);
      return opts.metrics.registry.metrics();
    }
  );
};
