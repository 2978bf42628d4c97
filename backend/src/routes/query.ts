/** Raw telemetry queries through whichever TelemetrySource is configured (Prometheus or the simulator). */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TelemetrySource } from '../telemetry/types.ts';
import { BadRequestError } from './errors.ts';
import { parseTime } from '../usecases/time.ts';
import { checkQuerySteps } from '../usecases/budgets.ts';
import { StepSeconds, TimeValue } from './schemas.ts';
import { errorResponses } from './responses.ts';

export { parseTime } from '../usecases/time.ts';

const RangeBody = Type.Object({
  query: Type.String({ minLength: 1, description: 'PromQL expression' }),
  start: TimeValue,
  end: Type.Optional(TimeValue),
  stepSeconds: StepSeconds(),
});
const InstantBody = Type.Object({ query: Type.String({ minLength: 1 }), time: Type.Optional(TimeValue) });

const SeriesSchema = Type.Object({
  labels: Type.Record(Type.String(), Type.String()),
  samples: Type.Array(Type.Array(Type.Union([Type.Number(), Type.String()]), { minItems: 2, maxItems: 2 }), {
    description: '[unix seconds, value]; NaN and ±Inf as the strings "NaN", "+Inf", "-Inf"',
  }),
});
const QueryResultSchema = Type.Object({
  resultType: Type.String(),
  series: Type.Array(SeriesSchema),
  warnings: Type.Array(Type.String()),
});

/** JSON has no NaN/Inf: encode them as Prometheus does, as strings. */
function encodeSamples(samples: Array<[number, number]>): Array<[number, number | string]> {
  return samples.map(([t, v]) => [t, Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf']);
}

export const queryRoutes: FastifyPluginAsync<{ telemetry: () => TelemetrySource; now?: () => number }> = async (
  app,
  opts
) => {
  const now = opts.now ?? Date.now;
  app.post<{ Body: Static<typeof RangeBody> }>(
    '/api/v1/query/range',
    {
      schema: {
        tags: ['telemetry'],
        summary: 'Range query against the configured telemetry source',
        body: RangeBody,
        response: { 200: QueryResultSchema, ...errorResponses },
      },
    },
    async (req) => {
      const nowMs = now();
      const startMs = parseTime('start', req.body.start, nowMs);
      const endMs = parseTime('end', req.body.end, nowMs);
      if (startMs >= endMs) {
        throw new BadRequestError('start', 'must be before end');
      }
      checkQuerySteps(startMs, endMs, req.body.stepSeconds);
      const result = await opts
        .telemetry()
        .queryRange({ query: req.body.query, startMs, endMs, stepSeconds: req.body.stepSeconds });
      return { ...result, series: result.series.map((s) => ({ labels: s.labels, samples: encodeSamples(s.samples) })) };
    }
  );
  app.post<{ Body: Static<typeof InstantBody> }>(
    '/api/v1/query/instant',
    {
      schema: {
        tags: ['telemetry'],
        summary: 'Instant query against the configured telemetry source',
        body: InstantBody,
        response: { 200: QueryResultSchema, ...errorResponses },
      },
    },
    async (req) => {
      const timeMs = parseTime('time', req.body.time, now());
      const result = await opts.telemetry().queryInstant(req.body.query, timeMs);
      return { ...result, series: result.series.map((s) => ({ labels: s.labels, samples: encodeSamples(s.samples) })) };
    }
  );

  // Prometheus-shaped metadata for editors' completion (metric names, label names, label values), GET so the
  // plugin can proxy them to Viewers; narrowed by `match[]` selectors as Prometheus's own API is.
  const MatchQuery = Type.Object({
    'match[]': Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { maxItems: 20 })], {
        description: 'Series selectors, e.g. up{job="api"}; repeat for several',
      })
    ),
    start: Type.Optional(TimeValue),
    end: Type.Optional(TimeValue),
  });
  const matchers = (m: string | string[] | undefined): string[] => (m === undefined ? [] : Array.isArray(m) ? m : [m]);
  /** At most this many values in one answer; a completion list never needs more. */
  const MAX_METADATA = 5000;

  app.get<{ Params: { name: string }; Querystring: Static<typeof MatchQuery> }>(
    '/api/v1/label/:name/values',
    {
      schema: {
        tags: ['telemetry'],
        summary: 'Values of one label (__name__: metric names), optionally only on series matching match[]',
        params: Type.Object({ name: Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }) }),
        querystring: MatchQuery,
        response: {
          200: Type.Object({
            status: Type.Literal('success'),
            data: Type.Array(Type.String()),
            truncated: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      // Strings only: a source that looks the name up on a plain object would also find `valueOf`, `__proto__`, …
      const values = (await opts.telemetry().labelValues(req.params.name, matchers(req.query['match[]']))).filter(
        (v): v is string => typeof v === 'string'
      );
      return {
        status: 'success' as const,
        data: values.slice(0, MAX_METADATA),
        truncated: values.length > MAX_METADATA,
      };
    }
  );

  app.get<{ Querystring: Static<typeof MatchQuery> }>(
    '/api/v1/series',
    {
      schema: {
        tags: ['telemetry'],
        summary: 'Label sets of the series matching match[] (label names for completion)',
        querystring: MatchQuery,
        response: {
          200: Type.Object({
            status: Type.Literal('success'),
            data: Type.Array(Type.Record(Type.String(), Type.String())),
            truncated: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const selectors = matchers(req.query['match[]']);
      if (selectors.length === 0) {
        throw new BadRequestError('match[]', 'give at least one series selector, e.g. match[]=up');
      }
      const nowMs = now();
      const startMs = req.query.start === undefined ? undefined : parseTime('start', req.query.start, nowMs);
      const endMs = req.query.end === undefined ? undefined : parseTime('end', req.query.end, nowMs);
      const series = await opts.telemetry().series(selectors, startMs, endMs);
      return {
        status: 'success' as const,
        data: series.slice(0, MAX_METADATA),
        truncated: series.length > MAX_METADATA,
      };
    }
  );
};
