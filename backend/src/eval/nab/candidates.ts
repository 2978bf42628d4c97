/**
 * The settings `aidpe nab-loco` chooses among, per detector: every setting in time units (minutes, hours), never in
 * points, so a choice made on 5-minute data means the same on hourly data. Each candidate runs the detector
 * exactly as the sidecar does (one streaming pass, no look-ahead; the sampling step is estimated from the
 * timestamps inside the detector).
 */
import { createWindowedGaussian, createNullDetector, runDetector } from '../../engines/anomaly/baselines.ts';
import { DEFAULT_ART_RESIDUAL, runArtResidual } from '../../engines/anomaly/detectors/artResidual.ts';
import { artSettingsFor, DEFAULT_NEWEST_WEIGHT, runArtWindows } from '../../engines/anomaly/detectors/artWindows.ts';
import { runResidualLikelihood } from '../../engines/anomaly/detectors/residualLikelihood.ts';
import type { Series } from './dataset.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Candidate {
  /** Human-readable settings, e.g. `bucket 30 min, learning 48 h, rest 8 h ≥ 0.7`. */
  name: string;
  run(series: Series): Float64Array;
  /** True for the detector's shipped defaults. */
  isDefault: boolean;
}

/** Median of the first intervals: the step a streaming detector estimates from its first points. */
export function stepOf(timestamps: ArrayLike<number>): number {
  const gaps: number[] = [];
  for (let i = 1; i < Math.min(timestamps.length, 9); i++) {
    gaps.push(timestamps[i]! - timestamps[i - 1]!);
  }
  gaps.sort((a, b) => a - b);
  return gaps.length === 0 ? HOUR : gaps[gaps.length >> 1]!;
}

const hours = (ms: number) => `${ms / HOUR} h`;
/**
 * Weights of the newest value's distance in the ART match (a share of the match lost per unit of normalised
 * distance: unitless, so it transfers across sampling rates).
 */
const NEWEST_WEIGHTS = [1, 2, 3];
const minutes = (ms: number) => `${ms / MINUTE} min`;

/** Detector families with their grids (the first entry of each list is the shipped default). */
export const CANDIDATE_GRIDS: Record<string, () => Candidate[]> = {
  'art-residual': () => {
    const out: Candidate[] = [];
    for (const bucketMs of [15 * MINUTE, 30 * MINUTE, 60 * MINUTE]) {
      for (const learningMs of [24 * HOUR, 48 * HOUR]) {
        for (const restMs of [16 * HOUR, 8 * HOUR, 24 * HOUR]) {
          for (const newestWeight of NEWEST_WEIGHTS) {
            const opts = { bucketMs, learningMs, restMs, art: { newestWeight } };
            out.push({
              name: `bucket ${minutes(bucketMs)}, learning ${hours(learningMs)}, rest ${hours(restMs)}, newest weight ${newestWeight}`,
              isDefault:
                bucketMs === DEFAULT_ART_RESIDUAL.bucketMs &&
                learningMs === DEFAULT_ART_RESIDUAL.learningMs &&
                restMs === DEFAULT_ART_RESIDUAL.restMs &&
                newestWeight === DEFAULT_NEWEST_WEIGHT,
              run: (s) => runArtResidual(s.timestamps, s.values, opts),
            });
          }
        }
      }
    }
    return out;
  },
  art: () => {
    const out: Candidate[] = [];
    for (const bucketMs of [15 * MINUTE, 30 * MINUTE, 60 * MINUTE]) {
      for (const learningMs of [24 * HOUR, 48 * HOUR]) {
        for (const newestWeight of NEWEST_WEIGHTS) {
          out.push({
            name: `bucket ${minutes(bucketMs)}, learning ${hours(learningMs)}, newest weight ${newestWeight}`,
            isDefault:
              bucketMs === DEFAULT_ART_RESIDUAL.bucketMs &&
              learningMs === DEFAULT_ART_RESIDUAL.learningMs &&
              newestWeight === DEFAULT_NEWEST_WEIGHT,
            run: (s) =>
              runArtWindows(s.values, { newestWeight, ...artSettingsFor(stepOf(s.timestamps), bucketMs, learningMs) }),
          });
        }
      }
    }
    return out;
  },
  'residual-likelihood': () => [
    {
      name: 'count-aware, quantum floor',
      isDefault: true,
      run: (s) => runResidualLikelihood(s.timestamps, s.values, { countAware: true, resolutionFloor: true }),
    },
    { name: 'plain (the old aidpe)', isDefault: false, run: (s) => runResidualLikelihood(s.timestamps, s.values) },
  ],
  windowedGaussian: () => [
    { name: 'NAB baseline', isDefault: true, run: (s) => runDetector(createWindowedGaussian(), s.values) },
  ],
  null: () => [{ name: 'never fires', isDefault: true, run: (s) => runDetector(createNullDetector(), s.values) }],
};
