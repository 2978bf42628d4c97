/** Pure geometry of the accuracy sparklines on the Models page: points → an SVG path, with a reference line. */

export interface SparkPoint {
  /** Unix ms. */
  t: number;
  v: number;
}

export interface SparklineOptions {
  width: number;
  height: number;
  /** Inner margin in px, so strokes and the last-point dot are not clipped. */
  padding?: number;
  /** A horizontal line (the model's reference error), kept inside the vertical range. */
  reference?: number | null;
}

export interface SparklineGeometry {
  /** SVG path `d` ("" when there are no points). */
  path: string;
  points: Array<{ x: number; y: number }>;
  /** y of the reference line, or null without a reference. */
  referenceY: number | null;
  /** The value range the y axis spans (from 0: errors are non-negative). */
  yMax: number;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/**
 * Time runs left to right (first to last point); errors from 0 at the bottom to the larger of the highest
 * point and the reference, with 10% headroom. Non-finite values are left out.
 */
export function sparklineGeometry(input: SparkPoint[], opts: SparklineOptions): SparklineGeometry {
  const padding = opts.padding ?? 2;
  const points = input.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v)).sort((a, b) => a.t - b.t);
  const reference = typeof opts.reference === 'number' && Number.isFinite(opts.reference) ? opts.reference : null;
  const innerW = Math.max(0, opts.width - 2 * padding);
  const innerH = Math.max(0, opts.height - 2 * padding);
  const top = Math.max(reference ?? 0, ...points.map((p) => p.v), 0);
  const yMax = top > 0 ? top * 1.1 : 1;
  const yOf = (v: number): number => round(padding + innerH * (1 - Math.max(0, v) / yMax));
  const t0 = points[0]?.t ?? 0;
  const span = points.length > 1 ? points[points.length - 1]!.t - t0 : 0;
  const xOf = (t: number): number => round(span > 0 ? padding + (innerW * (t - t0)) / span : padding + innerW / 2);
  const xy = points.map((p) => ({ x: xOf(p.t), y: yOf(p.v) }));
  const path = xy.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  return { path, points: xy, referenceY: reference === null ? null : yOf(reference), yMax };
}
