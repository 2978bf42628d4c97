/**
 * Random-walk root-cause ranking in the manner of CloudRanger (Wang et al., CCGRID 2018) and MicroCause (Meng et
 * al., IWQoS 2020), as the PetShop paper's comparison runs it: a causal graph that reverses the call graph
 * (a callee's trouble causes its callers'), the anomalous services found by a median-deviation detector (the
 * PetShop harness's MAD score > 5 on the symptom's metric kind), and a walk from each anomalous service that steps
 * to a cause in proportion to how strongly the cause's series correlates with the anomaly's (|Pearson|), to a
 * result with a small weight ρ, and stays in proportion to how much more it correlates than its own causes.
 * Services are ranked by their share of visits in 10-step walks. The visit counts are the walk's exact
 * expectation (the distribution propagated step by step), not a Monte-Carlo sample, so the answer is deterministic.
 */
import { median, pearson as pearsonCorrelation } from '../metricChange.ts';
import { alignedMatrix, byScore, imputeMean, type BaselineInput, type ScoredService } from './types.ts';

export const RW_RHO = 0.1;
export const RW_STEPS = 10;
/** Median-deviation detector threshold of the PetShop harness (|x − median| / MAD). */
export const RW_MAD_THRESHOLD = 5;

/** Pearson's correlation as the random-walk method computes it (two points suffice). */
function pearson(a: readonly number[], b: readonly number[]): number {
  return pearsonCorrelation(a, b, 2);
}

export function randomWalkRanking(input: BaselineInput): ScoredService[] {
  const { window } = input;
  const kind = input.symptomKind;
  // One series per service: the first of the symptom's kind (else its first series).
  const perService = new Map<string, (typeof input.metrics)[number]>();
  for (const s of input.metrics) {
    const prev = perService.get(s.service);
    if (!prev || (prev.kind !== kind && s.kind === kind)) {
      perService.set(s.service, s);
    }
  }
  const services = [...perService.keys()].sort();
  if (services.length === 0) {
    return [];
  }
  const series = services.map((s) => perService.get(s)!);
  const { times, columns } = alignedMatrix(series, window.baselineStartMs, window.incidentEndMs);
  const baseIdx = times.filter((t) => t < window.incidentStartMs).length;
  const incLen = times.length - baseIdx;
  // Anomalous: the median-deviation score of any incident sample above the threshold.
  const anomalous = services.filter((_, j) => {
    const col = columns[j]!;
    const base = col.slice(0, baseIdx).filter(Number.isFinite);
    const inc = col.slice(baseIdx).filter(Number.isFinite);
    if (base.length < 2 || inc.length === 0) {
      return false;
    }
    const m = median(base);
    const mad = median(base.map((v) => Math.abs(v - m))) || Math.abs(m) * 0.01 || 1e-9;
    return inc.some((v) => Math.abs(v - m) / mad > RW_MAD_THRESHOLD);
  });
  const starts = anomalous.length > 0 ? anomalous : services.includes(input.symptom) ? [input.symptom] : [];
  if (starts.length === 0) {
    return [];
  }
  // Correlations over the incident and as much fault-free data just before it (so the change is in the window).
  const from = Math.max(0, baseIdx - Math.max(incLen, 2));
  const data = columns.map((col) => imputeMean(col.slice(from)));
  const idx = new Map(services.map((s, i) => [s, i]));
  // Causal graph: callee → caller. causes(u) = callees of u in the call graph; results(u) = its callers.
  const causes = services.map(() => new Set<number>());
  const results = services.map(() => new Set<number>());
  for (const e of input.edges) {
    const [caller, callee] = [idx.get(e.source), idx.get(e.target)];
    if (caller === undefined || callee === undefined || caller === callee) {
      continue;
    }
    causes[caller]!.add(callee);
    results[callee]!.add(caller);
  }
  const startIdx = starts.map((s) => idx.get(s)!);
  // Node weight: the strongest |correlation| with any anomaly (1 for the anomaly itself; 0 for its results).
  const nodeWeight = services.map((_, m) =>
    Math.max(...startIdx.map((a) => (a === m ? 1 : results[a]!.has(m) ? 0 : Math.abs(pearson(data[a]!, data[m]!)))))
  );
  const anomalousSet = new Set(startIdx);
  const transitions = services.map((_, u) => {
    const row: Array<[number, number]> = [];
    for (const c of causes[u]!) {
      row.push([c, nodeWeight[c]!]);
    }
    for (const r of results[u]!) {
      row.push([r, RW_RHO * nodeWeight[r]!]);
    }
    const maxCause = Math.max(0, ...[...causes[u]!].map((c) => nodeWeight[c]!));
    row.push([u, anomalousSet.has(u) ? 0 : Math.max(0, nodeWeight[u]! - maxCause)]);
    const total = row.reduce((s, [, w]) => s + w, 0);
    return total > 0 ? row.map(([v, w]): [number, number] => [v, w / total]) : [[u, 1] as [number, number]];
  });
  const visits = services.map(() => 0);
  for (const a of startIdx) {
    let dist: number[] = services.map((_, i) => (i === a ? 1 : 0));
    for (let step = 0; step < RW_STEPS; step++) {
      const next = services.map(() => 0);
      dist.forEach((mass, u) => {
        for (const [v, p] of transitions[u]!) {
          next[v]! += mass * p;
        }
      });
      dist = next;
      dist.forEach((mass, i) => (visits[i]! += mass));
    }
  }
  const total = visits.reduce((s, v) => s + v, 0) || 1;
  return services
    .map((service, i) => ({ service, score: visits[i]! / total }))
    .filter((s) => s.score > 0)
    .sort(byScore);
}
