/**
 * Multivariate anomaly scoring for the API: the series sharing a `groupBy` label value are aligned on their
 * timestamps (a missing sample is a gap the detector fills with the metric's mean) and scored together — by
 * streaming PCA reconstruction error, or by the shipped autoencoder when asked and available — with regions
 * naming the metrics that contributed most.
 */
import { createAutoencoderDetector } from '../../engines/anomaly/detectors/autoencoder.ts';
import { createPcaDetector } from '../../engines/anomaly/detectors/pca.ts';
import { DEFAULT_THRESHOLD, extractRegions } from '../../engines/anomaly/regions.ts';
import { displayName, seriesKeyOf } from '../../engines/anomaly/scoreSeries.ts';
import type { MvaeModelLoad } from '../../models/mvaeModel.ts';
import type { Store } from '../../store/types.ts';
import type { MetricSeries } from '../../telemetry/types.ts';
import type { RegionRegistry } from './regionRegistry.ts';

/** How a group's series are recognised as the autoencoder's features (checked in this order, on the display name). */
const MVAE_FEATURE_PATTERNS: Array<[string, RegExp]> = [
  ['errorRatio', /error|5xx|fail/i],
  ['cpuUtilization', /cpu/i],
  ['memoryBytes', /mem/i],
  ['latencyP95Ms', /p95|quantile="0\.95"|0\.95/i],
  ['latencyP50Ms', /p50|median|quantile="0\.5"/i],
  ['arrivalRps', /request|rps|qps|arrival|throughput|rate/i],
];

/**
 * The autoencoder's per-step vectors for a group: members matched to the model's features by name, in the
 * model's order (a feature no member matches is NaN, which the detector takes as normal). Undefined with the
 * reason when fewer than two features match.
 */
export function matchMvaeFeatures(
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

/** The series grouped by their `label` value (series without it are left out), in first-seen order. */
function groupsOf(series: MetricSeries[], label: string): Map<string, MetricSeries[]> {
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
  return groups;
}

/** The stored thresholds a grouping may use (feedback per group and detector), read before scoring. */
export async function groupThresholds(
  store: Store | undefined,
  series: MetricSeries[],
  label: string
): Promise<Record<string, number | undefined>> {
  const thresholds: Record<string, number | undefined> = {};
  for (const value of groupsOf(series, label).keys()) {
    for (const kind of ['pca', 'autoencoder']) {
      const key = seriesKeyOf({ [label]: value, __multivariate__: kind });
      thresholds[key] = await store?.getThreshold(key);
    }
  }
  return thresholds;
}

export async function scoreGroups(
  ctx: { store: Store | undefined; regions: RegionRegistry; mvae: () => Promise<MvaeModelLoad> },
  series: MetricSeries[],
  label: string,
  fromMs: number,
  override: number | undefined,
  requested: 'pca' | 'autoencoder'
) {
  const model = requested === 'autoencoder' ? await ctx.mvae() : undefined;
  const thresholds = await groupThresholds(ctx.store, series, label);
  const out = await scoreGroupsWith(thresholds, model, series, label, fromMs, override);
  rememberGroupRegions(ctx.regions, out);
  return out;
}

export type ScoredGroup = Awaited<ReturnType<typeof scoreGroupsWith>>[number];

/** Region ids of the groups' regions, for feedback. */
export function rememberGroupRegions(regions: RegionRegistry, groups: ScoredGroup[]): void {
  for (const g of groups) {
    for (const r of g.regions) {
      regions.remember(r, `${g.groupBy}=${g.value}`);
    }
  }
}

/**
 * Scores the groups (pure but for the model's inference): `thresholds` from `groupThresholds`, `model` the
 * autoencoder's load when it was asked for. Runs in a compute worker.
 */
export async function scoreGroupsWith(
  thresholds: Record<string, number | undefined>,
  model: MvaeModelLoad | undefined,
  series: MetricSeries[],
  label: string,
  fromMs: number,
  override: number | undefined
) {
  const groups = groupsOf(series, label);
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
    const stored = thresholds[seriesKey];
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
