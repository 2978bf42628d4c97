/**
 * Grafana data frames for forecasts: history and forecast on one time axis, the median dashed, quantile bands
 * filled between their partners — what a Grafana time-series panel draws without custom code.
 */
import type { ForecastOutcome, RegularSeries } from '../../engines/forecast/types.ts';

export interface FrameField {
  name: string;
  type: 'time' | 'number';
  values: Array<number | null>;
  config?: Record<string, unknown>;
}

export interface DataFrame {
  name: string;
  fields: FrameField[];
}

export const finiteOrNull = (x: number | null | undefined): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;

export function seriesName(labels: Record<string, string>, fallback: string): string {
  const { __name__: metric = '', ...rest } = labels;
  const inner = Object.entries(rest)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  if (!metric && !inner) {
    return fallback;
  }
  return inner ? `${metric}{${inner}}` : metric;
}

export function quantileFieldName(q: number): string {
  const named: Record<string, string> = { '0.1': 'lower', '0.9': 'upper', '0.025': 'lower95', '0.975': 'upper95' };
  return named[String(q)] ?? `p${Number((q * 100).toFixed(4))}`;
}

/**
 * History and forecast on one time axis (ms). A trailing gap makes the forecast start inside the
 * history's grid, so rows are merged by time; the forecast and bands also hold the last actual value
 * at the forecast origin, so the lines join.
 */
export function buildFrame(name: string, series: RegularSeries, outcome: ForecastOutcome, levels: number[]): DataFrame {
  const n = series.values.length;
  const step = series.stepSeconds;
  const toMs = (t: number): number => Math.round(t * 1000);
  const histMs: number[] = [];
  for (let i = 0; i < n; i++) {
    histMs.push(toMs(n === 1 ? series.lastTimestamp : series.lastTimestamp - (n - 1 - i) * step));
  }
  const fcMs = outcome.forecast ? outcome.timestamps.map(toMs) : [];
  const times = [...new Set([...histMs, ...fcMs])].sort((a, b) => a - b);
  const row = new Map(times.map((t, i) => [t, i]));
  const empty = (): Array<number | null> => new Array<number | null>(times.length).fill(null);

  const value = empty();
  histMs.forEach((t, i) => (value[row.get(t)!] = finiteOrNull(series.values[i])));

  const forecast = empty();
  const bands = new Map(levels.map((q) => [q, empty()]));
  if (outcome.forecast) {
    const f = outcome.forecast;
    fcMs.forEach((t, k) => {
      const r = row.get(t)!;
      forecast[r] = finiteOrNull(f.p50[k]);
      for (const q of levels) {
        bands.get(q)![r] = finiteOrNull(f.quantiles.get(q)?.[k]);
      }
    });
    const originTs = outcome.timestamps[0]! - step;
    const originRow = row.get(toMs(originTs));
    if (originRow !== undefined && value[originRow] !== null) {
      forecast[originRow] = value[originRow]!;
      for (const q of levels) {
        bands.get(q)![originRow] = value[originRow]!;
      }
    }
  }

  const fields: FrameField[] = [
    { name: 'time', type: 'time', values: times },
    { name: 'value', type: 'number', values: value, config: { description: 'Actual values' } },
    {
      name: 'forecast',
      type: 'number',
      values: forecast,
      config: {
        description: `Median forecast (${outcome.model})`,
        custom: { lineStyle: { fill: 'dash', dash: [10, 10] } },
      },
    },
  ];
  for (const q of levels) {
    const fieldName = quantileFieldName(q);
    const partner = levels.find((p) => Math.abs(p - (1 - q)) < 1e-9);
    const custom: Record<string, unknown> = { lineWidth: 0 };
    if (q > 0.5 && partner !== undefined) {
      custom['fillBelowTo'] = quantileFieldName(partner);
      custom['fillOpacity'] = q - partner >= 0.9 ? 10 : 20;
    }
    fields.push({
      name: fieldName,
      type: 'number',
      values: bands.get(q)!,
      config: { description: `Quantile ${q} of the forecast`, custom },
    });
  }
  return { name, fields };
}
