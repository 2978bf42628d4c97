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
};
