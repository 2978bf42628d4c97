/**
 * Regions, not points: per-point anomaly scores become regions with a start, end, peak and severity,
 * because a dashboard annotated at every high point is noise. Also the sensitivity rule that operator
 * feedback drives.
 */

/** NAB's optimised standard-profile threshold for the AIDPE detector (`aidpe nab-score`: 0.9878), rounded. */
export const DEFAULT_THRESHOLD = 0.988;
const MIN_THRESHOLD = 0.95;
const MAX_THRESHOLD = 0.9999;

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
  if (past >= 0.9) return 'critical';
  if (past >= 0.6) return 'high';
  if (past >= 0.3) return 'medium';
  return 'low';
}

export function extractRegions(timestampsMs: ArrayLike<number>, scores: ArrayLike<number>, seriesKey: string, opts: RegionOptions): AnomalyRegion[] {
  const gap = opts.mergeGapPoints ?? 3;
  const regions: AnomalyRegion[] = [];
  let open: { start: number; end: number; peak: number } | undefined;
  const close = (): void => {
    if (!open) return;
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
        if (s > scores[open.peak]!) open.peak = i;
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
export function thresholdAfterFeedback(current: number, verdict: 'true_positive' | 'false_positive'): number {
  const room = 1 - current;
  const next = verdict === 'false_positive' ? current + room / 2 : current - room;
  return Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, next));
}
