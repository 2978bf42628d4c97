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
import { rankRootCauses } from '../engines/rca/rank.ts';
import { collectEvidence, evidenceQueriesFor, lokiLogs, simulatorLogs, simulatorSpans, SIMULATOR_EVIDENCE_QUERIES, tempoSpans, type LogEvidenceSource } from '../rca/collect.ts';
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
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TRACES, description: `Traces to sample (default 200; at most ${MAX_TEMPO_TRACES} from Tempo)` })),
  },
  { additionalProperties: false },
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
    symptom: Type.Optional(Type.String({ minLength: 1, description: 'The user-facing service (default: the entry service)' })),
    latencyQuery: Type.Optional(Type.String({ minLength: 1, description: 'One latency series per service, labelled service (default: the simulator\'s p95)' })),
    errorQuery: Type.Optional(Type.String({ minLength: 1, description: 'One error-ratio series per service, labelled service' })),
    stepSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
);

export const rcaRoutes: FastifyPluginAsync<RcaRouteOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  app.post<{ Body: Static<typeof RcaBody> }>(
    '/api/v1/rca',
    { schema: { tags: ['rca'], summary: 'Ranked root-cause candidates for a symptom over a window, with paths, evidence, tier and the graph', body: RcaBody } },
    async (req, reply) => {
      const nowMs = now();
      const startMs = parseTime('start', req.body.start, nowMs);
      const endMs = parseTime('end', req.body.end, nowMs);
      if (startMs >= endMs) throw new BadRequestError('start', 'must be before end');
      const cluster = opts.cluster;
      const tempo = opts.tempo;
      if (!cluster && !tempo) return reply.status(501).send({ statusCode: 501, error: 'Not Implemented', message: 'tempo: not configured (set tempo.url or AIDPE_TEMPO_URL); root-cause ranking needs traces' });
      if (!cluster && (!req.body.latencyQuery || !req.body.errorQuery)) throw new BadRequestError('latencyQuery', 'latencyQuery and errorQuery (one series per service, labelled service) are required outside the demo');
      const queries = {
        latency: req.body.latencyQuery ?? SIMULATOR_EVIDENCE_QUERIES.latency,
        errors: req.body.errorQuery ?? SIMULATOR_EVIDENCE_QUERIES.errors,
        stepSeconds: req.body.stepSeconds ?? SIMULATOR_EVIDENCE_QUERIES.stepSeconds,
      };
      const spans = (a: number, b: number): Promise<GraphSpan[]> => (cluster ? Promise.resolve(simulatorSpans(cluster, a, b)) : tempoSpans(tempo!, a, b, MAX_TEMPO_TRACES));
      const baselineStartMs = startMs - BASELINE_SECONDS * 1000;
      // Demo: the simulator's logs add per-service log anomaly evidence (template frequency; its templates are
      // outside the log sequence model's vocabulary).
      let logs: { logs?: LogEvidenceSource } = {};
      if (cluster) logs = { logs: { lines: simulatorLogs(cluster), sequenceModelUnavailable: "the simulator's log templates are outside the model's vocabulary" } };
      else if (opts.loki) {
        const model = opts.logSequenceModel ? await opts.logSequenceModel() : undefined;
        logs = {
          logs: {
            lines: lokiLogs(opts.loki),
            ...(model?.state === 'loaded'
              ? { sequenceModel: { spec: model.spec, vocabulary: model.vocabulary, nextTemplateProbabilities: model.nextTemplateProbabilities } }
              : { sequenceModelUnavailable: model?.error ?? 'not configured' }),
          },
        };
      }
      const collected = await collectEvidence({ telemetry: opts.telemetry(), spans, queries, startMs, endMs, baselineSeconds: BASELINE_SECONDS, ...logs });
      const symptom = req.body.symptom ?? (cluster ? cluster.topology.entry : collected.graph.nodes.find((n) => n.entry)?.id ?? '');
      const ranking = rankRootCauses(symptom, collected.graph, collected.evidence);
      const frames = toNodeGraphFrames(collected.graph, Object.fromEntries(collected.evidence.map((e) => [e.service, Math.max(e.latencyScore, e.errorScore, e.resourceScore ?? 0)])));
      // Each candidate carries the exact queries behind its evidence (baseline start to window end) for Explore links.
      const candidates = ranking.candidates.map((c) => ({ ...c, evidenceQueries: evidenceQueriesFor(c.service, queries, { startMs: baselineStartMs, endMs }) }));
      return { ...ranking, candidates, evidence: collected.evidence, queries, window: { startMs, endMs, baselineStartMs }, graph: collected.graph, frames: [frames.nodes, frames.edges], ...(collected.logNotes ? { logNotes: collected.logNotes } : {}) };
    },
  );
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
        spans = simulatorSpans(opts.cluster, startMs, endMs, limit);
      } else if (opts.tempo) {
        source = 'tempo';
        spans = await tempoSpans(opts.tempo, startMs, endMs, Math.min(limit, MAX_TEMPO_TRACES));
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
