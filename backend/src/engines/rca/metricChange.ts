/**
 * Per-service metric series around an incident, in one shape for every source (Prometheus, the simulator,
 * Nezha's per-pod CSVs, PetShop's CloudWatch export), and their change from a fault-free baseline window to
 * the incident window as a robust z (median and MAD of the baseline, signed toward "worse"). Pure.
 */

/** What a series measures; the ranking's features group series by it. */
export type MetricKind = 'latency' | 'errors' | 'availability' | 'traffic' | 'cpu' | 'memory' | 'network' | 'other';

export interface MetricSeries {
  service: string;
  /** Source name of the series (column, metric name), for the answer and the query. */
  name: string;
  kind: MetricKind;
  /** Unix ms, ascending, aligned with `values` (NaN = missing). */
  times: number[];
  values: number[];
  /** The query that shows this series, when the source has one (for Explore links). */
  query?: string;
}

export interface IncidentWindow {
  /** Fault-free samples: [baselineStartMs, incidentStartMs). */
  baselineStartMs: number;
  incidentStartMs: number;
  /** Incident samples: [incidentStartMs, incidentEndMs). */
  incidentEndMs: number;
  /**
   * When the fault-free history is long or from another period, the level to compare against is the recent one:
   * the median of [levelStartMs, incidentStartMs) (when it has samples), with the spread (MAD) still taken from
   * the whole baseline. Absent: level and spread both from the whole baseline.
   */
  levelStartMs?: number;
}

/** Which direction is worse for a kind: up for latency/errors/resources, down for availability; traffic both. */
export function worseDirection(kind: MetricKind): 1 | -1 | 0 {
  switch (kind) {
    case 'availability':
      return -1;
    case 'traffic':
    case 'other':
      return 0;
    default:
      return 1;
  }
}

export interface SeriesChange {
  series: MetricSeries;
  /** Robust z of the most extreme incident sample toward worse (two-sided kinds: absolute). */
  z: number;
  baselineMedian: number;
  /** The incident sample that gave `z`. */
  incidentValue: number;
  /** (incident − baseline median) / |baseline median| (NaN when the median is 0). */
  relativeChange: number;
  baselineSamples: number;
  incidentSamples: number;
}

/**
 * A MAD of 0 (a flat baseline) would turn any wobble into an enormous z: the scale is at least this share of
 * the baseline's level (a relative floor, so it holds in any unit), and at least MIN_SCALE.
 */
export const RELATIVE_SCALE_FLOOR = 0.05;
const MIN_SCALE = 1e-9;
/**
 * At least one fault-free sample. With few samples the MAD is unreliable and the relative floor decides the
 * scale, so a z from a short baseline reads as "relative change in units of RELATIVE_SCALE_FLOOR".
 */
export const MIN_BASELINE_SAMPLES = 1;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) {
    return Number.NaN;
  }
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Baseline and incident samples of a series (finite values only). */
export function splitWindow(series: MetricSeries, window: IncidentWindow): { base: number[]; inc: number[] } {
  const base: number[] = [];
  const inc: number[] = [];
  for (let i = 0; i < series.times.length; i++) {
    const t = series.times[i]!;
    const v = series.values[i]!;
    if (!Number.isFinite(v)) {
      continue;
    }
    if (t >= window.baselineStartMs && t < window.incidentStartMs) {
      base.push(v);
    } else if (t >= window.incidentStartMs && t < window.incidentEndMs) {
      inc.push(v);
    }
  }
  return { base, inc };
}

export function seriesChange(series: MetricSeries, window: IncidentWindow): SeriesChange | undefined {
  const { base, inc } = splitWindow(series, window);
  if (base.length < MIN_BASELINE_SAMPLES || inc.length === 0) {
    return undefined;
  }
  const recent =
    window.levelStartMs === undefined
      ? []
      : series.values.filter(
          (v, i) =>
            Number.isFinite(v) && series.times[i]! >= window.levelStartMs! && series.times[i]! < window.incidentStartMs
        );
  const spreadCentre = median(base);
  const med = recent.length > 0 ? median(recent) : spreadCentre;
  const deviations = base.map((v) => Math.abs(v - spreadCentre));
  const mad = median(deviations);
  // The mean absolute deviation keeps a spread when most samples sit on one value (an availability at 100%
  // with rare dips has MAD 0); 1.4826·MAD and 1.2533·meanAD both estimate σ for normal data.
  const meanAd = deviations.reduce((a, b) => a + b, 0) / deviations.length;
  // Counts vary at least as a Poisson count does (√level, at least 1).
  const countFloor = series.kind === 'traffic' ? Math.sqrt(Math.max(1, Math.abs(med))) : 0;
  // An availability's level is its distance from full availability (100% or 1): the relative floor applies to that.
  const level = series.kind === 'availability' ? Math.abs((Math.abs(med) > 1 ? 100 : 1) - med) : Math.abs(med);
  const scale = Math.max(1.4826 * mad, 1.2533 * meanAd, RELATIVE_SCALE_FLOOR * level, countFloor, MIN_SCALE);
  const dir = worseDirection(series.kind);
  let best = { z: 0, value: med };
  for (const v of inc) {
    const z = dir === 0 ? Math.abs(v - med) / scale : (dir * (v - med)) / scale;
    if (z > best.z) {
      best = { z, value: v };
    }
  }
  return {
    series,
    z: best.z,
    baselineMedian: med,
    incidentValue: best.value,
    relativeChange: med !== 0 ? (best.value - med) / Math.abs(med) : Number.NaN,
    baselineSamples: base.length,
    incidentSamples: inc.length,
  };
}

/**
 * Per service and kind: the representative change among its series of that kind — the one with the median z
 * (upper median), because several series of one kind (p50, p90, p99, average) are views of one quantity and the
 * noisiest view (a p99 of a few requests) should not speak for it.
 */
export function strongestChanges(
  series: readonly MetricSeries[],
  window: IncidentWindow
): Map<string, Map<MetricKind, SeriesChange>> {
  const all = new Map<string, Map<MetricKind, SeriesChange[]>>();
  for (const s of series) {
    const c = seriesChange(s, window);
    if (!c) {
      continue;
    }
    const byKind = all.get(s.service) ?? new Map<MetricKind, SeriesChange[]>();
    byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), c]);
    all.set(s.service, byKind);
  }
  const out = new Map<string, Map<MetricKind, SeriesChange>>();
  for (const [service, byKind] of all) {
    const picked = new Map<MetricKind, SeriesChange>();
    for (const [kind, changes] of byKind) {
      const sorted = [...changes].sort((a, b) => a.z - b.z);
      picked.set(kind, sorted[sorted.length >> 1]!);
    }
    out.set(service, picked);
  }
  return out;
}

/** A z on a 0..1 scale (1 − e^(−z/4): z 3 → 0.53, z 10 → 0.92), as the anomaly scores elsewhere. */
export const zToScore = (z: number): number => (z > 0 ? 1 - Math.exp(-z / 4) : 0);

/** Metric evidence of one service on the ranking's 0..1 scale, with the lines that say what moved. */
export interface MetricEvidence {
  service: string;
  latencyScore: number;
  errorScore: number;
  resourceScore: number;
  /** Requests changed (either way), 0..1: a service whose traffic moved is touched by the incident. */
  trafficScore: number;
  /** The robust z behind the latency and error scores (the scores saturate; the ranking compares the z). */
  latencyZ: number;
  errorZ: number;
  lines: string[];
  /** The series behind each score (for Explore links), strongest first. */
  changes: SeriesChange[];
}

const fmt = (x: number): string =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);

/**
 * Per service: latency from latency series, errors from error series or availability drops, resources from
 * CPU and memory, traffic from request counts, each the strongest change of its kind on the 0..1 scale.
 */
export function metricEvidence(series: readonly MetricSeries[], window: IncidentWindow): Map<string, MetricEvidence> {
  const out = new Map<string, MetricEvidence>();
  for (const [service, byKind] of strongestChanges(series, window)) {
    const score = (...kinds: MetricKind[]) => Math.max(0, ...kinds.map((k) => zToScore(byKind.get(k)?.z ?? 0)));
    const changes = [...byKind.values()].filter((c) => c.z >= 3).sort((a, b) => b.z - a.z);
    out.set(service, {
      service,
      latencyScore: score('latency'),
      errorScore: score('errors', 'availability'),
      resourceScore: score('cpu', 'memory'),
      trafficScore: score('traffic'),
      latencyZ: byKind.get('latency')?.z ?? 0,
      errorZ: Math.max(byKind.get('errors')?.z ?? 0, byKind.get('availability')?.z ?? 0),
      changes,
      lines: changes.map(
        (c) =>
          `${c.series.name} ${fmt(c.baselineMedian)} → ${fmt(c.incidentValue)} (robust z ${c.z.toFixed(1)} against the fault-free window)`
      ),
    });
  }
  return out;
}

/** Pearson's correlation of two equally long series; 0 with fewer than `minPoints` points or a constant one. */
export function pearson(a: readonly number[], b: readonly number[], minPoints = 3): number {
  const n = a.length;
  if (n < minPoints) {
    return 0;
  }
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Per service: how closely its series of the symptom's kind follow the symptom's series around the incident
 * (the strongest positive Pearson correlation, worse-direction aligned, over the incident and as long a stretch
 * of fault-free time just before it, on the symptom's timestamps). A cause's trouble and the symptom move together.
 */
export function symptomCorrelation(
  series: readonly MetricSeries[],
  symptom: MetricSeries,
  window: IncidentWindow
): Map<string, number> {
  const span = window.incidentEndMs - window.incidentStartMs;
  const from = window.incidentStartMs - span;
  const at: number[] = [];
  const ref: number[] = [];
  symptom.times.forEach((t, i) => {
    if (t >= from && t < window.incidentEndMs && Number.isFinite(symptom.values[i]!)) {
      at.push(t);
      ref.push(symptom.values[i]!);
    }
  });
  const dirRef = worseDirection(symptom.kind) || 1;
  const out = new Map<string, number>();
  for (const s of series) {
    if (s.kind !== symptom.kind && !(s.kind === 'errors' && symptom.kind === 'availability')) {
      continue;
    }
    // Nearest sample at or before each symptom time (series may be sampled on another grid).
    const xs: number[] = [];
    const ys: number[] = [];
    let j = 0;
    at.forEach((t, k) => {
      while (j + 1 < s.times.length && s.times[j + 1]! <= t) {
        j++;
      }
      const v = s.times[j] !== undefined && s.times[j]! <= t ? s.values[j]! : Number.NaN;
      if (Number.isFinite(v)) {
        xs.push((worseDirection(s.kind) || 1) * v);
        ys.push(dirRef * ref[k]!);
      }
    });
    const r = pearson(xs, ys);
    if (r > (out.get(s.service) ?? 0)) {
      out.set(s.service, r);
    }
  }
  return out;
}
