/** What the sidecar watches by itself and why: GET /api/v1/watch. */
import { Type } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { WatchService } from '../watch/service.ts';
import { errorResponses, Nullable } from './responses.ts';

const OptionalNumber = Type.Optional(Type.Number());
const WatchEntrySchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('anomaly'), Type.Literal('forecast')]),
  query: Type.String(),
  origin: Type.String({
    description: 'simulator default, managed service SLI, managed service request rate, configured',
  }),
  signal: Type.String({ description: 'latency_p95_seconds, error_ratio, request_rate or custom' }),
  why: Type.String(),
  service: Type.Optional(Type.String()),
  stepSeconds: OptionalNumber,
  horizonSeconds: OptionalNumber,
  lookbackSeconds: OptionalNumber,
  availableSeconds: OptionalNumber,
  readyInSeconds: OptionalNumber,
  state: Type.Union([
    Type.Literal('ready'),
    Type.Literal('warming up'),
    Type.Literal('not resolved yet'),
    Type.Literal('error'),
  ]),
  resolution: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});
const WatchStatusSchema = Type.Object({
  mode: Type.Union([Type.Literal('demo'), Type.Literal('live')]),
  anomalies: Type.Array(WatchEntrySchema),
  forecasts: Type.Array(WatchEntrySchema),
  notes: Type.Array(Type.String()),
  predictions: Nullable(
    Type.Object({
      series: Type.Number(),
      maxSeries: Type.Number(),
      dropped: Type.Number(),
      capped: Type.Boolean(),
      leadTimesSeconds: Type.Array(Type.Number()),
      metrics: Type.Array(Type.String()),
    })
  ),
  lastRun: Type.Optional(Nullable(Type.Object({ atMs: Type.Number(), error: Type.Optional(Type.String()) }))),
});

export const watchRoutes: FastifyPluginAsync<{ watch: WatchService | undefined }> = async (app, { watch }) => {
  app.get(
    '/api/v1/watch',
    {
      schema: {
        tags: ['anomalies'],
        summary:
          'The queries the sidecar watches by itself (incidents, forecasts, prediction series): where each came from, its step and lookback chosen from the history available, and how long until it is ready',
        response: { 200: WatchStatusSchema, ...errorResponses },
      },
    },
    async () =>
      watch?.status() ?? {
        mode: 'live',
        anomalies: [],
        forecasts: [],
        notes: ['the watchers are not running in this process'],
        predictions: null,
        lastRun: null,
      }
  );
};
