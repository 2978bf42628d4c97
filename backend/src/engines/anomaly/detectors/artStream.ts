/**
 * The adaptive-resonance window detector (`artWindows.ts`) as a stream of (time, value), the sidecar's `art`
 * detector. Its settings are in time units (bucket, learning period) and need the sampling step: a step the caller
 * knows (a query's step) is used as given; otherwise it is estimated from the first intervals (median of 8, as
 * art-residual does) and the values seen until then are buffered and replayed — no look-ahead, and they fall in the
 * learning period, which scores 0 anyway. Pure; the snapshot is JSON and a restored detector continues bit-identically.
 */
import {
  artSettingsFor,
  createArtWindowsDetector,
  type ArtWindowsDetector,
  type ArtWindowsOptions,
  type ArtWindowsState,
} from './artWindows.ts';

/** Intervals used to estimate the sampling step. */
const STEP_INTERVALS = 8;

export const ART_STREAM_STATE_VERSION = 1;

export interface ArtStreamOptions {
  /** Downsampling bucket (ms). */
  bucketMs: number;
  /** Learning period (ms of series time). */
  learningMs: number;
  /** The sampling step when the caller knows it; estimated otherwise. */
  stepMs?: number;
  /** Detector options other than its step and learning period. */
  art?: Omit<ArtWindowsOptions, 'samplesPerStep' | 'learningSteps'>;
}

export interface ArtStreamState {
  kind: 'art';
  version: typeof ART_STREAM_STATE_VERSION;
  bucketMs: number;
  learningMs: number;
  /** Values buffered until the step is known: [unix ms, value]. */
  buffer: Array<[number, number]>;
  stepMs: number | null;
  art: ArtWindowsState | null;
  /** Finite values fed. */
  fed: number;
}

export interface ArtStreamDetector {
  update(timestampMs: number, value: number): number;
  count(): number;
  snapshot(): ArtStreamState;
  restore(state: ArtStreamState): void;
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : 0.5 * (s[h - 1]! + s[h]!);
}

export function createArtStreamDetector(options: ArtStreamOptions): ArtStreamDetector {
  const { bucketMs, learningMs } = options;
  for (const [k, v] of Object.entries({ bucketMs, learningMs })) {
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new Error(`art: ${k} must be a positive number of ms, got ${String(v)}`);
    }
  }
  const known = options.stepMs !== undefined && options.stepMs > 0 ? options.stepMs : null;
  const build = (step: number) =>
    createArtWindowsDetector({ ...options.art, ...artSettingsFor(step, bucketMs, learningMs) });
  let stepMs: number | null = known;
  let art: ArtWindowsDetector | null = known === null ? null : build(known);
  let buffer: Array<[number, number]> = [];
  let fed = 0;

  return {
    update(timestampMs: number, value: number): number {
      if (!Number.isFinite(value)) {
        return 0;
      }
      fed++;
      if (art !== null) {
        return art.next(value);
      }
      buffer.push([timestampMs, value]);
      if (buffer.length <= STEP_INTERVALS) {
        return 0;
      }
      const step = medianOf(buffer.slice(1).map(([t], k) => t - buffer[k]![0]));
      stepMs = step > 0 ? step : bucketMs;
      const started = build(stepMs);
      art = started;
      const replay = buffer;
      buffer = [];
      let last = 0;
      for (const [, v] of replay) {
        last = started.next(v);
      }
      return last;
    },
    count: () => fed,
    snapshot(): ArtStreamState {
      return {
        kind: 'art',
        version: ART_STREAM_STATE_VERSION,
        bucketMs,
        learningMs,
        buffer: buffer.map(([t, v]) => [t, v]),
        stepMs,
        art: art ? art.snapshot() : null,
        fed,
      };
    },
    restore(state: ArtStreamState): void {
      const fail = (field: string, why: string): never => {
        throw new Error(`detector state: ${field} ${why}`);
      };
      if (state === null || typeof state !== 'object' || state.kind !== 'art') {
        fail('kind', "must be 'art'");
      }
      if (state.version !== ART_STREAM_STATE_VERSION) {
        fail('version', `is ${String(state.version)}; this detector reads version ${ART_STREAM_STATE_VERSION}`);
      }
      if (state.bucketMs !== bucketMs || state.learningMs !== learningMs) {
        fail('bucketMs', `and learningMs must be ${bucketMs} and ${learningMs}`);
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
      let next: ArtWindowsDetector | null = null;
      if (state.stepMs !== null) {
        if (!(typeof state.stepMs === 'number' && state.stepMs > 0)) {
          fail('stepMs', 'must be a positive number or null');
        }
        if (known !== null && state.stepMs !== known) {
          fail('stepMs', `is ${state.stepMs}; this detector runs at a step of ${known}`);
        }
        if (state.art === null || state.art === undefined) {
          fail('art', 'must be present once the step is known');
        }
        next = build(state.stepMs);
        next.restore(state.art!);
      } else if (known !== null) {
        fail('stepMs', `is null; this detector runs at a step of ${known}`);
      }
      art = next;
      stepMs = state.stepMs;
      buffer = state.buffer.map(([t, v]) => [t, v]);
      fed = state.fed;
    },
  };
}
