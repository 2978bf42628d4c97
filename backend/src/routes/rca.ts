/**
 * RCA graph: the service dependency graph over a time range, from Tempo (live) or the embedded simulator's
 * traces (demo), as Grafana Node Graph frames plus the plain graph.
 */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import { buildServiceGraph, toNodeGraphFrames, type GraphSpan } from '../engines/rca/serviceGraph.ts';
import type { SimulatedCluster } from '../sim/index.ts';
import type { TempoClient } from '../telemetry/tempo.ts';
import { BadRequestError } from './errors.ts';
import { parseTime } from './query.ts';

const MAX_TRACES = 500;
/** Tempo has no bulk fetch: each trace is one request, so live mode samples fewer. */
const MAX_TEMPO_TRACES = 50;

const GraphBody = Type.Object(
  {
    start: Type.Union([Type.Number(), Type.String()], { description: 'Unix s/ms, RFC 3339 or now-15m' }),
    end: Type.Optional(Type.Union([Type.Number(), Type.String()])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TRACES, description: `Traces to sample (default 200; at most ${MAX_TEMPO_TRACES} from Tempo)` })),
  },
  { additionalProperties: false },
);

export interface RcaRouteOptions {
  cluster: SimulatedCluster | undefined;
  tempo: TempoClient | undefined;
  now?: () => number;
}

export const rcaRoutes: FastifyPluginAsync<RcaRouteOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  app.post<{ Body: Static<typeof GraphBody> }>(
    '/api/v1/rca/graph',
    { schema: { tags: ['rca'], summary: 'Service dependency graph from traces (Node Graph frames)', body: GraphBody } },
    async (req, reply) => {
      const nowMs = now();
      const startMs = parseTime('start', req.body.start, nowMs);
      const endMs = parseTime('end', req.body.end, nowMs);
      if (startMs >= endMs) throw new BadRequestError('start', 'must be before end');
      const limit = req.body.limit ?? 200;
      let spans: GraphSpan[];
      let source: 'simulator' | 'tempo';
      if (opts.cluster) {
        source = 'simulator';
        spans = opts.cluster.traces({ startMs, endMs, limit }).flatMap((t) =>
          t.spans.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            service: s.service,
            startMs: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000,
            durationMs: s.durationNanos / 1e6,
            error: s.status === 'error',
          })),
        );
      } else if (opts.tempo) {
        source = 'tempo';
        const found = await opts.tempo.search({ startMs, endMs, limit: Math.min(limit, MAX_TEMPO_TRACES) });
        const traces = await Promise.all(found.map((f) => opts.tempo!.traceById(f.traceId, { startMs, endMs })));
        spans = traces.flatMap((t) =>
          (t?.spans ?? []).map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId,
            service: s.service,
            startMs: s.startMs,
            durationMs: s.durationMs,
            error: s.statusCode === 'error',
          })),
        );
      } else {
        return reply.status(501).send({ statusCode: 501, error: 'Not Implemented', message: 'tempo: not configured (set tempo.url or AIDPE_TEMPO_URL); the dependency graph needs traces' });
      }
      const graph = buildServiceGraph(spans);
      const frames = toNodeGraphFrames(graph);
      const warnings = spans.length === 0 ? [`no traces between ${new Date(startMs).toISOString()} and ${new Date(endMs).toISOString()}`] : [];
      return { source, graph, frames: [frames.nodes, frames.edges], warnings };
    },
  );
};
