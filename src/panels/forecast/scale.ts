/**
 * Pure scale, tick and SVG path helpers for the forecast chart. No React, no DOM: unit-tested on their own.
 * Values are `number | null`; `null` (or a non-finite number) is a gap that breaks lines and bands.
 */

export type Values = ReadonlyArray<number | null | undefined>;

export interface Scale {
  (value: number): number;
  /** The domain value at a range position (a zero-width domain answers its start). */
  invert: (position: number) => number;
  domain: [number, number];
  range: [number, number];
}

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Linear map of `domain` onto `range`; a zero-width domain maps everything to the middle of the range. */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const fn = ((value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0))) as Scale;
  fn.invert = (position: number) => (r1 === r0 || span === 0 ? d0 : d0 + ((position - r0) / (r1 - r0)) * span);
  fn.domain = [d0, d1];
  fn.range = [r0, r1];
  return fn;
}

/** [min, max] over every finite value of the given arrays, or `undefined` when there is none. */
export function extentOf(...arrays: Array<Values | undefined>): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const values of arrays) {
    if (!values) {
      continue;
    }
    for (const v of values) {
      if (isNum(v)) {
        if (v < min) {
          min = v;
        }
        if (v > max) {
          max = v;
        }
      }
    }
  }
  return min <= max ? [min, max] : undefined;
}

/** A value domain with some headroom; a flat series gets a band around its value so it is not drawn on an edge. */
export function paddedDomain([min, max]: [number, number], fraction = 0.05): [number, number] {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return [min - pad, max + pad];
  }
  const pad = (max - min) * fraction;
  // Keep a non-negative series' axis from dipping below zero for nothing.
  const lo = min >= 0 && min - pad < 0 ? 0 : min - pad;
  return [lo, max + pad];
}

/** A "nice" step (1, 2, 2.5 or 5 × 10^k) giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) {
    return 1;
  }
  const raw = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Ticks at multiples of a nice step inside [min, max]. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) {
    return [];
  }
  if (min === max) {
    return [min];
  }
  const step = niceStep(max - min, count);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) {
    // Round away floating-point noise (0.30000000000000004).
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
];

/**
 * Time ticks (ms) at a round interval giving at most about `count` ticks. Ticks are aligned to the
 * interval in UTC (`tzOffsetMs` shifts the alignment so hours and days line up with the viewer's clock).
 */
export function timeTicks(
  minMs: number,
  maxMs: number,
  count: number,
  tzOffsetMs = 0
): { ticks: number[]; stepMs: number } {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs) || maxMs <= minMs || count < 1) {
    return { ticks: Number.isFinite(minMs) ? [minMs] : [], stepMs: 0 };
  }
  const span = maxMs - minMs;
  const stepMs = TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / DAY) * DAY;
  const ticks: number[] = [];
  const first = Math.ceil((minMs + tzOffsetMs) / stepMs) * stepMs - tzOffsetMs;
  for (let t = first; t <= maxMs; t += stepMs) {
    ticks.push(t);
  }
  return { ticks, stepMs };
}

/** Moment-style format for time ticks at this interval. */
export function timeTickFormat(stepMs: number, spanMs: number): string {
  if (stepMs < MINUTE) {
    return 'HH:mm:ss';
  }
  if (stepMs < DAY) {
    return spanMs > DAY ? 'MM/DD HH:mm' : 'HH:mm';
  }
  return 'MM/DD';
}

const fmt = (n: number) => Number(n.toFixed(2)).toString();

/** An SVG path through the points, broken at gaps; a point with gaps on both sides becomes a dot-sized segment. */
export function linePath(times: Values, values: Values, x: Scale, y: Scale): string {
  const parts: string[] = [];
  let open = false;
  const n = Math.min(times.length, values.length);
  for (let i = 0; i < n; i++) {
    const t = times[i];
    const v = values[i];
    if (!isNum(t) || !isNum(v)) {
      open = false;
      continue;
    }
    const px = fmt(x(t));
    const py = fmt(y(v));
    if (open) {
      parts.push(`L${px},${py}`);
    } else {
      const nextT = i + 1 < n ? times[i + 1] : null;
      const nextV = i + 1 < n ? values[i + 1] : null;
      const isolated = !isNum(nextT) || !isNum(nextV);
      parts.push(isolated ? `M${px},${py}h0.01` : `M${px},${py}`);
      open = !isolated;
    }
  }
  return parts.join('');
}

/**
 * A closed SVG area between `lower` and `upper`: one polygon per run of points where both are present
 * (forward along the upper edge, back along the lower edge).
 */
export function bandPath(times: Values, lower: Values, upper: Values, x: Scale, y: Scale): string {
  const n = Math.min(times.length, lower.length, upper.length);
  const polygons: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 2) {
      const top = run.map(
        (i, k) => `${k === 0 ? 'M' : 'L'}${fmt(x(times[i] as number))},${fmt(y(upper[i] as number))}`
      );
      const bottom = [...run].reverse().map((i) => `L${fmt(x(times[i] as number))},${fmt(y(lower[i] as number))}`);
      polygons.push(`${top.join('')}${bottom.join('')}Z`);
    }
    run = [];
  };
  for (let i = 0; i < n; i++) {
    if (isNum(times[i]) && isNum(lower[i]) && isNum(upper[i])) {
      run.push(i);
    } else {
      flush();
    }
  }
  flush();
  return polygons.join('');
}

/** Index of the time closest to `t` in ascending `times` (binary search), or -1 when `times` is empty. */
export function nearestIndex(times: ArrayLike<number>, t: number): number {
  const n = times.length;
  if (n === 0) {
    return -1;
  }
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return Math.abs(times[hi] - t) < Math.abs(times[lo] - t) ? hi : lo;
}
