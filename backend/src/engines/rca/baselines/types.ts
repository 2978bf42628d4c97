/**
 * What the published root-cause methods that anchor the evaluation take: per-service metric series around the
 * incident, the call graph and the symptom, and (for the rule baseline) spans and log lines when the source
 * has them. Each method answers services with a score, best first.
 */
import type { IncidentWindow, MetricKind, MetricSeries } from '../metricChange.ts';

export interface BaselineSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  service: string;
  operation: string;
  startMs: number;
  durationMs: number;
}

export interface BaselineInput {
  /** The service whose SLI is violated (where the walk starts). */
  symptom: string;
  /** The SLI's kind (latency or availability/errors): the random walk correlates series of this kind. */
  symptomKind: MetricKind;
  /** Calls: caller → callee. */
  edges: ReadonlyArray<{ source: string; target: string }>;
  metrics: readonly MetricSeries[];
  window: IncidentWindow;
  spans?: { baseline: readonly BaselineSpan[]; incident: readonly BaselineSpan[] };
  /** Incident log lines (service and text) for the rule baseline's error-keyword count. */
  incidentLogs?: ReadonlyArray<{ service: string; message: string }>;
}

export interface ScoredService {
  service: string;
  score: number;
}

export const byScore = (a: ScoredService, b: ScoredService): number =>
  b.score - a.score || a.service.localeCompare(b.service);

/** Per service the best of its series' scores, best first; services without a positive score are left out. */
export function maxPerService(scores: ReadonlyArray<{ service: string; score: number }>): ScoredService[] {
  const best = new Map<string, number>();
  for (const s of scores) {
    if (Number.isFinite(s.score) && s.score > (best.get(s.service) ?? 0)) {
      best.set(s.service, s.score);
    }
  }
  return [...best].map(([service, score]) => ({ service, score })).sort(byScore);
}

/** Series restricted to [fromMs, toMs), time-aligned on a shared grid (the union of their times, NaN-filled). */
export function alignedMatrix(
  series: readonly MetricSeries[],
  fromMs: number,
  toMs: number
): { times: number[]; columns: number[][] } {
  const grid = new Set<number>();
  for (const s of series) {
    for (const t of s.times) {
      if (t >= fromMs && t < toMs) {
        grid.add(t);
      }
    }
  }
  const times = [...grid].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col = times.map(() => Number.NaN);
    s.times.forEach((t, i) => {
      const k = at.get(t);
      if (k !== undefined) {
        col[k] = s.values[i]!;
      }
    });
    return col;
  });
  return { times, columns };
}

/** Missing values filled with the column's mean (PetShop's harness does the same), all-missing columns with 0. */
export function imputeMean(col: readonly number[]): number[] {
  const finite = col.filter(Number.isFinite);
  const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : 0;
  return col.map((v) => (Number.isFinite(v) ? v : mean));
}
