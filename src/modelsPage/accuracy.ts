/** Pure mapping of `GET /api/v1/forecast/accuracy` to what the Models page's accuracy section shows. */
import type { AccuracyMetric, ModelAccuracy, SeriesAccuracy } from '../api/types';
import { FieldType, type FieldSparkline } from '@grafana/data';

export interface SparkPoint {
  t: number;
  v: number;
}

/** The judged metric in words (error relative to repeating the last value; below 1 beats it). */
export const METRIC_LABEL: Record<AccuracyMetric, string> = {
  backtestMase: 'error vs. naive, on past data',
  relativeToNaive: 'error vs. naive, on past data',
  realisedMase: 'error vs. naive, once the future arrived',
};

/** The metric over time as a Grafana sparkline (time and value fields), or undefined with fewer than 2 points. */
export function sparklineOf(m: ModelAccuracy): FieldSparkline | undefined {
  const points = metricPoints(m);
  if (points.length < 2) {
    return undefined;
  }
  const min = Math.min(...points.map((p) => p.v));
  const max = Math.max(...points.map((p) => p.v));
  return {
    x: { name: 'time', type: FieldType.time, values: points.map((p) => p.t), config: {} },
    y: {
      name: METRIC_LABEL[m.metric],
      type: FieldType.number,
      values: points.map((p) => p.v),
      config: { decimals: 2 },
      // The value range the sparkline scales to (Grafana's panels compute it into field state).
      state: { range: { min, max, delta: max - min } },
    },
  };
}

/** The model's judged metric over time. */
export function metricPoints(m: ModelAccuracy): SparkPoint[] {
  return m.points.flatMap((p) => {
    const v = p[m.metric];
    return typeof v === 'number' && Number.isFinite(v) ? [{ t: p.t, v }] : [];
  });
}

export type BadgeColor = 'red' | 'orange' | 'green' | 'blue';

/** Red for error drift, orange for coverage drift alone, green when within the reference, blue while there is too little to judge. */
export function driftBadge(m: ModelAccuracy): { color: BadgeColor; text: string } {
  if (m.drift) {
    return { color: 'red', text: m.ratio !== null ? `drift ×${m.ratio.toFixed(2)}` : 'drift' };
  }
  if (m.coverageDrift) {
    return { color: 'orange', text: 'coverage drift' };
  }
  if (m.status === 'insufficient' || m.rolling === null) {
    return { color: 'blue', text: 'collecting' };
  }
  return { color: 'green', text: m.ratio !== null ? `ok ×${m.ratio.toFixed(2)}` : 'ok' };
}

const num = (x: number | null | undefined, digits = 3): string =>
  typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';

/** "0.812 vs 0.545 (model card (sim validation, mae/naiveMae))". */
export function rollingVsReference(m: ModelAccuracy): string {
  const ref = m.reference ? `${num(m.reference.value)} (${m.reference.source})` : 'no reference yet';
  return `${num(m.rolling)} vs ${ref}`;
}

export interface SeriesAccuracyRow {
  id: string;
  series: string;
  model: string;
  mase: string;
  coverage80: string;
  wql: string;
  issued: string;
  pending: number;
}

export function seriesAccuracyRow(s: SeriesAccuracy): SeriesAccuracyRow {
  const r = s.realised;
  return {
    id: s.key,
    series: s.name,
    model: s.model,
    mase: num(r?.mase),
    coverage80: r ? `${(r.coverage80 * 100).toFixed(0)}%` : '—',
    wql: num(r?.wql),
    issued: r ? new Date(r.issuedAtMs).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'not matured yet',
    pending: s.pendingForecasts,
  };
}
