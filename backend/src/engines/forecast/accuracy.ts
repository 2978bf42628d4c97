/**
 * Forecast accuracy over time and drift: pure scoring of an issued forecast against the actuals once its
 * horizon has passed (scaled MAE on the engine's MASE scale, 80% coverage, weighted quantile loss), and
 * drift of a model's recent errors against a reference (its model card's validation error, or its own
 * first day). No I/O: the tracker in `loop/forecastAccuracy.ts` feeds it.
 */

/** A forecast as it was issued: the median and the 80% band per step, with the scale of the history it came from. */
export interface IssuedForecast {
  /** Unix seconds of each forecast step. */
  timestamps: number[];
  p10: number[];
  p50: number[];
  p90: number[];
  /** The engine's MASE scale: mean absolute one-step change of the history the forecast was made from. */
  scale: number;
}

export interface RealisedScore {
  /** Mean absolute error of the median over the horizon, divided by the issue-time scale (the engine's MASE). */
  mase: number;
  /** Share of actuals inside [p10, p90]. */
  coverage80: number;
  /** Weighted quantile loss over p10/p50/p90: mean over levels of 2·Σ pinball / Σ|actual| (GluonTS's wQL). */
  wql: number | null;
  /** Mean pinball loss over p10/p50/p90 divided by the scale. */
  scaledPinball: number;
  /** How many forecast steps had an actual. */
  points: number;
}

/** Mean absolute one-step change, skipping pairs with a gap: the scale the engine divides its backtest MAE by. */
export function inSampleScale(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 1; i < values.length; i++) {
    const a = values[i - 1]!;
    const b = values[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      continue;
    }
    sum += Math.abs(b - a);
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

/** Pinball (quantile) loss of one prediction at level q. */
export function pinball(q: number, actual: number, predicted: number): number {
  const d = actual - predicted;
  return d >= 0 ? q * d : (q - 1) * d;
}

/**
 * Scores an issued forecast against the actuals (unix seconds → value). Undefined when fewer than
 * `minShare` of the steps have a finite actual: a forecast scored on a handful of points says little.
 */
export function scoreForecast(
  f: IssuedForecast,
  actualAt: (timestampSeconds: number) => number | undefined,
  minShare = 0.8
): RealisedScore | undefined {
  const h = f.timestamps.length;
  if (h === 0 || f.p50.length !== h || f.p10.length !== h || f.p90.length !== h) {
    return undefined;
  }
  let abs = 0;
  let covered = 0;
  let pinSum = 0;
  let absActual = 0;
  let n = 0;
  for (let k = 0; k < h; k++) {
    const y = actualAt(f.timestamps[k]!);
    if (y === undefined || !Number.isFinite(y)) {
      continue;
    }
    const lo = Math.min(f.p10[k]!, f.p90[k]!);
    const hi = Math.max(f.p10[k]!, f.p90[k]!);
    abs += Math.abs(y - f.p50[k]!);
    if (y >= lo && y <= hi) {
      covered++;
    }
    pinSum += pinball(0.1, y, f.p10[k]!) + pinball(0.5, y, f.p50[k]!) + pinball(0.9, y, f.p90[k]!);
    absActual += Math.abs(y);
    n++;
  }
  if (n === 0 || n < minShare * h) {
    return undefined;
  }
  const scale = f.scale > 0 && Number.isFinite(f.scale) ? f.scale : 1e-12;
  return {
    mase: abs / n / scale,
    coverage80: covered / n,
    // Σ over levels of 2·Σ_t ρ_q / Σ_t |y|, averaged over the three levels.
    wql: absActual > 0 ? (2 * pinSum) / 3 / absActual : null,
    scaledPinball: pinSum / 3 / n / scale,
    points: n,
  };
}

export function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) {
    return Number.NaN;
  }
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One accuracy measurement of a model at time t (ms). */
export interface AccuracyPoint {
  t: number;
  /** The candidate's backtest scaled error on the series' own history at t. */
  backtestMase?: number;
  /** Backtest error relative to the naive (last value) candidate on the same windows: comparable with a model card's mae / naiveMae. */
  relativeToNaive?: number;
  /** Realised scaled error of the forecast issued at t, once its horizon has passed. */
  realisedMase?: number;
  /** Realised 80% coverage of the forecast issued at t. */
  coverage80?: number;
}

export type AccuracyMetric = 'backtestMase' | 'relativeToNaive' | 'realisedMase';

export interface DriftReference {
  value: number;
  /** Where it comes from, for a person: "model card (sim validation, mae/naiveMae)", "first day (12 points)". */
  source: string;
}

/** A model card's validation metrics per data source (normalised units), as the registry summarises them. */
export type CardValidation = Record<string, { mae: number; naiveMae?: number | undefined }>;

/**
 * The card's validation error on the scale the tracker can measure live: mae / naiveMae (both on the same
 * windows, so the normalisation cancels) — the model's error relative to repeating the last value. From the
 * named source when the card has it, else the mean over the real-data sources that have both numbers.
 */
export function cardReference(
  validation: CardValidation | undefined,
  preferredSource: string
): DriftReference | undefined {
  if (!validation) {
    return undefined;
  }
  const ratio = (m: { mae: number; naiveMae?: number | undefined } | undefined): number | undefined =>
    m && typeof m.naiveMae === 'number' && m.naiveMae > 0 && Number.isFinite(m.mae) ? m.mae / m.naiveMae : undefined;
  const preferred = ratio(validation[preferredSource]);
  if (preferred !== undefined) {
    return { value: preferred, source: `model card (${preferredSource} validation, mae/naiveMae)` };
  }
  const real = Object.entries(validation)
    .filter(([source]) => source !== 'synthetic')
    .map(([source, m]) => [source, ratio(m)] as const)
    .filter((e): e is readonly [string, number] => e[1] !== undefined);
  if (real.length === 0) {
    return undefined;
  }
  return {
    value: real.reduce((a, [, v]) => a + v, 0) / real.length,
    source: `model card (mean of ${real.map(([s]) => s).join(', ')} validation, mae/naiveMae)`,
  };
}

/** The median of a metric over the model's first `spanMs`; complete once a point past that span exists. */
export function firstSpanReference(
  points: AccuracyPoint[],
  metric: AccuracyMetric,
  spanMs: number
): { reference: DriftReference; complete: boolean } | undefined {
  const withMetric = points.filter((p) => typeof p[metric] === 'number' && Number.isFinite(p[metric]));
  if (withMetric.length === 0) {
    return undefined;
  }
  const first = withMetric[0]!.t;
  const inSpan = withMetric.filter((p) => p.t < first + spanMs).map((p) => p[metric]!);
  const complete = withMetric.some((p) => p.t >= first + spanMs);
  const hours = spanMs / 3_600_000;
  const span = hours === 24 ? 'first day' : `first ${Number(hours.toFixed(2))} h`;
  return {
    reference: {
      value: median(inSpan),
      source: `own ${span} median (${inSpan.length} points${complete ? '' : ', still collecting'})`,
    },
    complete,
  };
}

export interface DriftOptions {
  metric: AccuracyMetric;
  reference: DriftReference | undefined;
  nowMs: number;
  /** Rolling window for the recent median (and coverage). */
  windowMs: number;
  /** Drift when rolling / reference exceeds this. Default 1.5. */
  threshold?: number;
  /** Coverage drift when the realised 80% coverage over the window falls below this. Default 0.65. */
  coverageFloor?: number;
  /** Fewest points in the window before anything is judged. Default 3. */
  minPoints?: number;
}

export interface DriftAssessment {
  rolling: number | null;
  rollingCoverage80: number | null;
  reference: DriftReference | null;
  ratio: number | null;
  drift: boolean;
  coverageDrift: boolean;
  status: 'ok' | 'drift' | 'insufficient';
  reason: string;
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

/** Rolling median of the recent errors against the reference; coverage drift from the realised coverage in the window. */
export function assessDrift(points: AccuracyPoint[], opts: DriftOptions): DriftAssessment {
  const threshold = opts.threshold ?? 1.5;
  const floor = opts.coverageFloor ?? 0.65;
  const minPoints = opts.minPoints ?? 3;
  const recent = points.filter((p) => p.t > opts.nowMs - opts.windowMs && p.t <= opts.nowMs);
  const values = recent
    .map((p) => p[opts.metric])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const coverages = recent
    .map((p) => p.coverage80)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const rolling = values.length >= minPoints ? median(values) : null;
  const rollingCoverage80 =
    coverages.length >= minPoints ? coverages.reduce((a, b) => a + b, 0) / coverages.length : null;
  const reference =
    opts.reference && Number.isFinite(opts.reference.value) && opts.reference.value > 0 ? opts.reference : null;
  const ratio = rolling !== null && reference ? rolling / reference.value : null;
  const drift = ratio !== null && ratio > threshold;
  const coverageDrift = rollingCoverage80 !== null && rollingCoverage80 < floor;
  const windowText = `${Number((opts.windowMs / 3_600_000).toFixed(2))} h`;
  const reasons: string[] = [];
  if (rolling === null) {
    reasons.push(
      `${values.length} ${opts.metric} point(s) in the last ${windowText}; at least ${minPoints} are needed`
    );
  } else if (!reference) {
    reasons.push(`rolling median ${opts.metric} ${fmt(rolling)} over the last ${windowText}; no reference yet`);
  } else {
    reasons.push(
      `rolling median ${opts.metric} ${fmt(rolling)} over the last ${windowText} is ${fmt(ratio!)}× the reference ${fmt(reference.value)} from ${reference.source}` +
        (drift ? ` (above ${threshold}×: drift)` : ` (within ${threshold}×)`)
    );
  }
  if (rollingCoverage80 !== null) {
    reasons.push(
      `realised 80% coverage ${(rollingCoverage80 * 100).toFixed(0)}% over ${coverages.length} forecasts` +
        (coverageDrift ? ` is below ${(floor * 100).toFixed(0)}%: coverage drift` : '')
    );
  }
  const status =
    drift || coverageDrift ? 'drift' : ratio === null && rollingCoverage80 === null ? 'insufficient' : 'ok';
  return { rolling, rollingCoverage80, reference, ratio, drift, coverageDrift, status, reason: reasons.join('; ') };
}

/**
 * Aggregates per-series points of one model into one point per time (median error across series,
 * mean coverage), so a model's line is not dominated by its noisiest series.
 */
export function aggregatePoints(perSeries: AccuracyPoint[][]): AccuracyPoint[] {
  const byTime = new Map<number, AccuracyPoint[]>();
  for (const points of perSeries) {
    for (const p of points) {
      byTime.set(p.t, [...(byTime.get(p.t) ?? []), p]);
    }
  }
  const keys: Array<Exclude<keyof AccuracyPoint, 't'>> = [
    'backtestMase',
    'relativeToNaive',
    'realisedMase',
    'coverage80',
  ];
  return [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, ps]) => {
      const out: AccuracyPoint = { t };
      for (const k of keys) {
        const vs = ps.map((p) => p[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        if (vs.length === 0) {
          continue;
        }
        out[k] = k === 'coverage80' ? vs.reduce((a, b) => a + b, 0) / vs.length : median(vs);
      }
      return out;
    });
}
