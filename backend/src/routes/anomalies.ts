/**
 * Anomaly API: scores a PromQL range (or inline series) with the streaming AIDPE detector (or, with `detector:
 * 'ensemble'`, the CAD OSE + AIDPE ensemble, on its own threshold scale), merges high
 * scores into regions, and answers Grafana frames plus annotation-shaped events. Feedback on a region
 * is stored and moves that series' threshold, so later answers change.
 *
 * The detector needs history before the asked range (warm-up, seasonality): the query reaches back
 * WARM_UP_POINTS steps before `start` and only the asked range is returned.
 */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { MetricSeries, TelemetrySource } from '../telemetry/types.ts';
import {
  displayName,
  scoreSeries,
  seriesKeyOf,
  DETECTOR_THRESHOLDS,
  DETECTOR_WARM_UP,
  scoringKeyOf,
} from '../engines/anomaly/scoreSeries.ts';
import { DEFAULT_DETECTOR, DETECTOR_DESCRIPTION, DETECTOR_NAMES_ACCEPTED } from '../engines/anomaly/registry.ts';
import type { StreamDetectorName } from '../engines/anomaly/streaming.ts';
import { createPcaDetector } from '../engines/anomaly/detectors/pca.ts';
import { createAutoencoderDetector } from '../engines/anomaly/detectors/autoencoder.ts';
import { loadMvaeModel, type MvaeModelLoad } from '../models/mvaeModel.ts';
import {
  DEFAULT_THRESHOLD,
  extractRegions,
  thresholdAfterFeedback,
  type AnomalyRegion,
} from '../engines/anomaly/regions.ts';
import type { Store } from '../store/sqlite.ts';
import type { TrackedRegion } from '../engines/anomaly/regions.ts';
import { StreamingStates, type StateOrigin } from '../loop/streamingStates.ts';
import { BadRequestError, NotFoundError } from './errors.ts';
import { parseTime } from './query.ts';

/** History fetched before `start` so the detector is past its warm-up and has seen a day of shape. */
const WARM_UP_POINTS = 1440;
const MAX_SERIES = 50;
const MAX_POINTS = 100_000;
const KNOWN_REGIONS = 10_000;

const TimeValue = Type.Union([Type.Number(), Type.String()]);
const InlineValue = Type.Unsafe<number | string | null>({
  type: ['number', 'string', 'null'],
  description: 'null or "NaN" for a gap',
});

const AnomalyBody = Type.Object(
  {
    query: Type.Optional(Type.String({ minLength: 1, description: 'PromQL range expression; or give series' })),
    start: Type.Optional(TimeValue),
    end: Type.Optional(TimeValue),
    stepSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    series: Type.Optional(
      Type.Array(
        Type.Object(
          {
            labels: Type.Optional(Type.Record(Type.String(), Type.String())),
            timestamps: Type.Array(Type.Number(), { description: 'Unix seconds, increasing' }),
            values: Type.Array(InlineValue),
          },
          { additionalProperties: false }
        ),
        { minItems: 1, maxItems: MAX_SERIES }
      )
    ),
    threshold: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Overrides the per-series threshold' })
    ),
    detector: Type.Optional(
      Type.Union(
        DETECTOR_NAMES_ACCEPTED.map((d) => Type.Literal(d)),
        { description: DETECTOR_DESCRIPTION }
      )
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('batch'), Type.Literal('streaming')], {
        description:
          "batch (default): every call scores the whole range from scratch. streaming: the sidecar keeps each series' detector state between calls (in memory and in the store, so it survives a restart); a call scores only the points after the last one it scored (earlier ones are skipped and counted), regions keep their ids across calls, and each series answers `stream` notes: where its state came from (memory, store, or rebuilt from N points of history), gaps, detector resets, skipped samples. State is kept per series and step; groupBy is batch only",
      })
    ),
    groupBy: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Also score the series that share this label (e.g. service) together with a multivariate detector (multivariateDetector); each group gets regions naming the metrics that contributed most',
      })
    ),
    multivariateDetector: Type.Optional(
      Type.Union([Type.Literal('pca'), Type.Literal('autoencoder')], {
        description:
          "With groupBy: pca (default) = streaming PCA reconstruction error over the group's series; autoencoder = the shipped ONNX autoencoder (models/mvae, trained on simulator metrics) over a 6-step window, batched. The autoencoder maps the group's series to its features by name (request rate, cpu, latency p50/p95 or quantile 0.5/0.95, error, memory); unmatched series are left out, missing features count as normal. When the model is not available, or fewer than two series match, the group falls back to PCA and says why in its notes",
      })
    ),
  },
  { additionalProperties: false }
);
type AnomalyBodyT = Static<typeof AnomalyBody>;

const FeedbackBody = Type.Object(
  {
    verdict: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    user: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'When not forwarded by Grafana (X-Grafana-User)' })
    ),
  },
  { additionalProperties: false }
);

export interface AnomalyRouteOptions {
  telemetry: () => TelemetrySource;
  store: Store | undefined;
  now?: () => number;
  /** Where models/mvae lives (default: the repository's models/). */
  modelsDir?: string | undefined;
  /** The multivariate autoencoder's load (default: loadMvaeModel(modelsDir), once). */
  mvae?: () => Promise<MvaeModelLoad>;
}

/** How a group's series are recognised as the autoencoder's features (checked in this order, on the display name). */
const MVAE_FEATURE_PATTERNS: Array<[string, RegExp]> = [
  ['errorRatio', /error|5xx|fail/i],
  ['cpuUtilization', /cpu/i],
  ['memoryBytes', /mem/i],
  ['latencyP95Ms', /p95|quantile="0\.95"|0\.95/i],
  ['latencyP50Ms', /p50|median|quantile="0\.5"/i],
  ['arrivalRps', /request|rps|qps|arrival|throughput|rate/i],
];

interface Scored {
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

interface ScoreFrame {
  name: string;
  fields: Array<{
    name: string;
    type: 'time' | 'number';
    values: Array<number | null>;
    config?: Record<string, unknown>;
  }>;
}

/** A series' values and anomaly scores as one Grafana frame (scores on a right-hand 0..1 axis). */
function scoreFrame(
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

export const anomalyRoutes: FastifyPluginAsync<AnomalyRouteOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  const streams = new StreamingStates(opts.store);
  let mvaeLoad: Promise<MvaeModelLoad> | undefined;
  const mvae = opts.mvae ?? (() => (mvaeLoad ??= loadMvaeModel({ modelsDir: opts.modelsDir })));
  /** Region id → series key and detector (its threshold scale), for feedback on regions this sidecar has answered. */
  const known = new Map<string, { seriesKey: string; name: string; detector: StreamDetectorName }>();
  const remember = (r: AnomalyRegion, name: string, detector: StreamDetectorName = 'aidpe'): void => {
    known.delete(r.id);
    known.set(r.id, { seriesKey: r.seriesKey, name, detector });
    if (known.size > KNOWN_REGIONS) {
      known.delete(known.keys().next().value!);
    }
  };

  async function score(
    series: MetricSeries,
    fromMs: number,
    override: number | undefined,
    fallbackName: string,
    detector: StreamDetectorName
  ): Promise<Scored> {
    const seriesKey = scoringKeyOf(series.labels, detector);
    const stored = await opts.store?.getThreshold(seriesKey);
    const threshold = override ?? stored ?? DETECTOR_THRESHOLDS[detector].default;
    const thresholdSource = override !== undefined ? 'request' : stored !== undefined ? 'feedback' : 'default';
    const { times, values, scores, regions, fed } = scoreSeries(series.samples, fromMs, seriesKey, threshold, detector);
    const name = displayName(series.labels, fallbackName);
    for (const r of regions) {
      remember(r, name, detector);
    }
    const insufficient = fed < DETECTOR_WARM_UP;
    return {
      labels: series.labels,
      name,
      seriesKey,
      detector,
      threshold,
      thresholdSource,
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

  /**
   * Streaming: only the samples after the series' last scored one are fed; those before `fromMs` (the warm-up
   * reach-back of a query) build the state without being returned. Regions carry `ongoing` while open.
   */
  async function scoreStreaming(
    series: MetricSeries,
    fromMs: number,
    stepSeconds: number | undefined,
    override: number | undefined,
    fallbackName: string,
    detector: StreamDetectorName
  ): Promise<Scored> {
    const seriesKey = scoringKeyOf(series.labels, detector);
    const stored = await opts.store?.getThreshold(seriesKey);
    const threshold = override ?? stored ?? DETECTOR_THRESHOLDS[detector].default;
    const thresholdSource = override !== undefined ? 'request' : stored !== undefined ? 'feedback' : 'default';
    // Per series and step: the same series asked at another step is another stream. One state per series whatever the
    // detector: the state names its detector, and asking the other one discards it (said in the notes).
    const stateKey = `api:${stepSeconds === undefined ? 'inline' : `${stepSeconds}s`}:${seriesKeyOf(series.labels)}`;
    const acquired = await streams.acquire(
      stateKey,
      seriesKey,
      stepSeconds === undefined ? undefined : stepSeconds * 1000,
      detector
    );
    const pushed = acquired.series.push(
      series.samples.map(([t, v]) => [t * 1000, v] as const),
      threshold
    );
    streams.touch(stateKey);
    const name = displayName(series.labels, fallbackName);
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
      remember(r, name, detector);
    }
    const times = pushed.times.slice(history);
    const values = pushed.values.slice(history);
    // A constant series answers the reason, not scores.
    const scores = pushed.status === 'constant' ? times.map(() => null) : pushed.scores.slice(history);
    return {
      labels: series.labels,
      name,
      seriesKey,
      detector,
      threshold,
      thresholdSource,
      status: pushed.status,
      ...(pushed.reason ? { reason: pushed.reason } : {}),
      regions,
      stream: {
        origin: acquired.origin === 'new' && history > 0 ? 'rebuilt' : acquired.origin,
        fed: pushed.fed,
        lastScoredMs: acquired.series.lastTimestamp ?? null,
        skipped: { alreadyScored: pushed.skippedStale, nonFinite: pushed.skippedNonFinite },
        gaps: pushed.gaps,
        notes,
      },
      frame: scoreFrame(name, times, values, scores),
    };
  }

  /**
   * Multivariate: the series sharing a `groupBy` label value are aligned on their timestamps (a missing
   * sample is a gap the detector fills with the metric's mean) and scored together by PCA reconstruction error.
   */
  /**
   * The autoencoder's per-step vectors for a group: members matched to the model's features by name, in the
   * model's order (a feature no member matches is NaN, which the detector takes as normal). Undefined with the
   * reason when fewer than two features match.
   */
  function matchMvaeFeatures(
    features: string[],
    metrics: string[]
  ): { memberOf: Array<number | undefined>; notes: string[] } | { reason: string } {
    const memberOf: Array<number | undefined> = features.map(() => undefined);
    const notes: string[] = [];
    metrics.forEach((name, j) => {
      const hit = MVAE_FEATURE_PATTERNS.find(
        ([f, re]) => re.test(name) && features.includes(f) && memberOf[features.indexOf(f)] === undefined
      );
      if (hit) {
        memberOf[features.indexOf(hit[0])] = j;
      } else {
        notes.push(`${name} matches none of the autoencoder's free features (${features.join(', ')}); left out`);
      }
    });
    const matched = memberOf.filter((m) => m !== undefined).length;
    if (matched < 2) {
      return {
        reason: `only ${matched} series match the autoencoder's features (${features.join(', ')}); it needs two or more`,
      };
    }
    const missing = features.filter((_, i) => memberOf[i] === undefined);
    if (missing.length > 0) {
      notes.push(`no series for ${missing.join(', ')}: taken as normal`);
    }
    return { memberOf, notes };
  }

  async function scoreGroups(
    series: MetricSeries[],
    label: string,
    fromMs: number,
    override: number | undefined,
    requested: 'pca' | 'autoencoder'
  ) {
    const model = requested === 'autoencoder' ? await mvae() : undefined;
    const groups = new Map<string, MetricSeries[]>();
    for (const s of series) {
      const key = s.labels[label];
      if (key === undefined) {
        continue;
      }
      const list = groups.get(key) ?? [];
      list.push(s);
      groups.set(key, list);
    }
    const thresholds = new Map<string, number | undefined>();
    for (const value of groups.keys()) {
      for (const kind of ['pca', 'autoencoder']) {
        const key = seriesKeyOf({ [label]: value, __multivariate__: kind });
        thresholds.set(key, await opts.store?.getThreshold(key));
      }
    }
    const out = [];
    for (const [value, members] of groups.entries()) {
      const metrics = members.map((m, i) => displayName(m.labels, `series ${i}`));
      const notes: string[] = [];
      let matched: { memberOf: Array<number | undefined>; notes: string[] } | undefined;
      if (model && model.state !== 'loaded') {
        notes.push(`${model.error}; scored with PCA instead`);
      } else if (model) {
        const m = matchMvaeFeatures(model.spec.features, metrics);
        if ('reason' in m) {
          notes.push(`${m.reason}; scored with PCA instead`);
        } else {
          matched = m;
          notes.push(...m.notes);
        }
      }
      const detectorUsed: 'pca' | 'autoencoder' = matched ? 'autoencoder' : 'pca';
      const seriesKey = seriesKeyOf({ [label]: value, __multivariate__: detectorUsed });
      const times = [...new Set(members.flatMap((m) => m.samples.map(([t]) => t)))].sort((a, b) => a - b);
      const index = members.map((m) => new Map(m.samples.map(([t, v]) => [t, v])));
      const stored = thresholds.get(seriesKey);
      const threshold = override ?? stored ?? DEFAULT_THRESHOLD;
      if (members.length < 2) {
        out.push({
          groupBy: label,
          value,
          seriesKey,
          metrics,
          threshold,
          detector: detectorUsed,
          notes,
          status: 'insufficient_data' as const,
          reason: `only one series has ${label}="${value}"; the multivariate detector needs two or more`,
          regions: [],
          frame: undefined,
        });
        continue;
      }
      const outTimes: number[] = [];
      const scores: number[] = [];
      const contributions: number[][] = [];
      let warmUp = 288;
      if (matched && model?.state === 'loaded') {
        // All vectors of the range go to the model in a few large batches (one session.run each).
        const { spec } = model;
        warmUp = Math.max(spec.warmUp, spec.window);
        const detector = createAutoencoderDetector({
          dimensions: spec.features.length,
          window: spec.window,
          warmUp: spec.warmUp,
          normalisation: spec.normalisation,
          reconstruct: model.reconstruct,
          batchSize: 16_384,
          newestStepWeight: spec.newestStepWeight,
        });
        const memberOf = matched.memberOf;
        const results = await detector.score(
          times.map((t) => memberOf.map((j) => (j === undefined ? Number.NaN : (index[j]!.get(t) ?? Number.NaN))))
        );
        times.forEach((t, i) => {
          if (t * 1000 < fromMs) {
            return;
          }
          outTimes.push(t * 1000);
          scores.push(results[i]!.score);
          // Back to the members' order; features without a member carry no share.
          const perMember = new Array<number>(members.length).fill(0);
          results[i]!.contributions.forEach((c, f) => {
            const j = memberOf[f];
            if (j !== undefined) {
              perMember[j]! += c;
            }
          });
          const total = perMember.reduce((a, c) => a + c, 0);
          contributions.push(
            results[i]!.contributions.length === 0 ? [] : perMember.map((c) => (total > 0 ? c / total : 0))
          );
        });
      } else {
        const detector = createPcaDetector(members.length);
        for (const t of times) {
          const r = detector.update(index.map((m) => m.get(t) ?? Number.NaN));
          if (t * 1000 >= fromMs) {
            outTimes.push(t * 1000);
            scores.push(r.score);
            contributions.push(r.contributions);
          }
        }
      }
      const regions = extractRegions(outTimes, scores, seriesKey, { threshold }).map((r) => {
        // The metrics that carried most of the residual over the region, largest first.
        const from = outTimes.indexOf(r.startMs);
        const to = outTimes.indexOf(r.endMs);
        const share = new Array<number>(members.length).fill(0);
        for (let i = from; i <= to; i++) {
          contributions[i]?.forEach((c, j) => (share[j]! += c / (to - from + 1)));
        }
        const contributors = share
          .map((c, j) => ({ metric: metrics[j]!, share: c }))
          .sort((a, b) => b.share - a.share)
          .slice(0, 3);
        return { ...r, contributors };
      });
      for (const r of regions) {
        remember(r, `${label}=${value}`);
      }
      const insufficient = times.length <= warmUp;
      out.push({
        groupBy: label,
        value,
        seriesKey,
        metrics,
        threshold,
        detector: detectorUsed,
        notes,
        status: insufficient ? ('insufficient_data' as const) : ('ok' as const),
        ...(insufficient
          ? { reason: `${times.length} aligned samples; the multivariate detector needs ${warmUp} before it scores` }
          : {}),
        regions,
        frame: {
          name: `${label}=${value} (multivariate)`,
          fields: [
            { name: 'time', type: 'time' as const, values: outTimes },
            { name: 'score', type: 'number' as const, values: scores },
          ],
        },
      });
    }
    return out;
  }

  // Also served at /api/v1/anomalies/query: Grafana's datasource proxy matches routes by prefix, so a
  // datasource route for that path cannot reach /api/v1/anomalies/{id}/feedback (Editor-only via the app).
  const detect = async (req: { body: AnomalyBodyT }) => {
    const body = req.body;
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
      const result = await opts.telemetry().queryRange({
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
    let scored: Scored[];
    if (streaming) {
      scored = [];
      // One at a time: two series of a request never share a state, but the store batch is written once.
      for (const [i, s] of series.entries()) {
        scored.push(
          await scoreStreaming(
            s,
            fromMs,
            body.query !== undefined ? body.stepSeconds : undefined,
            body.threshold,
            `series ${i}`,
            detector
          )
        );
      }
      try {
        await streams.persist(new Date(now()));
      } catch (err) {
        warnings.push(
          `store: detector states not persisted (${(err as Error).message}); they live in memory until the next call`
        );
      }
    } else {
      scored = await Promise.all(series.map((s, i) => score(s, fromMs, body.threshold, `series ${i}`, detector)));
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
        : await scoreGroups(series, body.groupBy, fromMs, body.threshold, body.multivariateDetector ?? 'pca');
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
      storeAvailable: opts.store !== undefined,
    };
  };
  for (const url of ['/api/v1/anomalies', '/api/v1/anomalies/query']) {
    app.post<{ Body: AnomalyBodyT }>(
      url,
      {
        schema: {
          tags: ['anomalies'],
          summary: 'Anomaly scores, regions and annotations for a PromQL range or inline series',
          body: AnomalyBody,
        },
      },
      detect
    );
  }

  app.post<{ Params: { id: string }; Body: Static<typeof FeedbackBody> }>(
    '/api/v1/anomalies/:id/feedback',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'True/false-positive feedback on a region: stored, audited, and moves the series threshold',
        body: FeedbackBody,
      },
    },
    async (req, reply) => {
      const store = opts.store;
      if (!store) {
        return reply.status(503).send({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'store: not available; feedback cannot be kept (see /api/v1/health)',
        });
      }
      const forwarded = req.headers['x-grafana-user'];
      const user = (typeof forwarded === 'string' && forwarded) || req.body.user;
      if (!user) {
        return reply.status(401).send({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'user: feedback needs a user (Grafana forwards X-Grafana-User; or give user in the body)',
        });
      }
      const region = known.get(req.params.id);
      if (!region) {
        throw new NotFoundError(
          `anomaly ${req.params.id} is unknown to this sidecar; query /api/v1/anomalies for the range first`
        );
      }
      const scale = DETECTOR_THRESHOLDS[region.detector];
      const before = (await store.getThreshold(region.seriesKey)) ?? scale.default;
      const after = thresholdAfterFeedback(before, req.body.verdict, scale);
      const record = await store.addFeedback(
        {
          regionId: req.params.id,
          seriesKey: region.seriesKey,
          verdict: req.body.verdict,
          user,
          reason: req.body.reason ?? '',
          thresholdBefore: before,
          thresholdAfter: after,
        },
        new Date(now())
      );
      return reply.status(201).send(record);
    }
  );

  app.get<{ Querystring: { seriesKey?: string } }>(
    '/api/v1/anomalies/feedback',
    {
      schema: {
        tags: ['anomalies'],
        summary: 'Feedback given so far (optionally for one series key)',
        querystring: Type.Object({ seriesKey: Type.Optional(Type.String()) }),
      },
    },
    async (req, reply) => {
      if (!opts.store) {
        return reply
          .status(503)
          .send({ statusCode: 503, error: 'Service Unavailable', message: 'store: not available' });
      }
      return { feedback: await opts.store.listFeedback(req.query.seriesKey) };
    }
  );
};
