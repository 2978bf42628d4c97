/**
 * Scores one series with the streaming AIDPE detector (or the CAD OSE + AIDPE ensemble) and cuts the result to the asked range: shared by
 * the anomaly API and the sidecar's incident watcher, so both see the same regions for the same data.
 */
import { createResidualLikelihoodDetector } from './detectors/residualLikelihood.ts';
import { createEnsembleDetector } from './detectors/ensemble.ts';
import { DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD, extractRegions, type AnomalyRegion } from './regions.ts';
import type { StreamDetectorName } from './streaming.ts';

/**
 * Region thresholds per detector: the scores live on different scales. aidpe's likelihood sits near 1 for real
 * deviations (default 0.988). The ensemble fires at its rest threshold: every output ≥ 0.7 mutes the next 100, and
 * on NAB (every 4th file, 9 of 35, 46,400 points: scripts/ensemble-score-distribution.ts) 63 outputs reached 0.7 but
 * only 7 reached 0.988 — a 0.988 threshold would drop most of its alerts while they still mute what follows.
 * Feedback moves a threshold within its detector's bounds.
 */
export const DETECTOR_THRESHOLDS: Record<StreamDetectorName, { default: number; min: number; max: number }> = {
  aidpe: { default: DEFAULT_THRESHOLD, min: MIN_THRESHOLD, max: MAX_THRESHOLD },
  ensemble: { default: 0.7, min: 0.5, max: MAX_THRESHOLD },
};

/** The detector's own warm-up (createResidualLikelihoodDetector default): scores are 0 before it. */
export const DETECTOR_WARM_UP = 288;

export interface ScoredSeries {
  /** Unix ms from `fromMs` on. */
  times: number[];
  values: Array<number | null>;
  scores: number[];
  regions: AnomalyRegion[];
  /** Finite samples the detector saw, warm-up history included. */
  fed: number;
}

/** `samples` are [unix seconds, value], sorted; NaN/±Inf are gaps the detector's state carries over. */
export function scoreSeries(
  samples: ReadonlyArray<readonly [number, number]>,
  fromMs: number,
  seriesKey: string,
  threshold: number,
  detectorName: StreamDetectorName = 'aidpe'
): ScoredSeries {
  const detector = detectorName === 'ensemble' ? createEnsembleDetector() : createResidualLikelihoodDetector();
  const times: number[] = [];
  const values: Array<number | null> = [];
  const scores: number[] = [];
  let fed = 0;
  for (const [t, v] of samples) {
    const ms = t * 1000;
    const finite = Number.isFinite(v);
    const s = finite ? detector.update(ms, v) : Number.NaN;
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
