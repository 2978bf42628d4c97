/**
 * ART + residual: the default univariate detector. Two streaming detectors that fail differently, one alert per
 * incident:
 *
 * - The adaptive-resonance window detector (`artWindows.ts`, written from a functional description of the idea
 *   behind ARTime) learns the shapes of short windows of a downsampled series and reports a shape it has not seen —
 *   a level shift, a flattened cycle, a new kind of burst — once, then learns it.
 * - The residual likelihood (`residualLikelihood.ts`, with the count transform and the quantum floor on) reports
 *   values far from the recent robust level or from the same time yesterday, and sustained deviations through its
 *   likelihood.
 *
 * The output is the larger of the two scores (both in [0, 1]), then a rest rule: after an output ≥
 * `restThreshold`, outputs are 0 for `restMs` of series time, so an incident gives one alert, not a run of them.
 * An alert is reported at one of four levels (`alertLevel`: the threshold and a third, two thirds and all of the
 * way to 1 — low, medium, high and critical for `severityOf`). Finer values above the alert threshold carry
 * nothing the rest rule uses, and they let a threshold chosen on other data cut between alerts of the same kind:
 * on NAB, with raw scores leave-one-category-out thresholds landed at 0.7005–0.7043 and dropped windows; with levels
 * every fold picks the same threshold (README).
 *
 * Every setting is in time units, converted with the sampling step estimated from the first intervals (median
 * of 8): the ART detector's bucket (`bucketMs`: values per downsampled step = bucket / step, at least 1) and its
 * learning period (`learningMs`; at least `MIN_LEARNING_STEPS` downsampled steps, the fewest its initial-vigilance
 * estimate is meaningful on), and the rest period. Defaults are the leave-one-category-out choice on NAB (README).
 * Until the step is known (9 values), values are buffered and then replayed: no look-ahead, same scores.
 */
import {
  artSettingsFor,
  createArtWindowsDetector,
  type ArtWindowsDetector,
  type ArtWindowsOptions,
  type ArtWindowsState,
} from './artWindows.ts';
import {
  createResidualLikelihoodDetector,
  type ResidualLikelihoodDetector,
  type ResidualLikelihoodOptions,
  type ResidualLikelihoodState,
} from './residualLikelihood.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Intervals used to estimate the sampling step. */
const STEP_INTERVALS = 8;

export interface ArtResidualOptions {
  /** The ART detector's downsampling bucket (default 15 min). */
  bucketMs?: number;
  /** The ART detector's learning period (default 24 h). */
  learningMs?: number;
  /** An output at or above this starts a rest period (default 0.7). */
  restThreshold?: number;
  /** Series time muted after an alert (default 16 h). */
  restMs?: number;
  /**
   * The ART detector's confidence that counts as certain (default 0.1): its score enters the max as
   * min(1, confidence / artFull), so a window that falls a tenth below the lower vigilance can raise an alert.
   */
  artFull?: number;
  /** ART detector options other than its step and learning period (range margin, category cap, …). */
  art?: Omit<ArtWindowsOptions, 'samplesPerStep' | 'learningSteps'>;
  /** Residual-likelihood options; countAware and resolutionFloor default to true here. */
  residual?: ResidualLikelihoodOptions;
}

export interface ArtResidualResolved {
  bucketMs: number;
  learningMs: number;
  restThreshold: number;
  restMs: number;
  artFull: number;
}

/**
 * Bucket, learning period and rest: the in-sample choice of `aidpe nab-loco` on NAB's four local categories (README:
 * the LOCO figure beside it). The rest threshold and `artFull` are fixed, not in the grid.
 */
export const DEFAULT_ART_RESIDUAL: ArtResidualResolved = {
  bucketMs: 15 * MINUTE,
  learningMs: 24 * HOUR,
  restThreshold: 0.7,
  restMs: 16 * HOUR,
  artFull: 0.1,
};

/**
 * The residual part ignores changes under 1% of the series' level. With the residual detector's own 0.1%, a smooth
 * series (a simulated latency quantile) raised a critical alert for a 0.7% wobble, and the 16-hour rest then hid
 * an 8× latency fault; on NAB the two floors score the same (LOCO 53.6 vs 53.8, in-sample 62.8 vs 63.1, README).
 */
export const ART_RESIDUAL_RELATIVE_SCALE_FLOOR = 0.01;

/** 2: the clean-room ART detector (states of the former port are discarded and rebuilt from history). */
export const ART_RESIDUAL_STATE_VERSION = 2;

export interface ArtResidualState {
  kind: 'art-residual';
  version: typeof ART_RESIDUAL_STATE_VERSION;
  options: ArtResidualResolved;
  /** Values buffered until the step is known: [unix ms, value]. */
  buffer: Array<[number, number]>;
  stepMs: number | null;
  art: ArtWindowsState | null;
  residual: ResidualLikelihoodState;
  /** Series time until which outputs are muted; null when not resting. */
  mutedUntil: number | null;
  fed: number;
}

export interface ArtResidualDetector {
  update(timestampMs: number, value: number): number;
  /** Finite values fed so far. */
  count(): number;
  snapshot(): ArtResidualState;
  restore(state: ArtResidualState): void;
  /** The ART settings in use (values per step, steps in the learning period), once the step is known. */
  artSettings(): { samplesPerStep: number; learningSteps: number } | undefined;
  /**
   * The last value's combined score before the rest rule: how long an alert's anomaly lasts. The rest rule keeps
   * one alert per incident (what NAB scores); a region drawn for an operator spans the incident (`episodeScore`).
   */
  lastUnrestedScore(): number;
}

/** An alert's reported level: `threshold` plus whole thirds of the way to 1 (at most 1). */
export function alertLevel(score: number, threshold: number): number {
  const step = (1 - threshold) / 3;
  return Math.min(1, threshold + Math.floor((score - threshold) / step + 1e-9) * step);
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : 0.5 * (s[h - 1]! + s[h]!);
}

export function createArtResidualDetector(options: ArtResidualOptions = {}): ArtResidualDetector {
  const resolved: ArtResidualResolved = {
    bucketMs: options.bucketMs ?? DEFAULT_ART_RESIDUAL.bucketMs,
    learningMs: options.learningMs ?? DEFAULT_ART_RESIDUAL.learningMs,
    restThreshold: options.restThreshold ?? DEFAULT_ART_RESIDUAL.restThreshold,
    restMs: options.restMs ?? DEFAULT_ART_RESIDUAL.restMs,
    artFull: options.artFull ?? DEFAULT_ART_RESIDUAL.artFull,
  };
  for (const [k, v] of Object.entries(resolved)) {
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new Error(`${k}: expected a positive number, got ${String(v)}`);
    }
  }
  const residualOptions: ResidualLikelihoodOptions = {
    countAware: true,
    resolutionFloor: true,
    relativeScaleFloor: ART_RESIDUAL_RELATIVE_SCALE_FLOOR,
    ...options.residual,
  };
  let residual: ResidualLikelihoodDetector = createResidualLikelihoodDetector(residualOptions);
  let art: ArtWindowsDetector | null = null;
  let settings: { samplesPerStep: number; learningSteps: number } | undefined;
  let stepMs: number | null = null;
  let buffer: Array<[number, number]> = [];
  let mutedUntil = -Infinity;
  let unrested = 0;
  let fed = 0;

  const startArt = (step: number): void => {
    stepMs = step;
    settings = artSettingsFor(step, resolved.bucketMs, resolved.learningMs);
    art = createArtWindowsDetector({ ...options.art, ...settings });
  };

  /** One value through both detectors and the rest rule. */
  const score = (t: number, v: number, artScore: number): number => {
    const s = Math.max(Math.min(1, artScore / resolved.artFull), residual.update(t, v));
    unrested = s;
    if (t < mutedUntil) {
      return 0;
    }
    if (s >= resolved.restThreshold) {
      mutedUntil = t + resolved.restMs;
      return alertLevel(s, resolved.restThreshold);
    }
    return s;
  };

  return {
    update(timestampMs: number, value: number): number {
      if (!Number.isFinite(value)) {
        return 0;
      }
      fed++;
      if (art === null) {
        buffer.push([timestampMs, value]);
        if (buffer.length <= STEP_INTERVALS) {
          return 0;
        }
        const gaps = buffer.slice(1).map(([t], k) => t - buffer[k]![0]);
        const step = medianOf(gaps);
        startArt(step > 0 ? step : resolved.bucketMs);
        // Replay: the buffered values were scored 0 when they arrived; the residual detector has not seen them yet.
        const replay = buffer;
        buffer = [];
        let last = 0;
        for (const [t, v] of replay) {
          last = score(t, v, art!.next(v));
        }
        return last;
      }
      return score(timestampMs, value, (art as ArtWindowsDetector).next(value));
    },
    count: () => fed,
    lastUnrestedScore: () => unrested,
    artSettings: () => (settings ? { ...settings } : undefined),
    snapshot(): ArtResidualState {
      return {
        kind: 'art-residual',
        version: ART_RESIDUAL_STATE_VERSION,
        options: { ...resolved },
        buffer: buffer.map(([t, v]) => [t, v]),
        stepMs,
        art: art ? (art as ArtWindowsDetector).snapshot() : null,
        residual: residual.snapshot(),
        mutedUntil: Number.isFinite(mutedUntil) ? mutedUntil : null,
        fed,
      };
    },
    restore(state: ArtResidualState): void {
      const fail = (field: string, why: string): never => {
        throw new Error(`detector state: ${field} ${why}`);
      };
      if (state === null || typeof state !== 'object' || state.kind !== 'art-residual') {
        fail('kind', "must be 'art-residual'");
      }
      if (state.version !== ART_RESIDUAL_STATE_VERSION) {
        fail('version', `is ${String(state.version)}; this detector reads version ${ART_RESIDUAL_STATE_VERSION}`);
      }
      for (const k of Object.keys(resolved) as Array<keyof ArtResidualResolved>) {
        if (state.options?.[k] !== resolved[k]) {
          fail(`options.${k}`, `is ${String(state.options?.[k])}; this detector uses ${resolved[k]}`);
        }
      }
      if (!Array.isArray(state.buffer) || state.buffer.length > STEP_INTERVALS) {
        fail('buffer', `must be at most ${STEP_INTERVALS} [time, value] pairs`);
      }
      if (!state.buffer.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite))) {
        fail('buffer', 'must hold finite [time, value] pairs');
      }
      if (!(Number.isInteger(state.fed) && state.fed >= 0)) {
        fail('fed', 'must be an integer ≥ 0');
      }
      if (state.mutedUntil !== null && !Number.isFinite(state.mutedUntil)) {
        fail('mutedUntil', 'must be a finite number or null');
      }
      const nextResidual = createResidualLikelihoodDetector(residualOptions);
      nextResidual.restore(state.residual);
      let nextArt: ArtWindowsDetector | null = null;
      let nextSettings: typeof settings;
      if (state.stepMs !== null) {
        if (!(typeof state.stepMs === 'number' && state.stepMs > 0)) {
          fail('stepMs', 'must be a positive number or null');
        }
        if (state.art === null || state.art === undefined) {
          fail('art', 'must be present once the step is known');
        }
        nextSettings = artSettingsFor(state.stepMs, resolved.bucketMs, resolved.learningMs);
        nextArt = createArtWindowsDetector({ ...options.art, ...nextSettings });
        nextArt.restore(state.art!);
      }
      residual = nextResidual;
      art = nextArt;
      settings = nextSettings;
      stepMs = state.stepMs;
      buffer = state.buffer.map(([t, v]) => [t, v]);
      mutedUntil = state.mutedUntil ?? -Infinity;
      fed = state.fed;
    },
  };
}

/** Runs a fresh detector over a whole series in one streaming pass. */
export function runArtResidual(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  options: ArtResidualOptions = {}
): Float64Array {
  const det = createArtResidualDetector(options);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = det.update(timestamps[i]!, values[i]!);
  }
  return out;
}
