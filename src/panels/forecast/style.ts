/**
 * Pure styling of forecast frames for Grafana's time-series renderer (@grafana/ui `TimeSeries`, the uPlot core
 * the time series panel is built on): per frame, the history as a solid line, the median dashed in the same
 * colour, the 80% (and 95%) band as a `fillBelowTo` fill between two hidden edges, and plain names in the
 * legend and tooltip. Units, decimals and colours the user set in the field config are kept; nothing is drawn
 * by hand, so zoom, crosshair sharing, tooltips and axis formatting are Grafana's own.
 */
import {
  dateTime,
  FieldType,
  type DataFrame,
  type Field,
  type FieldConfig,
  type GrafanaTheme2,
  type TimeRange,
} from '@grafana/data';
import { modelTerm } from '../../domain/vocabulary';
import { fieldRoles, frameTitle, lastIndexWithValue, type FieldRole } from './model';
import type { ForecastPanelOptions } from './types';

/** Legend and tooltip names of each part; the series title is added when several series share the plot. */
export const ROLE_LABEL: Readonly<Record<FieldRole, string>> = {
  actual: 'Actual',
  median: 'Forecast',
  upper: '80% band',
  lower: '80% band (low)',
  upper95: '95% band',
  lower95: '95% band (low)',
};

interface Custom {
  [key: string]: unknown;
}

function withCustom(field: Field, name: string, custom: Custom, color?: string): Field {
  const config: FieldConfig = { ...field.config, displayName: field.config.displayName ?? name };
  config.custom = { ...(field.config.custom as Custom | undefined), ...custom };
  if (color && !field.config.color) {
    config.color = { mode: 'fixed', fixedColor: color };
  }
  return { ...field, config };
}

/**
 * Frames ready for `TimeSeries`: the history, the median and the bands styled by role, every other field left
 * as it is. `model` (from `meta.custom`) names the forecast's model in its legend entry.
 */
export function styleForecastFrames(
  frames: DataFrame[],
  options: Pick<ForecastPanelOptions, 'showBand95' | 'bandOpacity'>,
  theme: GrafanaTheme2
): DataFrame[] {
  const drawable = frames.filter(
    (f) => f.fields.some((x) => x.type === FieldType.time) && f.fields.some((x) => x.type === FieldType.number)
  );
  const several = drawable.length > 1;
  return drawable.map((frame, index) => {
    const roles = fieldRoles(frame);
    const roleOf = new Map<Field, FieldRole>([...roles].map(([role, field]) => [field, role]));
    const color = theme.visualization.getColorByName(
      theme.visualization.palette[index % theme.visualization.palette.length]!
    );
    const suffix = several ? ` · ${frameTitle(frame, index)}` : '';
    const model = (frame.meta?.custom as { model?: unknown } | undefined)?.model;
    const name = (role: FieldRole) =>
      `${ROLE_LABEL[role]}${role === 'median' && typeof model === 'string' && model ? ` (${shortModel(model)})` : ''}${suffix}`;
    const fields = frame.fields.map((field) => {
      const role = roleOf.get(field);
      switch (role) {
        case 'actual':
          return withCustom(field, name(role), { lineWidth: 1, fillOpacity: 0, showPoints: 'never' }, color);
        case 'median':
          return withCustom(
            field,
            name(role),
            { lineWidth: 1, fillOpacity: 0, showPoints: 'never', lineStyle: { fill: 'dash', dash: [8, 4] } },
            color
          );
        case 'upper':
        case 'upper95': {
          const lowerRole = role === 'upper' ? 'lower' : 'lower95';
          const hidden = role === 'upper95' && !options.showBand95;
          const opacity = role === 'upper' ? options.bandOpacity : options.bandOpacity / 2;
          return withCustom(
            field,
            name(role),
            {
              lineWidth: 0,
              showPoints: 'never',
              fillOpacity: opacity,
              fillBelowTo: roles.has(lowerRole) ? name(lowerRole) : undefined,
              hideFrom: { legend: hidden, tooltip: hidden, viz: hidden },
            },
            color
          );
        }
        case 'lower':
        case 'lower95': {
          const hidden = role === 'lower95' && !options.showBand95;
          return withCustom(
            field,
            name(role),
            {
              lineWidth: 0,
              showPoints: 'never',
              fillOpacity: 0,
              hideFrom: { legend: true, tooltip: hidden, viz: hidden },
            },
            color
          );
        }
        default:
          return field;
      }
    });
    return { ...frame, fields };
  });
}

/** A model for a legend entry: plain words, and only the count for a blend (the full list is in the tooltip). */
export function shortModel(model: string): string {
  const blend = /^ensemble\((.*)\)$/.exec(model);
  if (blend) {
    return `blend of ${blend[1]!.split('+').filter(Boolean).length} models`;
  }
  return modelTerm(model).label.toLowerCase();
}

/**
 * The panel's range, stretched to the last forecast step: a forecast lies in the future, which a dashboard
 * range ending at "now" would cut off.
 */
export function forecastRange(frames: DataFrame[], range: TimeRange): TimeRange {
  let last = range.to.valueOf();
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    for (let i = (time?.values.length ?? 0) - 1; i >= 0; i--) {
      const t = Number(time!.values[i]);
      if (Number.isFinite(t)) {
        last = Math.max(last, t);
        break;
      }
    }
  }
  if (last === range.to.valueOf()) {
    return range;
  }
  const to = dateTime(last);
  return { from: range.from, to, raw: { from: range.raw.from, to } };
}

/** Where history ends and the forecast starts: the latest time with an actual value over all frames. */
export function nowOf(frames: DataFrame[]): number | undefined {
  let now: number | undefined;
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    const actual = fieldRoles(frame).get('actual');
    if (!time || !actual) {
      continue;
    }
    const values = Array.from(actual.values as ArrayLike<unknown>, (v) =>
      typeof v === 'number' && Number.isFinite(v) ? v : null
    );
    const last = lastIndexWithValue(values);
    const t = Number(time.values[last]);
    if (last >= 0 && Number.isFinite(t) && (now === undefined || t > now)) {
      now = t;
    }
  }
  return now;
}

/** An annotation region (anomaly, applied action) to shade behind the series. */
export interface Region {
  startMs: number;
  endMs: number;
  title: string;
  color?: string;
}

/**
 * Regions from the panel's annotation frames (`data.annotations`: `time`, `timeEnd`, `title`/`text`, `color`),
 * as Grafana hands dashboard and scene annotation layers to panels. Point annotations are left out.
 */
export function annotationRegions(annotations: DataFrame[] | undefined): Region[] {
  const regions: Region[] = [];
  for (const frame of annotations ?? []) {
    const get = (name: string) => frame.fields.find((f) => f.name === name);
    const time = get('time');
    const timeEnd = get('timeEnd');
    const title = get('title') ?? get('text');
    const color = get('color');
    if (!time || !timeEnd) {
      continue;
    }
    for (let i = 0; i < frame.length; i++) {
      const startMs = Number(time.values[i]);
      const endMs = Number(timeEnd.values[i]);
      if (Number.isFinite(startMs) && Number.isFinite(endMs) && endMs > startMs) {
        const c: unknown = color?.values[i];
        regions.push({
          startMs,
          endMs,
          title: String(title?.values[i] ?? ''),
          ...(typeof c === 'string' && c ? { color: c } : {}),
        });
      }
    }
  }
  return regions.sort((a, b) => a.startMs - b.startMs);
}
