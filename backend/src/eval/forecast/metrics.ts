/**
 * Scores of one forecast against what happened, and their aggregation over origins and series.
 *
 * - MASE: MAE over the scored test points / in-sample MAE of seasonal naive (lag = daily season, or 1) on
 *   the history before the origin; a series' MASE is the mean over its origins; relative MASE is a
 *   method's series MASE over seasonal naive's, summarised by the geometric mean over series;
 * - wQL over q ∈ {0.1, 0.5, 0.9}: 2·Σ pinball / (3·Σ|y|) per series;
 * - coverage: share of test points inside [p10, p90] (80%) and [p2.5, p97.5] (95%), pooled over points.
 * Test points with no observation (gaps of an irregular series on its grid) are not scored.
 */

export interface ScoredForecast {
  p50: Float64Array;
  /** Must hold 0.025, 0.1, 0.9 and 0.975. */
  quantiles: Map<number, Float64Array>;
}

export interface OriginScore {
  mase: number;
  mae: number;
  pinball: number;
  absActual: number;
  inside80: number;
  inside95: number;
  points: number;
}

function pinball(y: number, q: number, f: number): number {
  return y >= f ? q * (y - f) : (1 - q) * (f - y);
}

export function scoreOrigin(actual: Float64Array, fc: ScoredForecast, scale: number): OriginScore {
  const p10 = fc.quantiles.get(0.1)!;
  const p90 = fc.quantiles.get(0.9)!;
  const lo95 = fc.quantiles.get(0.025)!;
  const hi95 = fc.quantiles.get(0.975)!;
  let abs = 0;
  let pb = 0;
  let absActual = 0;
  let in80 = 0;
  let in95 = 0;
  let points = 0;
  for (let k = 0; k < actual.length; k++) {
    const y = actual[k]!;
    if (!Number.isFinite(y)) {
      continue;
    }
    points++;
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
  const mae = points > 0 ? abs / points : Number.NaN;
  return { mase: mae / scale, mae, pinball: pb, absActual, inside80: in80, inside95: in95, points };
}

/** One method on one series: its origins pooled. */
export interface SeriesMetrics {
  mase: number;
  wql: number;
  inside80: number;
  inside95: number;
  points: number;
  origins: number;
  medianMs: number;
  error?: string;
}

export function median(xs: number[]): number {
  if (xs.length === 0) {
    return Number.NaN;
  }
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function poolOrigins(scores: OriginScore[], ms: number[] = []): SeriesMetrics {
  const points = scores.reduce((s, o) => s + o.points, 0);
  const absActual = scores.reduce((s, o) => s + o.absActual, 0);
  const mases = scores.map((o) => o.mase).filter(Number.isFinite);
  return {
    mase: mases.length > 0 ? mases.reduce((s, v) => s + v, 0) / mases.length : Number.NaN,
    wql: absActual > 0 ? (2 * scores.reduce((s, o) => s + o.pinball, 0)) / (3 * absActual) : Number.NaN,
    inside80: scores.reduce((s, o) => s + o.inside80, 0),
    inside95: scores.reduce((s, o) => s + o.inside95, 0),
    points,
    origins: scores.length,
    medianMs: median(ms),
  };
}

export function failed(error: string): SeriesMetrics {
  const nan = Number.NaN;
  return { mase: nan, wql: nan, inside80: 0, inside95: 0, points: 0, origins: 0, medianMs: nan, error };
}

export function geometricMean(xs: number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x) && x > 0);
  if (ok.length === 0) {
    return Number.NaN;
  }
  return Math.exp(ok.reduce((s, x) => s + Math.log(x), 0) / ok.length);
}

/** A method over a set of series: relative MASE and wQL (vs the reference), coverage pooled over points. */
export interface GroupSummary {
  series: number;
  relativeMase: number;
  relativeWql: number;
  meanMase: number;
  coverage80: number;
  coverage95: number;
  medianMs: number;
  failures: number;
}

export function summariseGroup(pairs: Array<{ m: SeriesMetrics; reference: SeriesMetrics }>): GroupSummary {
  const rel: number[] = [];
  const relW: number[] = [];
  const mases: number[] = [];
  let in80 = 0;
  let in95 = 0;
  let points = 0;
  let failures = 0;
  for (const { m, reference } of pairs) {
    if (m.error) {
      failures++;
      continue;
    }
    if (reference.mase > 0 && Number.isFinite(reference.mase) && Number.isFinite(m.mase)) {
      rel.push(m.mase / reference.mase);
    }
    if (reference.wql > 0 && Number.isFinite(reference.wql) && Number.isFinite(m.wql)) {
      relW.push(m.wql / reference.wql);
    }
    if (Number.isFinite(m.mase)) {
      mases.push(m.mase);
    }
    in80 += m.inside80;
    in95 += m.inside95;
    points += m.points;
  }
  return {
    series: pairs.length - failures,
    relativeMase: geometricMean(rel),
    relativeWql: geometricMean(relW),
    meanMase: mases.reduce((s, v) => s + v, 0) / Math.max(1, mases.length),
    coverage80: points > 0 ? in80 / points : Number.NaN,
    coverage95: points > 0 ? in95 / points : Number.NaN,
    medianMs: median(pairs.map((p) => p.m.medianMs).filter(Number.isFinite)),
    failures,
  };
}
