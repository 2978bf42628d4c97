/** Forecast routes: schemas, and one use-case call each (usecases/forecast/forecast.ts). */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import { MAX_HORIZON } from '../engines/forecast/engine.ts';
import { MAX_FORECAST_SERIES, type ForecastUseCase } from '../usecases/forecast/forecast.ts';
import { StepSeconds, TimeValue, unixSeconds } from './schemas.ts';
import { clientGone } from './cancellation.ts';
import { errorResponses } from './responses.ts';

export { MAX_FORECAST_SERIES } from '../usecases/forecast/forecast.ts';
export { TtlLru } from '../usecases/cache.ts';

// ------------------------------------------------------------------------------------------------
// Schemas

/**
 * JSON has no NaN: a gap is null or the string "NaN" (±Inf, as Prometheus writes them, are gaps too).
 * A type list, not a union: the app's Ajv coerces types, and in a union it would turn 0 into null
 * (or null into 0); with a list it leaves any value that matches one of the types alone.
 */
const InlineValue = Type.Unsafe<number | string | null>({
  type: ['number', 'string', 'null'],
  pattern: '^(NaN|[+-]?Inf|[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?)$',
  description:
    'A number; null, "NaN" or "±Inf" for a gap; numbers as strings ("1.5", as the Prometheus API writes them) are accepted',
});
/** null is let through (not coerced to 0) so the handler can name it. */
const InlineTimestamp = Type.Unsafe<number | null>({ type: ['number', 'null'], ...unixSeconds });

const InlineSeries = Type.Object(
  {
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    timestamps: Type.Array(InlineTimestamp, { description: 'Unix seconds, strictly increasing' }),
    values: Type.Array(InlineValue, { description: 'One per timestamp; null or "NaN" marks a gap' }),
  },
  { additionalProperties: false }
);

const ForecastBody = Type.Object(
  {
    query: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'PromQL range expression (needs start and stepSeconds); or give series',
      })
    ),
    start: Type.Optional(TimeValue),
    end: Type.Optional(TimeValue),
    stepSeconds: Type.Optional(
      StepSeconds('Query resolution; for inline series the sampling step (inferred from the timestamps when absent)')
    ),
    series: Type.Optional(
      Type.Array(InlineSeries, {
        minItems: 1,
        maxItems: MAX_FORECAST_SERIES,
        description: 'Inline series instead of a query (not cached)',
      })
    ),
    horizon: Type.Optional(
      Type.Integer({ minimum: 1, description: `Steps to forecast (1..${MAX_HORIZON}); or give horizonSeconds` })
    ),
    horizonSeconds: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'Forecast length in seconds, rounded up to whole steps' })
    ),
    quantiles: Type.Optional(
      Type.Array(Type.Number(), {
        maxItems: 10,
        description: 'Quantile levels besides the median; default [0.1, 0.9]. Add 0.025 and 0.975 for a 95% band',
      })
    ),
    models: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        maxItems: 20,
        description: 'Restrict the ensemble to these candidates',
      })
    ),
  },
  { additionalProperties: false }
);
type ForecastBodyT = Static<typeof ForecastBody>;

/** number | null, serialised without per-item schema matching (these arrays can be long). */
const NullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] });

const FrameField = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.Literal('time'), Type.Literal('number')]),
  values: Type.Array(NullableNumber),
  config: Type.Optional(
    Type.Object(
      {},
      { additionalProperties: true, description: 'Grafana field config (custom.lineStyle, custom.fillBelowTo, …)' }
    )
  ),
});

const DataFrameSchema = Type.Object(
  { name: Type.String(), fields: Type.Array(FrameField) },
  {
    description:
      'Grafana data frame: time (ms), value (history; null in the future), forecast (median; null in the history except at the last actual point), ' +
      'lower/upper (p10/p90), lower95/upper95 (p2.5/p97.5) and pN for other quantiles',
  }
);

const ModelStatusSchema = Type.Object({
  name: Type.String(),
  file: Type.String(),
  version: Type.Optional(Type.String()),
  state: Type.Union([
    Type.Literal('loaded'),
    Type.Literal('missing'),
    Type.Literal('corrupt'),
    Type.Literal('checksum_mismatch'),
  ]),
  error: Type.Optional(Type.String()),
  card: Type.Optional(
    Type.Object({
      architecture: Type.Optional(Type.String()),
      parameters: Type.Optional(Type.Number()),
      trainedAt: Type.Optional(Type.String()),
      sha256: Type.Optional(Type.String()),
      validation: Type.Record(
        Type.String(),
        Type.Object({
          windows: Type.Number(),
          pinball: Type.Number(),
          mae: NullableNumber,
          coverage80: NullableNumber,
          naiveMae: Type.Optional(NullableNumber),
        })
      ),
    })
  ),
});

const SeriesForecastSchema = Type.Object({
  labels: Type.Record(Type.String(), Type.String()),
  name: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('partial'), Type.Literal('none')]),
  reasons: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
  model: Type.String(),
  explanation: Type.String(),
  backtestMase: NullableNumber,
  candidates: Type.Array(Type.Object({ model: Type.String(), backtestMase: NullableNumber, weight: Type.Number() })),
  seasonPeriod: Type.Integer({ description: 'Season length in steps, 0 when none' }),
  stepSeconds: NullableNumber,
  horizon: Type.Integer({ description: 'Forecast steps' }),
  frame: DataFrameSchema,
});

const ForecastResponse = Type.Object({
  series: Type.Array(SeriesForecastSchema),
  warnings: Type.Array(Type.String()),
  cached: Type.Boolean(),
  models: Type.Array(ModelStatusSchema, { description: 'Deep forecasting models and whether they loaded' }),
});

const ModelsResponse = Type.Object({
  models: Type.Array(ModelStatusSchema),
  statistical: Type.Array(Type.String(), { description: 'Statistical candidates, always available' }),
  warnings: Type.Array(Type.String()),
});

// ------------------------------------------------------------------------------------------------
// Routes

export const forecastRoutes: FastifyPluginAsync<{ forecast: ForecastUseCase }> = async (app, { forecast }) => {
  // Load the ONNX sessions in the background once the server is ready, so the first request does not pay for it.
  app.addHook('onReady', async () => {
    forecast.warmUp().catch((err: unknown) => app.log.warn({ err }, 'loading forecasting models failed'));
  });

  app.post<{ Body: ForecastBodyT }>(
    '/api/v1/forecast',
    {
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['forecast'],
        summary:
          'Forecast every series of a PromQL range query (or inline series) with quantile bands, as Grafana data frames',
        description:
          'Give either `query` + `start` (+ `end`, default now) + `stepSeconds`, or `series` inline; and exactly one of `horizon` (steps) ' +
          `or \`horizonSeconds\`. At most ${MAX_FORECAST_SERIES} series are forecast. Query answers are cached for one step (at least 15 s) ` +
          'per query, step-aligned range, step, horizon, quantiles and models; `cached` says when an answer came from the cache.',
        body: ForecastBody,
        response: { 200: ForecastResponse, ...errorResponses },
      },
    },
    async (req, reply) => forecast.forecast(req.body, { signal: clientGone(reply) })
  );

  app.get(
    '/api/v1/forecast/models',
    {
      schema: {
        tags: ['forecast'],
        summary:
          'The deep forecasting models (ONNX) and whether each loaded; the statistical candidates are always available',
        response: { 200: ModelsResponse, ...errorResponses },
      },
    },
    async () => forecast.models()
  );
};
