/** RCA routes: schemas, and one use-case call each (usecases/rca/rca.ts). */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { RcaUseCase } from '../usecases/rca/rca.ts';
import { StepSeconds, TimeValue } from './schemas.ts';
import { clientGone } from './cancellation.ts';
import { errorResponses, NodeGraphFrameSchema, NumberOrNull, ServiceGraphSchema } from './responses.ts';

const MAX_TRACES = 500;
const MAX_TEMPO_TRACES = 50;

const GraphBody = Type.Object(
  {
    start: TimeValue,
    end: Type.Optional(TimeValue),
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

const RcaBody = Type.Object(
  {
    start: TimeValue,
    end: Type.Optional(TimeValue),
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
    stepSeconds: Type.Optional(StepSeconds()),
  },
  { additionalProperties: false }
);

const GraphSource = Type.Union([
  Type.Literal('simulator'),
  Type.Literal('tempo'),
  Type.Literal('tempo-service-graph-metrics'),
]);
const OptionalNumber = Type.Optional(NumberOrNull);

const QueryLanguage = Type.Union([Type.Literal('promql'), Type.Literal('logql'), Type.Literal('traceql')]);
const EvidenceQuerySchema = Type.Object({
  signal: Type.Union([
    Type.Literal('latency'),
    Type.Literal('errors'),
    Type.Literal('memory'),
    Type.Literal('logs'),
    Type.Literal('traces'),
  ]),
  language: QueryLanguage,
  query: Type.String(),
  startMs: Type.Number(),
  endMs: Type.Number(),
  stepSeconds: Type.Optional(Type.Number()),
});

const RcaResponse = Type.Object({
  symptom: Type.String(),
  tier: Type.Union([Type.Literal('CONFIRMED'), Type.Literal('LIKELY'), Type.Literal('INCONCLUSIVE')]),
  candidates: Type.Array(
    Type.Object({
      service: Type.String(),
      score: Type.Number(),
      path: Type.Array(Type.String(), { description: 'Symptom → … → candidate, along calls' }),
      evidence: Type.Array(Type.String()),
      whyLower: Type.Optional(Type.String()),
      evidenceScore: OptionalNumber,
      pagerank: OptionalNumber,
      probability: Type.Optional(
        Type.Number({ description: 'With the learned scorer: the probability that it is the root cause' })
      ),
      features: Type.Optional(
        Type.Record(Type.String(), Type.Number(), { description: 'With the learned scorer: its evidence features' })
      ),
      signalQueries: Type.Optional(
        Type.Array(Type.Object({ kind: Type.String(), language: QueryLanguage, query: Type.String() }), {
          description: 'The queries behind its typed evidence (for Explore links)',
        })
      ),
      evidenceQueries: Type.Array(EvidenceQuerySchema, {
        description: 'The exact queries behind the evidence, from the baseline start to the window end',
      }),
    })
  ),
  explanation: Type.String(),
  notes: Type.Optional(Type.Array(Type.String())),
  evidence: Type.Array(
    Type.Object({
      service: Type.String(),
      latencyScore: Type.Number(),
      latencyOnsetMs: OptionalNumber,
      errorScore: Type.Number(),
      errorOnsetMs: OptionalNumber,
      resourceScore: OptionalNumber,
      resourceOnsetMs: OptionalNumber,
      selfMsBaseline: OptionalNumber,
      selfMsIncident: OptionalNumber,
      ownErrorRateBaseline: OptionalNumber,
      ownErrorRateIncident: OptionalNumber,
      ownSignals: Type.Optional(Type.Array(Type.Object({ strength: Type.Number(), line: Type.String() }))),
      signals: Type.Optional(
        Type.Array(
          Type.Object({
            kind: Type.String(),
            strength: Type.Number(),
            line: Type.String(),
            query: Type.Optional(Type.Object({ language: QueryLanguage, query: Type.String() })),
          }),
          { description: 'Typed evidence (code level: operations, log templates)' }
        )
      ),
      logAnomaly: Type.Optional(
        Type.Object({
          score: Type.Number(),
          frequencyScore: OptionalNumber,
          sequenceScore: OptionalNumber,
          summary: Type.String(),
        })
      ),
    })
  ),
  queries: Type.Object({
    latency: Type.String(),
    errors: Type.String(),
    resources: Type.Optional(Type.String()),
    stepSeconds: Type.Number(),
  }),
  window: Type.Object({ startMs: Type.Number(), endMs: Type.Number(), baselineStartMs: Type.Number() }),
  graphSource: GraphSource,
  graphSourceDetail: Type.String(),
  graph: ServiceGraphSchema,
  frames: Type.Array(NodeGraphFrameSchema, { description: '[nodes, edges]' }),
  logNotes: Type.Optional(Type.Array(Type.String())),
});

const GraphResponse = Type.Object({
  source: GraphSource,
  sourceDetail: Type.String(),
  graph: ServiceGraphSchema,
  frames: Type.Array(NodeGraphFrameSchema, { description: '[nodes, edges]' }),
  warnings: Type.Array(Type.String()),
});

export const rcaRoutes: FastifyPluginAsync<{ rca: RcaUseCase }> = async (app, { rca }) => {
  app.post<{ Body: Static<typeof RcaBody> }>(
    '/api/v1/rca',
    {
      schema: {
        tags: ['rca'],
        summary: 'Ranked root-cause candidates for a symptom over a window, with paths, evidence, tier and the graph',
        body: RcaBody,
        response: { 200: RcaResponse, ...errorResponses },
      },
    },
    async (req, reply) => rca.rank(req.body, { signal: clientGone(reply) })
  );
  app.post<{ Body: Static<typeof GraphBody> }>(
    '/api/v1/rca/graph',
    {
      schema: {
        tags: ['rca'],
        summary: 'Service dependency graph from traces (Node Graph frames)',
        body: GraphBody,
        response: { 200: GraphResponse, ...errorResponses },
      },
    },
    async (req) => rca.graph(req.body)
  );
};
