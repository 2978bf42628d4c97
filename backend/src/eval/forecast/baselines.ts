/**
 * The evaluation's baselines, each with its own textbook bands: naive and seasonal naive (daily season)
 * with Gaussian bands from their in-sample residuals (Hyndman & Athanasopoulos), augurs AutoETS and augurs
 * MSTL (daily season) with their model intervals.
 */
import { autoEts, mstl, type AugursModels, type IntervalForecast } from '../../engines/forecast/augurs.ts';
import { normalQuantile } from '../../engines/forecast/stats.ts';

export const BASELINE_LEVELS = [0.025, 0.1, 0.9, 0.975];
export const BASELINE_METHODS = ['naive', 'seasonal_naive', 'autoets', 'mstl'] as const;

export interface Method {
  name: string;
  /** `history` has no gaps (interpolated); `season` is the daily season in steps, 0 when none. */
  forecast(history: Float64Array, ctx: { stepSeconds: number; season: number }, h: number): Promise<IntervalForecast>;
}

function naiveBands(y: Float64Array, lag: number, h: number, p50: Float64Array): Map<number, Float64Array> {
  let ss = 0;
  for (let i = lag; i < y.length; i++) {
    ss += (y[i]! - y[i - lag]!) ** 2;
  }
  const sigma = Math.sqrt(ss / Math.max(1, y.length - lag));
  const out = new Map<number, Float64Array>();
  for (const q of BASELINE_LEVELS) {
    const z = normalQuantile(q);
    out.set(
      q,
      p50.map((v, k) => v + z * sigma * Math.sqrt(lag === 1 ? k + 1 : Math.floor(k / lag) + 1))
    );
  }
  return out;
}

export const naiveMethod: Method = {
  name: 'naive',
  forecast: (y, _ctx, h) => {
    const p50 = new Float64Array(h).fill(y[y.length - 1]!);
    return Promise.resolve({ p50, quantiles: naiveBands(y, 1, h, p50) });
  },
};

export const seasonalNaiveMethod: Method = {
  name: 'seasonal_naive',
  forecast: (y, ctx, h) => {
    const m = ctx.season >= 2 ? ctx.season : 1;
    const p50 = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      p50[k] = y[y.length - m + (k % m)]!;
    }
    return Promise.resolve({ p50, quantiles: naiveBands(y, m, h, p50) });
  },
};

export function autoEtsMethod(models: AugursModels): Method {
  return { name: 'autoets', forecast: (y, _ctx, h) => Promise.resolve(autoEts(models, y, h, BASELINE_LEVELS)) };
}

export function mstlMethod(models: AugursModels): Method {
  return {
    name: 'mstl',
    forecast: (y, ctx, h) =>
      Promise.resolve(
        ctx.season >= 2 ? mstl(models, y, [ctx.season], h, BASELINE_LEVELS) : autoEts(models, y, h, BASELINE_LEVELS)
      ),
  };
}

export function baselineMethods(models: AugursModels): Method[] {
  return [naiveMethod, seasonalNaiveMethod, autoEtsMethod(models), mstlMethod(models)];
}
