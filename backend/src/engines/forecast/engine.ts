/**
 * The forecasting ensemble: every applicable candidate is backtested from rolling origins on the
 * series' own recent history; the best few are combined with inverse-error weights, and the
 * prediction intervals come from the combination's own backtest residuals (split-conformal, with
 * a spread that grows with the lead time). Everything it decided is returned as reasons.
 */
import type { Candidate, CandidateForecast, ForecastWindow } from './candidates.ts';
import { cleanHistory, dailySeason, ForecastInputError } from './series.ts';
import type {
  CandidateScore,
  ForecastOptions,
  ForecastOutcome,
  ForecastReason,
  QuantileForecast,
  RegularSeries,
} from './types.ts';

export const MIN_HISTORY = 16;
export const MAX_HORIZON = 20_000;
/** Backtest at least this many forecast points (spread over origins) so the residual quantiles mean something. */
const MIN_BACKTEST_POINTS = 192;
const MAX_BACKTEST_ORIGINS = 16;
const MIN_BACKTEST_ORIGINS = 3;
const BACKTEST_OVERLAP = 3;
/**
 * Long horizons backtest from up to 24 overlapping origins (about a week at 5-minute steps): on the early,
 * never-scored part of the NAB files 5 → 9 → 16 → 24 origins kept improving the choice (relative MASE at
 * 288 steps 0.742 → 0.737 → 0.732 → 0.731), 32 no longer did.
 */
const LONG_HORIZON_BACKTEST_ORIGINS = 24;
/**
 * Backtest residuals understate the error at the real origin (the combination was chosen on them, and
 * regimes drift). This widening was set on the early, never-scored part of the NAB files (the first
 * n−1800 rows, `aidpe forecast-eval` with 5 origins at 12 and 288 steps): 1.0 gave 73–79% for a nominal 80%.
 */
const INTERVAL_INFLATION = 1.25;
/** Combine at most this many candidates, and only those within this factor of the best backtest error. */
const MAX_COMBINED = 3;
const COMBINE_WITHIN = 1.5;

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

function meanAbsDiff(y: Float64Array, lag: number): number {
  let sum = 0;
  for (let i = lag; i < y.length; i++) {
    sum += Math.abs(y[i]! - y[i - lag]!);
  }
  return y.length > lag ? sum / (y.length - lag) : Number.NaN;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation); used only for fallbacks. */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - pl) {
    return -normalQuantile(1 - p);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

function empiricalQuantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Lead-time buckets of doubling width, merged from the front until each holds enough residuals. */
function leadBuckets(horizon: number, origins: number, minPerBucket: number): number[] {
  const bucketOf = new Array<number>(horizon);
  let bucket = 0;
  let start = 0;
  let width = 1;
  while (start < horizon) {
    let end = Math.min(horizon, start + width);
    while (end < horizon && (end - start) * origins < minPerBucket) {
      end++;
    }
    for (let k = start; k < end; k++) {
      bucketOf[k] = bucket;
    }
    bucket++;
    width = Math.max(width * 2, end - start);
    start = end;
  }
  return bucketOf;
}

/**
 * Quantiles from backtest residuals: a robust spread per lead bucket (made non-decreasing in lead,
 * as forecast uncertainty is), and the shape from all residuals standardised by their bucket's spread,
 * so the tails are estimated from every backtest point rather than a handful.
 */
export function conformalQuantiles(
  residuals: Float64Array[],
  horizon: number,
  levels: number[]
): Map<number, Float64Array> {
  const origins = residuals.length;
  const bucketOf = leadBuckets(horizon, origins, 24);
  const nBuckets = bucketOf[horizon - 1]! + 1;
  const spread = new Float64Array(nBuckets);
  for (let b = 0; b < nBuckets; b++) {
    let sum = 0;
    let count = 0;
    for (let k = 0; k < horizon; k++) {
      if (bucketOf[k] !== b) {
        continue;
      }
      for (const r of residuals) {
        sum += Math.abs(r[k]!);
      }
      count += residuals.length;
    }
    spread[b] = sum / Math.max(1, count);
  }
  for (let b = 1; b < nBuckets; b++) {
    spread[b] = Math.max(spread[b]!, spread[b - 1]!);
  }
  const floor = Math.max(1e-12, spread[nBuckets - 1]! * 1e-6);
  const standardised: number[] = [];
  for (const r of residuals) {
    for (let k = 0; k < horizon; k++) {
      standardised.push(r[k]! / Math.max(floor, spread[bucketOf[k]!]!));
    }
  }
  const sorted = Float64Array.from(standardised).sort();
  const out = new Map<number, Float64Array>();
  for (const q of levels) {
    // Finite-sample correction of split conformal: push the level outwards by 1/(n+1).
    const adj = q < 0.5 ? Math.max(0, q - (1 - q) / (sorted.length + 1)) : Math.min(1, q + q / (sorted.length + 1));
    const z = empiricalQuantile(sorted, adj) * INTERVAL_INFLATION;
    const offsets = new Float64Array(horizon);
    for (let k = 0; k < horizon; k++) {
      offsets[k] = z * Math.max(floor, spread[bucketOf[k]!]!);
    }
    out.set(q, offsets);
  }
  return out;
}

function window(
  values: Float64Array,
  end: number,
  lastTimestamp: number,
  stepSeconds: number,
  season: number
): ForecastWindow {
  return { values: values.subarray(0, end), lastTimestamp, stepSeconds, season };
}

function none(reasons: ForecastReason[], season: number): ForecastOutcome {
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
  };
}

export async function forecastSeries(
  series: RegularSeries,
  opts: ForecastOptions,
  candidates: Candidate[]
): Promise<ForecastOutcome> {
  const levels = validateForecastOptions(opts);
  const h = opts.horizon;
  const step = series.stepSeconds;
  if (series.values.length < MIN_HISTORY) {
    return none(
      [
        {
          code: 'insufficient_history',
          message: `${series.values.length} sample(s); at least ${MIN_HISTORY} are needed`,
        },
      ],
      0
    );
  }
  if (!(step > 0)) {
    throw new ForecastInputError('stepSeconds', 'must be positive');
  }
  const nominalSeason = 86400 / step;
  const longGap = Math.max(12, Number.isInteger(nominalSeason) ? Math.round(nominalSeason / 2) : 24);
  const clean = cleanHistory(series, longGap);
  const reasons = [...clean.reasons];
  const y = clean.values;
  const n = y.length;
  if (n < MIN_HISTORY) {
    return none(
      [
        ...reasons,
        {
          code: 'insufficient_history',
          message: `${n} usable sample(s) after removing gaps; at least ${MIN_HISTORY} are needed`,
        },
      ],
      0
    );
  }
  const timestamps = Array.from({ length: h }, (_, k) => clean.lastTimestamp + (k + 1) * step);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    if (v < lo) {
      lo = v;
    }
    if (v > hi) {
      hi = v;
    }
  }
  if (hi - lo <= 1e-12 * Math.max(1, Math.abs(hi))) {
    const flat = new Float64Array(h).fill(y[n - 1]!);
    const quantiles = new Map(levels.map((q) => [q, flat.slice()]));
    return {
      status: 'partial',
      reasons: [
        ...reasons,
        {
          code: 'constant_series',
          message: `the series is constant at ${y[n - 1]}; the forecast repeats it with no band`,
        },
      ],
      timestamps,
      forecast: { p50: flat, quantiles },
      model: 'naive',
      explanation: 'constant series',
      candidates: [],
      backtestMase: undefined,
      seasonPeriod: 0,
    };
  }
  const season = dailySeason(step, n);
  if (season === 0) {
    reasons.push({
      code: 'no_seasonality',
      message: Number.isInteger(nominalSeason)
        ? `less than two days of history; daily seasonality cannot be used`
        : `the step (${step}s) does not divide a day; no daily season`,
    });
  }
  const allowed = opts.models ? candidates.filter((c) => opts.models!.includes(c.name)) : candidates;
  const final = window(y, n, clean.lastTimestamp, step, season);
  // Rolling origins before the forecast origin. Long horizons use overlapping test windows (a third of
  // the horizon apart) so that selection and the bands rest on more than two or three regimes.
  const stride = h >= 48 ? Math.ceil(h / BACKTEST_OVERLAP) : h;
  const wanted =
    h >= 48
      ? LONG_HORIZON_BACKTEST_ORIGINS
      : Math.min(MAX_BACKTEST_ORIGINS, Math.max(MIN_BACKTEST_ORIGINS, Math.ceil(MIN_BACKTEST_POINTS / h)));
  const minOriginHistory = Math.max(MIN_HISTORY, season > 0 ? 2 * season : 0);
  const origins: number[] = [];
  for (let j = 0; j < wanted && n - h - j * stride >= minOriginHistory; j++) {
    origins.push(n - h - j * stride);
  }
  const backtestWindows = origins.map((o) => window(y, o, clean.lastTimestamp - (n - o) * step, step, season));
  // Candidates that need a long context (the deep models) may fit only the later origins of a short history
  // (a dashboard's last few hours): they are backtested on those, and their error is put on the full set's
  // scale by how the best full-set candidate fared on the same subset.
  const coverage = new Map(
    allowed.map((c) => [c, c.applicable(final, h) ? backtestWindows.map((w) => c.applicable(w, h)) : undefined])
  );
  const usable = allowed.filter((c) => {
    const cov = coverage.get(c);
    return cov !== undefined && (cov.every(Boolean) || cov.filter(Boolean).length >= MIN_BACKTEST_ORIGINS);
  });
  for (const skipped of allowed.filter((c) => !usable.includes(c))) {
    if (skipped.name === 'lstm' || skipped.name === 'tft_lite') {
      const why: ForecastReason =
        h > 288
          ? {
              code: 'horizon_beyond_deep_models',
              message: `${skipped.name} forecasts at most 288 steps; statistical models only`,
            }
          : {
              code: 'too_short_for_deep_models',
              message: `${skipped.name} needs 512 samples before each backtest origin`,
            };
      if (!reasons.some((r) => r.code === why.code)) {
        reasons.push(why);
      }
    }
  }
  if (usable.length === 0) {
    const which = opts.models ? `none of the requested models (${opts.models.join(', ')})` : 'no model';
    return none(
      [...reasons, { code: 'insufficient_history', message: `${which} can forecast ${n} samples ${h} steps ahead` }],
      season
    );
  }

  // A candidate that fails at inference (a broken model file, say) is dropped with a reason; the rest go on.
  const settled = await Promise.all(
    usable.map(async (c) => {
      try {
        const cov = coverage.get(c)!;
        const subset = backtestWindows.filter((_, j) => cov[j]);
        const got = await c.predict([...subset, final], h);
        // Aligned with origins (undefined where the candidate cannot forecast), then the final forecast.
        let next = 0;
        const preds: Array<CandidateForecast | undefined> = cov.map((ok) => (ok ? got[next++] : undefined));
        preds.push(got[subset.length]);
        return { c, preds };
      } catch (err) {
        reasons.push({
          code: 'deep_models_unavailable',
          message: `${c.name} failed (${(err as Error).message}); forecast without it`,
        });
        return undefined;
      }
    })
  );
  const predictions = settled.filter(
    (p): p is { c: Candidate; preds: Array<CandidateForecast | undefined> } => p !== undefined
  );
  if (predictions.length === 0) {
    return none(reasons, season);
  }
  const scale = meanAbsDiff(y, 1) || 1e-12;
  const maeOn = (preds: Array<CandidateForecast | undefined>, only?: boolean[]): number => {
    let sum = 0;
    let count = 0;
    origins.forEach((o, j) => {
      const p = preds[j]?.p50;
      if (!p || (only && !only[j])) {
        return;
      }
      for (let k = 0; k < h; k++) {
        sum += Math.abs(y[o + k]! - p[k]!);
        count++;
      }
    });
    return count > 0 ? sum / count : Number.NaN;
  };
  const full = predictions.filter((p) => p.preds.slice(0, origins.length).every(Boolean));
  const reference = full.map((p) => ({ p, mae: maeOn(p.preds) })).sort((a, b) => a.mae - b.mae)[0];
  const scores: Array<{ c: Candidate; mae: number; preds: Array<CandidateForecast | undefined> }> = predictions.map(
    ({ c, preds }) => {
      const subset = preds.slice(0, origins.length).map(Boolean);
      if (subset.every(Boolean) || !reference) {
        return { c, mae: maeOn(preds), preds };
      }
      const onSubset = maeOn(reference.p.preds, subset);
      const ratio = onSubset > 0 && Number.isFinite(reference.mae) ? reference.mae / onSubset : 1;
      return { c, mae: maeOn(preds) * ratio, preds };
    }
  );

  let chosen: Array<{ c: Candidate; mae: number; preds: Array<CandidateForecast | undefined>; weight: number }>;
  if (origins.length === 0) {
    reasons.push({
      code: 'too_short_for_backtest',
      message: `history (${n}) is too short to backtest a ${h}-step horizon; using a default model with wide bands`,
    });
    const fallback = scores.find((s) => s.c.name === (season > 0 ? 'seasonal_level' : 'median_6h')) ?? scores[0]!;
    chosen = [{ ...fallback, weight: 1 }];
  } else {
    const ranked = scores.filter((s) => Number.isFinite(s.mae)).sort((a, b) => a.mae - b.mae);
    const best = ranked[0]!.mae;
    const picked = ranked.slice(0, MAX_COMBINED).filter((s) => s.mae <= best * COMBINE_WITHIN + 1e-12);
    const inv = picked.map((s) => 1 / Math.max(s.mae, 1e-12 * scale));
    const total = inv.reduce((a, b) => a + b, 0);
    chosen = picked.map((s, i) => ({ ...s, weight: inv[i]! / total }));
  }
  /** The combination at one origin (or the final forecast), undefined where a chosen candidate has none. */
  const combine = (idx: number): Float64Array | undefined => {
    const out = new Float64Array(h);
    for (const s of chosen) {
      const p = s.preds[idx]?.p50;
      if (!p) {
        return undefined;
      }
      for (let k = 0; k < h; k++) {
        out[k]! += s.weight * p[k]!;
      }
    }
    return out;
  };
  const p50 = combine(origins.length)!;
  let quantiles: Map<number, Float64Array>;
  let backtestMase: number | undefined;
  if (origins.length > 0) {
    const residuals = origins.flatMap((o, j) => {
      const p = combine(j);
      if (!p) {
        return [];
      }
      const r = new Float64Array(h);
      for (let k = 0; k < h; k++) {
        r[k] = y[o + k]! - p[k]!;
      }
      return [r];
    });
    let abs = 0;
    for (const r of residuals) {
      for (const v of r) {
        abs += Math.abs(v);
      }
    }
    backtestMase = abs / (residuals.length * h) / scale;
    const offsets = conformalQuantiles(residuals, h, levels);
    quantiles = new Map([...offsets].map(([q, off]) => [q, p50.map((v, k) => v + off[k]!)]));
  } else {
    // No backtest: random-walk bands from one-step changes, which are wide on purpose.
    quantiles = new Map(
      levels.map((q) => [q, p50.map((v, k) => v + normalQuantile(q) * scale * 1.25 * Math.sqrt(k + 1))])
    );
  }
  // Quantiles must not cross the median or each other.
  const sortedLevels = [...levels, 0.5].sort((a, b) => a - b);
  for (let k = 0; k < h; k++) {
    const vals = sortedLevels.map((q) => (q === 0.5 ? p50[k]! : quantiles.get(q)![k]!)).sort((a, b) => a - b);
    sortedLevels.forEach((q, i) => {
      if (q !== 0.5) {
        quantiles.get(q)![k] = vals[i]!;
      }
    });
  }
  // A series that has never been negative (request rates, counts, utilisation) cannot forecast below zero:
  // a band reaching under it would only be wrong.
  if (y.every((v) => !(v < 0))) {
    for (let k = 0; k < h; k++) {
      p50[k] = Math.max(0, p50[k]!);
    }
    for (const band of quantiles.values()) {
      for (let k = 0; k < h; k++) {
        band[k] = Math.max(0, band[k]!);
      }
    }
  }
  const forecast: QuantileForecast = { p50, quantiles };
  const candidateScores: CandidateScore[] = scores
    .map((s) => ({
      model: s.c.name,
      backtestMase: Number.isFinite(s.mae) ? s.mae / scale : null,
      weight: chosen.find((c) => c.c === s.c)?.weight ?? 0,
    }))
    .sort((a, b) => (a.backtestMase ?? Infinity) - (b.backtestMase ?? Infinity));
  const model = chosen.length === 1 ? chosen[0]!.c.name : `ensemble(${chosen.map((c) => c.c.name).join('+')})`;
  const explanation =
    origins.length === 0
      ? `${model}: no backtest possible`
      : `${model}: best of ${scores.length} candidates on ${origins.length} backtest origin(s) of ${h} steps` +
        ` (scaled MAE ${chosen.map((c) => `${c.c.name} ${(c.mae / scale).toFixed(3)} weight ${c.weight.toFixed(2)}`).join(', ')})`;
  const blocking = reasons.some((r) =>
    ['trailing_gap', 'history_truncated_at_gap', 'too_short_for_backtest'].includes(r.code)
  );
  return {
    status: blocking ? 'partial' : 'ok',
    reasons,
    timestamps,
    forecast,
    model,
    explanation,
    candidates: candidateScores,
    backtestMase,
    seasonPeriod: season,
  };
}
