/**
 * Pure chart geometry: plot area, scales, ticks and SVG paths for one series. The React chart only renders
 * what this returns, so everything that can be wrong about the picture is tested here.
 */
import { valueExtent, timeExtent, type SeriesModel } from './model';
import {
  bandPath,
  linePath,
  linearScale,
  niceTicks,
  paddedDomain,
  timeTicks,
  timeTickFormat,
  type Scale,
} from './scale';

export const AXIS_HEIGHT = 20;
export const PAD_TOP = 8;
export const PAD_RIGHT = 12;
/** Rough width of one character of tick labels (theme's small font), for the y-axis gutter. */
const CHAR_PX = 7;

export interface ChartGeometry {
  plot: { left: number; top: number; right: number; bottom: number };
  x: Scale;
  y: Scale;
  xTicks: Array<{ value: number; position: number }>;
  xTickFormat: string;
  yTicks: Array<{ value: number; position: number; label: string }>;
  paths: { actual: string; median: string; band: string; band95: string };
  /** x position of the "now" marker, when it lies inside the plot. */
  nowX?: number;
}

export interface GeometryInput {
  series: SeriesModel;
  width: number;
  height: number;
  showBand95: boolean;
  /** Formats a value with the field's unit and decimals. */
  formatValue: (value: number) => string;
  /** The viewer's UTC offset at the start of the range (ms), so time ticks fall on local round hours. */
  tzOffsetMs?: number;
}

/** `undefined` when there is nothing to draw (no valid time or value) or no room to draw it. */
export function chartGeometry(input: GeometryInput): ChartGeometry | undefined {
  const { series, width, height, showBand95, formatValue } = input;
  const tRange = timeExtent(series);
  const vRange = valueExtent(series, showBand95);
  if (!tRange || !vRange) {
    return undefined;
  }
  const top = PAD_TOP;
  const bottom = height - AXIS_HEIGHT;
  if (bottom - top < 10 || width < 40) {
    return undefined;
  }

  const yDomain = paddedDomain(vRange);
  const yTickCount = Math.max(2, Math.min(6, Math.floor((bottom - top) / 30)));
  const yValues = niceTicks(yDomain[0], yDomain[1], yTickCount);
  const labels = yValues.map(formatValue);
  const left = Math.max(32, Math.max(0, ...labels.map((l) => l.length)) * CHAR_PX + 10);
  const right = width - PAD_RIGHT;
  if (right - left < 20) {
    return undefined;
  }

  const x = linearScale(tRange, [left, right]);
  const y = linearScale(yDomain, [bottom, top]);
  const xTickCount = Math.max(2, Math.floor((right - left) / 90));
  const { ticks, stepMs } = timeTicks(tRange[0], tRange[1], xTickCount, input.tzOffsetMs ?? 0);

  const t = series.times;
  const band95 = showBand95 && series.band95 ? bandPath(t, series.band95.lower, series.band95.upper, x, y) : '';
  return {
    plot: { left, top, right, bottom },
    x,
    y,
    xTicks: ticks.map((value) => ({ value, position: x(value) })),
    xTickFormat: timeTickFormat(stepMs, tRange[1] - tRange[0]),
    yTicks: yValues.map((value, i) => ({ value, position: y(value), label: labels[i] })),
    paths: {
      actual: series.actual ? linePath(t, series.actual, x, y) : '',
      median: series.median ? linePath(t, series.median, x, y) : '',
      band: series.band ? bandPath(t, series.band.lower, series.band.upper, x, y) : '',
      band95,
    },
    nowX:
      series.nowMs !== undefined && series.nowMs >= tRange[0] && series.nowMs <= tRange[1]
        ? x(series.nowMs)
        : undefined,
  };
}

/** `+02:00` / `-0530` / `Z` → milliseconds east of UTC (0 when unreadable). */
export function parseUtcOffset(text: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m) {
    return 0;
  }
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}
