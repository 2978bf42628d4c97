/**
 * `GET /api/v1/forecast/accuracy`: forecast accuracy over time per model (backtest error on the operator's own
 * data, realised error of the ensemble once forecasts mature), drift against each model's reference, and the
 * ensemble's last realised accuracy per series — from the ForecastAccuracyTracker loop.
 */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ForecastAccuracyTracker } from '../watch/forecastAccuracy.ts';
import { errorResponses } from './responses.ts';

const OptionalNumber = (description: string) => Type.Optional(Type.Number({ description }));
const NullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] });

const AccuracyPointSchema = Type.Object({
  t: Type.Number({ description: 'Unix ms of the forecast' }),
  backtestMase: OptionalNumber('Backtest scaled MAE on the series’ own history at t'),
  relativeToNaive: OptionalNumber('Backtest MAE relative to the naive (last value) candidate on the same windows'),
  realisedMase: OptionalNumber('Realised scaled MAE of the forecast issued at t (ensemble only, once matured)'),
  coverage80: OptionalNumber('Realised share of actuals inside the 80% band (ensemble only)'),
});

const ModelAccuracySchema = Type.Object({
  model: Type.String(),
  kind: Type.Union([Type.Literal('ensemble'), Type.Literal('deep'), Type.Literal('statistical')]),
  metric: Type.Union([Type.Literal('backtestMase'), Type.Literal('relativeToNaive'), Type.Literal('realisedMase')], {
    description: 'The metric drift is judged on',
  }),
  points: Type.Array(AccuracyPointSchema, {
    description: 'Median across series per forecast time (coverage: mean), oldest first',
  }),
  rolling: NullableNumber,
  rollingCoverage80: NullableNumber,
  reference: Type.Union([Type.Object({ value: Type.Number(), source: Type.String() }), Type.Null()]),
  ratio: NullableNumber,
  drift: Type.Boolean(),
  coverageDrift: Type.Boolean(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('drift'), Type.Literal('insufficient')]),
  reason: Type.String(),
});

const SeriesAccuracySchema = Type.Object({
  key: Type.String(),
  name: Type.String(),
  query: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  model: Type.String({ description: 'Model or ensemble chosen at the last forecast' }),
  lastIssuedMs: Type.Number(),
  pendingForecasts: Type.Integer(),
  realised: Type.Union([
    Type.Object({
      issuedAtMs: Type.Number(),
      scoredAtMs: Type.Number(),
      mase: Type.Number(),
      coverage80: Type.Number(),
      wql: NullableNumber,
      scaledPinball: Type.Number(),
      points: Type.Integer(),
    }),
    Type.Null(),
  ]),
});

const AccuracyResponse = Type.Object({
  running: Type.Boolean(),
  message: Type.Optional(Type.String()),
  maturesInMinutes: Type.Optional(
    Type.Integer({ description: 'About how long after the first forecast realised accuracy appears' })
  ),
  settings: Type.Optional(
    Type.Object({
      intervalSeconds: Type.Number(),
      windowSeconds: Type.Number(),
      driftThreshold: Type.Number(),
      coverageFloor: Type.Number(),
      watches: Type.Array(Type.Object({ query: Type.String(), stepSeconds: Type.Number(), horizon: Type.Integer() })),
    })
  ),
  lastRun: Type.Union([
    Type.Object({
      atMs: Type.Number(),
      forecasts: Type.Integer(),
      scored: Type.Integer(),
      error: Type.Optional(Type.String()),
    }),
    Type.Null(),
  ]),
  models: Type.Array(ModelAccuracySchema),
  series: Type.Array(SeriesAccuracySchema),
});
type AccuracyResponseT = Static<typeof AccuracyResponse>;

export interface ForecastAccuracyRouteOptions {
  tracker: ForecastAccuracyTracker | undefined;
}

export const forecastAccuracyRoutes: FastifyPluginAsync<ForecastAccuracyRouteOptions> = async (app, opts) => {
  app.get(
    '/api/v1/forecast/accuracy',
    {
      schema: {
        tags: ['forecast'],
        summary:
          'Forecast accuracy over time per model, drift against each model’s reference, and the ensemble’s realised accuracy per series',
        description:
          'Deep models are judged on backtest MAE relative to the naive forecast against their model card’s validation mae/naiveMae; ' +
          'statistical candidates on backtest scaled MAE against their own first-day median; the ensemble on realised scaled MAE ' +
          '(forecasts scored once their horizon has passed) and realised 80% coverage.',
        response: { 200: AccuracyResponse, ...errorResponses },
      },
    },
    async (): Promise<AccuracyResponseT> => {
      const tracker = opts.tracker;
      if (!tracker) {
        return {
          running: false,
          message: 'the forecast accuracy tracker is not running in this process',
          lastRun: null,
          models: [],
          series: [],
        };
      }
      const models = tracker.models();
      return {
        running: true,
        ...(models.length === 0
          ? {
              message: `no forecasts yet; accuracy appears after the first forecasts have matured, about ${tracker.maturesInMinutes} minutes`,
            }
          : {}),
        maturesInMinutes: tracker.maturesInMinutes,
        settings: tracker.settings,
        lastRun: tracker.lastRun ?? null,
        models,
        series: tracker.series(),
      };
    }
  );
};
