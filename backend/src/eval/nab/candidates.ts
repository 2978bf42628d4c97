/**
 * The settings `aidpe nab-loco` chooses among, per detector: every setting in time units (minutes, hours), never in
 * points, so a choice made on 5-minute data means the same on hourly data. Each candidate runs the detector
 * exactly as the sidecar does (one streaming pass, no look-ahead; the sampling step is estimated from the
 * timestamps inside the detector).
 */
import { createWindowedGaussian, createNullDetector, runDetector } from '../../engines/anomaly/baselines.ts';
import {
  artimeSettingsFor,
  DEFAULT_ART_RESIDUAL,
  runArtResidual,
} from '../../engines/anomaly/detectors/artResidual.ts';
import { runArtime } from '../../engines/anomaly/detectors/artime.ts';
import { runCad } from '../../engines/anomaly/detectors/cad.ts';
import { runEnsemble } from '../../engines/anomaly/detectors/ensemble.ts';
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
const minutes = (ms: number) => `${ms / MINUTE} min`;

/** Detector families with their grids (the first entry of each list is the shipped default). */
export const CANDIDATE_GRIDS: Record<string, () => Candidate[]> = {
  'art-residual': () => {
    const out: Candidate[] = [];
    for (const bucketMs of [15 * MINUTE, 30 * MINUTE, 60 * MINUTE]) {
      for (const learningMs of [24 * HOUR, 48 * HOUR]) {
        for (const restMs of [16 * HOUR, 8 * HOUR, 24 * HOUR]) {
          for (const restThreshold of [0.7, 0.6]) {
            const opts = { bucketMs, learningMs, restMs, restThreshold };
            out.push({
              name: `bucket ${minutes(bucketMs)}, learning ${hours(learningMs)}, rest ${hours(restMs)} after ≥ ${restThreshold}`,
              isDefault:
                bucketMs === DEFAULT_ART_RESIDUAL.bucketMs &&
                learningMs === DEFAULT_ART_RESIDUAL.learningMs &&
                restMs === DEFAULT_ART_RESIDUAL.restMs &&
                restThreshold === DEFAULT_ART_RESIDUAL.restThreshold,
              run: (s) => runArtResidual(s.timestamps, s.values, opts),
            });
          }
        }
      }
    }
    return out;
  },
  artime: () => {
    const out: Candidate[] = [];
    for (const bucketMs of [15 * MINUTE, 30 * MINUTE, 60 * MINUTE]) {
      for (const learningMs of [24 * HOUR, 48 * HOUR]) {
        out.push({
          name: `bucket ${minutes(bucketMs)}, learning ${hours(learningMs)}`,
          isDefault: bucketMs === DEFAULT_ART_RESIDUAL.bucketMs && learningMs === DEFAULT_ART_RESIDUAL.learningMs,
          run: (s) => runArtime(s.values, artimeSettingsFor(stepOf(s.timestamps), bucketMs, learningMs)),
        });
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
  'cad-ose': () => [{ name: 'learned range (README)', isDefault: true, run: (s) => runCad(s.values) }],
  ensemble: () => [
    {
      name: 'CAD OSE + residual likelihood, rest 100 points',
      isDefault: true,
      run: (s) => runEnsemble(s.timestamps, s.values),
    },
  ],
  windowedGaussian: () => [
    { name: 'NAB baseline', isDefault: true, run: (s) => runDetector(createWindowedGaussian(), s.values) },
  ],
  null: () => [{ name: 'never fires', isDefault: true, run: (s) => runDetector(createNullDetector(), s.values) }],
};
