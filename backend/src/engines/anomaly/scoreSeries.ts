/**
 * Scores one series with a streaming detector of `registry.ts` and cuts the result to the asked range: shared by the anomaly API and the sidecar's incident watcher, so both see the same regions for
 * the same data.
 */
import { extractRegions, type AnomalyRegion } from './regions.ts';
import { createStreamDetector, regionScore, type AcceptedDetectorName } from './registry.ts';

// Re-exported for the callers that took them from here before the registry existed.
export { DETECTOR_THRESHOLDS, DETECTOR_WARM_UP, scoringKeyOf } from './registry.ts';

export interface ScoredSeries {
  /** Unix ms from `fromMs` on. */
  times: number[];
  values: Array<number | null>;
  scores: number[];
  regions: AnomalyRegion[];
  /** Finite samples the detector saw, warm-up history included. */
  fed: number;
}

/**
 * `samples` are [unix seconds, value], sorted; NaN/±Inf are gaps the detector's state carries over. The anomaly API
 * names its detector (DEFAULT_DETECTOR unless asked otherwise). Without one this scores with residual-likelihood:
 * RCA's evidence calls it that way and its onset threshold and peak comparisons are on that detector's scale
 * (art-residual's rest rule zeroes the points after an alert, which would hide the peaks RCA ranks by).
 */
export function scoreSeries(
  samples: ReadonlyArray<readonly [number, number]>,
  fromMs: number,
  seriesKey: string,
  threshold: number,
  detectorName: AcceptedDetectorName = 'residual-likelihood'
): ScoredSeries {
  const detector = createStreamDetector(detectorName, {}, stepOf(samples));
  const times: number[] = [];
  const values: Array<number | null> = [];
  const scores: number[] = [];
  let fed = 0;
  let inRegion = false;
  for (const [t, v] of samples) {
    const ms = t * 1000;
    const finite = Number.isFinite(v);
    const s: number = finite ? regionScore(detector, detector.update(ms, v), threshold, inRegion) : Number.NaN;
    if (finite) {
      inRegion = s >= threshold;
    }
    if (finite) {
      fed++;
    }
    if (ms >= fromMs) {
      times.push(ms);
      values.push(finite ? v : null);
      scores.push(Number.isFinite(s) ? s : 0);
    }
  }
  return { times, values, scores, regions: extractRegions(times, scores, seriesKey, { threshold }), fed };
}

/** Median interval of the first samples in ms (undefined with fewer than two): the ART detector's step. */
function stepOf(samples: ReadonlyArray<readonly [number, number]>): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < Math.min(samples.length, 17); i++) {
    gaps.push((samples[i]![0] - samples[i - 1]![0]) * 1000);
  }
  if (gaps.length === 0) {
    return undefined;
  }
  gaps.sort((a, b) => a - b);
  const g = gaps[gaps.length >> 1]!;
  return g > 0 ? g : undefined;
}

/** A canonical key for a label set (sorted), used for per-series thresholds and region ids. */
export function seriesKeyOf(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(',')}}`;
}

/** `metric{label="v", …}` as Prometheus writes it. */
export function displayName(labels: Record<string, string>, fallback: string): string {
  const { __name__: metric, ...rest } = labels;
  const inner = Object.entries(rest)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return `${metric ?? ''}${inner ? `{${inner}}` : ''}` || fallback;
}
