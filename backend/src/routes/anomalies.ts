/** Anomaly routes: schemas, and one use-case call each (usecases/anomalies/anomalies.ts). */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Identify } from './identity.ts';
import { StepSeconds, TimeValue, unixSeconds } from './schemas.ts';
import { clientGone } from './cancellation.ts';
import { AnomalyRegionSchema, errorResponses, FrameSchema, Labels, NumberOrNull } from './responses.ts';
import { MAX_ANOMALY_SERIES as MAX_SERIES, type AnomalyUseCase } from '../usecases/anomalies/anomalies.ts';
import { DETECTOR_DESCRIPTION, DETECTOR_NAMES_ACCEPTED } from '../engines/anomaly/registry.ts';

const InlineValue = Type.Unsafe<number | string | null>({
  type: ['number', 'string', 'null'],
  description: 'null or "NaN" for a gap',
});

const AnomalyBody = Type.Object(
  {
    query: Type.Optional(Type.String({ minLength: 1, description: 'PromQL range expression; or give series' })),
    start: Type.Optional(TimeValue),
    end: Type.Optional(TimeValue),
    stepSeconds: Type.Optional(StepSeconds()),
    series: Type.Optional(
      Type.Array(
        Type.Object(
          {
            labels: Type.Optional(Type.Record(Type.String(), Type.String())),
            timestamps: Type.Array(Type.Number(unixSeconds), { description: 'Unix seconds, increasing' }),
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
  },
  { additionalProperties: false }
);

const ScoredSeriesSchema = Type.Object({
  labels: Labels,
  name: Type.String(),
  seriesKey: Type.String(),
  detector: Type.Union(DETECTOR_NAMES_ACCEPTED.map((d) => Type.Literal(d))),
  threshold: Type.Number(),
  thresholdSource: Type.Union([Type.Literal('default'), Type.Literal('feedback'), Type.Literal('request')]),
  status: Type.Union([Type.Literal('ok'), Type.Literal('insufficient_data'), Type.Literal('constant')]),
  reason: Type.Optional(Type.String()),
  regions: Type.Array(AnomalyRegionSchema),
  stream: Type.Optional(
    Type.Object({
      origin: Type.Union([Type.Literal('memory'), Type.Literal('store'), Type.Literal('new'), Type.Literal('rebuilt')]),
      fed: Type.Integer(),
      lastScoredMs: NumberOrNull,
      skipped: Type.Object({ alreadyScored: Type.Integer(), nonFinite: Type.Integer() }),
      gaps: Type.Array(
        Type.Object({ fromMs: Type.Number(), toMs: Type.Number(), steps: Type.Number(), reset: Type.Boolean() })
      ),
      notes: Type.Array(Type.String()),
    })
  ),
  frame: FrameSchema,
});

const GroupSchema = Type.Object({
  groupBy: Type.String(),
  value: Type.String(),
  seriesKey: Type.String(),
  metrics: Type.Array(Type.String()),
  threshold: Type.Number(),
  detector: Type.Union([Type.Literal('pca'), Type.Literal('autoencoder')]),
  notes: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('ok'), Type.Literal('insufficient_data')]),
  reason: Type.Optional(Type.String()),
  regions: Type.Array(
    Type.Object({
      ...AnomalyRegionSchema.properties,
      contributors: Type.Array(Type.Object({ metric: Type.String(), share: Type.Number() }), {
        description: 'The metrics that carried most of the residual over the region, largest first',
      }),
    })
  ),
  frame: Type.Optional(FrameSchema),
});

const AnomalyResponse = Type.Object({
  mode: Type.Union([Type.Literal('batch'), Type.Literal('streaming')]),
  series: Type.Array(ScoredSeriesSchema),
  groups: Type.Optional(Type.Array(GroupSchema, { description: 'With groupBy: one multivariate result per group' })),
  annotations: Type.Array(
    Type.Object({
      id: Type.String(),
      time: Type.Number(),
      timeEnd: Type.Number(),
      title: Type.String(),
      text: Type.String(),
      tags: Type.Array(Type.String()),
    }),
    { description: 'The regions as Grafana annotation events' }
  ),
  warnings: Type.Array(Type.String()),
  storeAvailable: Type.Boolean({ description: 'False without a store: feedback cannot be kept (503)' }),
});

const FeedbackRecordSchema = Type.Object({
  id: Type.Number(),
  regionId: Type.String(),
  seriesKey: Type.String(),
  verdict: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]),
  user: Type.String(),
  reason: Type.String(),
  createdAt: Type.String(),
  thresholdBefore: Type.Number(),
  thresholdAfter: Type.Number(),
});

export const anomalyRoutes: FastifyPluginAsync<{ anomalies: AnomalyUseCase; identify: Identify }> = async (
  app,
  { anomalies, identify }
) => {
  // Also served at /api/v1/anomalies/query: Grafana's datasource proxy matches routes by prefix, so a
  // datasource route for that path cannot reach /api/v1/anomalies/{id}/feedback (Editor-only via the app).
  for (const url of ['/api/v1/anomalies', '/api/v1/anomalies/query']) {
    app.post<{ Body: AnomalyBodyT }>(
      url,
      {
        // Inline series up to the points budget (usecases/budgets.ts) fit; the default 1 MB does not.
        bodyLimit: 8 * 1024 * 1024,
        schema: {
          tags: ['anomalies'],
          summary: 'Anomaly scores, regions and annotations for a PromQL range or inline series',
          body: AnomalyBody,
          response: { 200: AnomalyResponse, ...errorResponses },
        },
      },
      async (req, reply) => anomalies.detect(req.body, { signal: clientGone(reply) })
    );
  }

  app.post<{ Params: { id: string }; Body: Static<typeof FeedbackBody> }>(
    '/api/v1/anomalies/:id/feedback',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'True/false-positive feedback on a region: stored, audited, and moves the series threshold',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        body: FeedbackBody,
        response: { 201: FeedbackRecordSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const store = anomalies.store;
      if (!store) {
        return reply.status(503).send({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'store: not available; feedback cannot be kept (see /api/v1/health)',
          field: 'store',
        });
      }
      // The user comes from Grafana (X-Grafana-User, believed only with the token), never from the body.
      const who = identify(req, 'feedback');
      if ('refused' in who) {
        return reply.status(who.status).send({
          statusCode: who.status,
          error: who.status === 401 ? 'Unauthorized' : 'Forbidden',
          message: who.refused,
          field: who.refused.split(':')[0],
        });
      }
      return reply.status(201).send(await anomalies.feedback(req.params.id, req.body, who.user, store, who.credential));
    }
  );

  app.get<{ Querystring: { seriesKey?: string } }>(
    '/api/v1/anomalies/feedback',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'Feedback given so far (optionally for one series key)',
        querystring: Type.Object({ seriesKey: Type.Optional(Type.String({ maxLength: 1000 })) }),
        response: { 200: Type.Object({ feedback: Type.Array(FeedbackRecordSchema) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const store = anomalies.store;
      if (!store) {
        return reply
          .status(503)
          .send({ statusCode: 503, error: 'Service Unavailable', message: 'store: not available', field: 'store' });
      }
      return { feedback: await store.listFeedback(req.query.seriesKey) };
    }
  );
};
