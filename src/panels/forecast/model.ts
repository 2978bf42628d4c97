/**
 * Pure reading of data frames for the forecast panel: which field is the history, the median, the 80% and
 * 95% bands; where "now" is; and the forecast status and reasons the AIDPE datasource puts in `meta.custom`.
 * Frames from other datasources work too: a plain time series is drawn as actuals, and any pair of fields
 * linked by `custom.fillBelowTo` is drawn as a band.
 */
import { FieldType, type DataFrame, type Field, type QueryResultMetaNotice } from '@grafana/data';
import type { ForecastReason, ForecastStatus } from '../../api/types';

export type Values = Array<number | null>;

/** [min, max] of the finite values of all arrays, or `undefined` when there is none. */
export function extentOf(...arrays: Array<ArrayLike<number | null> | undefined>): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < (values?.length ?? 0); i++) {
      const v = values![i];
      if (typeof v === 'number' && Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  return min <= max ? [min, max] : undefined;
}

export interface Band {
  lower: Values;
  upper: Values;
  lowerField: Field;
  upperField: Field;
}

/** The forecast facts a frame carries in `meta.custom` (all optional: frames may come from any datasource). */
export interface ForecastInfo {
  status?: ForecastStatus;
  reasons: ForecastReason[];
  model?: string;
  explanation?: string;
  backtestMase?: number | null;
}

export interface SeriesModel {
  key: string;
  title: string;
  times: number[];
  actual?: Values;
  actualField?: Field;
  median?: Values;
  medianField?: Field;
  band?: Band;
  band95?: Band;
  /** Time (ms) of the last actual value: where history ends and the forecast starts. */
  nowMs?: number;
  info: ForecastInfo;
  notices: QueryResultMetaNotice[];
}

const STATUSES: readonly string[] = ['ok', 'partial', 'none'];

/** Defensive read of `meta.custom`: only well-formed values are taken. */
export function readForecastInfo(custom: unknown): ForecastInfo {
  const info: ForecastInfo = { reasons: [] };
  if (!custom || typeof custom !== 'object') {
    return info;
  }
  const c = custom as Record<string, unknown>;
  if (typeof c.status === 'string' && STATUSES.includes(c.status)) {
    info.status = c.status as ForecastStatus;
  }
  if (Array.isArray(c.reasons)) {
    info.reasons = c.reasons.flatMap((r: unknown) => {
      if (r && typeof r === 'object' && typeof (r as ForecastReason).message === 'string') {
        const { code, message } = r as ForecastReason;
        return [{ code: typeof code === 'string' ? code : 'unknown', message }];
      }
      return [];
    });
  }
  if (typeof c.model === 'string' && c.model) {
    info.model = c.model;
  }
  if (typeof c.explanation === 'string' && c.explanation) {
    info.explanation = c.explanation;
  }
  if (typeof c.backtestMase === 'number' || c.backtestMase === null) {
    info.backtestMase = c.backtestMase;
  }
  return info;
}

function numbers(field: Field): Values {
  const out: Values = new Array(field.values.length);
  for (let i = 0; i < field.values.length; i++) {
    const v: unknown = field.values[i];
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}

function times(field: Field): number[] {
  return Array.from(field.values as ArrayLike<unknown>, (v) => {
    if (typeof v === 'number') {
      return v;
    }
    if (v instanceof Date) {
      return v.getTime();
    }
    if (typeof v === 'string') {
      return Date.parse(v);
    }
    return Number.NaN;
  });
}

function customOf(field: Field): Record<string, unknown> {
  const custom: unknown = field.config?.custom;
  return custom && typeof custom === 'object' ? (custom as Record<string, unknown>) : {};
}

const ROLE_BY_NAME: Record<string, 'actual' | 'median' | 'lower' | 'upper' | 'lower95' | 'upper95'> = {
  value: 'actual',
  forecast: 'median',
  lower: 'lower',
  upper: 'upper',
  lower95: 'lower95',
  upper95: 'upper95',
};

/** Last index with a value, or -1. */
export function lastIndexWithValue(values: Values): number {
  for (let i = values.length - 1; i >= 0; i--) {
    if (values[i] !== null) {
      return i;
    }
  }
  return -1;
}

/** A frame's title: its name, else its refId, else a numbered fallback. */
export function frameTitle(frame: DataFrame, index: number): string {
  return frame.name || (frame.refId ? `Query ${frame.refId}` : `Series ${index + 1}`);
}

export type FieldRole = 'actual' | 'median' | 'lower' | 'upper' | 'lower95' | 'upper95';

/**
 * Which number field of a frame plays which part: by the sidecar's field names first, then bands from
 * `custom.fillBelowTo` pairs (what Grafana's time series panel uses), a dashed line as the forecast, and the
 * first field left over as the history.
 */
export function fieldRoles(frame: DataFrame): Map<FieldRole, Field> {
  const numberFields = frame.fields.filter((f) => f.type === FieldType.number);
  const roles = new Map<FieldRole, Field>();
  const used = new Set<Field>();
  const assign = (role: FieldRole, field: Field) => {
    if (!roles.has(role) && !used.has(field)) {
      roles.set(role, field);
      used.add(field);
    }
  };
  for (const f of numberFields) {
    const role = ROLE_BY_NAME[f.name.toLowerCase()];
    if (role) {
      assign(role, f);
    }
  }
  // Bands from fillBelowTo (what Grafana's time series panel uses), for frames named differently.
  for (const upper of numberFields) {
    const target = customOf(upper).fillBelowTo;
    if (used.has(upper) || typeof target !== 'string') {
      continue;
    }
    const lower = numberFields.find(
      (f) => f !== upper && (f.name === target || f.config?.displayNameFromDS === target)
    );
    if (!lower || used.has(lower)) {
      continue;
    }
    const [lo, hi]: [FieldRole, FieldRole] = roles.has('upper') ? ['lower95', 'upper95'] : ['lower', 'upper'];
    assign(lo, lower);
    assign(hi, upper);
  }
  // A dashed line is a forecast; the first field left over is the history.
  for (const f of numberFields) {
    const lineStyle = customOf(f).lineStyle as { fill?: string } | undefined;
    if (!used.has(f) && lineStyle?.fill === 'dash') {
      assign('median', f);
    }
  }
  const rest = numberFields.find((f) => !used.has(f));
  if (rest && !roles.has('actual')) {
    assign('actual', rest);
  }

  return roles;
}

/** One frame → the series the chart draws, or `undefined` when the frame has no time field and no numbers. */
export function frameToSeries(frame: DataFrame, index: number): SeriesModel | undefined {
  const timeField = frame.fields.find((f) => f.type === FieldType.time);
  const numberFields = frame.fields.filter((f) => f.type === FieldType.number);
  const info = readForecastInfo(frame.meta?.custom);
  const notices = frame.meta?.notices ?? [];
  const base = {
    key: `${index}:${frame.refId ?? ''}:${frame.name ?? ''}`,
    title: frameTitle(frame, index),
    info,
    notices,
  };
  if (!timeField || numberFields.length === 0) {
    // Nothing to plot, but the reasons (and notices) still deserve a place.
    return info.status || notices.length > 0 ? { ...base, times: [] } : undefined;
  }

  const roles = fieldRoles(frame);

  const band = (lo: FieldRole, hi: FieldRole): Band | undefined => {
    const lowerField = roles.get(lo);
    const upperField = roles.get(hi);
    return lowerField && upperField
      ? { lower: numbers(lowerField), upper: numbers(upperField), lowerField, upperField }
      : undefined;
  };
  const actualField = roles.get('actual');
  const medianField = roles.get('median');
  const actual = actualField ? numbers(actualField) : undefined;
  const t = times(timeField);
  const last = actual ? lastIndexWithValue(actual) : -1;

  return {
    ...base,
    times: t,
    actual,
    actualField,
    median: medianField ? numbers(medianField) : undefined,
    medianField,
    band: band('lower', 'upper'),
    band95: band('lower95', 'upper95'),
    nowMs: last >= 0 && Number.isFinite(t[last]) ? t[last] : undefined,
  };
}

/** Every frame that has something to show, in order. */
export function framesToSeries(frames: DataFrame[]): SeriesModel[] {
  return frames.flatMap((frame, i) => {
    const s = frameToSeries(frame, i);
    return s ? [s] : [];
  });
}

/** Whether a series has at least one point to draw. */
export function hasPoints(series: SeriesModel): boolean {
  return extentOf(series.actual, series.median, series.band?.lower, series.band?.upper) !== undefined;
}

/** Value extent of what will be drawn (the 95% band only when shown). */
export function valueExtent(series: SeriesModel, showBand95: boolean): [number, number] | undefined {
  return extentOf(
    series.actual,
    series.median,
    series.band?.lower,
    series.band?.upper,
    showBand95 ? series.band95?.lower : undefined,
    showBand95 ? series.band95?.upper : undefined
  );
}

/** Time extent of the series, or `undefined` when it has no valid time. */
export function timeExtent(series: SeriesModel): [number, number] | undefined {
  return extentOf(series.times);
}

/** One line for a reason overlay: "Partial forecast: gaps were imputed; …". */
export function reasonText(info: ForecastInfo): string {
  const why = info.reasons.map((r) => r.message).join('; ');
  if (info.status === 'none') {
    return `No forecast${why ? `: ${why}` : ''}`;
  }
  if (info.status === 'partial') {
    return `Partial forecast${why ? `: ${why}` : ''}`;
  }
  return why;
}
