/**
 * Univariate anomaly scoring of one series for the API: batch (the whole range from scratch) or streaming (the
 * series' detector state kept between calls), with its threshold from the request, the feedback store or the
 * detector's default, and a Grafana frame of values and scores.
 */
import {
  displayName,
  scoreSeries,
  seriesKeyOf,
  type ScoredSeries,
  DETECTOR_THRESHOLDS,
  DETECTOR_WARM_UP,
} from '../../engines/anomaly/scoreSeries.ts';
import type { PushResult, StreamDetectorName } from '../../engines/anomaly/streaming.ts';
import { scoringKeyOf } from '../../engines/anomaly/registry.ts';
import type { AnomalyRegion, TrackedRegion } from '../../engines/anomaly/regions.ts';
import type { AcquiredSeries, StateOrigin, StreamingStates } from '../../watch/streamingStates.ts';
import type { Store } from '../../store/types.ts';
import type { MetricSeries } from '../../telemetry/types.ts';
import type { RegionRegistry } from './regionRegistry.ts';

export interface Scored {
  labels: Record<string, string>;
  name: string;
  seriesKey: string;
  detector: StreamDetectorName;
  threshold: number;
  thresholdSource: 'default' | 'feedback' | 'request';
  status: 'ok' | 'insufficient_data' | 'constant';
  reason?: string;
  regions: AnomalyRegion[];
  /** Streaming mode only: where the state came from and what the call skipped, noticed or reset. */
  stream?: {
    origin: StateOrigin | 'rebuilt';
    fed: number;
    lastScoredMs: number | null;
    skipped: { alreadyScored: number; nonFinite: number };
    gaps: Array<{ fromMs: number; toMs: number; steps: number; reset: boolean }>;
    notes: string[];
  };
  frame: ScoreFrame;
}

export interface ScoreFrame {
  name: string;
  fields: Array<{
    name: string;
    type: 'time' | 'number';
    values: Array<number | null>;
    config?: Record<string, unknown>;
  }>;
}

/** A series' values and anomaly scores as one Grafana frame (scores on a right-hand 0..1 axis). */
export function scoreFrame(
  name: string,
  times: Array<number | null>,
  values: Array<number | null>,
  scores: Array<number | null>
): ScoreFrame {
  return {
    name,
    fields: [
      { name: 'time', type: 'time', values: times },
      { name: 'value', type: 'number', values },
      {
        name: 'score',
        type: 'number',
        values: scores,
        config: { min: 0, max: 1, custom: { axisPlacement: 'right', drawStyle: 'line' } },
      },
    ],
  };
}

/** Thresholds, feedback and region ids are per detector scale (the engine's rule: `registry.ts`). */
export { scoringKeyOf };

export interface ScoringContext {
  store: Store | undefined;
  regions: RegionRegistry;
}

/** The series' key and threshold: the request's, else the one feedback left in the store, else the detector's. */
export async function thresholdFor(
  ctx: ScoringContext,
  labels: Record<string, string>,
  detector: StreamDetectorName,
  override: number | undefined
): Promise<{ seriesKey: string; threshold: number; thresholdSource: Scored['thresholdSource'] }> {
  const seriesKey = scoringKeyOf(labels, detector);
  const stored = await ctx.store?.getThreshold(seriesKey);
  return {
    seriesKey,
    threshold: override ?? stored ?? DETECTOR_THRESHOLDS[detector].default,
    thresholdSource: override !== undefined ? 'request' : stored !== undefined ? 'feedback' : 'default',
  };
}

/** The answer for one batch-scored series (`scored` from scoreSeries, here or in a compute worker). */
export function finishBatch(
  ctx: ScoringContext,
  series: MetricSeries,
  t: Awaited<ReturnType<typeof thresholdFor>>,
  scored: ScoredSeries,
  fallbackName: string,
  detector: StreamDetectorName
): Scored {
  const { times, values, scores, regions, fed } = scored;
  const name = displayName(series.labels, fallbackName);
  for (const r of regions) {
    ctx.regions.remember(r, name, detector);
  }
  const insufficient = fed < DETECTOR_WARM_UP;
  return {
    labels: series.labels,
    name,
    ...t,
    detector,
    status: insufficient ? 'insufficient_data' : 'ok',
    ...(insufficient
      ? {
          reason: `${fed} finite sample(s); the detector needs ${DETECTOR_WARM_UP} before it scores (scores are 0 until then)`,
        }
      : {}),
    regions,
    frame: scoreFrame(name, times, values, scores),
  };
}

export async function scoreBatch(
  ctx: ScoringContext,
  series: MetricSeries,
  fromMs: number,
  override: number | undefined,
  fallbackName: string,
  detector: StreamDetectorName
): Promise<Scored> {
  const t = await thresholdFor(ctx, series.labels, detector, override);
  const scored = scoreSeries(series.samples, fromMs, t.seriesKey, t.threshold, detector);
  return finishBatch(ctx, series, t, scored, fallbackName, detector);
}

/** A streaming series ready to push: its state acquired (memory, store or new) and the samples to feed. */
export interface StreamingPrepared {
  stateKey: string;
  seriesKey: string;
  name: string;
  labels: Record<string, string>;
  detector: StreamDetectorName;
  threshold: number;
  thresholdSource: Scored['thresholdSource'];
  fromMs: number;
  stepMs: number | undefined;
  acquired: AcquiredSeries;
  /** [unix ms, value]. */
  samples: Array<readonly [number, number]>;
}

export async function prepareStreaming(
  ctx: ScoringContext & { streams: StreamingStates },
  series: MetricSeries,
  fromMs: number,
  stepSeconds: number | undefined,
  override: number | undefined,
  fallbackName: string,
  detector: StreamDetectorName
): Promise<StreamingPrepared> {
  const seriesKey = scoringKeyOf(series.labels, detector);
  const stored = await ctx.store?.getThreshold(seriesKey);
  const threshold = override ?? stored ?? DETECTOR_THRESHOLDS[detector].default;
  const thresholdSource = override !== undefined ? 'request' : stored !== undefined ? 'feedback' : 'default';
  // Per series and step: the same series asked at another step is another stream. One state per series whatever the
  // detector: the state names its detector, and asking the other one discards it (said in the notes).
  const stateKey = `api:${stepSeconds === undefined ? 'inline' : `${stepSeconds}s`}:${seriesKeyOf(series.labels)}`;
  const stepMs = stepSeconds === undefined ? undefined : stepSeconds * 1000;
  const acquired = await ctx.streams.acquire(stateKey, seriesKey, stepMs, detector);
  return {
    stateKey,
    seriesKey,
    name: displayName(series.labels, fallbackName),
    labels: series.labels,
    detector,
    threshold,
    thresholdSource,
    fromMs,
    stepMs,
    acquired,
    samples: series.samples.map(([t, v]) => [t * 1000, v] as const),
  };
}

/** The answer for one pushed series; `lastTimestamp` is the state's after the push. */
export function finishStreaming(
  ctx: ScoringContext,
  p: StreamingPrepared,
  pushed: PushResult,
  lastTimestamp: number | undefined
): Scored {
  const { fromMs, acquired, name, detector } = p;
  let history = 0;
  while (history < pushed.times.length && pushed.times[history]! < fromMs) {
    history++;
  }
  const notes: string[] = [];
  if (acquired.discarded) {
    notes.push(`stored state discarded: ${acquired.discarded}`);
  }
  if (acquired.origin === 'new') {
    notes.push(
      history > 0
        ? `state rebuilt from ${history} points of history`
        : `no earlier state for this series: it starts with these ${pushed.times.length} point(s)`
    );
  } else if (acquired.origin === 'store') {
    notes.push('state resumed from the store');
  }
  notes.push(...pushed.notes);
  const regions: TrackedRegion[] = pushed.regions.filter((r) => r.endMs >= fromMs);
  for (const r of regions) {
    ctx.regions.remember(r, name, detector);
  }
  const times = pushed.times.slice(history);
  const values = pushed.values.slice(history);
  // A constant series answers the reason, not scores.
  const scores = pushed.status === 'constant' ? times.map(() => null) : pushed.scores.slice(history);
  return {
    labels: p.labels,
    name,
    seriesKey: p.seriesKey,
    detector,
    threshold: p.threshold,
    thresholdSource: p.thresholdSource,
    status: pushed.status,
    ...(pushed.reason ? { reason: pushed.reason } : {}),
    regions,
    stream: {
      origin: acquired.origin === 'new' && history > 0 ? 'rebuilt' : acquired.origin,
      fed: pushed.fed,
      lastScoredMs: lastTimestamp ?? null,
      skipped: { alreadyScored: pushed.skippedStale, nonFinite: pushed.skippedNonFinite },
      gaps: pushed.gaps,
      notes,
    },
    frame: scoreFrame(name, times, values, scores),
  };
}

/**
 * Streaming: only the samples after the series' last scored one are fed; those before `fromMs` (the warm-up
 * reach-back of a query) build the state without being returned. Regions carry `ongoing` while open.
 */
export async function scoreStreaming(
  ctx: ScoringContext & { streams: StreamingStates },
  series: MetricSeries,
  fromMs: number,
  stepSeconds: number | undefined,
  override: number | undefined,
  fallbackName: string,
  detector: StreamDetectorName
): Promise<Scored> {
  const p = await prepareStreaming(ctx, series, fromMs, stepSeconds, override, fallbackName, detector);
  const pushed = p.acquired.series.push(p.samples, p.threshold);
  ctx.streams.touch(p.stateKey);
  return finishStreaming(ctx, p, pushed, p.acquired.series.lastTimestamp);
}
