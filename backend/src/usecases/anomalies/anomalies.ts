/**
 * Anomaly detection as the API asks for it: a PromQL range through the Sources' metrics (reaching back
 * WARM_UP_POINTS steps before `start` so the detector is warm) or inline series, scored in batch or streaming
 * mode, optionally grouped for a multivariate detector; regions become annotation events. Feedback on a region
 * is stored and moves that series' threshold, so later answers change.
 */
import { thresholdAfterFeedback } from '../../engines/anomaly/regions.ts';
import { DETECTOR_THRESHOLDS } from '../../engines/anomaly/scoreSeries.ts';
import { seriesFromState, type StreamDetectorName } from '../../engines/anomaly/streaming.ts';
import { DEFAULT_DETECTOR } from '../../engines/anomaly/registry.ts';
import { StreamingStates } from '../../watch/streamingStates.ts';
import { loadMvaeModel, type MvaeModelLoad } from '../../models/mvaeModel.ts';
import type { Store } from '../../store/types.ts';
import type { MetricSeries, TelemetrySource } from '../../telemetry/types.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { parseTime } from '../time.ts';
import { groupThresholds, rememberGroupRegions, scoreGroups } from './multivariate.ts';
import { RegionRegistry } from './regionRegistry.ts';
import {
  finishBatch,
  finishStreaming,
  prepareStreaming,
  scoreBatch,
  scoreStreaming,
  thresholdFor,
  type Scored,
  type ScoringContext,
  type StreamingPrepared,
} from './univariate.ts';
import type { Compute } from '../../compute/pool.ts';
import { checkTotalPoints, MAX_TOTAL_POINTS } from '../budgets.ts';

/** History fetched before `start` so the detector is past its warm-up and has seen a day of shape. */
const WARM_UP_POINTS = 1440;
export const MAX_ANOMALY_SERIES = 50;
const MAX_SERIES = MAX_ANOMALY_SERIES;
const MAX_POINTS = 100_000;

export interface AnomalyRequest {
  query?: string | undefined;
  start?: number | string | undefined;
  end?: number | string | undefined;
  stepSeconds?: number | undefined;
  series?:
    | Array<{
        labels?: Record<string, string> | undefined;
        timestamps: number[];
        values: Array<number | string | null>;
      }>
    | undefined;
  threshold?: number | undefined;
  detector?: StreamDetectorName | undefined;
  mode?: 'batch' | 'streaming' | undefined;
  groupBy?: string | undefined;
  multivariateDetector?: 'pca' | 'autoencoder' | undefined;
}

export interface FeedbackRequest {
  verdict: 'true_positive' | 'false_positive';
  reason?: string | undefined;
}

export interface AnomalyUseCaseOptions {
  metrics: () => TelemetrySource;
  store: Store | undefined;
  now: () => number;
  /** Where models/mvae lives (default: the repository's models/). */
  modelsDir?: string | undefined;
  /** The multivariate autoencoder's load (default: loadMvaeModel(modelsDir), once). */
  mvae?: () => Promise<MvaeModelLoad>;
  /** Where scoring runs (a worker pool); absent: in the calling thread. */
  compute?: Compute | undefined;
}

export class AnomalyUseCase {
  private readonly streams: StreamingStates;
  private readonly regions = new RegionRegistry();
  private readonly mvae: () => Promise<MvaeModelLoad>;

  constructor(private readonly opts: AnomalyUseCaseOptions) {
    this.streams = new StreamingStates(opts.store, { now: opts.now });
    let mvaeLoad: Promise<MvaeModelLoad> | undefined;
    this.mvae = opts.mvae ?? (() => (mvaeLoad ??= loadMvaeModel({ modelsDir: opts.modelsDir })));
  }

  /** The streaming states' counts, for /metrics. */
  streamingStats() {
    return this.streams.stats();
  }

  get storeAvailable(): boolean {
    return this.opts.store !== undefined;
  }

  /** Streaming calls one at a time: a state is snapshotted, pushed (maybe in a worker) and replaced. */
  private streamingQueue: Promise<unknown> = Promise.resolve();

  async detect(body: AnomalyRequest, opts: { signal?: AbortSignal | undefined } = {}) {
    const now = this.opts.now;
    const ctx = { store: this.opts.store, regions: this.regions };
    if ((body.query === undefined) === (body.series === undefined)) {
      throw new BadRequestError('query', 'give exactly one of query or series');
    }
    const streaming = body.mode === 'streaming';
    const detector: StreamDetectorName = body.detector ?? DEFAULT_DETECTOR;
    if (streaming && body.groupBy !== undefined) {
      throw new BadRequestError('groupBy', 'works in batch mode only; leave it out with mode streaming');
    }
    let series: MetricSeries[];
    let fromMs: number;
    const warnings: string[] = [];
    if (body.query !== undefined) {
      if (body.start === undefined) {
        throw new BadRequestError('start', 'is required with query');
      }
      if (body.stepSeconds === undefined) {
        throw new BadRequestError('stepSeconds', 'is required with query');
      }
      const nowMs = now();
      fromMs = parseTime('start', body.start, nowMs);
      const endMs = parseTime('end', body.end, nowMs);
      if (fromMs >= endMs) {
        throw new BadRequestError('start', 'must be before end');
      }
      const points = (endMs - fromMs) / 1000 / body.stepSeconds;
      if (points > MAX_POINTS) {
        throw new BadRequestError('stepSeconds', `the range has ${Math.round(points)} steps; at most ${MAX_POINTS}`);
      }
      const result = await this.opts.metrics().queryRange({
        query: body.query,
        startMs: fromMs - WARM_UP_POINTS * body.stepSeconds * 1000,
        endMs,
        stepSeconds: body.stepSeconds,
      });
      warnings.push(...result.warnings);
      series = result.series;
      if (series.length === 0) {
        warnings.push(
          `the query returned no series between ${new Date(fromMs).toISOString()} and ${new Date(endMs).toISOString()}`
        );
      }
    } else {
      fromMs = -Infinity;
      checkTotalPoints(
        body.series!.map((s) => s.timestamps.length),
        'series',
        MAX_TOTAL_POINTS
      );
      series = body.series!.map((s, i) => {
        if (s.timestamps.length !== s.values.length) {
          throw new BadRequestError(
            `series[${i}]`,
            `has ${s.timestamps.length} timestamps but ${s.values.length} values`
          );
        }
        for (let k = 1; k < s.timestamps.length; k++) {
          if (!(s.timestamps[k]! > s.timestamps[k - 1]!)) {
            throw new BadRequestError(
              `series[${i}].timestamps`,
              `must be strictly increasing; index ${k} (${s.timestamps[k]}) is not after ${s.timestamps[k - 1]}`
            );
          }
        }
        if (s.timestamps.length > MAX_POINTS) {
          throw new BadRequestError(`series[${i}]`, `has ${s.timestamps.length} points; at most ${MAX_POINTS}`);
        }
        return {
          labels: s.labels ?? { series: String(i) },
          samples: s.timestamps.map((t, k): [number, number] => {
            const v = s.values[k];
            return [t, typeof v === 'number' ? v : v === null || v === undefined ? Number.NaN : Number(v)];
          }),
        };
      });
    }
    if (series.length > MAX_SERIES) {
      warnings.push(`${series.length} series matched; only the first ${MAX_SERIES} were scored`);
      series = series.slice(0, MAX_SERIES);
    }
    checkTotalPoints(
      series.map((s) => s.samples.length),
      body.query !== undefined ? 'query' : 'series',
      MAX_TOTAL_POINTS
    );
    const stepSeconds = body.query !== undefined ? body.stepSeconds : undefined;
    let scored: Scored[];
    if (streaming) {
      const run = this.streamingQueue.then(() =>
        this.scoreStreamingAll(ctx, series, fromMs, stepSeconds, body.threshold, detector, opts.signal)
      );
      this.streamingQueue = run.catch(() => undefined);
      scored = await run;
      try {
        await this.streams.persist(new Date(now()));
      } catch (err) {
        warnings.push(
          `store: detector states not persisted (${(err as Error).message}); they live in memory until the next call`
        );
      }
    } else {
      scored = await this.scoreBatchAll(ctx, series, fromMs, body.threshold, detector, opts.signal);
    }
    const annotations = scored.flatMap((s) =>
      s.regions.map((r) => ({
        id: r.id,
        time: r.startMs,
        timeEnd: r.endMs,
        title: `Anomaly (${r.severity}) on ${s.name}`,
        text: `peak score ${r.peakScore.toFixed(4)} at ${new Date(r.peakMs).toISOString()}; ${r.points} point(s) over threshold ${s.threshold} (${s.thresholdSource})`,
        tags: ['aidpe', 'anomaly', ...(s.detector === 'aidpe' ? [] : [s.detector]), r.severity],
      }))
    );
    if (body.multivariateDetector !== undefined && body.groupBy === undefined) {
      throw new BadRequestError('multivariateDetector', 'only applies with groupBy');
    }
    const groups =
      body.groupBy === undefined
        ? undefined
        : await this.scoreGroupsOf(
            ctx,
            series,
            body.groupBy,
            fromMs,
            body.threshold,
            body.multivariateDetector ?? 'pca',
            opts.signal
          );
    const fallbacks = new Set(
      groups?.flatMap((g) => g.notes.filter((n) => n.endsWith('scored with PCA instead'))) ?? []
    );
    for (const n of fallbacks) {
      warnings.push(`multivariate: ${n}`);
    }
    if (groups) {
      for (const g of groups) {
        for (const r of g.regions) {
          annotations.push({
            id: r.id,
            time: r.startMs,
            timeEnd: r.endMs,
            title: `Anomaly (${r.severity}) across ${g.groupBy}=${g.value}`,
            text: `multivariate (${g.detector === 'pca' ? 'PCA' : 'autoencoder'}) peak score ${r.peakScore.toFixed(4)}; most changed: ${r.contributors.map((c) => `${c.metric} ${(100 * c.share).toFixed(0)}%`).join(', ')}`,
            tags: ['aidpe', 'anomaly', 'multivariate', r.severity],
          });
        }
      }
    }
    return {
      mode: streaming ? 'streaming' : 'batch',
      series: scored,
      ...(groups ? { groups } : {}),
      annotations,
      warnings,
      storeAvailable: this.opts.store !== undefined,
    };
  }

  private async scoreBatchAll(
    ctx: ScoringContext,
    series: MetricSeries[],
    fromMs: number,
    override: number | undefined,
    detector: StreamDetectorName,
    signal: AbortSignal | undefined
  ): Promise<Scored[]> {
    const compute = this.opts.compute;
    if (!compute) {
      return Promise.all(series.map((s, i) => scoreBatch(ctx, s, fromMs, override, `series ${i}`, detector)));
    }
    const thresholds = await Promise.all(series.map((s) => thresholdFor(ctx, s.labels, detector, override)));
    const results = await compute.run(
      'scoreBatch',
      {
        items: series.map((s, i) => ({
          samples: s.samples,
          fromMs,
          seriesKey: thresholds[i]!.seriesKey,
          threshold: thresholds[i]!.threshold,
          detector,
        })),
      },
      { signal }
    );
    return series.map((s, i) => finishBatch(ctx, s, thresholds[i]!, results[i]!, `series ${i}`, detector));
  }

  private async scoreStreamingAll(
    ctx: ScoringContext,
    series: MetricSeries[],
    fromMs: number,
    stepSeconds: number | undefined,
    override: number | undefined,
    detector: StreamDetectorName,
    signal: AbortSignal | undefined
  ): Promise<Scored[]> {
    const sctx = { ...ctx, streams: this.streams };
    const compute = this.opts.compute;
    if (!compute) {
      const out: Scored[] = [];
      // One at a time: two series of a request never share a state, but the store batch is written once.
      for (const [i, s] of series.entries()) {
        out.push(await scoreStreaming(sctx, s, fromMs, stepSeconds, override, `series ${i}`, detector));
      }
      return out;
    }
    const prepared: StreamingPrepared[] = [];
    for (const [i, s] of series.entries()) {
      prepared.push(await prepareStreaming(sctx, s, fromMs, stepSeconds, override, `series ${i}`, detector));
    }
    const results = await compute.run(
      'streamPush',
      {
        items: prepared.map((p) => ({
          seriesKey: p.seriesKey,
          state: p.acquired.series.snapshot(),
          options: { detectorName: detector },
          stepMs: p.stepMs,
          samples: p.samples,
          threshold: p.threshold,
        })),
      },
      { signal }
    );
    return prepared.map((p, i) => {
      const r = results[i]!;
      const restored = seriesFromState(p.seriesKey, r.state, { detectorName: detector }, p.stepMs);
      if ('series' in restored) {
        this.streams.replace(p.stateKey, restored.series);
        this.streams.touch(p.stateKey);
      }
      return finishStreaming(ctx, p, r.pushed, r.lastTimestamp);
    });
  }

  private async scoreGroupsOf(
    ctx: ScoringContext,
    series: MetricSeries[],
    label: string,
    fromMs: number,
    override: number | undefined,
    requested: 'pca' | 'autoencoder',
    signal: AbortSignal | undefined
  ) {
    const compute = this.opts.compute;
    if (!compute) {
      return scoreGroups({ ...ctx, mvae: this.mvae }, series, label, fromMs, override, requested);
    }
    const thresholds = await groupThresholds(ctx.store, series, label);
    const groups = await compute.run(
      'scoreGroups',
      { modelsDir: this.opts.modelsDir, thresholds, series, label, fromMs, override, requested },
      { signal }
    );
    rememberGroupRegions(ctx.regions, groups);
    return groups;
  }

  /** Feedback on a region this sidecar answered: stored (audited by the store) and moving the series' threshold. */
  async feedback(regionId: string, body: FeedbackRequest, user: string, store: Store, credential?: string) {
    const region = this.regions.get(regionId);
    if (!region) {
      throw new NotFoundError(
        `anomaly ${regionId} is unknown to this sidecar; query /api/v1/anomalies for the range first`
      );
    }
    const scale = DETECTOR_THRESHOLDS[region.detector];
    const before = (await store.getThreshold(region.seriesKey)) ?? scale.default;
    const after = thresholdAfterFeedback(before, body.verdict, scale);
    return store.addFeedback(
      {
        regionId,
        seriesKey: region.seriesKey,
        verdict: body.verdict,
        user,
        reason: body.reason ?? '',
        thresholdBefore: before,
        thresholdAfter: after,
      },
      new Date(this.opts.now()),
      credential
    );
  }

  /** The store, when there is one (feedback needs it). */
  get store(): Store | undefined {
    return this.opts.store;
  }
}
