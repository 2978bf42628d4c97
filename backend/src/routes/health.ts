import { Type } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import { overallStatus, stateValue, type HealthRegistry } from '../health/registry.ts';
import type { SidecarMetrics } from '../observability/metrics.ts';

export const DependencyHealthSchema = Type.Object({
  name: Type.String(),
  state: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down'), Type.Literal('disabled')]),
  detail: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.Object({ message: Type.String(), at: Type.String() })),
  latencyMs: Type.Optional(Type.Number()),
  checkedAt: Type.String(),
});

export const HealthReportSchema = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]),
  version: Type.String(),
  mode: Type.Union([Type.Literal('demo'), Type.Literal('live')]),
  uptimeSeconds: Type.Number(),
  dependencies: Type.Array(DependencyHealthSchema),
});

export interface HealthRouteOptions {
  health: HealthRegistry;
  metrics: SidecarMetrics;
  version: string;
  mode: 'demo' | 'live';
  /** Dependencies whose loss makes the sidecar unable to do its job (status "down"). */
  required: ReadonlySet<string>;
  startedAt: number;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, opts) => {
  app.get(
    '/api/v1/health',
    {
      schema: {
        tags: ['system'],
        summary: 'State of the sidecar and of each dependency (up / degraded / down / disabled) with the last error',
        response: { 200: HealthReportSchema },
      },
    },
    async () => {
      const dependencies = await opts.health.checkAll();
      for (const dep of dependencies) {
        const v = stateValue(dep.state);
        if (v !== undefined) {
          opts.metrics.dependencyUp.set({ dependency: dep.name }, v);
        }
      }
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
    '/metrics',
    { schema: { tags: ['system'], summary: "The sidecar's own metrics in Prometheus text format" } },
    async (_req, reply) => {
      reply.header('content-type', opts.metrics.registry.contentType);
      return opts.metrics.registry.metrics();
    }
  );
};
