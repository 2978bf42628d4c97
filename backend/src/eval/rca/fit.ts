/**
 * Fitting the evidence model (`engines/rca/evidenceModel.ts`): a conditional-logit ranking model — per case, a
 * softmax over its candidates of w·x — by maximum likelihood of the true root cause, with an L2 penalty and
 * weights kept non-negative (every feature is evidence for a candidate; none may count against it, which keeps a
 * small data set from learning artefacts of one system). Each dataset weighs the same in the likelihood, whatever
 * its number of cases. The penalty is chosen by leave-one-dataset-out cross-validation, and the headline figures
 * are leave-one-dataset-out: the model that ranks a dataset's cases never saw that dataset. Tier thresholds come
 * from the same out-of-fold predictions. Deterministic (projected gradient descent from zero, fixed steps).
 */
import { FEATURES, type EvidenceModel, type FeatureName } from '../../engines/rca/evidenceModel.ts';
import { rankRootCauses } from '../../engines/rca/rank.ts';
import { summariseRanks, type AcSummary, type EvalCase } from './evalCore.ts';

export interface CaseMatrix {
  dataset: string;
  id: string;
  kind: string;
  services: string[];
  /** Candidate × feature (FEATURES order). */
  x: number[][];
  /** Index of the true root cause among the candidates; -1 when it is not one. */
  truth: number;
}

const PROBE: EvidenceModel = {
  version: 'probe',
  features: [...FEATURES],
  weights: FEATURES.map(() => 0),
  tiers: { confirmed: 1, likely: 1 },
};

/** The candidates and their features as the ranking sees them (the features do not depend on the weights). */
export function caseMatrix(c: EvalCase): CaseMatrix {
  const ranking = rankRootCauses(c.symptom, c.graph, c.evidence, { scorer: PROBE });
  const candidates = ranking.candidates.filter((x) => x.features !== undefined);
  return {
    dataset: c.dataset,
    id: c.id,
    kind: c.kind,
    services: candidates.map((x) => x.service),
    x: candidates.map((x) => FEATURES.map((f) => x.features?.[f] ?? 0)),
    truth: candidates.findIndex((x) => x.service === c.truth),
  };
}

function scores(w: readonly number[], x: readonly number[][]): number[] {
  return x.map((row) => row.reduce((s, v, j) => s + v * w[j]!, 0));
}

function softmax(s: readonly number[]): number[] {
  const top = Math.max(...s);
  const e = s.map((v) => Math.exp(v - top));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/** 1-based rank of the truth under weights w (ties: the truth ranks below equals); undefined when absent. */
export function rankUnder(w: readonly number[], m: CaseMatrix): number | undefined {
  if (m.truth < 0) {
    return undefined;
  }
  const s = scores(w, m.x);
  const t = s[m.truth]!;
  return 1 + s.filter((v, i) => i !== m.truth && v >= t).length;
}

export function topProbability(w: readonly number[], m: CaseMatrix): { p: number; correct: boolean } {
  if (m.x.length === 0) {
    return { p: 0, correct: false };
  }
  const p = softmax(scores(w, m.x));
  const best = p.indexOf(Math.max(...p));
  return { p: p[best]!, correct: best === m.truth };
}

/** Penalised negative log-likelihood (datasets weighted equally) and its gradient. */
function objective(w: readonly number[], cases: readonly CaseMatrix[], lambda: number): { f: number; g: number[] } {
  const perDataset = new Map<string, number>();
  for (const c of cases) {
    if (c.truth >= 0) {
      perDataset.set(c.dataset, (perDataset.get(c.dataset) ?? 0) + 1);
    }
  }
  const datasets = perDataset.size || 1;
  let f = 0;
  const g = w.map(() => 0);
  for (const c of cases) {
    if (c.truth < 0 || c.x.length < 2) {
      continue;
    }
    const weight = 1 / (datasets * perDataset.get(c.dataset)!);
    const p = softmax(scores(w, c.x));
    f -= weight * Math.log(Math.max(1e-300, p[c.truth]!));
    for (let j = 0; j < w.length; j++) {
      let expected = 0;
      for (let i = 0; i < c.x.length; i++) {
        expected += p[i]! * c.x[i]![j]!;
      }
      g[j]! += weight * (expected - c.x[c.truth]![j]!);
    }
  }
  for (let j = 0; j < w.length; j++) {
    f += (lambda / 2) * w[j]! ** 2;
    g[j]! += lambda * w[j]!;
  }
  return { f, g };
}

/** Projected gradient descent with backtracking (weights ≥ 0), from zero. */
export function fitWeights(cases: readonly CaseMatrix[], lambda: number, iterations = 1500): number[] {
  let w = FEATURES.map(() => 0);
  let { f, g } = objective(w, cases, lambda);
  let step = 1;
  for (let it = 0; it < iterations; it++) {
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      const next = w.map((v, j) => Math.max(0, v - step * g[j]!));
      const o = objective(next, cases, lambda);
      const moved = next.reduce((s, v, j) => s + (v - w[j]!) * g[j]!, 0);
      const dist2 = next.reduce((s, v, j) => s + (v - w[j]!) ** 2, 0);
      if (o.f <= f + moved + dist2 / (2 * step)) {
        const done = Math.abs(f - o.f) < 1e-10;
        w = next;
        f = o.f;
        g = o.g;
        step *= 1.5;
        accepted = true;
        if (done) {
          return w;
        }
        break;
      }
      step /= 2;
    }
    if (!accepted) {
      break;
    }
  }
  return w;
}

/** The penalties tried (the fit picks one by leave-one-dataset-out). */
export const LAMBDAS = [0.003, 0.01, 0.03, 0.1, 0.3];

/** Mean over held-out datasets of the held-out AC@1, then of Avg@5 (ties), for a penalty. */
function heldOutScore(cases: readonly CaseMatrix[], lambda: number): number {
  const datasets = [...new Set(cases.map((c) => c.dataset))];
  if (datasets.length < 2) {
    return 0;
  }
  let total = 0;
  for (const d of datasets) {
    const w = fitWeights(
      cases.filter((c) => c.dataset !== d),
      lambda
    );
    const s = summariseRanks(cases.filter((c) => c.dataset === d).map((c) => rankUnder(w, c)));
    total += s.ac1 + 0.01 * s.avg5;
  }
  return total / datasets.length;
}

export function chooseLambda(cases: readonly CaseMatrix[]): number {
  let best = LAMBDAS[0]!;
  let bestScore = -Infinity;
  for (const l of LAMBDAS) {
    const s = heldOutScore(cases, l);
    if (s > bestScore + 1e-9) {
      best = l;
      bestScore = s;
    }
  }
  return best;
}

export interface FoldResult {
  heldOut: string;
  lambda: number;
  weights: Record<FeatureName, number>;
  summary: AcSummary;
  inSample: AcSummary;
}

export interface OutOfFold {
  dataset: string;
  id: string;
  kind: string;
  rank: number | undefined;
  p: number;
  correct: boolean;
}

/** Leave-one-dataset-out: each dataset ranked by a model fitted (penalty chosen inside) on the others. */
export function leaveOneDatasetOut(cases: readonly CaseMatrix[]): { folds: FoldResult[]; outOfFold: OutOfFold[] } {
  const datasets = [...new Set(cases.map((c) => c.dataset))].sort();
  const folds: FoldResult[] = [];
  const outOfFold: OutOfFold[] = [];
  for (const d of datasets) {
    const train = cases.filter((c) => c.dataset !== d);
    const test = cases.filter((c) => c.dataset === d);
    const lambda = chooseLambda(train);
    const w = fitWeights(train, lambda);
    const inSampleW = fitWeights(cases, lambda);
    folds.push({
      heldOut: d,
      lambda,
      weights: Object.fromEntries(FEATURES.map((f, j) => [f, Number(w[j]!.toFixed(4))])) as Record<FeatureName, number>,
      summary: summariseRanks(test.map((c) => rankUnder(w, c))),
      inSample: summariseRanks(test.map((c) => rankUnder(inSampleW, c))),
    });
    for (const c of test) {
      const t = topProbability(w, c);
      outOfFold.push({ dataset: d, id: c.id, kind: c.kind, rank: rankUnder(w, c), p: t.p, correct: t.correct });
    }
  }
  return { folds, outOfFold };
}

/**
 * Tier thresholds from out-of-fold answers: LIKELY from the lowest top-probability at which the answers at or
 * above it are right at least `likelyTarget` of the time (and at least `minAnswers` of them), CONFIRMED likewise
 * for `confirmedTarget`. No threshold meets a target: it is set above every answer (that tier stays empty).
 */
export function tierThresholds(
  oof: readonly OutOfFold[],
  likelyTarget = 0.8,
  confirmedTarget = 0.95,
  minAnswers = 5
): { likely: number; confirmed: number } {
  const sorted = [...oof].sort((a, b) => b.p - a.p);
  const lowest = (target: number): number => {
    let best = 1.01;
    let correct = 0;
    sorted.forEach((o, i) => {
      correct += o.correct ? 1 : 0;
      const next = sorted[i + 1];
      // Only cut between distinct probabilities.
      if ((!next || next.p < o.p) && i + 1 >= minAnswers && correct / (i + 1) >= target) {
        best = o.p;
      }
    });
    return Number(best.toFixed(4));
  };
  const likely = lowest(likelyTarget);
  return { likely, confirmed: Math.max(likely, lowest(confirmedTarget)) };
}
