/** Anomaly routes: schemas, and one use-case call each (usecases/anomalies/anomalies.ts). */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import { MAX_ANOMALY_SERIES as MAX_SERIES, type AnomalyUseCase } from '../usecases/anomalies/anomalies.ts';
import { DETECTOR_DESCRIPTION, DETECTOR_NAMES_ACCEPTED } from '../engines/anomaly/registry.ts';

const TimeValue = Type.Union([Type.Number(), Type.String()]);
const InlineValue = Type.Unsafe<number | string | null>({
  type: ['number', 'string', 'null'],
  description: 'null or "NaN" for a gap',
});

const AnomalyBody = Type.Object(
  {
    query: Type.Optional(Type.String({ minLength: 1, description: 'PromQL range expression; or give series' })),
    start: Type.Optional(TimeValue),
    end: Type.Optional(TimeValue),
    stepSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    series: Type.Optional(
      Type.Array(
        Type.Object(
          {
            labels: Type.Optional(Type.Record(Type.String(), Type.String())),
            timestamps: Type.Array(Type.Number(), { description: 'Unix seconds, increasing' }),
            values: Type.Array(InlineValue),
          },
          { additionalProperties: false }
        ),
        { minItems: 1, maxItems: MAX_SERIES }
      )
    ),
    threshold: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Overrides the per-series threshold' })
    ),
    detector: Type.Optional(
      Type.Union(
        DETECTOR_NAMES_ACCEPTED.map((d) => Type.Literal(d)),
        { description: DETECTOR_DESCRIPTION }
      )
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('batch'), Type.Literal('streaming')], {
        description:
          "batch (default): every call scores the whole range from scratch. streaming: the sidecar keeps each series' detector state between calls (in memory and in the store, so it survives a restart); a call scores only the points after the last one it scored (earlier ones are skipped and counted), regions keep their ids across calls, and each series answers `stream` notes: where its state came from (memory, store, or rebuilt from N points of history), gaps, detector resets, skipped samples. State is kept per series and step; groupBy is batch only",
      })
    ),
    groupBy: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Also score the series that share this label (e.g. service) together with a multivariate detector (multivariateDetector); each group gets regions naming the metrics that contributed most',
      })
    ),
    multivariateDetector: Type.Optional(
      Type.Union([Type.Literal('pca'), Type.Literal('autoencoder')], {
        description:
          "With groupBy: pca (default) = streaming PCA reconstruction error over the group's series; autoencoder = the shipped ONNX autoencoder (models/mvae, trained on simulator metrics) over a 6-step window, batched. The autoencoder maps the group's series to its features by name (request rate, cpu, latency p50/p95 or quantile 0.5/0.95, error, memory); unmatched series are left out, missing features count as normal. When the model is not available, or fewer than two series match, the group falls back to PCA and says why in its notes",
      })
    ),
  },
  { additionalProperties: false }
);
type AnomalyBodyT = Static<typeof AnomalyBody>;

const FeedbackBody = Type.Object(
  {
    verdict: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    user: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'When not forwarded by Grafana (X-Grafana-User)' })
    ),
  },
  { additionalProperties: false }
);

export const anomalyRoutes: FastifyPluginAsync<{ anomalies: AnomalyUseCase }> = async (app, { anomalies }) => {
  // Also served at /api/v1/anomalies/query: Grafana's datasource proxy matches routes by prefix, so a
  // datasource route for that path cannot reach /api/v1/anomalies/{id}/feedback (Editor-only via the app).
  for (const url of ['/api/v1/anomalies', '/api/v1/anomalies/query']) {
    app.post<{ Body: AnomalyBodyT }>(
      url,
      {
        schema: {
          tags: ['anomalies'],
          summary: 'Anomaly scores, regions and annotations for a PromQL range or inline series',
          body: AnomalyBody,
        },
      },
      async (req) => anomalies.detect(req.body)
    );
  }

  app.post<{ Params: { id: string }; Body: Static<typeof FeedbackBody> }>(
    '/api/v1/anomalies/:id/feedback',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'True/false-positive feedback on a region: stored, audited, and moves the series threshold',
        body: FeedbackBody,
      },
    },
    async (req, reply) => {
      const store = anomalies.store;
      if (!store) {
        return reply.status(503).send({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'store: not available; feedback cannot be kept (see /api/v1/health)',
        });
      }
      const forwarded = req.headers['x-grafana-user'];
      const user = (typeof forwarded === 'string' && forwarded) || req.body.user;
      if (!user) {
        return reply.status(401).send({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'user: feedback needs a user (Grafana forwards X-Grafana-User; or give user in the body)',
        });
      }
      return reply.status(201).send(await anomalies.feedback(req.params.id, req.body, user, store));
    }
  );

  app.get<{ Querystring: { seriesKey?: string } }>(
    '/api/v1/anomalies/feedback',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'Feedback given so far (optionally for one series key)',
        querystring: Type.Object({ seriesKey: Type.Optional(Type.String()) }),
      },
    },
    async (req, reply) => {
      const store = anomalies.store;
      if (!store) {
        return reply
          .status(503)
          .send({ statusCode: 503, error: 'Service Unavailable', message: 'store: not available' });
      }
      return { feedback: await store.listFeedback(req.query.seriesKey) };
    }
  );
};
