/**
 * The forecasting ensemble: the history is cleaned (gaps, irregular samples), its seasonal periods are
 * detected (seasonality.ts), every applicable candidate is backtested from rolling origins on the series'
 * own recent history (backtest.ts), the best few are combined with inverse-error weights, and the bands
 * come from adaptive conformal inference over honest backtest residuals (combine.ts, conformal.ts). A level
 * shift or fast ramp at the very end, which the backtest origins cannot have seen, is detected and the forecast
 * intercept-corrected to the post-break level (levelShift.ts). Everything it decided is returned as reasons. Pure: no I/O, no clocks.
 */
import { AUGURS_CANDIDATE_NAMES } from './augurs.ts';
import { DEEP_CANDIDATE_NAMES, MIN_HISTORY, runBacktest, type BacktestTable } from './backtest.ts';
import type { Candidate } from './candidates.ts';
import {
  bandOffsets,
  bandScores,
  candidateErrors,
  chooseCombination,
  combineAt,
  honestResiduals,
  type CandidateError,
  type ChosenCandidate,
} from './combine.ts';
import type { ConformalScores } from './conformal.ts';
import { detectLevelShift, withoutShift, type LevelShift } from './levelShift.ts';
import { detectSeasonality, type Seasonality, type SeasonalityOptions } from './seasonality.ts';
import { cleanHistory, ForecastInputError } from './series.ts';
import { meanAbsDiff, normalQuantile } from './stats.ts';
import type {
  CandidateScore,
  EnsembleSettings,
  ForecastOptions,
  ForecastOutcome,
  ForecastReason,
  QuantileForecast,
  RegularSeries,
} from './types.ts';

export { MIN_HISTORY } from './backtest.ts';
export { normalQuantile } from './stats.ts';
export const MAX_HORIZON = 20_000;

/**
 * Chosen by leave-one-source-out over NAB categories, Azure Functions and the simulator
 * (`aidpe forecast-eval --loso`, see README "Forecasting"): each setting is the one that did best on the
 * other sources for most held-out sources.
 */
export const DEFAULT_ENSEMBLE_SETTINGS: EnsembleSettings = {
  maxCombined: 3,
  combineWithin: 1.25,
  excluded: [...AUGURS_CANDIDATE_NAMES, 'nhits'],
  conformalRate: 0.05,
  intervalInflation: 1.1,
};

export function validateForecastOptions(opts: ForecastOptions): number[] {
  if (!Number.isInteger(opts.horizon) || opts.horizon < 1) {
    throw new ForecastInputError('horizon', 'must be a whole number of steps ≥ 1');
  }
  if (opts.horizon > MAX_HORIZON) {
    throw new ForecastInputError('horizon', `must be at most ${MAX_HORIZON} steps`);
  }
  const quantiles = opts.quantiles ?? [0.1, 0.9];
  for (const q of quantiles) {
    if (!(q > 0 && q < 1)) {
      throw new ForecastInputError('quantiles', `each quantile must be between 0 and 1 (exclusive), got ${q}`);
    }
  }
  return [...new Set(quantiles.filter((q) => q !== 0.5))].sort((a, b) => a - b);
}

/** A cleaned history ready for the backtest. */
export interface PreparedForecast {
  horizon: number;
  levels: number[];
  y: Float64Array;
  lastTimestamp: number;
  stepSeconds: number;
  timestamps: number[];
  seasonality: Seasonality;
  reasons: ForecastReason[];
  /** Candidates the caller restricted the ensemble to, if any. */
  requested: string[] | undefined;
}

function none(reasons: ForecastReason[], season = 0, periods: number[] = []): ForecastOutcome {
  return {
    status: 'none',
    reasons,
    timestamps: [],
    forecast: undefined,
    model: 'none',
    explanation: reasons.map((r) => r.message).join('; '),
    candidates: [],
    backtestMase: undefined,
    seasonPeriod: season,
    seasonPeriods: periods,
  };
}

/** Validates, cleans and detects the seasons; answers directly when there is nothing to backtest. */
export function prepareForecast(
  series: RegularSeries,
  opts: ForecastOptions,
  seasonalityOptions: SeasonalityOptions = {}
): { outcome: ForecastOutcome } | { prepared: PreparedForecast } {
  const levels = validateForecastOptions(opts);
  const h = opts.horizon;
  const step = series.stepSeconds;
  if (series.values.length < MIN_HISTORY) {
    return {
      outcome: none([
        {
          code: 'insufficient_history',
          message: `${series.values.length} sample(s); at least ${MIN_HISTORY} are needed`,
        },
      ]),
    };
  }
  if (!(step > 0)) {
    throw new ForecastInputError('stepSeconds', 'must be positive');
  }
  // A gap longer than half a day (at least 12 steps) separates regimes: older history is dropped.
  const longGap = Math.max(12, Math.round(43_200 / step));
  const clean = cleanHistory(series, longGap);
  const reasons = [...clean.reasons];
  const y = clean.values;
  const n = y.length;
  if (n < MIN_HISTORY) {
    return {
      outcome: none([
        ...reasons,
        {
          code: 'insufficient_history',
          message: `${n} usable sample(s) after removing gaps; at least ${MIN_HISTORY} are needed`,
        },
      ]),
    };
  }
  const timestamps = Array.from({ length: h }, (_, k) => clean.lastTimestamp + (k + 1) * step);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo <= 1e-12 * Math.max(1, Math.abs(hi))) {
    const flat = new Float64Array(h).fill(y[n - 1]!);
    return {
      outcome: {
        status: 'partial',
        reasons: [
          ...reasons,
          {
            code: 'constant_series',
            message: `the series is constant at ${y[n - 1]}; the forecast repeats it with no band`,
          },
        ],
        timestamps,
        forecast: { p50: flat, quantiles: new Map(levels.map((q) => [q, flat.slice()])) },
        model: 'naive',
        explanation: 'constant series',
        candidates: [],
        backtestMase: undefined,
        seasonPeriod: 0,
        seasonPeriods: [],
      },
    };
  }
  // Periods are detected on the observed samples only (clean.observed), so interpolated gaps cannot fake a cycle.
  const seasonality = detectSeasonality(clean.observed, step, seasonalityOptions);
  if (seasonality.periods.length === 0) {
    reasons.push({
      code: 'no_seasonality',
      message: 'no seasonal period found (hour, day, week or an autocorrelation peak with two or more cycles)',
    });
  }
  return {
    prepared: {
      horizon: h,
      levels,
      y,
      lastTimestamp: clean.lastTimestamp,
      stepSeconds: step,
      timestamps,
      seasonality,
      reasons,
      requested: opts.models,
    },
  };
}

/** Backtests the candidates (restricted to the requested ones, if any) on a prepared history. */
export function backtestPrepared(
  p: PreparedForecast,
  candidates: Candidate[],
  reasons: ForecastReason[]
): Promise<BacktestTable> {
  const allowed = p.requested ? candidates.filter((c) => p.requested!.includes(c.name)) : candidates;
  return runBacktest(p.y, p.lastTimestamp, windowBase(p), p.horizon, allowed, reasons, meanAbsDiff(p.y, 1) || 1e-12);
}

/** The point forecast chosen from a backtest table, with what its bands are built from. */
export interface PointChoice {
  errors: CandidateError[];
  chosen: ChosenCandidate[];
  /** The combined median (clipped at zero for never-negative series). */
  p50: Float64Array;
  /** Standardised honest backtest residuals; undefined when nothing could be backtested. */
  scores: ConformalScores | undefined;
  backtestMase: number | undefined;
  reasons: ForecastReason[];
}

/**
 * Intercept correction after a level shift (levelShift.ts): the chosen candidates forecast the history with
 * the post-break shift taken out (the old regime continued, its seasonal shape kept), and the post-break level
 * is added back. Undefined when a candidate cannot forecast that history.
 */
async function afterShift(
  p: PreparedForecast,
  chosen: ChosenCandidate[],
  shift: LevelShift
): Promise<Float64Array | undefined> {
  const window = { ...windowBase(p), values: withoutShift(p.y, shift), lastTimestamp: p.lastTimestamp };
  const out = new Float64Array(p.horizon);
  let total = 0;
  for (const c of chosen) {
    try {
      const [f] = await c.row.candidate.predict([window], p.horizon);
      if (!f) {
        return undefined;
      }
      total += c.weight;
      for (let k = 0; k < p.horizon; k++) {
        out[k]! += c.weight * f.p50[k]!;
      }
    } catch {
      return undefined;
    }
  }
  return total > 0 ? out.map((v) => v / total + shift.levelNow) : undefined;
}

function windowBase(p: PreparedForecast): { stepSeconds: number; season: number; periods: number[] } {
  return {
    stepSeconds: p.stepSeconds,
    season: p.seasonality.primary,
    periods: p.seasonality.periods.map((d) => d.period),
  };
}

/** Chooses the combination from a backtest table. Cheap: the evaluation calls it per setting. */
export async function choosePoint(
  p: PreparedForecast,
  table: BacktestTable,
  settings: EnsembleSettings,
  reasonsIn: ForecastReason[]
): Promise<PointChoice | ForecastOutcome> {
  const reasons = [...reasonsIn];
  const { horizon: h, y } = p;
  const n = y.length;
  const season = p.seasonality.primary;
  // An explicit request overrides the default exclusions.
  const rows = p.requested ? table.rows : table.rows.filter((r) => !settings.excluded.includes(r.candidate.name));
  if (rows.length === 0) {
    const which = p.requested ? `none of the requested models (${p.requested.join(', ')})` : 'no model';
    return none(
      [...reasons, { code: 'insufficient_history', message: `${which} can forecast ${n} samples ${h} steps ahead` }],
      season,
      p.seasonality.periods.map((d) => d.period)
    );
  }
  const { origins, scale } = table;
  const errors = candidateErrors(table, rows, () => true);
  let chosen: ChosenCandidate[];
  if (origins.length === 0) {
    reasons.push({
      code: 'too_short_for_backtest',
      message: `history (${n}) is too short to backtest a ${h}-step horizon; using a default model with wide bands`,
    });
    const fallback =
      errors.find((s) => s.row.candidate.name === (season > 0 ? 'seasonal_level' : 'median_6h')) ?? errors[0]!;
    chosen = [{ ...fallback, weight: 1 }];
  } else {
    chosen = chooseCombination(errors, settings, scale);
  }
  const p50 = combineAt(chosen, origins.length, h)!;
  let scores: ConformalScores | undefined;
  let backtestMase: number | undefined;
  if (origins.length > 0) {
    let abs = 0;
    let count = 0;
    origins.forEach((o, j) => {
      const c = combineAt(chosen, j, h);
      if (c) {
        for (let k = 0; k < h; k++) {
          abs += Math.abs(y[o + k]! - c[k]!);
        }
        count += h;
      }
    });
    backtestMase = count > 0 ? abs / count / scale : undefined;
    const { residuals } = honestResiduals(table, rows, chosen, settings);
    scores = residuals.length > 0 ? bandScores(residuals, h) : undefined;
    if (scores && settings.levelShiftCorrection !== false) {
      const shift = detectLevelShift(
        table,
        origins.map((_, j) => combineAt(chosen, j, h)),
        scores.spreadAt
      );
      if (shift) {
        const corrected = await afterShift(p, chosen, shift);
        if (corrected) {
          p50.set(corrected);
          reasons.push({
            code: 'level_shift',
            message:
              `level shift ${p.y.length - shift.breakAt} sample(s) before the end (statistic ` +
              `${shift.statistic.toFixed(1)} > ${shift.threshold.toFixed(1)}, the largest at any backtest origin): ` +
              `forecast from the old regime moved by ${shift.levelNow.toPrecision(3)}`,
          });
        }
      }
    }
  }
  if (neverNegative(y)) {
    for (let k = 0; k < h; k++) {
      p50[k] = Math.max(0, p50[k]!);
    }
  }
  return { errors, chosen, p50, scores, backtestMase, reasons };
}

/** Bands around a chosen point forecast; ordered, and never below zero for a never-negative series. */
export function bandsFor(
  p: PreparedForecast,
  point: PointChoice,
  settings: EnsembleSettings,
  scale: number
): Map<number, Float64Array> {
  const { p50 } = point;
  let quantiles: Map<number, Float64Array>;
  if (point.scores) {
    const offsets = bandOffsets(point.scores, p.levels, settings);
    quantiles = new Map([...offsets].map(([q, off]) => [q, p50.map((v, k) => v + off[k]!)]));
  } else {
    // No backtest: random-walk bands from one-step changes, which are wide on purpose.
    quantiles = new Map(
      p.levels.map((q) => [q, p50.map((v, k) => v + normalQuantile(q) * scale * 1.25 * Math.sqrt(k + 1))])
    );
  }
  orderAndClip(p.y, p50, quantiles, p.levels);
  return quantiles;
}

/** Chooses the combination and its bands from a backtest table. */
export async function finishForecast(
  p: PreparedForecast,
  table: BacktestTable,
  settings: EnsembleSettings,
  reasonsIn: ForecastReason[]
): Promise<ForecastOutcome> {
  const point = await choosePoint(p, table, settings, reasonsIn);
  if ('status' in point) {
    return point;
  }
  const { chosen, errors, reasons } = point;
  const { horizon: h } = p;
  const { origins, scale } = table;
  const periods = p.seasonality.periods.map((d) => d.period);
  const forecast: QuantileForecast = { p50: point.p50, quantiles: bandsFor(p, point, settings, scale) };
  const candidateScores: CandidateScore[] = errors
    .map((s) => ({
      model: s.row.candidate.name,
      backtestMase: Number.isFinite(s.mae) ? s.mae / scale : null,
      weight: chosen.find((c) => c.row === s.row)?.weight ?? 0,
    }))
    .sort((a, b) => (a.backtestMase ?? Infinity) - (b.backtestMase ?? Infinity));
  const names = chosen.map((c) => c.row.candidate.name);
  const model = chosen.length === 1 ? names[0]! : `ensemble(${names.join('+')})`;
  const seasonText = periods.length > 0 ? `; seasons ${periods.join(', ')} steps` : '';
  const explanation =
    origins.length === 0
      ? `${model}: no backtest possible`
      : `${model}: best of ${errors.length} candidates on ${origins.length} backtest origin(s) of ${h} steps` +
        ` (scaled MAE ${chosen.map((c) => `${c.row.candidate.name} ${(c.mae / scale).toFixed(3)} weight ${c.weight.toFixed(2)}`).join(', ')})` +
        seasonText;
  const blocking = reasons.some((r) =>
    ['trailing_gap', 'history_truncated_at_gap', 'too_short_for_backtest'].includes(r.code)
  );
  return {
    status: blocking ? 'partial' : 'ok',
    reasons,
    timestamps: p.timestamps,
    forecast,
    model,
    explanation,
    candidates: candidateScores,
    backtestMase: point.backtestMase,
    seasonPeriod: p.seasonality.primary,
    seasonPeriods: periods,
  };
}

function neverNegative(y: Float64Array): boolean {
  return y.every((v) => !(v < 0));
}

/** Quantiles must not cross the median or each other; a never-negative series gets no band below zero. */
function orderAndClip(
  y: Float64Array,
  p50: Float64Array,
  quantiles: Map<number, Float64Array>,
  levels: number[]
): void {
  const h = p50.length;
  const sortedLevels = [...levels, 0.5].sort((a, b) => a - b);
  for (let k = 0; k < h; k++) {
    const vals = sortedLevels.map((q) => (q === 0.5 ? p50[k]! : quantiles.get(q)![k]!)).sort((a, b) => a - b);
    sortedLevels.forEach((q, i) => {
      if (q !== 0.5) {
        quantiles.get(q)![k] = vals[i]!;
      }
    });
  }
  // Request rates, counts and utilisation cannot go below zero: a band reaching under it would only be wrong.
  if (neverNegative(y)) {
    for (const band of quantiles.values()) {
      for (let k = 0; k < h; k++) {
        band[k] = Math.max(0, band[k]!);
      }
    }
  }
}

export async function forecastSeries(
  series: RegularSeries,
  opts: ForecastOptions,
  candidates: Candidate[],
  settings: EnsembleSettings = DEFAULT_ENSEMBLE_SETTINGS
): Promise<ForecastOutcome> {
  const ready = prepareForecast(series, opts);
  if ('outcome' in ready) {
    return ready.outcome;
  }
  const p = ready.prepared;
  // Excluded candidates are not even backtested unless asked for by name.
  const pool = p.requested ? candidates : candidates.filter((c) => !settings.excluded.includes(c.name));
  const reasons = [...p.reasons];
  const table = await backtestPrepared(p, pool, reasons);
  if (
    table.rows.length === 0 &&
    reasons.some((r) => r.code === 'deep_models_unavailable' || r.code === 'candidate_failed')
  ) {
    return none(
      reasons,
      p.seasonality.primary,
      p.seasonality.periods.map((d) => d.period)
    );
  }
  return finishForecast(p, table, settings, reasons);
}

export { DEEP_CANDIDATE_NAMES };
