/**
 * Streaming anomaly scoring: per series, the detector's state (any detector of `registry.ts`), the region tracker and
 * the last timestamp are kept between calls, so each call scores only the points it has not seen. Pure (no I/O): callers keep the
 * states (in memory, and through the store's `putDetectorStates` across restarts).
 *
 * Bad input gets explicit answers instead of silent scores: samples at or before the last one are skipped and
 * counted (never re-scored), NaN/±Inf are skipped and counted, gaps longer than `gapNoteSteps` steps are noted and
 * gaps longer than `resetGapSteps` restart the detector (stated in the answer), irregular intervals are counted,
 * a constant series answers "constant series: no variation to score", and until the warm-up is reached the
 * answer says "insufficient data: N of M warm-up points".
 */
import { RESIDUAL_LIKELIHOOD_STATE_VERSION, type ResidualLikelihoodOptions } from './detectors/residualLikelihood.ts';
import { RegionTracker, type RegionTrackerState, type TrackedRegion } from './regions.ts';
import {
  canonicalDetector,
  createStreamDetector,
  isAcceptedDetector,
  regionScore,
  DEFAULT_DETECTOR,
  DETECTOR_WARM_UP,
  type AcceptedDetectorName,
  type DetectorState,
  type StreamDetector,
} from './registry.ts';

/**
 * The stored state's version: the streaming format (×1000) plus the residual detector's state version, so a change
 * to either discards old states. Format 2 added `detectorName` (and `fed`): states carry the detector they belong
 * to (other detectors' states carry their own kind and version inside, checked on restore).
 */
export const STREAMING_STATE_VERSION = 2 * 1000 + RESIDUAL_LIKELIHOOD_STATE_VERSION;

/** The univariate detectors a stream can run (`registry.ts`; `aidpe` is residual-likelihood's old name). */
export type StreamDetectorName = AcceptedDetectorName;

export interface StreamingOptions {
  /** Which detector scores the stream (default DEFAULT_DETECTOR). */
  detectorName?: StreamDetectorName;
  /** Options of the residual-likelihood detector (alone, or inside art-residual). */
  detector?: ResidualLikelihoodOptions;
  /** Intervals longer than this many steps are reported as gaps (default 3). */
  gapNoteSteps?: number;
  /** Intervals longer than this many steps restart the detector: the old state no longer describes the series (default 1440). */
  resetGapSteps?: number;
  /** Points below the threshold that still join two regions (default 3, as `extractRegions`). */
  mergeGapPoints?: number;
}

export interface StreamingSeriesState {
  kind: 'aidpe-streaming';
  version: typeof STREAMING_STATE_VERSION;
  seriesKey: string;
  /** Unix ms of the last accepted sample; null before the first. */
  lastMs: number | null;
  /** The sampling step in ms: given (query step) or the median of the first intervals; null until known. */
  stepMs: number | null;
  stepGiven: boolean;
  /** First intervals (≤ 16), to estimate the step when none is given. */
  intervals: number[];
  /** The first value since the last reset, and whether any later value differed (constant-series answer). */
  firstValue: number | null;
  varied: boolean;
  /** The detector this state belongs to: a state of another detector is discarded, not restored. */
  detectorName: StreamDetectorName;
  /** Finite points the detector has seen since its last reset. */
  fed: number;
  detector: DetectorState;
  regions: RegionTrackerState;
}

export interface StreamGap {
  fromMs: number;
  toMs: number;
  /** The interval in steps. */
  steps: number;
  /** Whether the detector restarted after it. */
  reset: boolean;
}

export type StreamStatus = 'ok' | 'insufficient_data' | 'constant';

export interface PushResult {
  /** The accepted (new, finite) points, in order, and their scores. */
  times: number[];
  values: number[];
  scores: number[];
  /** Regions closed by this push, then the open one (`ongoing`), if any. Ids are stable across calls. */
  regions: TrackedRegion[];
  /** Samples at or before the last accepted one (already scored, or out of order). */
  skippedStale: number;
  skippedNonFinite: number;
  gaps: StreamGap[];
  /** Intervals off the step by more than half (but not gaps): the detector treats points as evenly spaced. */
  irregularIntervals: number;
  /** Finite points the detector has seen since its last reset (after this push). */
  fed: number;
  warmUp: number;
  status: StreamStatus;
  reason?: string;
  /** Human-readable notes for everything above that is not plain scoring. */
  notes: string[];
}

const MAX_INTERVALS = 16;
const MIN_INTERVALS_FOR_STEP = 3;

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : 0.5 * (s[h - 1]! + s[h]!);
}

function formatSteps(steps: number): string {
  return Number.isInteger(steps) ? String(steps) : steps.toFixed(1);
}

/** One series' streaming state and scoring. */
export class StreamingSeries {
  private readonly detectorOptions: ResidualLikelihoodOptions;
  readonly detectorName: StreamDetectorName;
  private readonly gapNoteSteps: number;
  private readonly resetGapSteps: number;
  private readonly mergeGapPoints: number;
  private detector: StreamDetector;
  private regions: RegionTracker;
  private lastMs = Number.NaN;
  private stepMs = Number.NaN;
  private stepGiven = false;
  private intervals: number[] = [];
  private firstValue = Number.NaN;
  private varied = false;
  readonly warmUp: number;

  /** `stepMs`: the known sampling step (a query's step); without it the step is estimated from the first intervals. */
  constructor(
    readonly seriesKey: string,
    options: StreamingOptions = {},
    stepMs?: number
  ) {
    this.detectorOptions = options.detector ?? {};
    this.detectorName = canonicalDetector(options.detectorName ?? DEFAULT_DETECTOR);
    this.gapNoteSteps = options.gapNoteSteps ?? 3;
    this.resetGapSteps = options.resetGapSteps ?? 1440;
    this.mergeGapPoints = options.mergeGapPoints ?? 3;
    if (stepMs !== undefined) {
      if (!(stepMs > 0)) {
        throw new Error(`stepMs: must be positive, got ${stepMs}`);
      }
      this.stepMs = stepMs;
      this.stepGiven = true;
    }
    this.detector = this.newDetector();
    this.regions = new RegionTracker(seriesKey, this.mergeGapPoints);
    // Scores are 0 until the residual detector is warm (art-residual contains it).
    this.warmUp = this.detectorOptions.warmUp ?? DETECTOR_WARM_UP;
  }

  private newDetector(): StreamDetector {
    return createStreamDetector(
      this.detectorName,
      this.detectorOptions,
      Number.isFinite(this.stepMs) ? this.stepMs : undefined
    );
  }

  /** Unix ms of the last accepted sample, undefined before the first. */
  get lastTimestamp(): number | undefined {
    return Number.isFinite(this.lastMs) ? this.lastMs : undefined;
  }

  get fed(): number {
    return this.detector.count();
  }

  /**
   * Scores the samples ([unix ms, value], in order) that come after the last accepted one. `threshold` is the
   * series' current region threshold (feedback may move it between calls).
   */
  push(samples: ReadonlyArray<readonly [number, number]>, threshold: number): PushResult {
    const out: PushResult = {
      times: [],
      values: [],
      scores: [],
      regions: [],
      skippedStale: 0,
      skippedNonFinite: 0,
      gaps: [],
      irregularIntervals: 0,
      fed: 0,
      warmUp: this.warmUp,
      status: 'ok',
      notes: [],
    };
    const resets: string[] = [];
    for (const [t, v] of samples) {
      if (!Number.isFinite(t) || (Number.isFinite(this.lastMs) && t <= this.lastMs)) {
        out.skippedStale++;
        continue;
      }
      if (!Number.isFinite(v)) {
        out.skippedNonFinite++;
        continue;
      }
      if (Number.isFinite(this.lastMs)) {
        const interval = t - this.lastMs;
        if (!this.stepGiven && this.intervals.length < MAX_INTERVALS) {
          this.intervals.push(interval);
          if (this.intervals.length >= MIN_INTERVALS_FOR_STEP) {
            this.stepMs = medianOf(this.intervals);
          }
        }
        if (Number.isFinite(this.stepMs)) {
          const steps = interval / this.stepMs;
          if (steps > this.resetGapSteps) {
            out.gaps.push({ fromMs: this.lastMs, toMs: t, steps, reset: true });
            const closed = this.regions.close(threshold);
            if (closed) {
              out.regions.push({ ...closed, ongoing: false });
            }
            resets.push(
              `detector reset after a gap of ${formatSteps(steps)} steps (${new Date(this.lastMs).toISOString()} to ${new Date(t).toISOString()}; longer than ${this.resetGapSteps}): the earlier state no longer describes the series, so the warm-up restarts`
            );
            this.resetDetector();
          } else if (steps > this.gapNoteSteps) {
            out.gaps.push({ fromMs: this.lastMs, toMs: t, steps, reset: false });
          } else if (Math.abs(steps - 1) > 0.5) {
            out.irregularIntervals++;
          }
        }
      }
      this.lastMs = t;
      if (Number.isNaN(this.firstValue)) {
        this.firstValue = v;
      } else if (v !== this.firstValue) {
        this.varied = true;
      }
      const score = regionScore(this.detector, this.detector.update(t, v), threshold, this.regions.lastPointOver());
      out.times.push(t);
      out.values.push(v);
      out.scores.push(score);
      const closed = this.regions.push(t, score, threshold);
      if (closed) {
        out.regions.push({ ...closed, ongoing: false });
      }
    }
    const open = this.regions.current(threshold);
    if (open) {
      out.regions.push({ ...open, ongoing: true });
    }
    out.fed = this.detector.count();

    if (out.skippedStale > 0) {
      out.notes.push(
        `${out.skippedStale} sample(s) at or before the last scored one (${new Date(this.lastMs).toISOString()}) skipped: already scored or out of order`
      );
    }
    if (out.skippedNonFinite > 0) {
      out.notes.push(`${out.skippedNonFinite} NaN/Inf sample(s) skipped`);
    }
    for (const g of out.gaps) {
      if (!g.reset) {
        out.notes.push(
          `gap: ${formatSteps(g.steps)} steps between ${new Date(g.fromMs).toISOString()} and ${new Date(g.toMs).toISOString()}; scoring continued across it`
        );
      }
    }
    out.notes.push(...resets);
    if (out.irregularIntervals > 0) {
      out.notes.push(
        `irregular timestamps: ${out.irregularIntervals} interval(s) differ from the ${this.stepMs / 1000} s step by more than half; the detector treats points as evenly spaced`
      );
    }
    if (out.fed < this.warmUp) {
      out.status = 'insufficient_data';
      out.reason = `insufficient data: ${out.fed} of ${this.warmUp} warm-up points`;
    } else if (!this.varied) {
      out.status = 'constant';
      out.reason = 'constant series: no variation to score';
    }
    return out;
  }

  private resetDetector(): void {
    this.detector = this.newDetector();
    this.regions = new RegionTracker(this.seriesKey, this.mergeGapPoints);
    this.firstValue = Number.NaN;
    this.varied = false;
  }

  snapshot(): StreamingSeriesState {
    return {
      kind: 'aidpe-streaming',
      version: STREAMING_STATE_VERSION,
      seriesKey: this.seriesKey,
      lastMs: Number.isFinite(this.lastMs) ? this.lastMs : null,
      stepMs: Number.isFinite(this.stepMs) ? this.stepMs : null,
      stepGiven: this.stepGiven,
      intervals: [...this.intervals],
      firstValue: Number.isFinite(this.firstValue) ? this.firstValue : null,
      varied: this.varied,
      detectorName: this.detectorName,
      fed: this.detector.count(),
      detector: this.detector.snapshot(),
      regions: this.regions.snapshot(),
    };
  }

  /** Replaces this series' state; throws (naming the field) when the state does not fit. */
  restore(state: StreamingSeriesState): void {
    if (!state || typeof state !== 'object' || state.kind !== 'aidpe-streaming') {
      throw new Error("streaming state: kind must be 'aidpe-streaming'");
    }
    if (state.version !== STREAMING_STATE_VERSION) {
      throw new Error(
        `streaming state: version is ${String(state.version)}; this sidecar reads version ${STREAMING_STATE_VERSION}`
      );
    }
    if (!isAcceptedDetector(state.detectorName) || canonicalDetector(state.detectorName) !== this.detectorName) {
      throw new Error(
        `streaming state: belongs to detector ${String(state.detectorName)}; this call asks for ${this.detectorName}`
      );
    }
    if (state.seriesKey !== this.seriesKey) {
      throw new Error(`streaming state: seriesKey is ${state.seriesKey}, expected ${this.seriesKey}`);
    }
    if (
      !Array.isArray(state.intervals) ||
      state.intervals.length > MAX_INTERVALS ||
      !state.intervals.every((x) => Number.isFinite(x))
    ) {
      throw new Error(`streaming state: intervals must be at most ${MAX_INTERVALS} finite numbers`);
    }
    const detector = this.newDetector();
    detector.restore(state.detector, state.fed);
    const regions = new RegionTracker(this.seriesKey, this.mergeGapPoints);
    regions.restore(state.regions);
    this.detector = detector;
    this.regions = regions;
    this.lastMs = state.lastMs ?? Number.NaN;
    // A step given by the caller wins over a stored one (the query's step is the truth for this call).
    if (!this.stepGiven) {
      this.stepMs = state.stepMs ?? Number.NaN;
      this.stepGiven = state.stepGiven;
    }
    this.intervals = [...state.intervals];
    this.firstValue = state.firstValue ?? Number.NaN;
    this.varied = state.varied === true;
  }
}

/**
 * Restores a stored state (any JSON) into a new series, or says why it was discarded (another version, other
 * detector options, a malformed state): the caller then rebuilds it from history and says so.
 */
export function seriesFromState(
  seriesKey: string,
  state: unknown,
  options: StreamingOptions = {},
  stepMs?: number
): { series: StreamingSeries } | { discarded: string } {
  const series = new StreamingSeries(seriesKey, options, stepMs);
  try {
    series.restore(state as StreamingSeriesState);
    return { series };
  } catch (err) {
    return { discarded: (err as Error).message };
  }
}
