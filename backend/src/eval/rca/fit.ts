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
  /** Which view of the case (see `evidenceViews`); only full views are scored. */
  view?: 'full' | 'no-logs' | 'metrics-only';
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

/** Signal kinds that come from metrics (they stay in every view). */
const METRIC_SIGNALS = new Set(['cpu', 'memory']);

/**
 * The same case as a source with less would see it: without logs, and with metrics only (no traces, no logs).
 * Fitting on every view teaches the weights of what is left when a source lacks traces or logs — a metrics-only
 * system (PetShop, a cluster without tracing) must not be ranked by weights that only ever saw richer evidence.
 */
export function evidenceViews(c: EvalCase): Array<{ view: 'full' | 'no-logs' | 'metrics-only'; case: EvalCase }> {
  const noLogs = c.evidence.map((e) => {
    const { logAnomaly: _l, ...rest } = e;
    return { ...rest, signals: (e.signals ?? []).filter((s) => !s.kind.startsWith('log-')) };
  });
  const metricsOnly = c.evidence.map((e) => {
    const { logAnomaly: _l, ownSignals: _o, ...rest } = e;
    return {
      ...rest,
      selfMsBaseline: undefined,
      selfMsIncident: undefined,
      ownErrorRateBaseline: undefined,
      ownErrorRateIncident: undefined,
      signals: (e.signals ?? []).filter((s) => METRIC_SIGNALS.has(s.kind)),
    };
  });
  const views: Array<{ view: 'full' | 'no-logs' | 'metrics-only'; case: EvalCase }> = [{ view: 'full', case: c }];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(noLogs, c.evidence)) {
    views.push({ view: 'no-logs', case: { ...c, evidence: noLogs } });
  }
  if (!same(metricsOnly, noLogs) && !same(metricsOnly, c.evidence)) {
    views.push({ view: 'metrics-only', case: { ...c, evidence: metricsOnly } });
  }
  return views;
}

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
  // Every dataset weighs the same; within it, every case (all its views together) weighs the same.
  const perDataset = new Map<string, number>();
  const perCase = new Map<string, number>();
  for (const c of cases) {
    if (c.truth >= 0 && c.x.length >= 2) {
      const key = `${c.dataset}\u0000${c.id}`;
      if (!perCase.has(key)) {
        perDataset.set(c.dataset, (perDataset.get(c.dataset) ?? 0) + 1);
      }
      perCase.set(key, (perCase.get(key) ?? 0) + 1);
    }
  }
  const datasets = perDataset.size || 1;
  let f = 0;
  const g = w.map(() => 0);
  for (const c of cases) {
    if (c.truth < 0 || c.x.length < 2) {
      continue;
    }
    const weight = 1 / (datasets * perDataset.get(c.dataset)! * perCase.get(`${c.dataset}\u0000${c.id}`)!);
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

const isFull = (c: CaseMatrix): boolean => c.view === undefined || c.view === 'full';

/** The penalties tried (the fit picks one by leave-one-dataset-out). */
export const LAMBDAS = [0.003, 0.01, 0.03, 0.1, 0.3];

/**
 * Mean over held-out datasets of the held-out log-likelihood of the truth, for a penalty (a proper score: smoother
 * than AC@1 on a few dozen cases, and it rewards calibrated probabilities, which the tiers rely on).
 */
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
    const held = cases.filter((c) => c.dataset === d && isFull(c));
    total += held.reduce((sum, c) => sum + logLikelihood(w, c), 0) / Math.max(1, held.length);
  }
  return total / datasets.length;
}

/** log p(truth) under w; a truth that is not a candidate counts as the case's uniform guess. */
function logLikelihood(w: readonly number[], c: CaseMatrix): number {
  if (c.x.length === 0) {
    return Math.log(1e-3);
  }
  if (c.truth < 0) {
    return Math.log(1 / (c.x.length + 1));
  }
  return Math.log(Math.max(1e-300, softmax(scores(w, c.x))[c.truth]!));
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
    const test = cases.filter((c) => c.dataset === d && isFull(c));
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
 * Tier thresholds from out-of-fold answers: LIKELY at the lowest top-probability at which the answers at or above
 * it are right at least `likelyTarget` of the time — on every dataset alike (the mean of the datasets' shares
 * correct, so a large easy dataset cannot carry a hard one) and with at least `minAnswers` answers — and CONFIRMED
 * likewise for `confirmedTarget`. No threshold meets a target: it is set above every answer (the tier stays empty).
 */
export function tierThresholds(
  oof: readonly OutOfFold[],
  likelyTarget = 0.8,
  confirmedTarget = 0.95,
  minAnswers = 5
): { likely: number; confirmed: number } {
  const cuts = [...new Set(oof.map((o) => o.p))].sort((a, b) => b - a);
  const meets = (cut: number, target: number): boolean => {
    const above = oof.filter((o) => o.p >= cut);
    if (above.length < minAnswers) {
      return false;
    }
    const datasets = [...new Set(above.map((o) => o.dataset))];
    const share = datasets.reduce((sum, d) => {
      const xs = above.filter((o) => o.dataset === d);
      return sum + xs.filter((o) => o.correct).length / xs.length;
    }, 0);
    return share / datasets.length >= target;
  };
  const lowest = (target: number): number => {
    let best = 1.01;
    for (const cut of cuts) {
      if (meets(cut, target)) {
        best = cut;
      }
    }
    return Number(best.toFixed(4));
  };
  const likely = lowest(likelyTarget);
  return { likely, confirmed: Math.max(likely, lowest(confirmedTarget)) };
}
