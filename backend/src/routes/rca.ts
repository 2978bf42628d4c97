/** RCA routes: schemas, and one use-case call each (usecases/rca/rca.ts). */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { RcaUseCase } from '../usecases/rca/rca.ts';
import { StepSeconds, TimeValue } from './schemas.ts';
import { clientGone } from './cancellation.ts';

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

export const rcaRoutes: FastifyPluginAsync<{ rca: RcaUseCase }> = async (app, { rca }) => {
  app.post<{ Body: Static<typeof RcaBody> }>(
    '/api/v1/rca',
    {
      schema: {
        tags: ['rca'],
        summary: 'Ranked root-cause candidates for a symptom over a window, with paths, evidence, tier and the graph',
        body: RcaBody,
      },
    },
    async (req, reply) => rca.rank(req.body, { signal: clientGone(reply) })
  );
  app.post<{ Body: Static<typeof GraphBody> }>(
    '/api/v1/rca/graph',
    { schema: { tags: ['rca'], summary: 'Service dependency graph from traces (Node Graph frames)', body: GraphBody } },
    async (req) => rca.graph(req.body)
  );
};
