/**
 * Grafana's augurs (Rust compiled to WASM) AutoETS and MSTL, as ensemble candidates and as the evaluation's
 * baselines. The engine stays pure: the WASM modules are instantiated outside it (backend/src/models/
 * augursRuntime.ts reads the bytes) and handed in as an `AugursRuntime`.
 */
import type { Candidate, CandidateForecast, ForecastWindow } from './candidates.ts';
import { normalQuantile } from './stats.ts';

export interface IntervalForecast {
  p50: Float64Array;
  /** Keyed by quantile level. */
  quantiles: Map<number, Float64Array>;
}

/** The raw augurs calls: fit and predict with a symmetric interval at one level. */
export interface AugursModels {
  autoEts(y: Float64Array, horizon: number, level: number): RawForecast;
  mstl(y: Float64Array, periods: number[], horizon: number, level: number): RawForecast;
}

export interface RawForecast {
  point: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
}

/**
 * augurs returns symmetric Gaussian intervals at one level per call; the standard deviation per step
 * is recovered from the 95% interval and any quantile is read off the normal distribution.
 */
function toQuantiles(f: RawForecast, level: number, levels: number[]): IntervalForecast {
  const z = normalQuantile(0.5 + level / 2);
  const p50 = Float64Array.from(f.point);
  const quantiles = new Map<number, Float64Array>();
  for (const q of levels) {
    const zq = normalQuantile(q);
    quantiles.set(
      q,
      p50.map((v, k) => v + (zq * (f.upper[k]! - f.lower[k]!)) / (2 * z))
    );
  }
  return { p50, quantiles };
}

/** augurs AutoETS (non-seasonal model search, as augurs supports) with its Gaussian intervals. */
export function autoEts(models: AugursModels, y: Float64Array, horizon: number, levels: number[]): IntervalForecast {
  return toQuantiles(models.autoEts(y, horizon, 0.95), 0.95, levels);
}

/** augurs MSTL with an AutoETS trend over the given seasonal periods. */
export function mstl(
  models: AugursModels,
  y: Float64Array,
  periods: number[],
  horizon: number,
  levels: number[]
): IntervalForecast {
  return toQuantiles(models.mstl(y, periods, horizon, 0.95), 0.95, levels);
}

/**
 * Model fits cost 20–400 ms each, so the candidates fit a bounded recent window and are backtested from
 * the most recent origins only (the engine rescales their error to the full backtest).
 */
const ETS_FIT_POINTS = 2048;
/** MSTL needs two cycles of each period; it fits three cycles of the longest, at least ETS_FIT_POINTS. */
const MSTL_CYCLES = 3;
export const AUGURS_BACKTEST_ORIGINS = 6;
const MIN_FIT_POINTS = 32;

function finite(f: IntervalForecast): boolean {
  return f.p50.every((v) => Number.isFinite(v));
}

function fitOrUndefined(fit: () => IntervalForecast): CandidateForecast | undefined {
  try {
    const f = fit();
    return finite(f) ? { p50: f.p50 } : undefined;
  } catch {
    // augurs throws when no ETS model fits ("no model found"); the engine treats that window as not applicable.
    return undefined;
  }
}

/** The periods MSTL can use on a window: those with two full cycles in it. */
export function mstlPeriods(w: ForecastWindow): number[] {
  return w.periods.filter((p) => p >= 2 && w.values.length >= 2 * p);
}

/** AutoETS and MSTL (over the detected periods) as ensemble candidates. */
export function augursCandidates(models: AugursModels): Candidate[] {
  const autoets: Candidate = {
    name: 'autoets',
    maxBacktestOrigins: AUGURS_BACKTEST_ORIGINS,
    applicable: (w) => w.values.length >= MIN_FIT_POINTS,
    predict: (windows, h) =>
      windows.map((w) => fitOrUndefined(() => autoEts(models, w.values.subarray(-ETS_FIT_POINTS), h, []))),
  };
  const mstlCandidate: Candidate = {
    name: 'mstl',
    maxBacktestOrigins: AUGURS_BACKTEST_ORIGINS,
    applicable: (w) => mstlPeriods(w).length > 0,
    predict: (windows, h) =>
      windows.map((w) => {
        const periods = mstlPeriods(w);
        const fitPoints = Math.max(ETS_FIT_POINTS, MSTL_CYCLES * periods[periods.length - 1]!);
        return fitOrUndefined(() => mstl(models, w.values.subarray(-fitPoints), periods, h, []));
      }),
  };
  return [autoets, mstlCandidate];
}

export const AUGURS_CANDIDATE_NAMES = ['autoets', 'mstl'];
