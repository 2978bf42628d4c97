/**
 * Rolling-origin evaluation of one series: the baselines (naive, seasonal naive, augurs AutoETS, augurs
 * MSTL) and the AIDPE ensemble under every setting of the grid, side by side on the same origins.
 *
 * Conventions (documented so results can be compared elsewhere):
 * - the series is put on a regular grid at its median step (irregular samples snap to the nearest slot;
 *   missing slots are gaps): the ensemble sees the gaps, the baselines a linearly interpolated history;
 * - origins: for k = 0..N-1 the origin is n − h − k·h on the grid (non-overlapping test windows ending at
 *   the series end); an origin with less than max(2·day, 32 steps) of history is skipped;
 * - a test point is scored only where the grid holds an observation;
 * - the MASE scale is seasonal naive's in-sample MAE with the daily season (lag 1 when the step does not
 *   divide a day or less than two days are known), as the baselines' own season;
 * - time: wall time of one method's fit (+ backtest) + predict at one origin (ms), median over origins.
 */
import type { Candidate } from '../../engines/forecast/candidates.ts';
import {
  backtestPrepared,
  bandsFor,
  choosePoint,
  DEFAULT_ENSEMBLE_SETTINGS,
  prepareForecast,
} from '../../engines/forecast/engine.ts';
import { cleanHistory, dailySeason, regularise } from '../../engines/forecast/series.ts';
import { meanAbsDiff } from '../../engines/forecast/stats.ts';
import type { EnsembleSettings, RegularSeries } from '../../engines/forecast/types.ts';
import type { Method } from './baselines.ts';
import {
  failed,
  poolOrigins,
  scoreOrigin,
  type OriginScore,
  type ScoredForecast,
  type SeriesMetrics,
} from './metrics.ts';
import type { EvalSeries } from './sources.ts';

export const EVAL_LEVELS = [0.025, 0.1, 0.9, 0.975];

export interface PointVariant {
  id: string;
  maxCombined: number;
  combineWithin: number;
  excluded: readonly string[];
}

export interface BandVariant {
  id: string;
  conformalRate: number;
  intervalInflation: number;
}

export interface SeriesEval {
  source: string;
  series: string;
  stepSeconds: number;
  /** The daily season of the baselines (0 when none). */
  season: number;
  origins: number;
  /** Seasonal periods the ensemble detected at the last origin, in steps. */
  periods: number[];
  baselines: Record<string, SeriesMetrics>;
  /** The ensemble per point variant id, then band variant id. */
  variants: Record<string, Record<string, SeriesMetrics>>;
  /** Median ms of the ensemble (prepare + backtest + default combination) per origin. */
  aidpeMs: number;
}

export function minOriginHistory(season: number): number {
  return Math.max(32, season >= 2 ? 2 * season : 0);
}

function settingsOf(point: PointVariant, band: BandVariant): EnsembleSettings {
  return {
    maxCombined: point.maxCombined,
    combineWithin: point.combineWithin,
    excluded: point.excluded,
    conformalRate: band.conformalRate,
    intervalInflation: band.intervalInflation,
  };
}

/** Trailing gaps of a history: the forecast is asked for that many more steps and their head dropped. */
function trailingGap(values: Float64Array): number {
  let g = 0;
  while (g < values.length && !Number.isFinite(values[values.length - 1 - g]!)) {
    g++;
  }
  return g;
}

function tail(fc: ScoredForecast, drop: number): ScoredForecast {
  if (drop === 0) {
    return fc;
  }
  return {
    p50: fc.p50.slice(drop),
    quantiles: new Map([...fc.quantiles].map(([q, v]) => [q, v.slice(drop)])),
  };
}

export interface EvaluateOptions {
  baselines: Method[];
  /** The ensemble's candidates for this series (the caller picks the deep model fold). */
  candidates: Candidate[];
  pointVariants: PointVariant[];
  bandVariants: BandVariant[];
  horizon: number;
  originCount: number;
  /** Wall clock for the time column (ms). */
  now: () => number;
}

export async function evaluateSeries(
  series: EvalSeries,
  opts: EvaluateOptions
): Promise<SeriesEval | { skipped: string }> {
  const { horizon: h, originCount } = opts;
  if (series.timestamps.length < 2) {
    return { skipped: 'fewer than two samples' };
  }
  const grid = regularise(series.timestamps, series.values, { field: series.name });
  const step = grid.stepSeconds;
  const y = grid.values;
  const n = y.length;
  const origins: number[] = [];
  for (let k = 0; k < originCount; k++) {
    const o = n - h - k * h;
    if (o < minOriginHistory(dailySeason(step, o))) {
      break;
    }
    origins.push(o);
  }
  if (origins.length === 0) {
    return { skipped: `too short (${n} steps) for a ${h}-step horizon` };
  }
  const season = dailySeason(step, origins[origins.length - 1]!);
  const baselineScores: Record<string, OriginScore[]> = {};
  const baselineMs: Record<string, number[]> = {};
  const baselineErrors: Record<string, string> = {};
  const variantScores = new Map<string, OriginScore[]>();
  const key = (p: PointVariant, b: BandVariant): string => `${p.id}|${b.id}`;
  const aidpeMs: number[] = [];
  let periods: number[] = [];
  let aidpeError: string | undefined;
  for (const o of origins) {
    const history = y.slice(0, o);
    const gap = trailingGap(history);
    const lastTimestamp = grid.lastTimestamp - (n - o) * step;
    const actual = y.slice(o, o + h);
    const originSeason = dailySeason(step, o);
    const scale = meanAbsDiff(history, originSeason >= 2 ? originSeason : 1) || 1e-12;
    // Baselines: a linearly interpolated history (no truncation at long gaps).
    const filled = cleanHistory({ values: history, stepSeconds: step, lastTimestamp }, Number.MAX_SAFE_INTEGER).values;
    for (const method of opts.baselines) {
      if (baselineErrors[method.name]) {
        continue;
      }
      const t0 = opts.now();
      try {
        const fc = await method.forecast(filled, { stepSeconds: step, season: originSeason }, h + gap);
        (baselineMs[method.name] ??= []).push(opts.now() - t0);
        (baselineScores[method.name] ??= []).push(scoreOrigin(actual, tail(fc, gap), scale));
      } catch (err) {
        baselineErrors[method.name] = (err as Error).message;
      }
    }
    if (aidpeError) {
      continue;
    }
    // The ensemble: one backtest table per origin, every setting of the grid on it.
    const t0 = opts.now();
    const series: RegularSeries = { values: history, stepSeconds: step, lastTimestamp };
    const ready = prepareForecast(series, { horizon: h + gap, quantiles: EVAL_LEVELS });
    if ('outcome' in ready) {
      const f = ready.outcome.forecast;
      if (!f) {
        aidpeError = `no forecast: ${ready.outcome.explanation}`;
        continue;
      }
      aidpeMs.push(opts.now() - t0);
      const s = scoreOrigin(actual, tail(f, gap), scale);
      for (const p of opts.pointVariants) {
        for (const b of opts.bandVariants) {
          (variantScores.get(key(p, b)) ?? variantScores.set(key(p, b), []).get(key(p, b))!).push(s);
        }
      }
      continue;
    }
    const prepared = ready.prepared;
    periods = prepared.seasonality.periods.map((d) => d.period);
    const reasons = [...prepared.reasons];
    const table = await backtestPrepared(prepared, opts.candidates, reasons);
    let timed = false;
    for (const p of opts.pointVariants) {
      const point = await choosePoint(prepared, table, settingsOf(p, opts.bandVariants[0]!), reasons);
      if ('status' in point) {
        aidpeError = `no forecast: ${point.explanation}`;
        break;
      }
      for (const b of opts.bandVariants) {
        const quantiles = bandsFor(prepared, point, settingsOf(p, b), table.scale);
        if (!timed && isDefault(p, b)) {
          aidpeMs.push(opts.now() - t0);
          timed = true;
        }
        const s = scoreOrigin(actual, tail({ p50: point.p50, quantiles }, gap), scale);
        (variantScores.get(key(p, b)) ?? variantScores.set(key(p, b), []).get(key(p, b))!).push(s);
      }
    }
  }
  const baselines: Record<string, SeriesMetrics> = {};
  for (const method of opts.baselines) {
    const scores = baselineScores[method.name] ?? [];
    baselines[method.name] =
      baselineErrors[method.name] || scores.length < origins.length
        ? failed(baselineErrors[method.name] ?? 'failed')
        : poolOrigins(scores, baselineMs[method.name]);
  }
  const variants: Record<string, Record<string, SeriesMetrics>> = {};
  for (const p of opts.pointVariants) {
    variants[p.id] = {};
    for (const b of opts.bandVariants) {
      const scores = variantScores.get(key(p, b)) ?? [];
      variants[p.id]![b.id] =
        aidpeError || scores.length < origins.length ? failed(aidpeError ?? 'failed') : poolOrigins(scores);
    }
  }
  return {
    source: series.source,
    series: series.name,
    stepSeconds: step,
    season,
    origins: origins.length,
    periods,
    baselines,
    variants,
    aidpeMs: aidpeMs.length ? aidpeMs.sort((a, b) => a - b)[aidpeMs.length >> 1]! : Number.NaN,
  };
}

function isDefault(p: PointVariant, b: BandVariant): boolean {
  const d = DEFAULT_ENSEMBLE_SETTINGS;
  return (
    p.maxCombined === d.maxCombined &&
    p.combineWithin === d.combineWithin &&
    p.excluded.join() === d.excluded.join() &&
    b.conformalRate === d.conformalRate &&
    b.intervalInflation === d.intervalInflation
  );
}
