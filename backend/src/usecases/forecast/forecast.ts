/**
 * Forecasting as the API and the accuracy tracker ask for it: a PromQL range query through the Sources' metrics
 * (or inline series), every series forecast by the ensemble engine, Grafana-ready frames, the reasons for
 * anything missing or partial, and a per-query cache (one step, at least 15 s).
 */
import { forecastSeries, MAX_HORIZON, validateForecastOptions } from '../../engines/forecast/engine.ts';
import { regularise } from '../../engines/forecast/series.ts';
import type { ForecastOutcome, RegularSeries } from '../../engines/forecast/types.ts';
import type { LoadedForecastModels } from '../../models/forecastRegistry.ts';
import type { TelemetrySource } from '../../telemetry/types.ts';
import type { Compute } from '../../compute/pool.ts';
import { checkTotalPoints } from '../budgets.ts';
import { TtlLru } from '../cache.ts';
import { BadRequestError } from '../errors.ts';
import { parseTime } from '../time.ts';
import { buildFrame, finiteOrNull, seriesName, type DataFrame } from './frames.ts';

/** At most this many series are forecast per query; the rest are left out with a warning. */
export const MAX_FORECAST_SERIES = 50;
/** Longest series (in steps) a request may hand in or query. */
export const MAX_FORECAST_POINTS = 100_000;
const MAX_POINTS = MAX_FORECAST_POINTS;
const CACHE_ENTRIES = 200;
const MIN_CACHE_TTL_MS = 15_000;
const DEFAULT_QUANTILES = [0.1, 0.9];
/** Deep candidates the registry knows by name, whether or not they loaded. */
const DEEP_MODEL_NAMES = ['lstm', 'tft_lite'];

export interface InlineSeriesInput {
  labels?: Record<string, string> | undefined;
  timestamps: Array<number | null>;
  /** A number; null, "NaN" or "±Inf" for a gap; numbers as strings. */
  values: Array<number | string | null>;
}

export interface ForecastRequest {
  query?: string | undefined;
  start?: number | string | undefined;
  end?: number | string | undefined;
  stepSeconds?: number | undefined;
  series?: InlineSeriesInput[] | undefined;
  horizon?: number | undefined;
  horizonSeconds?: number | undefined;
  quantiles?: number[] | undefined;
  models?: string[] | undefined;
}

export interface ModelStatus {
  name: string;
  file: string;
  version?: string;
  state: 'loaded' | 'missing' | 'corrupt' | 'checksum_mismatch';
  error?: string;
  card?: LoadedForecastModels['models'][number]['card'];
}

export interface SeriesForecast {
  labels: Record<string, string>;
  name: string;
  status: ForecastOutcome['status'];
  reasons: Array<{ code: string; message: string }>;
  model: string;
  explanation: string;
  backtestMase: number | null;
  candidates: Array<{ model: string; backtestMase: number | null; weight: number }>;
  seasonPeriod: number;
  stepSeconds: number | null;
  horizon: number;
  frame: DataFrame;
}

export interface ForecastAnswer {
  series: SeriesForecast[];
  warnings: string[];
  cached: boolean;
  models: ModelStatus[];
}

interface PreparedSeries {
  labels: Record<string, string>;
  name: string;
  series: RegularSeries;
  horizon: number;
}

function modelStatuses(loaded: LoadedForecastModels, withCards = false): ModelStatus[] {
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
function resolveHorizon(body: ForecastRequest, stepSeconds: number): number {
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

export interface ForecastUseCaseOptions {
  /** The Sources' metrics (a function: tests swap it). */
  metrics: () => TelemetrySource;
  /** The engine's candidates with the deep models' load status. */
  models: () => Promise<LoadedForecastModels>;
  now: () => number;
  /** Where the engine runs (a worker pool); absent: in the calling thread with the candidates of `models`. */
  compute?: Compute | undefined;
  /** Where a compute worker loads the candidates from (the same directory `models` reads). */
  modelsDir?: string | undefined;
}

export class ForecastUseCase {
  private readonly cache = new TtlLru<Omit<ForecastAnswer, 'cached'>>(CACHE_ENTRIES);

  constructor(private readonly opts: ForecastUseCaseOptions) {}

  /** Loads the ONNX sessions ahead of the first request. */
  warmUp(): Promise<unknown> {
    return this.opts.models();
  }

  /**
   * Every prepared series through the ensemble engine: in a compute worker when there is a pool (one task per
   * request, with its time limit and cancellation), else here.
   */
  private async forecastAll(
    prepared: PreparedSeries[],
    levels: number[],
    loaded: LoadedForecastModels,
    requested: string[] | undefined,
    signal: AbortSignal | undefined
  ): Promise<SeriesForecast[]> {
    const optionsOf = (p: PreparedSeries) => ({
      horizon: p.horizon,
      quantiles: levels,
      ...(requested ? { models: requested } : {}),
    });
    let outcomes: ForecastOutcome[];
    if (this.opts.compute && prepared.length > 0) {
      const r = await this.opts.compute.run(
        'forecast',
        { modelsDir: this.opts.modelsDir, items: prepared.map((p) => ({ series: p.series, options: optionsOf(p) })) },
        { signal }
      );
      outcomes = r.outcomes;
    } else {
      outcomes = [];
      for (const p of prepared) {
        // The engine itself drops a deep model that fails at inference, with a reason.
        outcomes.push(await forecastSeries(p.series, optionsOf(p), loaded.candidates));
      }
    }
    return prepared.map((p, i) => this.answerFor(p, outcomes[i]!, levels, loaded, requested));
  }

  private answerFor(
    p: PreparedSeries,
    outcome: ForecastOutcome,
    levels: number[],
    loaded: LoadedForecastModels,
    requested: string[] | undefined
  ): SeriesForecast {
    const extraReasons: Array<{ code: string; message: string }> = [];
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

  async forecast(body: ForecastRequest, opts: { signal?: AbortSignal | undefined } = {}): Promise<ForecastAnswer> {
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
    const loaded = await this.opts.models();
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
      checkTotalPoints(
        body.series.map((s) => s.timestamps.length),
        'series'
      );
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
      const out = await this.forecastAll(prepared, levels, loaded, requested, opts.signal);
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
    const nowMs = this.opts.now();
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
    const hit = this.cache.get(key, nowMs);
    if (hit) {
      return { ...hit, cached: true };
    }

    const result = await this.opts.metrics().queryRange({ query: body.query!, startMs, endMs, stepSeconds: step });
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
    const prepared: PreparedSeries[] = [];
    for (const [i, s] of selected.entries()) {
      if (s.samples.length === 0) {
        continue;
      }
      const series = regularise(
        s.samples.map(([t]) => t),
        s.samples.map(([, v]) => v),
        { field: 'query', stepSeconds: step, maxPoints: MAX_POINTS }
      );
      prepared.push({ labels: s.labels, name: seriesName(s.labels, `series ${i}`), series, horizon });
    }
    checkTotalPoints(
      prepared.map((p) => p.series.values.length),
      'query'
    );
    const out = await this.forecastAll(prepared, levels, loaded, requested, opts.signal);
    const answer = { series: out, warnings, models };
    this.cache.set(key, answer, nowMs + Math.max(stepMs, MIN_CACHE_TTL_MS));
    return { ...answer, cached: false };
  }

  /** The deep models (ONNX) and whether each loaded; the statistical candidates are always available. */
  async models() {
    const loaded = await this.opts.models();
    return {
      models: modelStatuses(loaded, true),
      statistical: loaded.candidates.filter((c) => !loaded.deepNames.includes(c.name)).map((c) => c.name),
      warnings: loaded.warnings,
    };
  }
}
