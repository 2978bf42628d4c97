/**
 * Leave-one-source-out selection of the ensemble's settings and the figures that go with it. For each held-out
 * source, the point setting (how many candidates, how close to the best, which candidate pool) is the one with
 * the lowest relative MASE on the other sources (each source weighs the same: mean of the per-source log
 * geometric means, over every horizon), and the band setting (adaptive conformal rate, widening) the one whose
 * 80% and 95% coverage on the worst of the other sources is closest to nominal. The held-out source is then scored with
 * that choice. "In-sample" is the same choice made on every source, the default is what the engine ships.
 */
import { DEFAULT_ENSEMBLE_SETTINGS } from '../../engines/forecast/engine.ts';
import { AUGURS_CANDIDATE_NAMES } from '../../engines/forecast/augurs.ts';
import type { BandVariant, PointVariant, SeriesEval } from './evaluation.ts';
import { geometricMean, summariseGroup, type GroupSummary, type SeriesMetrics } from './metrics.ts';

export interface VariantGrid {
  points: PointVariant[];
  bands: BandVariant[];
}

/** Candidate pools: what each point setting may combine. */
export function candidatePools(deepNames: string[]): Array<{ id: string; excluded: string[] }> {
  const pools = [{ id: 'all', excluded: [] as string[] }];
  if (deepNames.length > 0) {
    pools.push({ id: 'no_deep', excluded: [...deepNames] });
  }
  pools.push({ id: 'no_augurs', excluded: [...AUGURS_CANDIDATE_NAMES] });
  if (deepNames.length > 0) {
    pools.push({ id: 'fast', excluded: [...deepNames, ...AUGURS_CANDIDATE_NAMES] });
  }
  return pools;
}

export function poolIdOf(excluded: readonly string[], deepNames: string[]): string {
  const ex = new Set(excluded);
  const noDeep = deepNames.length > 0 && deepNames.every((d) => ex.has(d));
  const noAugurs = AUGURS_CANDIDATE_NAMES.every((a) => ex.has(a));
  return noDeep && noAugurs ? 'fast' : noDeep ? 'no_deep' : noAugurs ? 'no_augurs' : 'all';
}

export function pointId(maxCombined: number, combineWithin: number, pool: string): string {
  return `k${maxCombined}-w${combineWithin}-${pool}`;
}

export function bandId(rate: number, inflation: number): string {
  return `aci${rate}-x${inflation}`;
}

/** The settings grid; the shipped default is always in it. */
export function settingsGrid(deepNames: string[], small = false): VariantGrid {
  const ks = small ? [1, 3] : [1, 2, 3, 5];
  const ws = small ? [1.5] : [1.25, 1.5, 2];
  const rates = small ? [0, 0.05] : [0, 0.02, 0.05, 0.1];
  const inflations = small ? [1, 1.25] : [0.9, 1, 1.1, 1.25, 1.5];
  const d = DEFAULT_ENSEMBLE_SETTINGS;
  const points: PointVariant[] = [];
  for (const pool of candidatePools(deepNames)) {
    for (const k of new Set([...ks, d.maxCombined])) {
      for (const w of new Set([...ws, d.combineWithin])) {
        points.push({ id: pointId(k, w, pool.id), maxCombined: k, combineWithin: w, excluded: pool.excluded });
      }
    }
  }
  const bands: BandVariant[] = [];
  for (const r of new Set([...rates, d.conformalRate])) {
    for (const x of new Set([...inflations, d.intervalInflation])) {
      bands.push({ id: bandId(r, x), conformalRate: r, intervalInflation: x });
    }
  }
  return { points, bands };
}

export function defaultIds(deepNames: string[]): { point: string; band: string } {
  const d = DEFAULT_ENSEMBLE_SETTINGS;
  return {
    point: pointId(d.maxCombined, d.combineWithin, poolIdOf(d.excluded, deepNames)),
    band: bandId(d.conformalRate, d.intervalInflation),
  };
}

/** Results per horizon: the series evaluated at that horizon. */
export type ResultsByHorizon = Map<number, SeriesEval[]>;

function bySource(results: SeriesEval[]): Map<string, SeriesEval[]> {
  const out = new Map<string, SeriesEval[]>();
  for (const r of results) {
    (out.get(r.source) ?? out.set(r.source, []).get(r.source)!).push(r);
  }
  return out;
}

const REFERENCE = 'seasonal_naive';

/** Mean over sources (and horizons) of the log geometric-mean relative MASE of one point setting. */
function pointCost(results: ResultsByHorizon, sources: Set<string>, point: string, band: string): number {
  let sum = 0;
  let count = 0;
  for (const list of results.values()) {
    for (const [source, group] of bySource(list)) {
      if (!sources.has(source)) {
        continue;
      }
      const rel = group
        .map((r) => r.variants[point]?.[band]?.mase ?? Number.NaN)
        .map((m, i) => m / group[i]!.baselines[REFERENCE]!.mase);
      const g = geometricMean(rel);
      if (Number.isFinite(g)) {
        sum += Math.log(g);
        count++;
      }
    }
  }
  return count > 0 ? sum / count : Infinity;
}

/**
 * The worst source's (and horizon's) distance of the 80% and 95% coverage from nominal: a band setting must
 * hold on every kind of series, not on average (near-deterministic series are covered whatever the width).
 */
function bandCost(results: ResultsByHorizon, sources: Set<string>, point: string, band: string): number {
  let worst = -Infinity;
  for (const list of results.values()) {
    for (const [source, group] of bySource(list)) {
      if (!sources.has(source)) {
        continue;
      }
      let in80 = 0;
      let in95 = 0;
      let points = 0;
      for (const r of group) {
        const m = r.variants[point]?.[band];
        if (m && !m.error) {
          in80 += m.inside80;
          in95 += m.inside95;
          points += m.points;
        }
      }
      if (points > 0) {
        worst = Math.max(worst, Math.abs(in80 / points - 0.8) + Math.abs(in95 / points - 0.95));
      }
    }
  }
  return Number.isFinite(worst) ? worst : Infinity;
}

export function selectSettings(
  results: ResultsByHorizon,
  grid: VariantGrid,
  sources: Set<string>
): { point: string; band: string } {
  const refBand = grid.bands[0]!.id;
  let bestPoint = grid.points[0]!.id;
  let bestCost = Infinity;
  for (const p of grid.points) {
    const c = pointCost(results, sources, p.id, refBand);
    if (c < bestCost - 1e-12) {
      bestCost = c;
      bestPoint = p.id;
    }
  }
  let bestBand = grid.bands[0]!.id;
  let bestBandCost = Infinity;
  for (const b of grid.bands) {
    const c = bandCost(results, sources, bestPoint, b.id);
    if (c < bestBandCost - 1e-12) {
      bestBandCost = c;
      bestBand = b.id;
    }
  }
  return { point: bestPoint, band: bestBand };
}

export interface LosoReport {
  sources: string[];
  /** Per held-out source, the setting chosen on the others. */
  folds: Array<{ heldOut: string; point: string; band: string }>;
  /** The setting chosen on every source (in-sample). */
  inSample: { point: string; band: string };
  shipped: { point: string; band: string };
  /** Per horizon: pooled over every series, then per source; method → summary. */
  horizons: Array<{
    horizon: number;
    pooled: Record<string, GroupSummary>;
    perSource: Record<string, Record<string, GroupSummary>>;
  }>;
}

/**
 * Methods reported: the baselines, `aidpe_loso` (each source under the setting chosen without it: the
 * headline), `aidpe_insample`, `aidpe` (the shipped default) and the shipped default without the deep models
 * (`aidpe_statistical`) and without augurs (`aidpe_no_augurs`) where those pools exist.
 */
export function losoReport(
  results: ResultsByHorizon,
  grid: VariantGrid,
  baselines: string[],
  deepNames: string[]
): LosoReport {
  const all = [...results.values()].flat();
  const sources = [...new Set(all.map((r) => r.source))].sort();
  const folds = sources.map((heldOut) => ({
    heldOut,
    ...selectSettings(results, grid, new Set(sources.filter((s) => s !== heldOut))),
  }));
  const inSample = selectSettings(results, grid, new Set(sources));
  const shipped = defaultIds(deepNames);
  const fold = new Map(folds.map((f) => [f.heldOut, f]));
  const d = DEFAULT_ENSEMBLE_SETTINGS;
  const extra: Array<[string, string]> = [];
  if (deepNames.length > 0) {
    extra.push(['aidpe_statistical', pointId(d.maxCombined, d.combineWithin, 'no_deep')]);
  }
  extra.push(['aidpe_no_augurs', pointId(d.maxCombined, d.combineWithin, deepNames.length ? 'fast' : 'no_augurs')]);
  const pick = (r: SeriesEval, method: string): SeriesMetrics | undefined => {
    if (baselines.includes(method)) {
      return r.baselines[method];
    }
    if (method === 'aidpe') {
      return r.variants[shipped.point]?.[shipped.band];
    }
    if (method === 'aidpe_insample') {
      return r.variants[inSample.point]?.[inSample.band];
    }
    if (method === 'aidpe_loso') {
      const f = fold.get(r.source)!;
      return r.variants[f.point]?.[f.band];
    }
    const p = extra.find(([name]) => name === method)?.[1];
    return p ? r.variants[p]?.[shipped.band] : undefined;
  };
  const methods = [...baselines, 'aidpe_loso', 'aidpe_insample', 'aidpe', ...extra.map(([name]) => name)];
  const summary = (group: SeriesEval[]): Record<string, GroupSummary> => {
    const out: Record<string, GroupSummary> = {};
    for (const m of methods) {
      const pairs = group
        .map((r) => ({ m: pick(r, m), reference: r.baselines[REFERENCE]! }))
        .filter((p): p is { m: SeriesMetrics; reference: SeriesMetrics } => p.m !== undefined);
      if (pairs.length > 0) {
        out[m] = summariseGroup(pairs);
      }
    }
    // The ensemble's own time column: prepare + backtest + combine.
    for (const m of methods.filter((x) => x.startsWith('aidpe'))) {
      if (out[m]) {
        out[m] = { ...out[m], medianMs: median(group.map((r) => r.aidpeMs)) };
      }
    }
    return out;
  };
  return {
    sources,
    folds,
    inSample,
    shipped,
    horizons: [...results].map(([horizon, list]) => ({
      horizon,
      pooled: summary(list),
      perSource: Object.fromEntries([...bySource(list)].map(([s, g]) => [s, summary(g)])),
    })),
  };
}

function median(xs: number[]): number {
  const ok = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (ok.length === 0) {
    return Number.NaN;
  }
  const mid = ok.length >> 1;
  return ok.length % 2 ? ok[mid]! : (ok[mid - 1]! + ok[mid]!) / 2;
}
