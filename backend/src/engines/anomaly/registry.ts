/**
 * The univariate detectors the sidecar serves, by name, and THE default: `DEFAULT_DETECTOR` is what the API, the
 * streaming states, the incident watcher and `aidpe anomaly` run when no detector is named. It is the detector with
 * the best leave-one-category-out NAB score among those fast enough to serve (≥ 100k points/s single-threaded in
 * streaming mode, `npm run bench`); `aidpe nab-loco` measures the candidates side by side (README).
 *
 * Names: `art-residual` (ARTime + residual likelihood + rest rule, the default), `artime` (the ARTime port alone),
 * `residual-likelihood` (robust seasonal residual + anomaly likelihood; `aidpe`, its name before it had one, is an
 * alias, so clients and stored streaming states that say `aidpe` keep working) and `ensemble` (CAD OSE + residual
 * likelihood: strong on NAB but ~10k points/s, too slow to be the default).
 */
import {
  artimeSettingsFor,
  createArtResidualDetector,
  DEFAULT_ART_RESIDUAL,
  type ArtResidualState,
} from './detectors/artResidual.ts';
import { createArtimeDetector, type ArtimeState } from './detectors/artime.ts';
import { createEnsembleDetector, type EnsembleState } from './detectors/ensemble.ts';
import {
  createResidualLikelihoodDetector,
  type ResidualLikelihoodOptions,
  type ResidualLikelihoodState,
} from './detectors/residualLikelihood.ts';
import { DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD } from './regions.ts';

/** Canonical detector names (what answers and stored states say). */
export const DETECTORS = ['art-residual', 'artime', 'residual-likelihood', 'ensemble'] as const;
export type DetectorName = (typeof DETECTORS)[number];

/** The default detector everywhere a detector is not named. */
export const DEFAULT_DETECTOR: DetectorName = 'art-residual';

/** Older names still accepted. */
export const DETECTOR_ALIASES = { aidpe: 'residual-likelihood' } as const satisfies Record<string, DetectorName>;

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
 * for real deviations (0.988, NAB's optimised threshold for it). art-residual and the ensemble fire at their rest
 * threshold (an output at or above it mutes what follows, so a higher region threshold would drop alerts that
 * still mute); ARTime's confidences start low (its NAB-optimised threshold on the four local categories is ≈ 0.4).
 * Feedback moves a series' threshold within its detector's bounds.
 */
export const DETECTOR_THRESHOLDS: Record<AcceptedDetectorName, { default: number; min: number; max: number }> = {
  'art-residual': { default: DEFAULT_ART_RESIDUAL.restThreshold, min: 0.5, max: MAX_THRESHOLD },
  artime: { default: 0.4, min: 0.1, max: MAX_THRESHOLD },
  'residual-likelihood': { default: DEFAULT_THRESHOLD, min: MIN_THRESHOLD, max: MAX_THRESHOLD },
  aidpe: { default: DEFAULT_THRESHOLD, min: MIN_THRESHOLD, max: MAX_THRESHOLD },
  ensemble: { default: 0.7, min: 0.5, max: MAX_THRESHOLD },
};

/** The residual-likelihood warm-up in points: scores are 0 before it (art-residual and the ensemble too). */
export const DETECTOR_WARM_UP = 288;

/**
 * Series time a detector needs before all of it scores, for a caller that fetches history before the asked range:
 * art-residual's ARTime part learns for its learning period (at least `MIN_LEARNING_STEPS` buckets), the residual
 * part for DETECTOR_WARM_UP points. (The anomaly API fetches 1,440 steps: a day at 1-minute steps.)
 */
export function historyNeededMs(detector: AcceptedDetectorName, stepMs: number): number {
  const residualMs = DETECTOR_WARM_UP * stepMs;
  const name = canonicalDetector(detector);
  if (name !== 'art-residual' && name !== 'artime') {
    return residualMs;
  }
  const { samplesPerStep, trendWindow } = artimeSettingsFor(
    stepMs,
    DEFAULT_ART_RESIDUAL.bucketMs,
    DEFAULT_ART_RESIDUAL.learningMs
  );
  return Math.max(residualMs, samplesPerStep * trendWindow * stepMs);
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

export type DetectorState = ResidualLikelihoodState | EnsembleState | ArtimeState | ArtResidualState;

/** What a stream needs of a detector. */
export interface StreamDetector {
  update(timestampMs: number, value: number): number;
  /** Finite values fed since the detector started. */
  count(): number;
  snapshot(): DetectorState;
  restore(state: DetectorState, fed: number): void;
}

/**
 * A fresh detector by name. `residual` configures residual-likelihood (alone or inside art-residual and the
 * ensemble). `stepMs`, when known, sets ARTime's step (alone it needs one; default 30-minute buckets).
 */
export function createStreamDetector(
  nameIn: AcceptedDetectorName,
  residual: ResidualLikelihoodOptions = {},
  stepMs?: number
): StreamDetector {
  const name = canonicalDetector(nameIn);
  const counting = <T>(
    inner: { update: (t: number, v: number) => number; snapshot: () => T; restore: (s: T) => void },
    kind: string
  ): StreamDetector => {
    let fed = 0;
    return {
      update: (t, v) => {
        if (Number.isFinite(v)) {
          fed++;
        }
        return inner.update(t, v);
      },
      count: () => fed,
      snapshot: () => inner.snapshot() as DetectorState,
      restore: (state, count) => {
        if (!(Number.isInteger(count) && count >= 0)) {
          throw new Error(`streaming state: fed must be an integer ≥ 0, got ${String(count)}`);
        }
        if ((state as { kind?: unknown })?.kind !== kind) {
          throw new Error(`detector state: kind must be '${kind}'`);
        }
        inner.restore(state as T);
        fed = count;
      },
    };
  };
  switch (name) {
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
      const d = createArtResidualDetector({ residual: { countAware: true, resolutionFloor: true, ...residual } });
      return {
        update: (t, v) => d.update(t, v),
        count: () => d.count(),
        snapshot: () => d.snapshot(),
        restore: (state) => d.restore(state as ArtResidualState),
      };
    }
    case 'artime': {
      const step = stepMs && stepMs > 0 ? stepMs : DEFAULT_ART_RESIDUAL.bucketMs;
      const d = createArtimeDetector(
        artimeSettingsFor(step, DEFAULT_ART_RESIDUAL.bucketMs, DEFAULT_ART_RESIDUAL.learningMs)
      );
      return counting({ update: (_t, v) => d.next(v), snapshot: d.snapshot, restore: d.restore }, 'artime');
    }
    case 'ensemble': {
      const d = createEnsembleDetector({ residual });
      return counting({ update: d.update, snapshot: d.snapshot, restore: d.restore }, 'aidpe-ensemble');
    }
  }
}

/** What the API's `detector` field documents (figures: `aidpe nab-loco`, README). */
export const DETECTOR_DESCRIPTION =
  'The univariate detector, in batch and streaming mode. art-residual (default): ARTime (adaptive resonance on windows of the downsampled series, the NAB leader’s algorithm) and the residual likelihood side by side, the larger score wins, then a rest rule (after an alert ≥ 0.7, 16 h of series time score 0: one incident, one alert), alerts at four levels; settings in time units; NAB 68.3 standard / 59.1 low-FP / 73.4 low-FN on the four local categories, 62.8 / 55.1 / 67.9 leave-one-category-out; about 0.3 M points/s on one core. artime: the ARTime port alone (NAB 58.8). residual-likelihood (old name aidpe): robust seasonal residual + anomaly likelihood, the cheapest (NAB 24.4). ensemble: CAD OSE + residual likelihood with a rest rule (NAB 69.8 in-sample, 66.3 with thresholds chosen out of category), about 8k points/s: too slow to be the default. Scores live on different scales, so each detector has its own default threshold (art-residual 0.7, artime 0.4, residual-likelihood 0.988, ensemble 0.7) and its own thresholds and feedback (the series key gets __detector__ for all but residual-likelihood). A streaming state belongs to one detector: asking another one discards it and rebuilds from history, saying so';
