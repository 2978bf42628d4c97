/**
 * RCA graph: the service dependency graph over a time range, from Tempo (live) or the embedded simulator's
 * traces (demo), as Grafana Node Graph frames plus the plain graph.
 */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import {
  buildServiceGraph,
  toNodeGraphFrames,
  type GraphSpan,
  type ServiceGraph,
} from '../engines/rca/serviceGraph.ts';
import { tempoServiceGraph } from '../telemetry/tempoServiceGraph.ts';
import type { SimulatedCluster } from '../sim/index.ts';
import type { TempoClient } from '../telemetry/tempo.ts';
import { BadRequestError } from './errors.ts';
import { rankRootCauses } from '../engines/rca/rank.ts';
import {
  collectEvidence,
  evidenceQueriesFor,
  lokiLogs,
  simulatorLogs,
  simulatorSpans,
  SIMULATOR_EVIDENCE_QUERIES,
  tempoSpans,
  type LogEvidenceSource,
} from '../rca/collect.ts';
import type { LokiClient } from '../telemetry/loki.ts';
import type { LogSequenceModelLoad } from '../models/logSequenceModel.ts';
import type { TelemetrySource } from '../telemetry/types.ts';
import { parseTime } from './query.ts';

const MAX_TRACES = 500;
/** Tempo has no bulk fetch: each trace is one request, so live mode samples fewer. */
const MAX_TEMPO_TRACES = 50;
/** The baseline window before the incident window that self time and own errors are compared against. */
const BASELINE_SECONDS = 1800;

const GraphBody = Type.Object(
  {
    start: Type.Union([Type.Number(), Type.String()], { description: 'Unix s/ms, RFC 3339 or now-15m' }),
    end: Type.Optional(Type.Union([Type.Number(), Type.String()])),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_TRACES,
        description: `Traces to sample (default 200; at most ${MAX_TEMPO_TRACES} from Tempo)`,
      })
    ),
  },
  { additionalProperties: false }
);

export interface RcaRouteOptions {
  cluster: SimulatedCluster | undefined;
  tempo: TempoClient | undefined;
  /** Live mode: logs for the per-service log anomaly evidence (absent: no log evidence, said in the notes). */
  loki?: LokiClient | undefined;
  /** The log sequence model, loaded once on first use (live mode). */
  logSequenceModel?: () => Promise<LogSequenceModelLoad>;
  telemetry: () => TelemetrySource;
  now?: () => number;
}

const RcaBody = Type.Object(
  {
    start: Type.Union([Type.Number(), Type.String()], { description: 'Window start: Unix s/ms, RFC 3339 or now-15m' }),
    end: Type.Optional(Type.Union([Type.Number(), Type.String()])),
    symptom: Type.Optional(
      Type.String({ minLength: 1, description: 'The user-facing service (default: the entry service)' })
    ),
    latencyQuery: Type.Optional(
      Type.String({
        minLength: 1,
        description: "One latency series per service, labelled service (default: the simulator's p95)",
      })
    ),
    errorQuery: Type.Optional(
      Type.String({ minLength: 1, description: 'One error-ratio series per service, labelled service' })
    ),
    stepSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false }
);

const noTraces = (startMs: number, endMs: number): string =>
  `no traces between ${new Date(startMs).toISOString()} and ${new Date(endMs).toISOString()}`;

function graphAnswer(
  source: 'simulator' | 'tempo' | 'tempo-service-graph-metrics',
  sourceDetail: string,
  graph: ServiceGraph,
  warnings: string[]
) {
  const frames = toNodeGraphFrames(graph);
  return {
    source,
    sourceDetail,
    graph,
    frames: [frames.nodes, frames.edges],
    warnings: [...warnings, ...(graph.notes ?? [])],
  };
}

/** The graph from Tempo's service-graph metrics, or why not (absent, or Prometheus failed: then traces are the fallback). */
async function serviceGraphFromMetrics(
  telemetry: TelemetrySource,
  startMs: number,
  endMs: number
): Promise<{ graph?: ServiceGraph; why: string }> {
  try {
    const r = await tempoServiceGraph(telemetry, startMs, endMs);
    return r.state === 'present' ? { graph: r.graph, why: 'present' } : { why: r.reason };
  } catch (err) {
    return { why: `querying them failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export const rcaRoutes: FastifyPluginAsync<RcaRouteOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  app.post<{ Body: Static<typeof RcaBody> }>(
    '/api/v1/rca',
    {
      schema: {
        tags: ['rca'],
        summary: 'Ranked root-cause candidates for a symptom over a window, with paths, evidence, tier and the graph',
        body: RcaBody,
      },
    },
    async (req, reply) => {
      const nowMs = now();
      const startMs = parseTime('start', req.body.start, nowMs);
      const endMs = parseTime('end', req.body.end, nowMs);
      if (startMs >= endMs) {
        throw new BadRequestError('start', 'must be before end');
      }
      const cluster = opts.cluster;
      const tempo = opts.tempo;
      if (!cluster && !tempo) {
        return reply.status(501).send({
          statusCode: 501,
          error: 'Not Implemented',
          message: 'tempo: not configured (set tempo.url or AIDPE_TEMPO_URL); root-cause ranking needs traces',
        });
      }
      if (!cluster && (!req.body.latencyQuery || !req.body.errorQuery)) {
        throw new BadRequestError(
          'latencyQuery',
          'latencyQuery and errorQuery (one series per service, labelled service) are required outside the demo'
        );
      }
      const queries = {
        latency: req.body.latencyQuery ?? SIMULATOR_EVIDENCE_QUERIES.latency,
        errors: req.body.errorQuery ?? SIMULATOR_EVIDENCE_QUERIES.errors,
        stepSeconds: req.body.stepSeconds ?? SIMULATOR_EVIDENCE_QUERIES.stepSeconds,
      };
      const spans = (a: number, b: number): Promise<GraphSpan[]> =>
        cluster ? Promise.resolve(simulatorSpans(cluster, a, b)) : tempoSpans(tempo!, a, b, MAX_TEMPO_TRACES);
      const baselineStartMs = startMs - BASELINE_SECONDS * 1000;
      // Demo: the simulator's logs add per-service log anomaly evidence (template frequency; its templates are
      // outside the log sequence model's vocabulary).
      let logs: { logs?: LogEvidenceSource } = {};
      if (cluster) {
        logs = {
          logs: {
            lines: simulatorLogs(cluster),
            sequenceModelUnavailable: "the simulator's log templates are outside the model's vocabulary",
          },
        };
      } else if (opts.loki) {
        const model = opts.logSequenceModel ? await opts.logSequenceModel() : undefined;
        logs = {
          logs: {
            lines: lokiLogs(opts.loki),
            ...(model?.state === 'loaded'
              ? {
                  sequenceModel: {
                    spec: model.spec,
                    vocabulary: model.vocabulary,
                    nextTemplateProbabilities: model.nextTemplateProbabilities,
                  },
                }
              : { sequenceModelUnavailable: model?.error ?? 'not configured' }),
          },
        };
      }
      const [collected, fromMetrics] = await Promise.all([
        collectEvidence({
          telemetry: opts.telemetry(),
          spans,
          queries,
          startMs,
          endMs,
          baselineSeconds: BASELINE_SECONDS,
          ...logs,
        }),
        cluster ? Promise.resolve(undefined) : serviceGraphFromMetrics(opts.telemetry(), startMs, endMs),
      ]);
      // Live: the call graph from Tempo's service-graph metrics when present (complete); self time and own errors
      // still come from the sampled traces, whose data-quality counts the answer keeps.
      const graph: ServiceGraph = fromMetrics?.graph
        ? { ...fromMetrics.graph, ...(collected.graph.quality ? { quality: collected.graph.quality } : {}) }
        : collected.graph;
      const graphSource = cluster ? 'simulator' : fromMetrics?.graph ? 'tempo-service-graph-metrics' : 'tempo';
      const graphSourceDetail = cluster
        ? "the embedded simulator's sampled traces"
        : fromMetrics?.graph
          ? 'Tempo service-graph metrics (traces_service_graph_*) in Prometheus'
          : `Tempo trace search (up to ${MAX_TEMPO_TRACES} traces), because service-graph metrics were not used: ${fromMetrics?.why ?? 'not checked'}`;
      const symptom =
        req.body.symptom ?? (cluster ? cluster.topology.entry : (graph.nodes.find((n) => n.entry)?.id ?? ''));
      const ranking = rankRootCauses(symptom, graph, collected.evidence);
      const frames = toNodeGraphFrames(
        graph,
        Object.fromEntries(
          collected.evidence.map((e) => [e.service, Math.max(e.latencyScore, e.errorScore, e.resourceScore ?? 0)])
        )
      );
      // Each candidate carries the exact queries behind its evidence (baseline start to window end) for Explore links.
      const candidates = ranking.candidates.map((c) => ({
        ...c,
        evidenceQueries: evidenceQueriesFor(c.service, queries, { startMs: baselineStartMs, endMs }),
      }));
      return {
        ...ranking,
        candidates,
        evidence: collected.evidence,
        queries,
        window: { startMs, endMs, baselineStartMs },
        graphSource,
        graphSourceDetail,
        graph,
        frames: [frames.nodes, frames.edges],
        ...(collected.logNotes ? { logNotes: collected.logNotes } : {}),
      };
    }
  );
  app.post<{ Body: Static<typeof GraphBody> }>(
    '/api/v1/rca/graph',
    { schema: { tags: ['rca'], summary: 'Service dependency graph from traces (Node Graph frames)', body: GraphBody } },
    async (req, reply) => {
      const nowMs = now();
      const startMs = parseTime('start', req.body.start, nowMs);
      const endMs = parseTime('end', req.body.end, nowMs);
      if (startMs >= endMs) {
        throw new BadRequestError('start', 'must be before end');
      }
      const limit = req.body.limit ?? 200;
      if (opts.cluster) {
        const spans = simulatorSpans(opts.cluster, startMs, endMs, limit);
        return graphAnswer(
          'simulator',
          "the embedded simulator's sampled traces",
          buildServiceGraph(spans),
          spans.length === 0 ? [noTraces(startMs, endMs)] : []
        );
      }
      // Live: Tempo's service-graph metrics when Prometheus has them (every span, cheap), else a sample of traces.
      const preferred = await serviceGraphFromMetrics(opts.telemetry(), startMs, endMs);
      if (preferred.graph) {
        return graphAnswer(
          'tempo-service-graph-metrics',
          'Tempo service-graph metrics (traces_service_graph_*) in Prometheus',
          preferred.graph,
          []
        );
      }
      if (!opts.tempo) {
        return reply.status(501).send({
          statusCode: 501,
          error: 'Not Implemented',
          message: `tempo: not configured (set tempo.url or AIDPE_TEMPO_URL) and no service-graph metrics (${preferred.why}); the dependency graph needs traces`,
        });
      }
      const spans = await tempoSpans(opts.tempo, startMs, endMs, Math.min(limit, MAX_TEMPO_TRACES));
      return graphAnswer(
        'tempo',
        `Tempo trace search (up to ${Math.min(limit, MAX_TEMPO_TRACES)} traces), because service-graph metrics were not used: ${preferred.why}`,
        buildServiceGraph(spans),
        spans.length === 0 ? [noTraces(startMs, endMs)] : []
      );
    }
  );
};
