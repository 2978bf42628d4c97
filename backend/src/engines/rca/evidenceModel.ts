/**
 * The learned combination of root-cause evidence: every candidate service gets a fixed vector of evidence
 * features (each in [0, 1], 0 when its source was not collected), and a conditional-logit ranking model — one
 * linear score per candidate, a softmax over the candidates of the case — turns them into the probability that
 * each is the root cause. The weights are fitted (cross-validated, leave-one-dataset-out) by `aidpe rca-fit` and
 * ship as a small versioned file; nothing here is hand-set except how raw evidence becomes a bounded feature.
 *
 * A feature that is 0 for every candidate of a case (its source absent: no traces, no logs) cancels out of the
 * softmax, so a metrics-only case is ranked on the metric features alone, with no penalty or guess.
 * Pure: evidence in, features and probabilities out.
 */
import type { ServiceEvidence } from './rank.ts';

/** Kinds of typed evidence a source may attach to a service (see `ServiceEvidence.signals`). */
export const SIGNAL_KINDS = [
  'wire-in',
  'wire-out',
  'self-time',
  'cpu',
  'memory',
  'op-latency',
  'span-structure',
  'log-errors',
  'log-vanished',
  'log-named',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export const FEATURES = [
  /** The service's own series: latency, errors (or availability), resources (0..1 anomaly scores). */
  'latency',
  'errors',
  'resource',
  /** Its latency / error change relative to the case's largest: log(1 + z) / max over the candidates. */
  'latencyRelative',
  'errorsRelative',
  /** How much more anomalous it is than its most anomalous callee (what its callees do not explain). */
  'latencyBeyondCallees',
  'errorsBeyondCallees',
  /** Anomalous while it calls others and none of them is (the traversal principle: its callees exonerate them). */
  'deepestAnomalous',
  /** Anomalous and calls nothing observed (deepest by default: nothing below it was seen). */
  'anomalousLeaf',
  /** Self time (time not waiting on callees) and errors it originates, from traces. */
  'selfTime',
  'ownErrors',
  /** Typed evidence (see SIGNAL_KINDS), strength squashed to 0..1. */
  'wireIn',
  'wireOut',
  'cpu',
  'opLatency',
  'spanStructure',
  'logErrors',
  'logVanished',
  'logNamed',
  /** Log anomaly of its templates against the baseline (frequency / sequence model). */
  'logAnomaly',
  /** Untyped own signals (older sources), summed and squashed. */
  'otherOwn',
  /** Share of the symptom-personalised random walk (normalised to the case's largest). */
  'walk',
] as const;
export type FeatureName = (typeof FEATURES)[number];

const SIGNAL_FEATURE: Record<SignalKind, FeatureName> = {
  'wire-in': 'wireIn',
  'wire-out': 'wireOut',
  'self-time': 'selfTime',
  cpu: 'cpu',
  memory: 'cpu',
  'op-latency': 'opLatency',
  'span-structure': 'spanStructure',
  'log-errors': 'logErrors',
  'log-vanished': 'logVanished',
  'log-named': 'logNamed',
};

/** Strength (≥ 0, about "doublings" of the signal) → 0..1. */
export const squash = (s: number): number => (s > 0 ? 1 - Math.exp(-s) : 0);

export interface EvidenceModel {
  /** `aidpe-rca-evidence-vN`. */
  version: string;
  features: FeatureName[];
  /** One weight per feature (≥ 0: every feature is evidence for, none against). */
  weights: number[];
  /**
   * Tier thresholds on the top candidate's probability, chosen on out-of-fold predictions so that the answers at
   * or above them are right at least as often as the target says (see the file's `tiers.how`).
   */
  tiers: { confirmed: number; likely: number };
}

/** The graph context the features need: callees of each service and the walk's share. */
export interface FeatureContext {
  callees: ReadonlyMap<string, readonly string[]>;
  walkShare: (service: string) => number;
  /** The case's largest log(1 + z) of latency and of errors over the candidates (see caseScale). */
  maxLogLatencyZ: number;
  maxLogErrorZ: number;
}

export function anomalyOf(e: ServiceEvidence | undefined): number {
  return e ? Math.max(e.latencyScore, e.errorScore, e.resourceScore ?? 0) : 0;
}

/** The z behind a 0..1 score when the source gave none (the inverse of 1 − e^(−z/4), capped). */
const zOf = (z: number | undefined, score: number): number =>
  z ?? -4 * Math.log(Math.max(1e-6, 1 - Math.min(score, 1)));

export function caseScale(candidates: readonly ServiceEvidence[]): { maxLogLatencyZ: number; maxLogErrorZ: number } {
  return {
    maxLogLatencyZ: Math.max(0, ...candidates.map((e) => Math.log1p(zOf(e.latencyZ, e.latencyScore)))),
    maxLogErrorZ: Math.max(0, ...candidates.map((e) => Math.log1p(zOf(e.errorZ, e.errorScore)))),
  };
}

/** A service is anomalous for the traversal feature at this score. */
const ANOMALOUS = 0.5;

export function featureVector(
  e: ServiceEvidence,
  byService: ReadonlyMap<string, ServiceEvidence>,
  ctx: FeatureContext
): Record<FeatureName, number> {
  const f = Object.fromEntries(FEATURES.map((n) => [n, 0])) as Record<FeatureName, number>;
  f.latency = e.latencyScore;
  f.errors = e.errorScore;
  f.resource = e.resourceScore ?? 0;
  const callees = (ctx.callees.get(e.service) ?? []).map((c) => byService.get(c)).filter((x) => x !== undefined);
  const maxCallee = (pick: (x: ServiceEvidence) => number) => Math.max(0, ...callees.map(pick));
  f.latencyBeyondCallees = Math.max(0, e.latencyScore - maxCallee((x) => x.latencyScore));
  f.errorsBeyondCallees = Math.max(0, e.errorScore - maxCallee((x) => x.errorScore));
  f.latencyRelative = ctx.maxLogLatencyZ > 0 ? Math.log1p(zOf(e.latencyZ, e.latencyScore)) / ctx.maxLogLatencyZ : 0;
  f.errorsRelative = ctx.maxLogErrorZ > 0 ? Math.log1p(zOf(e.errorZ, e.errorScore)) / ctx.maxLogErrorZ : 0;
  const quietBelow = anomalyOf(e) >= ANOMALOUS && maxCallee(anomalyOf) < ANOMALOUS;
  f.deepestAnomalous = quietBelow && callees.length > 0 ? 1 : 0;
  f.anomalousLeaf = quietBelow && callees.length === 0 ? 1 : 0;
  if (e.selfMsBaseline !== undefined && e.selfMsIncident !== undefined && e.selfMsBaseline > 0) {
    f.selfTime = squash(Math.log2(Math.max(1, e.selfMsIncident / e.selfMsBaseline)));
  }
  if (e.ownErrorRateIncident !== undefined) {
    f.ownErrors = squash(20 * Math.max(0, e.ownErrorRateIncident - (e.ownErrorRateBaseline ?? 0)));
  }
  for (const s of e.signals ?? []) {
    const name = SIGNAL_FEATURE[s.kind];
    f[name] = Math.max(f[name], squash(s.strength));
  }
  f.logAnomaly = e.logAnomaly?.score ?? 0;
  f.otherOwn = squash((e.ownSignals ?? []).reduce((sum, x) => sum + Math.max(0, x.strength), 0));
  f.walk = ctx.walkShare(e.service);
  return f;
}

/** Linear scores and the softmax over the candidates (stable: the largest score is subtracted first). */
export function candidateProbabilities(model: EvidenceModel, vectors: ReadonlyArray<Record<FeatureName, number>>) {
  const scores = vectors.map((v) => model.features.reduce((s, name, i) => s + (model.weights[i] ?? 0) * v[name], 0));
  const top = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - top));
  const total = exp.reduce((a, b) => a + b, 0);
  return { scores, probabilities: exp.map((x) => x / total) };
}
