/**
 * Rolling-origin evaluation of forecasters on any `timestamp,value` series, with the baselines computed
 * side by side: naive, seasonal naive (daily season), augurs AutoETS and augurs MSTL.
 *
 * Conventions (documented so results can be compared elsewhere):
 * - origins: for k = 0..N-1 the origin is n - h - k·h (GluonTS-style non-overlapping test windows ending
 *   at the series end); an origin with less than max(2·season, 32) history is skipped;
 * - MASE: MAE over the h test points / in-sample MAE of the seasonal naive (lag = daily season, or 1)
 *   on the history before the origin; relative MASE of a method on a series is its mean MASE over the
 *   origins divided by seasonal naive's; the summary is the geometric mean over series;
 * - weighted quantile loss over q ∈ {0.1, 0.5, 0.9}: 2·Σ pinball / (3·Σ|y|) per series, averaged;
 * - coverage: share of test points inside [p10, p90] (80%) and [p2.5, p97.5] (95%);
 * - time: wall time of fit + predict for one origin of one series (ms), median over all of them.
 * Rows are treated as regularly spaced at the median step (NAB files are, apart from rare gaps).
 */
import { autoEts, mstl, type IntervalForecast } from './augurs.ts';
import { STATISTICAL_CANDIDATES, type Candidate } from './candidates.ts';
import { forecastSeries, normalQuantile } from './engine.ts';
import { dailySeason, inferStepSeconds } from './series.ts';

export const EVAL_LEVELS = [0.025, 0.1, 0.9, 0.975];
export const BASELINE_METHODS = ['naive', 'seasonal_naive', 'autoets', 'mstl'] as const;

export interface EvalSeries {
  name: string;
  /** Unix seconds. */
  timestamps: number[];
  values: number[];
}

export interface Method {
  name: string;
  forecast(
    history: Float64Array,
    ctx: { stepSeconds: number; lastTimestamp: number; season: number },
    h: number
  ): Promise<IntervalForecast>;
}

/** Gaussian bands from the in-sample residuals of a (seasonal) naive method, as in Hyndman & Athanasopoulos. */
function naiveBands(y: Float64Array, lag: number, h: number, p50: Float64Array): Map<number, Float64Array> {
  let ss = 0;
  for (let i = lag; i < y.length; i++) {
    ss += (y[i]! - y[i - lag]!) ** 2;
  }
  const sigma = Math.sqrt(ss / Math.max(1, y.length - lag));
  const out = new Map<number, Float64Array>();
  for (const q of EVAL_LEVELS) {
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
  forecast: async (y, _ctx, h) => {
    const p50 = new Float64Array(h).fill(y[y.length - 1]!);
    return { p50, quantiles: naiveBands(y, 1, h, p50) };
  },
};

export const seasonalNaiveMethod: Method = {
  name: 'seasonal_naive',
  forecast: async (y, ctx, h) => {
    const m = ctx.season >= 2 ? ctx.season : 1;
    const p50 = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      p50[k] = y[y.length - m + (k % m)]!;
    }
    return { p50, quantiles: naiveBands(y, m, h, p50) };
  },
};

export const autoEtsMethod: Method = { name: 'autoets', forecast: async (y, _ctx, h) => autoEts(y, h, EVAL_LEVELS) };

export const mstlMethod: Method = {
  name: 'mstl',
  forecast: async (y, ctx, h) => (ctx.season >= 2 ? mstl(y, [ctx.season], h, EVAL_LEVELS) : autoEts(y, h, EVAL_LEVELS)),
};

/** The AIDPE ensemble as an evaluation method. */
export function aidpeMethod(candidates: Candidate[] = STATISTICAL_CANDIDATES, name = 'aidpe'): Method {
  return {
    name,
    forecast: async (y, ctx, h) => {
      const out = await forecastSeries(
        { values: y, stepSeconds: ctx.stepSeconds, lastTimestamp: ctx.lastTimestamp },
        { horizon: h, quantiles: EVAL_LEVELS },
        candidates
      );
      if (!out.forecast) {
        throw new Error(`no forecast: ${out.explanation}`);
      }
      return { p50: out.forecast.p50, quantiles: out.forecast.quantiles };
    },
  };
}

export interface OriginScore {
  origin: number;
  mase: number;
  mae: number;
  /** Σ pinball over the 3 quantiles and the h points, and Σ|y| (to form wQL per series). */
  pinball: number;
  absActual: number;
  inside80: number;
  inside95: number;
  points: number;
  ms: number;
}

function pinball(y: number, q: number, f: number): number {
  return y >= f ? q * (y - f) : (1 - q) * (f - y);
}

export function scoreOrigin(
  actual: Float64Array,
  fc: IntervalForecast,
  scale: number
): Omit<OriginScore, 'origin' | 'ms'> {
  const p10 = fc.quantiles.get(0.1)!;
  const p90 = fc.quantiles.get(0.9)!;
  const lo95 = fc.quantiles.get(0.025)!;
  const hi95 = fc.quantiles.get(0.975)!;
  let abs = 0;
  let pb = 0;
  let absActual = 0;
  let in80 = 0;
  let in95 = 0;
  for (let k = 0; k < actual.length; k++) {
    const y = actual[k]!;
    abs += Math.abs(y - fc.p50[k]!);
    pb += pinball(y, 0.1, p10[k]!) + pinball(y, 0.5, fc.p50[k]!) + pinball(y, 0.9, p90[k]!);
    absActual += Math.abs(y);
    if (y >= p10[k]! && y <= p90[k]!) {
      in80++;
    }
    if (y >= lo95[k]! && y <= hi95[k]!) {
      in95++;
    }
  }
  const mae = abs / actual.length;
  return { mase: mae / scale, mae, pinball: pb, absActual, inside80: in80, inside95: in95, points: actual.length };
}

function seasonalNaiveScale(y: Float64Array, m: number): number {
  const lag = m >= 2 ? m : 1;
  let sum = 0;
  for (let i = lag; i < y.length; i++) {
    sum += Math.abs(y[i]! - y[i - lag]!);
  }
  return sum / Math.max(1, y.length - lag);
}

export interface SeriesResult {
  series: string;
  season: number;
  origins: number;
  /** Per method: mean MASE over origins, wQL, coverage, median ms. */
  methods: Record<
    string,
    { mase: number; wql: number; coverage80: number; coverage95: number; medianMs: number; error?: string }
  >;
}

export interface HorizonSummary {
  horizon: number;
  seriesCount: number;
  skipped: Array<{ series: string; reason: string }>;
  methods: Record<
    string,
    {
      /** Geometric mean over series of MASE relative to seasonal naive. */
      relativeMase: number;
      /** Geometric mean over series of wQL relative to seasonal naive. */
      relativeWql: number;
      meanMase: number;
      meanWql: number;
      coverage80: number;
      coverage95: number;
      medianMs: number;
      failures: number;
    }
  >;
  perSeries: SeriesResult[];
}

function median(xs: number[]): number {
  if (xs.length === 0) {
    return Number.NaN;
  }
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function minOriginHistory(season: number): number {
  return Math.max(32, season >= 2 ? 2 * season : 0);
}

/** Evaluates every method on one series at one horizon from N rolling origins. */
export async function evaluateSeries(
  series: EvalSeries,
  methods: Method[],
  horizon: number,
  originCount: number
): Promise<SeriesResult | { skipped: string }> {
  const y = Float64Array.from(series.values);
  const n = y.length;
  const step = inferStepSeconds(series.timestamps);
  if (!(step > 0)) {
    return { skipped: 'cannot infer a positive step' };
  }
  const origins: number[] = [];
  for (let k = 0; k < originCount; k++) {
    const o = n - horizon - k * horizon;
    const season = dailySeason(step, o);
    if (o < minOriginHistory(season)) {
      break;
    }
    origins.push(o);
  }
  if (origins.length === 0) {
    return { skipped: `too short (${n} rows) for a ${horizon}-step horizon` };
  }
  const season = dailySeason(step, origins[origins.length - 1]!);
  const perMethod: Record<string, OriginScore[]> = {};
  const errors: Record<string, string> = {};
  for (const method of methods) {
    perMethod[method.name] = [];
    for (const o of origins) {
      const history = y.slice(0, o);
      const ctx = { stepSeconds: step, lastTimestamp: series.timestamps[o - 1]!, season: dailySeason(step, o) };
      const t0 = performance.now();
      let fc: IntervalForecast;
      try {
        fc = await method.forecast(history, ctx, horizon);
      } catch (err) {
        errors[method.name] = (err as Error).message;
        break;
      }
      const ms = performance.now() - t0;
      const scale = seasonalNaiveScale(history, ctx.season) || 1e-12;
      perMethod[method.name]!.push({ origin: o, ms, ...scoreOrigin(y.slice(o, o + horizon), fc, scale) });
    }
  }
  const result: SeriesResult = { series: series.name, season, origins: origins.length, methods: {} };
  for (const method of methods) {
    const scores = perMethod[method.name]!;
    if (errors[method.name] || scores.length < origins.length) {
      result.methods[method.name] = {
        mase: Number.NaN,
        wql: Number.NaN,
        coverage80: Number.NaN,
        coverage95: Number.NaN,
        medianMs: Number.NaN,
        error: errors[method.name] ?? 'failed',
      };
      continue;
    }
    const points = scores.reduce((s, o) => s + o.points, 0);
    const absActual = scores.reduce((s, o) => s + o.absActual, 0);
    result.methods[method.name] = {
      mase: scores.reduce((s, o) => s + o.mase, 0) / scores.length,
      wql: absActual > 0 ? (2 * scores.reduce((s, o) => s + o.pinball, 0)) / (3 * absActual) : Number.NaN,
      coverage80: scores.reduce((s, o) => s + o.inside80, 0) / points,
      coverage95: scores.reduce((s, o) => s + o.inside95, 0) / points,
      medianMs: median(scores.map((o) => o.ms)),
    };
  }
  return result;
}

function geometricMean(xs: number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x) && x > 0);
  if (ok.length === 0) {
    return Number.NaN;
  }
  return Math.exp(ok.reduce((s, x) => s + Math.log(x), 0) / ok.length);
}

export function summarise(
  horizon: number,
  methods: string[],
  results: SeriesResult[],
  skipped: HorizonSummary['skipped']
): HorizonSummary {
  const summary: HorizonSummary = { horizon, seriesCount: results.length, skipped, methods: {}, perSeries: results };
  for (const m of methods) {
    const rel: number[] = [];
    const relW: number[] = [];
    const mases: number[] = [];
    const wqls: number[] = [];
    let c80 = 0;
    let c95 = 0;
    let weight = 0;
    let failures = 0;
    for (const r of results) {
      const x = r.methods[m]!;
      const base = r.methods['seasonal_naive']!;
      if (x.error) {
        failures++;
        continue;
      }
      if (base.mase > 0 && Number.isFinite(base.mase)) {
        rel.push(x.mase / base.mase);
      }
      if (base.wql > 0 && Number.isFinite(base.wql) && Number.isFinite(x.wql)) {
        relW.push(x.wql / base.wql);
      }
      mases.push(x.mase);
      if (Number.isFinite(x.wql)) {
        wqls.push(x.wql);
      }
      // Coverage pooled over series, each series weighted by its origins.
      c80 += x.coverage80 * r.origins;
      c95 += x.coverage95 * r.origins;
      weight += r.origins;
    }
    summary.methods[m] = {
      relativeMase: geometricMean(rel),
      relativeWql: geometricMean(relW),
      meanMase: mases.reduce((s, v) => s + v, 0) / Math.max(1, mases.length),
      meanWql: wqls.reduce((s, v) => s + v, 0) / Math.max(1, wqls.length),
      coverage80: c80 / Math.max(1, weight),
      coverage95: c95 / Math.max(1, weight),
      medianMs: median(results.map((r) => r.methods[m]!.medianMs).filter(Number.isFinite)),
      failures,
    };
  }
  return summary;
}
