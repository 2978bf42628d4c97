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
  'log-path',
  'log-named',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/**
 * Evidence concepts, each fed by whatever a source measures (so a weight learnt on one system transfers to
 * another that measures the same thing differently: time a service adds is wire time in one, self time in the
 * other). All in [0, 1].
 */
export const FEATURES = [
  /** Its own series' anomaly: the largest of its latency, error and resource scores. */
  'anomaly',
  /** Its latency or error change relative to the case's largest, log(1 + z) / max over the candidates. */
  'magnitude',
  /** How much more anomalous it is than its most anomalous callee (what its callees do not explain). */
  'beyondCallees',
  /** Anomalous while it calls others and none of them is (the traversal principle: its callees exonerate them). */
  'deepestAnomalous',
  /** Anomalous and calls nothing observed (deepest by default: nothing below it was seen). */
  'anomalousLeaf',
  /** Time it adds itself: self time rise, its share of the added time on the wire into it or in its processing. */
  'ownTime',
  /** Errors it originates: failing spans with no failing child, error log lines naming no other service. */
  'ownErrors',
  /** Other services' new error lines name it. */
  'blamed',
  /** CPU or memory saturation. */
  'resource',
  /** Code-level change: new call signatures or log paths of its operations, vanished templates, log anomaly. */
  'codeChange',
  /** Its code-level change beyond its callees' own evidence (a callee's fault changes its callers' paths too). */
  'codeBeyondCallees',
  /** Its own evidence (time it adds, errors it originates, code change) beyond its callees'. */
  'ownBeyondCallees',
  /** Shift of its operations' own-time distributions. */
  'opLatency',
  /** Untyped own signals (older sources), summed and squashed. */
  'otherOwn',
  /** Share of the symptom-personalised random walk (normalised to the case's largest). */
  'walk',
  /** How closely its series follow the symptom's around the incident, times its own anomaly. */
  'correlation',
] as const;
export type FeatureName = (typeof FEATURES)[number];

/**
 * Which feature each signal kind feeds. Vanished templates are shown but not weighed: across a service's whole
 * log they move with the request mix (on the Nezha day they fire for healthy services in most windows); the
 * per-operation log path (`log-path`) is the controlled form of the same evidence.
 */
const SIGNAL_FEATURE: Record<SignalKind, FeatureName | undefined> = {
  'wire-in': 'ownTime',
  'wire-out': 'ownTime',
  'self-time': 'ownTime',
  cpu: 'resource',
  memory: 'resource',
  'op-latency': 'opLatency',
  'span-structure': 'codeChange',
  'log-errors': 'ownErrors',
  'log-vanished': undefined,
  'log-path': 'codeChange',
  'log-named': 'blamed',
};

/** A service's own evidence: the strongest of time it adds, errors it originates and code change. */
function ownStrength(e: ServiceEvidence | undefined): number {
  if (!e) {
    return 0;
  }
  let o = codeChange(e);
  if (e.selfMsBaseline !== undefined && e.selfMsIncident !== undefined && e.selfMsBaseline > 0) {
    o = Math.max(o, squash(Math.log2(Math.max(1, e.selfMsIncident / e.selfMsBaseline))));
  }
  if (e.ownErrorRateIncident !== undefined) {
    o = Math.max(o, squash(20 * Math.max(0, e.ownErrorRateIncident - (e.ownErrorRateBaseline ?? 0))));
  }
  for (const s of e.signals ?? []) {
    const name = SIGNAL_FEATURE[s.kind];
    // Not saturation: CPU and memory series move in healthy callees too (on the Nezha day often), and counting
    // them here explained real code faults away (leave-one-dataset-out AC@1 fell on both Nezha and synthetic).
    if (name === 'ownTime' || name === 'ownErrors') {
      o = Math.max(o, squash(s.strength));
    }
  }
  return o;
}

/** Code-level change of a service: its strongest span-structure or log-path signal, or its log anomaly. */
function codeChange(e: ServiceEvidence | undefined): number {
  let c = e?.logAnomaly?.score ?? 0;
  for (const s of e?.signals ?? []) {
    if (SIGNAL_FEATURE[s.kind] === 'codeChange') {
      c = Math.max(c, squash(s.strength));
    }
  }
  return c;
}

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
  f.anomaly = anomalyOf(e);
  f.resource = e.resourceScore ?? 0;
  const callees = (ctx.callees.get(e.service) ?? []).map((c) => byService.get(c)).filter((x) => x !== undefined);
  const maxCallee = (pick: (x: ServiceEvidence) => number) => Math.max(0, ...callees.map(pick));
  f.beyondCallees = Math.max(
    e.latencyScore - maxCallee((x) => x.latencyScore),
    e.errorScore - maxCallee((x) => x.errorScore),
    0
  );
  f.magnitude = Math.max(
    ctx.maxLogLatencyZ > 0 ? Math.log1p(zOf(e.latencyZ, e.latencyScore)) / ctx.maxLogLatencyZ : 0,
    ctx.maxLogErrorZ > 0 ? Math.log1p(zOf(e.errorZ, e.errorScore)) / ctx.maxLogErrorZ : 0
  );
  const quietBelow = anomalyOf(e) >= ANOMALOUS && maxCallee(anomalyOf) < ANOMALOUS;
  f.deepestAnomalous = quietBelow && callees.length > 0 ? 1 : 0;
  f.anomalousLeaf = quietBelow && callees.length === 0 ? 1 : 0;
  if (e.selfMsBaseline !== undefined && e.selfMsIncident !== undefined && e.selfMsBaseline > 0) {
    f.ownTime = squash(Math.log2(Math.max(1, e.selfMsIncident / e.selfMsBaseline)));
  }
  if (e.ownErrorRateIncident !== undefined) {
    f.ownErrors = squash(20 * Math.max(0, e.ownErrorRateIncident - (e.ownErrorRateBaseline ?? 0)));
  }
  for (const s of e.signals ?? []) {
    const name = SIGNAL_FEATURE[s.kind];
    if (name) {
      f[name] = Math.max(f[name], squash(s.strength));
    }
  }
  f.codeChange = codeChange(e);
  const calleesOwn = Math.max(0, ...callees.map(ownStrength));
  f.codeBeyondCallees = Math.max(0, f.codeChange - calleesOwn);
  f.ownBeyondCallees = Math.max(0, ownStrength(e) - calleesOwn);
  f.otherOwn = squash((e.ownSignals ?? []).reduce((sum, x) => sum + Math.max(0, x.strength), 0));
  f.walk = ctx.walkShare(e.service);
  // Co-movement with the symptom means something only for a service that itself changed (a shared load trend
  // makes quiet services correlate too).
  f.correlation = Math.max(0, e.symptomCorrelation ?? 0) * f.anomaly;
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
