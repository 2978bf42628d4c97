/**
 * BARO (Pham, Ha, Zhang, "BARO: Robust Root Cause Analysis for Microservices via Multivariate Bayesian Online
 * Change Point Detection", FSE 2024), reimplemented from the paper:
 * 1. Multivariate Bayesian online change-point detection (Adams & MacKay 2007) over all metric series finds when
 *    the system changed: run-length recursion with a constant hazard, each series modelled as Gaussian with unknown
 *    mean and variance (Normal-Gamma prior, Student-t predictive), the series independent given the run (a
 *    diagonal model: the paper's full-covariance model needs more samples than a five-minute export has). The
 *    change point is the start of the most probable run at the end of the data.
 * 2. RobustScorer: each series is scored by how far its samples after the change point lie from the median of
 *    those before, in units of their inter-quartile range: max |x − median| / IQR. A service scores its best series.
 * Series are standardised by their pre-incident median and IQR before step 1 so no unit dominates.
 */
import type { MetricSeries } from '../metricChange.ts';
import { median, quantile } from '../metricChange.ts';
import { alignedMatrix, imputeMean, maxPerService, type BaselineInput, type ScoredService } from './types.ts';

/** Expected time between change points: hazard = step / this (a setting in time, not in points). */
export const BARO_EXPECTED_RUN_MS = 6 * 3_600_000;

/** Normal-Gamma prior per series (on standardised data): mean 0, one pseudo-observation, unit scale. */
const PRIOR = { mu: 0, kappa: 1, alpha: 1, beta: 1 };

/** One run: the same κ and α for every series (they grow with the run), μ and β per series. */
interface Run {
  logP: number;
  kappa: number;
  alpha: number;
  mu: Float64Array;
  beta: Float64Array;
  start: number;
}

/** Σ_j log Student-t(x_j | run), the posterior predictive of the Normal-Gamma model. */
function logPredictive(r: Run, x: readonly number[]): number {
  const nu = 2 * r.alpha;
  const c = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI);
  const k = (r.kappa + 1) / (r.alpha * r.kappa);
  let sum = 0;
  for (let j = 0; j < x.length; j++) {
    const scale2 = r.beta[j]! * k;
    const z = (x[j]! - r.mu[j]!) ** 2 / (nu * scale2);
    sum += c - 0.5 * Math.log(scale2) - ((nu + 1) / 2) * Math.log1p(z);
  }
  return sum;
}

function grow(r: Run, x: readonly number[], logP: number, start: number): Run {
  const mu = new Float64Array(x.length);
  const beta = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    mu[j] = (r.kappa * r.mu[j]! + x[j]!) / (r.kappa + 1);
    beta[j] = r.beta[j]! + (r.kappa * (x[j]! - r.mu[j]!) ** 2) / (2 * (r.kappa + 1));
  }
  return { logP, kappa: r.kappa + 1, alpha: r.alpha + 0.5, mu, beta, start };
}

function priorRun(d: number, start: number): Run {
  return {
    logP: 0,
    kappa: PRIOR.kappa,
    alpha: PRIOR.alpha,
    mu: new Float64Array(d).fill(PRIOR.mu),
    beta: new Float64Array(d).fill(PRIOR.beta),
    start,
  };
}

/** Lanczos log-gamma (g = 7), accurate to ~1e-13 for positive arguments. */
function lgamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) {
    a += c[i]! / (y + i);
  }
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Index of the first sample of the most probable current run (the last change point) of a T×D matrix (rows are
 * times). Run lengths are pruned below 1e-8 of the total mass, so this is linear in practice.
 */
export function bocpdChangePoint(rows: readonly number[][], hazard: number): number {
  if (rows.length === 0) {
    return 0;
  }
  const d = rows[0]!.length;
  let runs: Run[] = [priorRun(d, 0)];
  const logH = Math.log(hazard);
  const log1mH = Math.log1p(-hazard);
  for (let t = 0; t < rows.length; t++) {
    const x = rows[t]!;
    const pred = runs.map((r) => logPredictive(r, x));
    const grown = runs.map((r, k) => grow(r, x, r.logP + pred[k]! + log1mH, r.start));
    // A change at t: x_t is the new run's first sample, predicted by the prior (the runs' mass sums to 1).
    const prior = priorRun(d, t);
    const fresh = grow(prior, x, logH + logPredictive(prior, x), t);
    const all = [fresh, ...grown];
    const norm = logSumExp(all.map((r) => r.logP));
    const floor = Math.log(1e-8);
    runs = all.filter((r) => r.logP - norm > floor).map((r) => ({ ...r, logP: r.logP - norm }));
  }
  return runs.reduce((best, r) => (r.logP > best.logP ? r : best)).start;
}

function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  return m === -Infinity ? -Infinity : m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

const iqrOf = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return quantile(s, 0.75) - quantile(s, 0.25);
};

export interface BaroResult {
  ranking: ScoredService[];
  /** The detected change point (unix ms) and whether it was used (else the incident start was). */
  changePointMs: number;
}

export function baroRanking(input: BaselineInput): BaroResult {
  const { window } = input;
  const series: MetricSeries[] = input.metrics.filter((s) => s.times.length > 0);
  const { times, columns } = alignedMatrix(series, window.baselineStartMs, window.incidentEndMs);
  if (times.length < 3) {
    return { ranking: [], changePointMs: window.incidentStartMs };
  }
  const baseIdx = times.filter((t) => t < window.incidentStartMs).length;
  // Standardise by the pre-incident median and IQR (robust, as the scorer), then impute.
  const standardised: number[][] = [];
  const kept: number[] = [];
  columns.forEach((col, j) => {
    const base = col.slice(0, baseIdx).filter(Number.isFinite);
    if (base.length < 2 && col.filter(Number.isFinite).length < 2) {
      return;
    }
    const ref = base.length >= 2 ? base : col.filter(Number.isFinite);
    const m = median(ref);
    const scale = iqrOf(ref) || Math.abs(m) * 0.05 || 1;
    standardised.push(imputeMean(col.map((v) => (Number.isFinite(v) ? (v - m) / scale : Number.NaN))));
    kept.push(j);
  });
  if (standardised.length === 0) {
    return { ranking: [], changePointMs: window.incidentStartMs };
  }
  const rows = times.map((_, t) => standardised.map((col) => col[t]!));
  const stepMs = median(times.slice(1).map((t, i) => t - times[i]!)) || 60_000;
  const hazard = Math.min(0.5, stepMs / BARO_EXPECTED_RUN_MS);
  let cp = bocpdChangePoint(rows, hazard);
  // A change point in the fault-free part or none at all: fall back to the incident start (the paper's
  // RobustScorer needs data on both sides).
  if (cp <= 1 || cp >= times.length) {
    cp = baseIdx;
  }
  const scores = kept.map((j) => {
    const col = columns[j]!;
    const before = col.slice(0, cp).filter(Number.isFinite);
    const after = col.slice(cp).filter(Number.isFinite);
    if (before.length === 0 || after.length === 0) {
      return { service: series[j]!.service, score: 0 };
    }
    const m = median(before);
    const iqr = iqrOf(before) || Math.abs(m) * 0.05 || 1e-9;
    return { service: series[j]!.service, score: Math.max(...after.map((v) => Math.abs(v - m) / iqr)) };
  });
  return { ranking: maxPerService(scores), changePointMs: times[Math.min(cp, times.length - 1)]! };
}
