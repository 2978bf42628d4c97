/**
 * Forecast API: runs a PromQL range query through the configured TelemetrySource (or takes inline series),
 * forecasts every series with the ensemble engine, and answers Grafana-ready data frames (history, median,
 * quantile bands) with the reasons for anything missing or partial.
 */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TelemetrySource } from '../telemetry/types.ts';
import { forecastSeries, MAX_HORIZON, validateForecastOptions } from '../engines/forecast/engine.ts';
import { regularise } from '../engines/forecast/series.ts';
import type { ForecastOutcome, RegularSeries } from '../engines/forecast/types.ts';
import { loadForecastCandidates, type LoadedForecastModels } from '../models/forecastRegistry.ts';
import { BadRequestError } from './errors.ts';
import { parseTime } from './query.ts';

/** At most this many series are forecast per query; the rest are left out with a warning. */
export const MAX_FORECAST_SERIES = 50;
/** Longest series (in steps) a request may hand in or query. */
const MAX_POINTS = 100_000;
const CACHE_ENTRIES = 200;
const MIN_CACHE_TTL_MS = 15_000;
const DEFAULT_QUANTILES = [0.1, 0.9];
/** Deep candidates the registry knows by name, whether or not they loaded. */
const DEEP_MODEL_NAMES = ['lstm', 'tft_lite'];

// ------------------------------------------------------------------------------------------------
// Schemas

const TimeValue = Type.Union([Type.Number(), Type.String()], {
  description: 'Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h"',
});

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
const InlineTimestamp = Type.Unsafe<number | null>({ type: ['number', 'null'] });

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
      Type.Number({
        exclusiveMinimum: 0,
        description: 'Query resolution; for inline series the sampling step (inferred from the timestamps when absent)',
      })
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
        Type.Object({ windows: Type.Number(), pinball: Type.Number(), mae: NullableNumber, coverage80: NullableNumber })
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
type ForecastResponseT = Static<typeof ForecastResponse>;
type SeriesForecastT = Static<typeof SeriesForecastSchema>;
type FrameT = Static<typeof DataFrameSchema>;

const ModelsResponse = Type.Object({
  models: Type.Array(ModelStatusSchema),
  statistical: Type.Array(Type.String(), { description: 'Statistical candidates, always available' }),
  warnings: Type.Array(Type.String()),
});

// ------------------------------------------------------------------------------------------------
// Cache

/** A small LRU with a per-entry expiry. */
export class TtlLru<V> {
  private readonly map = new Map<string, { value: V; expiresAt: number }>();
  constructor(private readonly max: number) {}

  get(key: string, nowMs: number): V | undefined {
    const hit = this.map.get(key);
    if (!hit) {
      return undefined;
    }
    this.map.delete(key);
    if (hit.expiresAt <= nowMs) {
      return undefined;
    }
    this.map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.map.delete(key);
    this.map.set(key, { value, expiresAt });
    while (this.map.size > this.max) {
      this.map.delete(this.map.keys().next().value as string);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

// ------------------------------------------------------------------------------------------------
// Frames

const finiteOrNull = (x: number | null | undefined): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;

function seriesName(labels: Record<string, string>, fallback: string): string {
  const { __name__: metric = '', ...rest } = labels;
  const inner = Object.entries(rest)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  if (!metric && !inner) {
    return fallback;
  }
  return inner ? `${metric}{${inner}}` : metric;
}

function quantileFieldName(q: number): string {
  const named: Record<string, string> = { '0.1': 'lower', '0.9': 'upper', '0.025': 'lower95', '0.975': 'upper95' };
  return named[String(q)] ?? `p${Number((q * 100).toFixed(4))}`;
}

/**
 * History and forecast on one time axis (ms). A trailing gap makes the forecast start inside the
 * history's grid, so rows are merged by time; the forecast and bands also hold the last actual value
 * at the forecast origin, so the lines join.
 */
export function buildFrame(name: string, series: RegularSeries, outcome: ForecastOutcome, levels: number[]): FrameT {
  const n = series.values.length;
  const step = series.stepSeconds;
  const toMs = (t: number): number => Math.round(t * 1000);
  const histMs: number[] = [];
  for (let i = 0; i < n; i++) {
    histMs.push(toMs(n === 1 ? series.lastTimestamp : series.lastTimestamp - (n - 1 - i) * step));
  }
  const fcMs = outcome.forecast ? outcome.timestamps.map(toMs) : [];
  const times = [...new Set([...histMs, ...fcMs])].sort((a, b) => a - b);
  const row = new Map(times.map((t, i) => [t, i]));
  const empty = (): Array<number | null> => new Array<number | null>(times.length).fill(null);

  const value = empty();
  histMs.forEach((t, i) => (value[row.get(t)!] = finiteOrNull(series.values[i])));

  const forecast = empty();
  const bands = new Map(levels.map((q) => [q, empty()]));
  if (outcome.forecast) {
    const f = outcome.forecast;
    fcMs.forEach((t, k) => {
      const r = row.get(t)!;
      forecast[r] = finiteOrNull(f.p50[k]);
      for (const q of levels) {
        bands.get(q)![r] = finiteOrNull(f.quantiles.get(q)?.[k]);
      }
    });
    const originTs = outcome.timestamps[0]! - step;
    const originRow = row.get(toMs(originTs));
    if (originRow !== undefined && value[originRow] !== null) {
      forecast[originRow] = value[originRow]!;
      for (const q of levels) {
        bands.get(q)![originRow] = value[originRow]!;
      }
    }
  }

  const fields: FrameT['fields'] = [
    { name: 'time', type: 'time', values: times },
    { name: 'value', type: 'number', values: value, config: { description: 'Actual values' } },
    {
      name: 'forecast',
      type: 'number',
      values: forecast,
      config: {
        description: `Median forecast (${outcome.model})`,
        custom: { lineStyle: { fill: 'dash', dash: [10, 10] } },
      },
    },
  ];
  for (const q of levels) {
    const fieldName = quantileFieldName(q);
    const partner = levels.find((p) => Math.abs(p - (1 - q)) < 1e-9);
    const custom: Record<string, unknown> = { lineWidth: 0 };
    if (q > 0.5 && partner !== undefined) {
      custom['fillBelowTo'] = quantileFieldName(partner);
      custom['fillOpacity'] = q - partner >= 0.9 ? 10 : 20;
    }
    fields.push({
      name: fieldName,
      type: 'number',
      values: bands.get(q)!,
      config: { description: `Quantile ${q} of the forecast`, custom },
    });
  }
  return { name, fields };
}

// ------------------------------------------------------------------------------------------------
// Route

export interface ForecastRouteOptions {
  telemetry: () => TelemetrySource;
  /** The engine's candidates with the deep models' load status (default: loadForecastCandidates(modelsDir)). */
  models?: () => Promise<LoadedForecastModels>;
  modelsDir?: string | undefined;
  now?: () => number;
}

interface PreparedSeries {
  labels: Record<string, string>;
  name: string;
  series: RegularSeries;
  horizon: number;
}

function modelStatuses(loaded: LoadedForecastModels, withCards = false): ForecastResponseT['models'] {
  return loaded.models.map((m) => ({
    name: m.name,
    file: m.file,
    state: m.state,
    ...(m.version !== undefined ? { version: m.version } : {}),
    ...(m.error !== undefined ? { error: m.error } : {}),
    ...(withCards && m.card ? { card: m.card } : {}),
  }));
}

function deepUnavailableReason(
  loaded: LoadedForecastModels,
  requested: string[] | undefined
): { code: string; message: string } | undefined {
  const failed = loaded.models.filter((m) => m.state !== 'loaded' && (!requested || requested.includes(m.name)));
  if (failed.length > 0) {
    return {
      code: 'deep_models_unavailable',
      message: `${failed.map((m) => `${m.name} is ${m.state.replace('_', ' ')}`).join(', ')}; forecast from the statistical models`,
    };
  }
  if (loaded.deepNames.length === 0 && (!requested || requested.some((r) => DEEP_MODEL_NAMES.includes(r)))) {
    return {
      code: 'deep_models_unavailable',
      message: 'no deep forecasting models are installed; forecast from the statistical models',
    };
  }
  return undefined;
}

/** Steps for horizonSeconds at this step, or the horizon as given. */
function resolveHorizon(body: ForecastBodyT, stepSeconds: number): number {
  if (body.horizon !== undefined) {
    return body.horizon;
  }
  if (!(stepSeconds > 0)) {
    return 1;
  } // a single sample: the engine answers insufficient_history whatever the horizon
  const steps = Math.ceil(body.horizonSeconds! / stepSeconds - 1e-9);
  if (steps > MAX_HORIZON) {
    throw new BadRequestError(
      'horizonSeconds',
      `is ${steps} steps of ${stepSeconds}s; at most ${MAX_HORIZON} steps are allowed`
    );
  }
  return Math.max(1, steps);
}

function toNumber(v: number | string | null): number {
  if (typeof v === 'number') {
    return v;
  }
  if (v === null || /^(NaN|[+-]?Inf)$/.test(v)) {
    return Number.NaN;
  }
  return Number(v);
}

export const forecastRoutes: FastifyPluginAsync<ForecastRouteOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  const loadModels = opts.models ?? (() => loadForecastCandidates({ modelsDir: opts.modelsDir }));
  const cache = new TtlLru<Omit<ForecastResponseT, 'cached'>>(CACHE_ENTRIES);

  // Load the ONNX sessions in the background once the server is ready, so the first request does not pay for it.
  app.addHook('onReady', async () => {
    loadModels().catch((err: unknown) => app.log.warn({ err }, 'loading forecasting models failed'));
  });

  async function forecastOne(
    p: PreparedSeries,
    levels: number[],
    loaded: LoadedForecastModels,
    requested: string[] | undefined
  ): Promise<SeriesForecastT> {
    const options = { horizon: p.horizon, quantiles: levels, ...(requested ? { models: requested } : {}) };
    const extraReasons: Array<{ code: string; message: string }> = [];
    // The engine itself drops a deep model that fails at inference, with a reason.
    const outcome: ForecastOutcome = await forecastSeries(p.series, options, loaded.candidates);
    // Say when deep models are missing; on a 'none' answer only when they were all that was asked for.
    const onlyUnavailableAsked =
      requested !== undefined && requested.every((r) => DEEP_MODEL_NAMES.includes(r) && !loaded.deepNames.includes(r));
    if (extraReasons.length === 0 && (outcome.status !== 'none' || onlyUnavailableAsked)) {
      const why = deepUnavailableReason(loaded, requested);
      if (why && onlyUnavailableAsked) {
        why.message = why.message.replace(
          /; forecast from the statistical models$/,
          '; leave out models (or name statistical ones) to forecast without it'
        );
      }
      if (why) {
        extraReasons.push(why);
      }
    }
    const step = p.series.stepSeconds;
    return {
      labels: p.labels,
      name: p.name,
      status: outcome.status,
      reasons: [...outcome.reasons, ...extraReasons],
      model: outcome.model,
      explanation: outcome.explanation,
      backtestMase: finiteOrNull(outcome.backtestMase),
      candidates: outcome.candidates.map((c) => ({
        model: c.model,
        backtestMase: finiteOrNull(c.backtestMase),
        weight: finiteOrNull(c.weight) ?? 0,
      })),
      seasonPeriod: outcome.seasonPeriod,
      stepSeconds: finiteOrNull(step),
      horizon: p.horizon,
      frame: buildFrame(p.name, p.series, outcome, levels),
    };
  }

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
        response: { 200: ForecastResponse },
      },
    },
    async (req): Promise<ForecastResponseT> => {
      const body = req.body;
      if ((body.query === undefined) === (body.series === undefined)) {
        throw new BadRequestError(
          'query',
          'give either query (with start and stepSeconds) or series, not both and not neither'
        );
      }
      if ((body.horizon === undefined) === (body.horizonSeconds === undefined)) {
        throw new BadRequestError('horizon', 'give exactly one of horizon (steps) or horizonSeconds');
      }
      const requested = body.models ? [...new Set(body.models)].sort() : undefined;
      const levels = validateForecastOptions({
        horizon: body.horizon ?? 1,
        quantiles: body.quantiles ?? DEFAULT_QUANTILES,
      });
      const loaded = await loadModels();
      if (requested) {
        const known = new Set([
          ...loaded.candidates.map((c) => c.name),
          ...loaded.models.map((m) => m.name),
          ...DEEP_MODEL_NAMES,
        ]);
        const unknown = requested.filter((m) => !known.has(m));
        if (unknown.length > 0) {
          throw new BadRequestError(
            'models',
            `unknown model(s) ${unknown.join(', ')}; known: ${[...known].sort().join(', ')}`
          );
        }
      }
      const baseWarnings = [...loaded.warnings];
      const models = modelStatuses(loaded);

      if (body.series) {
        const prepared = body.series.map((s, i): PreparedSeries => {
          const field = `series[${i}]`;
          const missing = s.timestamps.indexOf(null);
          if (missing >= 0) {
            throw new BadRequestError(`${field}.timestamps`, `index ${missing} is null; every value needs a timestamp`);
          }
          const series = regularise(s.timestamps as number[], s.values.map(toNumber), {
            field,
            maxPoints: MAX_POINTS,
            ...(body.stepSeconds !== undefined ? { stepSeconds: body.stepSeconds } : {}),
          });
          const labels = s.labels ?? {};
          return {
            labels,
            name: seriesName(labels, body.series!.length === 1 ? 'series' : field),
            series,
            horizon: resolveHorizon(body, series.stepSeconds),
          };
        });
        const out: SeriesForecastT[] = [];
        for (const p of prepared) {
          out.push(await forecastOne(p, levels, loaded, requested));
        }
        return { series: out, warnings: baseWarnings, cached: false, models };
      }

      // Query mode.
      if (body.start === undefined) {
        throw new BadRequestError('start', 'is required with query');
      }
      if (body.stepSeconds === undefined) {
        throw new BadRequestError('stepSeconds', 'is required with query');
      }
      const step = body.stepSeconds;
      const stepMs = step * 1000;
      const nowMs = now();
      // Step-aligned range: the same request within one step is the same query (and the same cache entry).
      const startMs = Math.floor(parseTime('start', body.start, nowMs) / stepMs) * stepMs;
      const endMs = Math.floor(parseTime('end', body.end, nowMs) / stepMs) * stepMs;
      if (startMs >= endMs) {
        throw new BadRequestError('start', 'must be at least one step before end');
      }
      if ((endMs - startMs) / stepMs + 1 > MAX_POINTS) {
        throw new BadRequestError('stepSeconds', `the range holds more than ${MAX_POINTS} steps; use a larger step`);
      }
      const horizon = resolveHorizon(body, step);
      validateForecastOptions({ horizon, quantiles: levels });

      const key = JSON.stringify([body.query, startMs, endMs, step, horizon, levels, requested ?? null]);
      const hit = cache.get(key, nowMs);
      if (hit) {
        return { ...hit, cached: true };
      }

      const result = await opts.telemetry().queryRange({ query: body.query!, startMs, endMs, stepSeconds: step });
      const warnings = [...result.warnings, ...baseWarnings];
      if (result.series.length === 0) {
        warnings.push(
          `the query returned no series between ${new Date(startMs).toISOString()} and ${new Date(endMs).toISOString()}`
        );
      }
      let selected = result.series;
      if (selected.length > MAX_FORECAST_SERIES) {
        warnings.push(
          `the query returned ${selected.length} series; only the first ${MAX_FORECAST_SERIES} were forecast (aggregate or narrow the query)`
        );
        selected = selected.slice(0, MAX_FORECAST_SERIES);
      }
      const out: SeriesForecastT[] = [];
      for (const [i, s] of selected.entries()) {
        if (s.samples.length === 0) {
          continue;
        }
        const series = regularise(
          s.samples.map(([t]) => t),
          s.samples.map(([, v]) => v),
          { field: 'query', stepSeconds: step, maxPoints: MAX_POINTS }
        );
        out.push(
          await forecastOne(
            { labels: s.labels, name: seriesName(s.labels, `series ${i}`), series, horizon },
            levels,
            loaded,
            requested
          )
        );
      }
      const answer = { series: out, warnings, models };
      cache.set(key, answer, nowMs + Math.max(stepMs, MIN_CACHE_TTL_MS));
      return { ...answer, cached: false };
    }
  );

  app.get(
    '/api/v1/forecast/models',
    {
      schema: {
        tags: ['forecast'],
        summary:
          'The deep forecasting models (ONNX) and whether each loaded; the statistical candidates are always available',
        response: { 200: ModelsResponse },
      },
    },
    async () => {
      const loaded = await loadModels();
      return {
        models: modelStatuses(loaded, true),
        statistical: loaded.candidates.filter((c) => !loaded.deepNames.includes(c.name)).map((c) => c.name),
        warnings: loaded.warnings,
      };
    }
  );
};
