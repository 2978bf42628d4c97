/**
 * The univariate detectors the sidecar serves, by name, and THE default: `DEFAULT_DETECTOR` is what the API, the
 * streaming states, the incident watcher and `aidpe anomaly` run when no detector is named. It is the detector with
 * the best leave-one-category-out NAB score among those fast enough to serve (≥ 100k points/s single-threaded in
 * streaming mode, `npm run bench`); `aidpe nab-loco` measures the candidates side by side (README).
 *
 * Names: `art-residual` (adaptive-resonance window detector + residual likelihood + rest rule, the default), `art`
 * (the adaptive-resonance window detector alone, `detectors/artWindows.ts`: ARTime-like, implemented from a
 * functional description), `residual-likelihood` (robust seasonal residual + anomaly likelihood). Older names stay
 * accepted so clients and stored streaming states keep working: `aidpe` (residual-likelihood's first name),
 * `artime` (the former ARTime port, now `art`) and `ensemble` (the former CAD-based ensemble, removed: it selects
 * the default).
 */
import { createArtResidualDetector, DEFAULT_ART_RESIDUAL, type ArtResidualState } from './detectors/artResidual.ts';
import { createArtStreamDetector, type ArtStreamState } from './detectors/artStream.ts';
import { artSettingsFor } from './detectors/artWindows.ts';
import {
  createResidualLikelihoodDetector,
  type ResidualLikelihoodOptions,
  type ResidualLikelihoodState,
} from './detectors/residualLikelihood.ts';
import { DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD } from './regions.ts';

/** Canonical detector names (what answers and stored states say). */
export const DETECTORS = ['art-residual', 'art', 'residual-likelihood'] as const;
export type DetectorName = (typeof DETECTORS)[number];

/** The default detector everywhere a detector is not named. */
export const DEFAULT_DETECTOR: DetectorName = 'art-residual';

/**
 * Older names still accepted: `aidpe` (residual-likelihood's first name), `artime` (the removed ARTime port; its
 * clean-room successor is `art`), `ensemble` (the removed CAD-based ensemble; the default detector answers).
 */
export const DETECTOR_ALIASES = {
  aidpe: 'residual-likelihood',
  artime: 'art',
  ensemble: 'art-residual',
} as const satisfies Record<string, DetectorName>;

/** Every name a request or a stored state may carry. */
export const DETECTOR_NAMES_ACCEPTED = [
  ...DETECTORS,
  ...(Object.keys(DETECTOR_ALIASES) as Array<keyof typeof DETECTOR_ALIASES>),
] as const;
export type AcceptedDetectorName = DetectorName | keyof typeof DETECTOR_ALIASES;

export function canonicalDetector(name: AcceptedDetectorName): DetectorName {
  return (DETECTOR_ALIASES as Record<string, DetectorName>)[name] ?? (name as DetectorName);
}

export function isAcceptedDetector(name: unknown): name is AcceptedDetectorName {
  return typeof name === 'string' && (DETECTOR_NAMES_ACCEPTED as readonly string[]).includes(name);
}

/**
 * Region thresholds per detector: the scores live on different scales. residual-likelihood's likelihood sits near 1
 * for real deviations (0.988, NAB's optimised threshold for it). art-residual fires at its rest threshold (an output
 * at or above it mutes what follows, so a higher region threshold would drop alerts that still mute); the ART
 * detector alone reports how far a novel window falls below its lower vigilance (`ART_THRESHOLD`). An alias shares
 * its detector's scale. Feedback moves a series' threshold within its detector's bounds.
 */
const ART_RESIDUAL_THRESHOLDS = { default: DEFAULT_ART_RESIDUAL.restThreshold, min: 0.5, max: MAX_THRESHOLD };
const RESIDUAL_THRESHOLDS = { default: DEFAULT_THRESHOLD, min: MIN_THRESHOLD, max: MAX_THRESHOLD };
/** The ART detector's default region threshold: its in-sample NAB-optimised threshold (standard profile) ≈ 0.057. */
export const ART_THRESHOLD = 0.06;
const ART_THRESHOLDS = { default: ART_THRESHOLD, min: 0.01, max: MAX_THRESHOLD };
export const DETECTOR_THRESHOLDS: Record<AcceptedDetectorName, { default: number; min: number; max: number }> = {
  'art-residual': ART_RESIDUAL_THRESHOLDS,
  art: ART_THRESHOLDS,
  'residual-likelihood': RESIDUAL_THRESHOLDS,
  aidpe: RESIDUAL_THRESHOLDS,
  artime: ART_THRESHOLDS,
  ensemble: ART_RESIDUAL_THRESHOLDS,
};

/** The residual-likelihood warm-up in points: scores are 0 before it (art-residual too). */
export const DETECTOR_WARM_UP = 288;

/**
 * Series time a detector needs before all of it scores, for a caller that fetches history before the asked range:
 * the ART detector learns for its learning period (at least `MIN_LEARNING_STEPS` buckets), the residual part for
 * DETECTOR_WARM_UP points. (The anomaly API fetches 1,440 steps: a day at 1-minute steps.)
 */
export function historyNeededMs(detector: AcceptedDetectorName, stepMs: number): number {
  const residualMs = DETECTOR_WARM_UP * stepMs;
  const name = canonicalDetector(detector);
  if (name === 'residual-likelihood') {
    return residualMs;
  }
  const { samplesPerStep, learningSteps } = artSettingsFor(
    stepMs,
    DEFAULT_ART_RESIDUAL.bucketMs,
    DEFAULT_ART_RESIDUAL.learningMs
  );
  const artMs = samplesPerStep * learningSteps * stepMs;
  return name === 'art' ? artMs : Math.max(residualMs, artMs);
}

/**
 * Thresholds, feedback and region ids belong to one detector's scale: residual-likelihood keeps the plain series
 * key (the sidecar's first detector; stored feedback refers to it), every other detector adds __detector__.
 */
export function scoringKeyOf(labels: Record<string, string>, detector: AcceptedDetectorName): string {
  const name = canonicalDetector(detector);
  const all = name === 'residual-likelihood' ? labels : { ...labels, __detector__: name };
  const keys = Object.keys(all).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(all[k])}`).join(',')}}`;
}

export type DetectorState = ResidualLikelihoodState | ArtStreamState | ArtResidualState;

/** What a stream needs of a detector. */
export interface StreamDetector {
  update(timestampMs: number, value: number): number;
  /** Finite values fed since the detector started. */
  count(): number;
  snapshot(): DetectorState;
  restore(state: DetectorState, fed: number): void;
  /**
   * For detectors that report an incident once (art-residual's rest rule): the last value's score without that
   * rule, which says whether an incident that already alerted is still going on. Absent: the score itself.
   */
  episodeScore?(): number;
}

/**
 * The score a region is cut from: the detector's score, except while an incident that alerted is still going on,
 * where the score without the rest rule decides — so an operator's region spans the incident, while the detector
 * still alerts once (NAB's scoring sees the same alerts).
 */
export function regionScore(detector: StreamDetector, score: number, threshold: number, inRegion: boolean): number {
  if (!inRegion || score >= threshold || !detector.episodeScore) {
    return score;
  }
  const episode = detector.episodeScore();
  return episode >= threshold ? episode : score;
}

/**
 * A fresh detector by name. `residual` configures residual-likelihood (alone or inside art-residual). `stepMs`, when
 * known, is `art`'s sampling step; without it `art` estimates it from its first intervals (art-residual always does).
 */
export function createStreamDetector(
  nameIn: AcceptedDetectorName,
  residual: ResidualLikelihoodOptions = {},
  stepMs?: number
): StreamDetector {
  switch (canonicalDetector(nameIn)) {
    case 'residual-likelihood': {
      const d = createResidualLikelihoodDetector(residual);
      return {
        update: (t, v) => d.update(t, v),
        count: () => d.count(),
        snapshot: () => d.snapshot(),
        restore: (state) => d.restore(state as ResidualLikelihoodState),
      };
    }
    case 'art-residual': {
      const d = createArtResidualDetector({ residual });
      return {
        update: (t, v) => d.update(t, v),
        count: () => d.count(),
        snapshot: () => d.snapshot(),
        restore: (state) => d.restore(state as ArtResidualState),
        episodeScore: () => d.lastUnrestedScore(),
      };
    }
    case 'art': {
      const d = createArtStreamDetector({
        bucketMs: DEFAULT_ART_RESIDUAL.bucketMs,
        learningMs: DEFAULT_ART_RESIDUAL.learningMs,
        ...(stepMs && stepMs > 0 ? { stepMs } : {}),
      });
      return {
        update: d.update,
        count: d.count,
        snapshot: () => d.snapshot(),
        restore: (state) => d.restore(state as ArtStreamState),
      };
    }
  }
}

/** What the API's `detector` field documents. No scores here: they go stale; `aidpe nab-loco` and the README carry them. */
export const DETECTOR_DESCRIPTION =
  'The univariate detector, in batch and streaming mode. ' +
  'art-residual (default): an adaptive-resonance window detector and the residual likelihood side by side, the larger ' +
  `score wins, then a rest rule (after an alert ≥ ${DEFAULT_ART_RESIDUAL.restThreshold}, ` +
  `${DEFAULT_ART_RESIDUAL.restMs / 3_600_000} h of series time score 0: one incident, one alert), alerts at four ` +
  'levels; every setting in time units. The window detector is this project’s clean-room implementation of the idea ' +
  'behind ARTime (M. Hampton, 2021) on dual-vigilance fuzzy ART (Brito da Silva, Elnabarawy, Wunsch, Neural Networks ' +
  '2019/2020): it learns the shapes of short windows of the downsampled series and reports a shape it has not seen. ' +
  'art (old name artime): the window detector alone. residual-likelihood (old name aidpe): robust seasonal residual ' +
  '+ anomaly likelihood, the cheapest. ensemble: the former CAD-based ensemble was removed; the name still answers ' +
  'with the default. Scores live on different scales, so each detector has its own default threshold (art-residual ' +
  `${DETECTOR_THRESHOLDS['art-residual'].default}, art ${ART_THRESHOLD}, residual-likelihood ${DEFAULT_THRESHOLD}) ` +
  'and its own thresholds and feedback (the series key gets __detector__ for all but residual-likelihood). A ' +
  'streaming state belongs to one detector: asking another one discards it and rebuilds from history, saying so. ' +
  'Accuracy on NAB: README (aidpe nab-loco).';
