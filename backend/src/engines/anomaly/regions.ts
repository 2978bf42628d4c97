/**
 * Regions, not points: per-point anomaly scores become regions with a start, end, peak and severity,
 * because a dashboard annotated at every high point is noise. Also the sensitivity rule that operator
 * feedback drives.
 */

/** NAB's optimised standard-profile threshold for the AIDPE detector (`aidpe nab-score`: 0.9878), rounded. */
export const DEFAULT_THRESHOLD = 0.988;
export const MIN_THRESHOLD = 0.95;
export const MAX_THRESHOLD = 0.9999;

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface AnomalyRegion {
  /** Stable for a series and start time: feedback refers to it. */
  id: string;
  seriesKey: string;
  startMs: number;
  endMs: number;
  peakMs: number;
  peakScore: number;
  severity: Severity;
  points: number;
}

export interface RegionOptions {
  threshold: number;
  /** Points below the threshold that still join two regions into one (default 3). */
  mergeGapPoints?: number;
}

/** FNV-1a 32-bit, hex: short stable ids without a crypto dependency in the engine. */
export function stableHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function regionId(seriesKey: string, startMs: number): string {
  return `an-${stableHash(seriesKey)}-${startMs}`;
}

/** Severity by how far the peak goes past the threshold, in steps of the remaining distance to 1. */
export function severityOf(peak: number, threshold: number): Severity {
  const room = Math.max(1e-12, 1 - threshold);
  const past = (peak - threshold) / room;
  if (past >= 0.9) {
    return 'critical';
  }
  if (past >= 0.6) {
    return 'high';
  }
  if (past >= 0.3) {
    return 'medium';
  }
  return 'low';
}

export function extractRegions(
  timestampsMs: ArrayLike<number>,
  scores: ArrayLike<number>,
  seriesKey: string,
  opts: RegionOptions
): AnomalyRegion[] {
  const gap = opts.mergeGapPoints ?? 3;
  const regions: AnomalyRegion[] = [];
  let open: { start: number; end: number; peak: number } | undefined;
  const close = (): void => {
    if (!open) {
      return;
    }
    const startMs = timestampsMs[open.start]!;
    regions.push({
      id: regionId(seriesKey, startMs),
      seriesKey,
      startMs,
      endMs: timestampsMs[open.end]!,
      peakMs: timestampsMs[open.peak]!,
      peakScore: scores[open.peak]!,
      severity: severityOf(scores[open.peak]!, opts.threshold),
      points: open.end - open.start + 1,
    });
    open = undefined;
  };
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s >= opts.threshold) {
      if (open && i - open.end - 1 <= gap) {
        open.end = i;
        if (s > scores[open.peak]!) {
          open.peak = i;
        }
      } else {
        close();
        open = { start: i, end: i, peak: i };
      }
    }
  }
  close();
  return regions;
}

/**
 * Feedback moves a series' threshold: a false positive halves the distance to 1 (fewer, stronger alerts),
 * a true positive doubles it back (bounded), so repeated feedback converges instead of swinging.
 */
export function thresholdAfterFeedback(
  current: number,
  verdict: 'true_positive' | 'false_positive',
  bounds: { min: number; max: number } = { min: MIN_THRESHOLD, max: MAX_THRESHOLD }
): number {
  const room = 1 - current;
  const next = verdict === 'false_positive' ? current + room / 2 : current - room;
  return Math.min(bounds.max, Math.max(bounds.min, next));
}

/** A region as a streaming tracker reports it: `ongoing` while more points may still extend it. */
export interface TrackedRegion extends AnomalyRegion {
  ongoing: boolean;
}

/** JSON-safe state of a region tracker (bounded: one open region). */
export interface RegionTrackerState {
  /** Points pushed so far: regions are measured in points, as in `extractRegions`. */
  index: number;
  open: { startIdx: number; endIdx: number; startMs: number; endMs: number; peakMs: number; peakScore: number } | null;
}

/**
 * `extractRegions` one point at a time, so a region can span calls: a region closes as soon as more than
 * `mergeGapPoints` points below the threshold follow it (no later point could extend it). Over the same points
 * the closed regions plus the final open one equal `extractRegions`' answer.
 */
export class RegionTracker {
  private index = 0;
  private open: RegionTrackerState['open'] = null;
  private readonly gap: number;

  constructor(
    readonly seriesKey: string,
    mergeGapPoints = 3
  ) {
    this.gap = mergeGapPoints;
  }

  /** Feeds a point; returns the region this point closed, if any. */
  push(timeMs: number, score: number, threshold: number): AnomalyRegion | undefined {
    const i = this.index++;
    const o = this.open;
    if (score >= threshold) {
      if (o && i - o.endIdx - 1 <= this.gap) {
        o.endIdx = i;
        o.endMs = timeMs;
        if (score > o.peakScore) {
          o.peakScore = score;
          o.peakMs = timeMs;
        }
        return undefined;
      }
      const closed = this.close(threshold);
      this.open = { startIdx: i, endIdx: i, startMs: timeMs, endMs: timeMs, peakMs: timeMs, peakScore: score };
      return closed;
    }
    return o && i - o.endIdx - 1 >= this.gap ? this.close(threshold) : undefined;
  }

  /** Closes the open region now (a detector reset: what follows is not the same episode). */
  close(threshold: number): AnomalyRegion | undefined {
    const r = this.current(threshold);
    this.open = null;
    return r;
  }

  /** Whether the last point fed was over the threshold (it ended the open region). */
  lastPointOver(): boolean {
    return this.open !== null && this.open.endIdx === this.index - 1;
  }

  /** The open region as it stands, if any. */
  current(threshold: number): AnomalyRegion | undefined {
    const o = this.open;
    if (!o) {
      return undefined;
    }
    return {
      id: regionId(this.seriesKey, o.startMs),
      seriesKey: this.seriesKey,
      startMs: o.startMs,
      endMs: o.endMs,
      peakMs: o.peakMs,
      peakScore: o.peakScore,
      severity: severityOf(o.peakScore, threshold),
      points: o.endIdx - o.startIdx + 1,
    };
  }

  snapshot(): RegionTrackerState {
    return { index: this.index, open: this.open ? { ...this.open } : null };
  }

  restore(state: RegionTrackerState): void {
    if (!state || typeof state !== 'object' || !Number.isInteger(state.index) || state.index < 0) {
      throw new Error('region state: index must be a non-negative integer');
    }
    if (state.open !== null) {
      for (const k of ['startIdx', 'endIdx', 'startMs', 'endMs', 'peakMs', 'peakScore'] as const) {
        if (typeof state.open?.[k] !== 'number' || !Number.isFinite(state.open[k])) {
          throw new Error(`region state: open.${k} must be a finite number`);
        }
      }
    }
    this.index = state.index;
    this.open = state.open ? { ...state.open } : null;
  }
}
