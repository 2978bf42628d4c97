/**
 * Root-cause ranking, first version: from the symptom service walk the call graph downstream, keep the
 * services whose own metrics are anomalous, and rank them by evidence that the trouble starts in them rather
 * than in what they call: their own anomaly score, the change of their *self* time (traces: time not spent
 * waiting on callees) and of errors they originate (an error span none of whose children failed), against
 * a baseline window before the incident. A service whose anomalous callee explains it is pushed down, and
 * the answer says so. Pure: evidence in, ranking out.
 *
 * Propagation (MonitorRank / MicroRCA style): a personalised PageRank on the subgraph reachable from the
 * symptom along calls — a random walk that restarts at the symptom and, from each service, steps to a callee in
 * proportion to the callee's own anomaly, stays (self-loop) in proportion to how much more anomalous the
 * service is than its most anomalous callee (plus its own-time/own-error evidence), and steps back to a caller
 * with a small weight so a quiet dead end does not trap the walk. Its stationary share multiplies the evidence
 * score: final = evidence × (1 + PROPAGATION_WEIGHT × share / max share). The evidence score still decides when it
 * is clear; the walk reorders close calls toward where the anomaly flows to. The confidence tier is taken from the
 * evidence margin alone (the walk is inference, not evidence). Power iteration with a fixed
 * iteration cap: cycles in the call graph are just more edges (no recursion, no blow-up).
 */
import type { ServiceGraph } from './serviceGraph.ts';
import {
  anomalyOf,
  caseScale,
  candidateProbabilities,
  featureVector,
  type EvidenceModel,
  type FeatureName,
  type SignalKind,
} from './evidenceModel.ts';
import { SHIPPED_EVIDENCE_MODEL } from './shippedModel.ts';

/** Typed evidence that the trouble starts in a service, for the learned scorer (see `evidenceModel.ts`). */
export interface EvidenceSignal {
  kind: SignalKind;
  /** ≥ 0, about "doublings" of the signal (log2 of a ratio, or a share scaled alike); 0 = nothing. */
  strength: number;
  line: string;
  /** The query that shows it (for Explore links), when the source has one. */
  query?: { language: 'promql' | 'logql' | 'traceql'; query: string };
}

export interface ServiceEvidence {
  service: string;
  /** Peak anomaly score (0..1) of its latency and error series in the incident window, and the onset (unix ms). */
  latencyScore: number;
  latencyOnsetMs: number | undefined;
  errorScore: number;
  errorOnsetMs: number | undefined;
  /** Peak anomaly score of its resource saturation (memory) and the onset: always the service's own. */
  resourceScore?: number;
  resourceOnsetMs?: number | undefined;
  /** Mean self time per request (ms) in the baseline and incident windows (from traces). */
  selfMsBaseline: number | undefined;
  selfMsIncident: number | undefined;
  /** Share of its requests with an error it originated (no failing child), baseline and incident. */
  ownErrorRateBaseline: number | undefined;
  ownErrorRateIncident: number | undefined;
  /**
   * Further evidence that the trouble starts in this service (optional; sources without it rank as before):
   * e.g. time on the wire of calls into it, CPU saturation, new error log templates. Each has a strength
   * on the own-evidence scale (like self time's log2 ratio; summed, capped at 6) and a line for the answer; a service with
   * one at 0.5 or more is a candidate even when its latency/error series are quiet.
   */
  ownSignals?: Array<{ strength: number; line: string }>;
  /**
   * Log anomaly of the service's logs in the incident window against the baseline window (0..1; new and
   * deviating templates, combined with the log sequence model's misses when it is loaded), when logs were
   * collected. Evidence for the answer; a strong one also comes as a small own signal.
   */
  logAnomaly?: { score: number; frequencyScore?: number; sequenceScore?: number; summary: string };
  /** Typed evidence (wire time, CPU, per-operation latency and span structure, log templates), for the learned scorer. */
  signals?: EvidenceSignal[];
  /** Which of its series moved and how (for the answer), when the source says. */
  metricLines?: string[];
  /** How closely its series follow the symptom's around the incident (Pearson, 0..1), when the source has both. */
  symptomCorrelation?: number;
  /** The robust z behind latencyScore / errorScore when the source has it (the scores saturate near z 12). */
  latencyZ?: number;
  errorZ?: number;
}

export type ConfidenceTier = 'CONFIRMED' | 'LIKELY' | 'INCONCLUSIVE';

export interface RankedCandidate {
  service: string;
  score: number;
  /** Symptom → … → candidate, along calls. */
  path: string[];
  evidence: string[];
  /** For every candidate below the first: why it ranks lower than the one above it. */
  whyLower?: string;
  /** The score before propagation, and the candidate's stationary share of the symptom-personalised walk (0..1). */
  evidenceScore?: number;
  pagerank?: number;
  /** With the learned scorer: the probability that it is the root cause, and its evidence features. */
  probability?: number;
  features?: Partial<Record<FeatureName, number>>;
  /** The queries behind its typed evidence (for Explore links). */
  signalQueries?: Array<{ kind: SignalKind; language: 'promql' | 'logql' | 'traceql'; query: string }>;
}

export interface RcaRanking {
  symptom: string;
  tier: ConfidenceTier;
  candidates: RankedCandidate[];
  explanation: string;
  /** Data-quality and graph-shape notes the answer must carry: missing parents, clock skew, cycles, empty window. */
  notes?: string[];
}

export interface RankOptions {
  /** How much the propagation share can lift a candidate (0 = evidence only; the ablation). Default PROPAGATION_WEIGHT. */
  propagationWeight?: number;
  /**
   * How evidence is combined: a fitted evidence model (default: the shipped one), or `handset`, the earlier
   * hand-set rule (anomaly × (1 + own evidence) × callee penalty × walk lift), kept for comparison.
   */
  scorer?: EvidenceModel | 'handset';
}

const ANOMALOUS = 0.9;
/** Default lift from the walk's share: at most ×(1 + this) for the service the walk settles on most. */
export const PROPAGATION_WEIGHT = 0.5;
/** Walk parameters: follow an edge with probability DAMPING (else restart at the symptom); back-edges weigh BACK_EDGE of the caller's anomaly. */
const DAMPING = 0.85;
const BACK_EDGE = 0.1;
/** Quiet services still conduct a little, so a path through a quiet hop is not cut. */
const QUIET_FLOOR = 0.01;
const MAX_ITERATIONS = 200;
/** Own signals add up (several kinds of evidence for one service), to at most this. */
const OWN_SIGNALS_CAP = 6;

function downstreamPaths(graph: ServiceGraph, from: string): Map<string, string[]> {
  const callees = new Map<string, string[]>();
  for (const e of graph.edges) {
    callees.set(e.source, [...(callees.get(e.source) ?? []), e.target]);
  }
  const paths = new Map<string, string[]>([[from, [from]]]);
  const queue = [from];
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const t of callees.get(s) ?? []) {
      if (paths.has(t)) {
        continue;
      } // shortest path first; also stops cycles
      paths.set(t, [...paths.get(s)!, t]);
      queue.push(t);
    }
  }
  return paths;
}

/**
 * Personalised PageRank over `nodes` (restart at `restart`), transition weights as the module comment says.
 * Deterministic: nodes in sorted order, fixed tolerance and iteration cap.
 */
export function personalisedPageRank(
  nodes: readonly string[],
  edges: ReadonlyArray<{ source: string; target: string }>,
  anomaly: (service: string) => number,
  ownStrength: (service: string) => number,
  restart: string
): { rank: Map<string, number>; iterations: number } {
  const ids = [...new Set(nodes)].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const r = index.get(restart);
  if (r === undefined || ids.length === 0) {
    return { rank: new Map(), iterations: 0 };
  }
  const callees = ids.map(() => new Set<number>());
  const callers = ids.map(() => new Set<number>());
  for (const e of edges) {
    const [s, t] = [index.get(e.source), index.get(e.target)];
    if (s === undefined || t === undefined || s === t) {
      continue;
    }
    callees[s]!.add(t);
    callers[t]!.add(s);
  }
  const a = ids.map((id) => Math.max(QUIET_FLOOR, Math.min(1, anomaly(id))));
  // Row-normalised out-weights: [target, probability][] per node (a dangling node restarts).
  const out = ids.map((_, u) => {
    const row: Array<[number, number]> = [];
    let worstCallee = 0;
    for (const v of callees[u]!) {
      row.push([v, a[v]!]);
      worstCallee = Math.max(worstCallee, a[v]!);
    }
    for (const w of callers[u]!) {
      if (!callees[u]!.has(w)) {
        row.push([w, BACK_EDGE * a[w]!]);
      }
    }
    const own = Math.min(1, Math.max(0, ownStrength(ids[u]!)) / 3);
    const self = Math.max(0, a[u]! - worstCallee) + own * a[u]!;
    if (self > 0) {
      row.push([u, self]);
    }
    const total = row.reduce((sum, [, w]) => sum + w, 0);
    return total > 0 ? row.map(([v, w]): [number, number] => [v, w / total]) : [];
  });
  let x: number[] = ids.map((_, i) => (i === r ? 1 : 0));
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const next = ids.map(() => 0);
    let dangling = 0;
    x.forEach((mass, u) => {
      if (out[u]!.length === 0) {
        dangling += mass;
      }
      for (const [v, p] of out[u]!) {
        next[v]! += DAMPING * mass * p;
      }
    });
    next[r]! += 1 - DAMPING + DAMPING * dangling;
    const delta = next.reduce((sum, v, i) => sum + Math.abs(v - x[i]!), 0);
    x = next;
    if (delta < 1e-12) {
      break;
    }
  }
  return { rank: new Map(ids.map((id, i) => [id, x[i]!])), iterations };
}

/** The first cycle among the services reachable from `from` (iterative DFS), or undefined. */
function findCycle(graph: ServiceGraph, from: string): string[] | undefined {
  const callees = new Map<string, string[]>();
  for (const e of [...graph.edges].sort((x, y) => x.id.localeCompare(y.id))) {
    if (e.source !== e.target) {
      callees.set(e.source, [...(callees.get(e.source) ?? []), e.target]);
    }
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: Array<{ node: string; next: number }> = [{ node: from, next: 0 }];
  state.set(from, 'open');
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const children = callees.get(top.node) ?? [];
    if (top.next >= children.length) {
      state.set(top.node, 'done');
      stack.pop();
      continue;
    }
    const child = children[top.next++]!;
    if (state.get(child) === 'open') {
      const onStack = stack.map((f) => f.node);
      return [...onStack.slice(onStack.indexOf(child)), child];
    }
    if (!state.has(child)) {
      state.set(child, 'open');
      stack.push({ node: child, next: 0 });
    }
  }
  return undefined;
}

/** What the answer must say about the graph it was built on. */
function graphNotes(graph: ServiceGraph, symptom: string): string[] {
  const notes = [...(graph.notes ?? [])];
  const q = graph.quality;
  if (q?.orphanSpans) {
    notes.push(
      `${q.orphanSpans} span(s) name a parent that is not in the window (missing parents: partial traces or dropped spans); they count for their own service but add no call edge`
    );
  }
  if (q?.skewedSpans) {
    notes.push(
      `${q.skewedSpans} span(s) start before or end after their parent (clock skew between hosts); durations are used as reported`
    );
  }
  if (q?.clampedSelfTimeSpans) {
    notes.push(
      `${q.clampedSelfTimeSpans} span(s) had children longer than themselves (clock skew or parallel calls); their self time was clamped to 0 instead of going negative`
    );
  }
  const cycle = findCycle(graph, symptom);
  if (cycle) {
    notes.push(
      `the call graph has a cycle (${cycle.join(' → ')}): paths are shortest-first and the walk converges on it, so it is ranked, not looped`
    );
  }
  return notes;
}

const pct = (p: number): string => `${(100 * p).toFixed(0)}%`;

/** The features that put `lower` below `above` most (weight × difference), for the answer. */
function featureGap(model: EvidenceModel, above: RankedCandidate, lower: RankedCandidate): string {
  const gaps = model.features
    .map((name, i) => ({
      name,
      gap: (model.weights[i] ?? 0) * ((above.features?.[name] ?? 0) - (lower.features?.[name] ?? 0)),
    }))
    .filter((g) => g.gap > 0.05)
    .sort((a, b) => b.gap - a.gap)
    .slice(0, 3);
  return gaps.length > 0
    ? `it has less ${gaps.map((g) => FEATURE_WORDS[g.name]).join(', ')}`
    : 'the evidence is nearly equal; the order is a close call';
}

const FEATURE_WORDS: Record<FeatureName, string> = {
  anomaly: 'anomaly of its own series',
  magnitude: 'size of its latency or error change',
  beyondCallees: 'anomaly beyond what its callees explain',
  deepestAnomalous: 'standing as the deepest anomalous service',
  anomalousLeaf: 'standing as an anomalous service that calls nothing observed',
  ownTime: 'time it adds itself (self time, wire time into it)',
  ownErrors: 'errors it originates',
  blamed: 'blame in other services’ error logs',
  resource: 'CPU or memory saturation',
  codeChange: 'code-level change (call signatures, log paths, vanished templates)',
  codeBeyondCallees: 'code-level change beyond its callees’ own evidence',
  ownBeyondCallees: 'own evidence beyond its callees’',
  opLatency: 'change of its operations’ own time',
  otherOwn: 'other own evidence',
  walk: 'share of the random walk from the symptom',
  correlation: 'correlation with the symptom',
};

/** For an INCONCLUSIVE answer: the close call, and the evidence that was absent and would separate it. */
function whatWouldDecide(scored: readonly RankedCandidate[], evidence: readonly ServiceEvidence[]): string {
  const [a, b] = scored;
  const absent: string[] = [];
  const has = (pred: (e: ServiceEvidence) => boolean) => evidence.some(pred);
  if (
    !has(
      (e) => e.selfMsIncident !== undefined || (e.signals ?? []).some((s) => /wire|span|op-latency|self/.test(s.kind))
    )
  ) {
    absent.push('traces (self time, time on the wire, span structure)');
  }
  if (!has((e) => e.logAnomaly !== undefined || (e.signals ?? []).some((s) => s.kind.startsWith('log-')))) {
    absent.push('logs (error and vanished templates per service)');
  }
  if (
    !has((e) => (e.resourceScore ?? 0) > 0 || (e.signals ?? []).some((s) => s.kind === 'cpu' || s.kind === 'memory'))
  ) {
    absent.push('resource metrics (CPU, memory)');
  }
  const close = b
    ? `${a!.service} and ${b.service} are close (${pct(a!.probability ?? 0)} vs ${pct(b.probability ?? 0)})`
    : `only ${a!.service} is implicated, weakly`;
  return `Not decided: ${close}; ${absent.length > 0 ? `absent here and would help: ${absent.join('; ')}` : `what would decide it: a longer incident window or a second symptom (another SLI) to separate them`}`;
}

/** An answer compares at least this many services (when the graph has them). */
const MIN_CANDIDATES = 3;

export function rankRootCauses(
  symptom: string,
  graph: ServiceGraph,
  evidence: ServiceEvidence[],
  options: RankOptions = {}
): RcaRanking {
  const propagationWeight = options.propagationWeight ?? PROPAGATION_WEIGHT;
  const model = options.scorer === 'handset' ? undefined : (options.scorer ?? SHIPPED_EVIDENCE_MODEL);
  const byService = new Map(evidence.map((e) => [e.service, e]));
  const paths = downstreamPaths(graph, symptom);
  const callees = new Map<string, string[]>();
  for (const e of graph.edges) {
    callees.set(e.source, [...(callees.get(e.source) ?? []), e.target]);
  }
  const anomaly = (s: string): number =>
    Math.max(
      byService.get(s)?.latencyScore ?? 0,
      byService.get(s)?.errorScore ?? 0,
      byService.get(s)?.resourceScore ?? 0
    );
  const onset = (s: string): number =>
    Math.min(byService.get(s)?.latencyOnsetMs ?? Infinity, byService.get(s)?.errorOnsetMs ?? Infinity);
  const notes = graphNotes(graph, symptom);

  const scored: RankedCandidate[] = [];
  /** Per service: anomaly as the ranking sees it and own evidence strength (the walk's inputs). */
  const walkAnomaly = new Map<string, number>();
  const walkOwn = new Map<string, number>();
  for (const [service, path] of paths) {
    const ev = byService.get(service);
    if (!ev) {
      continue;
    }
    const signalStrength = Math.min(
      OWN_SIGNALS_CAP,
      [...(ev.ownSignals ?? []), ...(ev.signals ?? [])].reduce((sum, x) => sum + Math.max(0, x.strength), 0)
    );
    // Strong own evidence is itself an anomaly (a delay on the wire into a service leaves its own series quiet).
    const a =
      signalStrength >= 0.5 ? Math.max(anomaly(service), 0.5, Math.min(1, signalStrength / 2)) : anomaly(service);
    walkAnomaly.set(service, a);
    // The learned scorer also weighs weaker typed evidence (a code-level fault may move no series at all).
    const weakTyped = model !== undefined && (signalStrength >= 0.25 || (ev.logAnomaly?.score ?? 0) >= 0.5);
    if (a < 0.5 && !weakTyped) {
      continue;
    }
    const lines: string[] = [];
    if (ev.latencyScore >= 0.5) {
      lines.push(
        `latency anomaly score ${ev.latencyScore.toFixed(3)}${ev.latencyOnsetMs !== undefined ? ` from ${new Date(ev.latencyOnsetMs).toISOString()}` : ''}`
      );
    }
    if (ev.errorScore >= 0.5) {
      lines.push(
        `error-ratio anomaly score ${ev.errorScore.toFixed(3)}${ev.errorOnsetMs !== undefined ? ` from ${new Date(ev.errorOnsetMs).toISOString()}` : ''}`
      );
    }
    lines.push(...(ev.metricLines ?? []).slice(0, 3));
    // Own time and own errors: what a callee cannot explain.
    let own = 0;
    if (ev.selfMsBaseline !== undefined && ev.selfMsIncident !== undefined && ev.selfMsBaseline > 0) {
      const ratio = ev.selfMsIncident / ev.selfMsBaseline;
      if (ratio > 1.2) {
        lines.push(
          `self time ${ev.selfMsBaseline.toFixed(1)} → ${ev.selfMsIncident.toFixed(1)} ms per request (×${ratio.toFixed(1)})`
        );
      }
      own = Math.max(own, Math.min(3, Math.log2(Math.max(1, ratio))));
    }
    if (ev.ownErrorRateIncident !== undefined) {
      const base = ev.ownErrorRateBaseline ?? 0;
      const rise = ev.ownErrorRateIncident - base;
      if (rise > 0.01) {
        lines.push(
          `errors it originates ${(100 * base).toFixed(1)}% → ${(100 * ev.ownErrorRateIncident).toFixed(1)}% of requests`
        );
      }
      own = Math.max(own, Math.min(3, rise * 20));
    }
    if ((ev.resourceScore ?? 0) >= 0.5) {
      lines.push(
        `memory anomaly score ${ev.resourceScore!.toFixed(3)}${ev.resourceOnsetMs !== undefined ? ` from ${new Date(ev.resourceOnsetMs).toISOString()}` : ''}`
      );
      // Memory is the service's own: no callee explains it.
      if (ev.resourceScore! >= ANOMALOUS) {
        own = Math.max(own, 1);
      }
    }
    for (const x of [...(ev.ownSignals ?? []), ...(ev.signals ?? [])]) {
      if (x.strength >= 0.25) {
        lines.push(x.line);
      }
    }
    if (model && (ev.logAnomaly?.score ?? 0) >= 0.5) {
      lines.push(`log anomaly ${ev.logAnomaly!.score.toFixed(2)}: ${ev.logAnomaly!.summary}`);
    }
    own = Math.max(own, signalStrength);
    walkOwn.set(service, own);
    const explainedBy = (callees.get(service) ?? []).filter(
      (c) => anomaly(c) >= ANOMALOUS && onset(c) <= onset(service) + 60_000
    );
    const penalty = explainedBy.length > 0 && own < 0.5 ? 0.25 : 1;
    const score = a * (1 + own) * penalty;
    scored.push({
      service,
      score,
      evidenceScore: score,
      path,
      evidence: lines,
      ...(explainedBy.length > 0
        ? {
            whyLower: `its callee${explainedBy.length > 1 ? 's' : ''} ${explainedBy.join(', ')} ${explainedBy.length > 1 ? 'are' : 'is'} anomalous from the same time or earlier${own < 0.5 ? ', and its own time and errors did not rise' : ''}`,
          }
        : {}),
    });
  }
  // Propagation: the walk's share, the restart's own mass taken off the symptom (it is where every walk starts).
  const walk = personalisedPageRank(
    [...paths.keys()],
    graph.edges.filter((e) => paths.has(e.source) && paths.has(e.target)),
    (s) => walkAnomaly.get(s) ?? anomaly(s),
    (s) => walkOwn.get(s) ?? 0,
    symptom
  );
  const visits = (s: string): number => Math.max(0, (walk.rank.get(s) ?? 0) - (s === symptom ? 1 - DAMPING : 0));
  const maxVisits = Math.max(0, ...scored.map((c) => visits(c.service)));
  for (const c of scored) {
    c.pagerank = maxVisits > 0 ? visits(c.service) / maxVisits : 0;
    c.score = c.evidenceScore! * (1 + propagationWeight * c.pagerank);
  }
  if (model && scored.length > 0) {
    const ctx = {
      callees,
      walkShare: (s: string) => (propagationWeight > 0 ? visits(s) / (maxVisits || 1) : 0),
      ...caseScale(scored.map((c) => byService.get(c.service)!)),
    };
    const vectors = scored.map((c) => featureVector(byService.get(c.service)!, byService, ctx));
    const { scores, probabilities } = candidateProbabilities(model, vectors);
    scored.forEach((c, i) => {
      c.score = scores[i]!;
      c.evidenceScore = scores[i]!;
      c.probability = probabilities[i]!;
      c.features = Object.fromEntries(Object.entries(vectors[i]!).filter(([, v]) => v > 0));
      const queries = (byService.get(c.service)!.signals ?? []).flatMap((x) =>
        x.query && x.strength >= 0.25 ? [{ kind: x.kind, ...x.query }] : []
      );
      if (queries.length > 0) {
        c.signalQueries = queries;
      }
    });
  }
  // Ties go to the deeper service: trouble flows up the call graph, not down.
  scored.sort((x, y) => y.score - x.score || y.path.length - x.path.length || x.service.localeCompare(y.service));
  scored.forEach((c, i) => {
    if (i === 0) {
      delete c.whyLower;
      return;
    }
    const above = scored[i - 1]!;
    if (model) {
      c.whyLower = `lower probability than ${above.service} (${pct(c.probability!)} vs ${pct(above.probability!)}): ${featureGap(model, above, c)}${c.whyLower ? `; also ${c.whyLower}` : ''}`;
      return;
    }
    // The walk is the reason when the evidence alone would not have put it below.
    if (propagationWeight > 0 && c.evidenceScore! >= above.evidenceScore! && c.pagerank! < above.pagerank!) {
      c.whyLower = `the random walk from ${symptom} (personalised PageRank along calls, weighted by each callee's anomaly) settles less on it than on ${above.service} (share ${c.pagerank!.toFixed(2)} vs ${above.pagerank!.toFixed(2)}), so the anomaly flows past it${c.whyLower ? `; also ${c.whyLower}` : ''}`;
      return;
    }
    c.whyLower ??= `lower evidence than ${above.service} (score ${c.score.toFixed(2)} vs ${above.score.toFixed(2)}${propagationWeight > 0 ? `; propagation share ${c.pagerank!.toFixed(2)} vs ${above.pagerank!.toFixed(2)}` : ''})`;
  });
  const top = scored[0];
  // Confidence comes from the evidence margin, not the walk: propagation may order close calls, but it is
  // inferred from co-anomaly along calls and must not make an answer look more (or less) certain than its evidence.
  const runnerUp = Math.max(0, ...scored.slice(1).map((c) => c.evidenceScore!));
  const hasRunnerUp = scored.length > 1;
  let tier: ConfidenceTier = 'INCONCLUSIVE';
  const ownEvidence = (c: RankedCandidate) =>
    c.evidence.some(
      (l) => l.startsWith('self time') || l.startsWith('errors it originates') || l.startsWith('memory')
    ) || Math.max(0, ...(byService.get(c.service)?.ownSignals ?? []).map((x) => x.strength)) >= 1;
  if (model) {
    // The fitted thresholds: the out-of-fold share correct at or above them meets the tier's target.
    const p = top?.probability ?? 0;
    tier = p >= model.tiers.confirmed ? 'CONFIRMED' : p >= model.tiers.likely ? 'LIKELY' : 'INCONCLUSIVE';
  } else if (top && ownEvidence(top)) {
    tier = !hasRunnerUp || top.evidenceScore! >= 2 * runnerUp ? 'CONFIRMED' : 'LIKELY';
  } else if (top && (!hasRunnerUp || top.evidenceScore! > 1.2 * runnerUp)) {
    tier = 'LIKELY';
  }
  const emptyWindow = graph.nodes.length === 0;
  if (emptyWindow) {
    notes.push(
      `the window has no call graph (${graph.spans} spans, ${graph.traces} traces): nothing to walk from ${symptom}${top ? '; only its own series could be ranked' : ''}`
    );
  }
  let explanation: string;
  if (top) {
    explanation = `${tier}: ${top.service} (${top.path.join(' → ')})${top.probability !== undefined ? ` with probability ${pct(top.probability)}` : ''}: ${top.evidence.join('; ') || 'anomalous'}`;
    if (model && tier === 'INCONCLUSIVE') {
      explanation += `. ${whatWouldDecide(scored, evidence)}`;
    }
  } else if (emptyWindow && evidence.length === 0) {
    explanation = `INCONCLUSIVE: the window is empty — no traces and no metric evidence, so there is no call graph to walk from ${symptom} and nothing to rank`;
  } else if (emptyWindow) {
    explanation = `INCONCLUSIVE: the window has no traces, so there is no call graph to walk from ${symptom}, and ${symptom} itself shows no anomaly`;
  } else {
    explanation = `INCONCLUSIVE: no service downstream of ${symptom} shows an anomaly in the window`;
  }
  if (top && top.path.length > 1 && !ownEvidence(top)) {
    explanation += ` (no own-time or own-error evidence: the chain ${top.path.join(' → ')} is inferred from co-anomaly along calls, not shown)`;
  }
  // At least three candidates when there is an answer: the next most anomalous services downstream, each
  // saying why it is not a cause, so an operator sees what was compared (the tier above ignores them).
  if (top && scored.length < MIN_CANDIDATES) {
    const listed = new Set(scored.map((c) => c.service));
    const rest = [...paths.entries()]
      .filter(([s]) => !listed.has(s) && s !== symptom)
      .sort(([x, px], [y, py]) => anomaly(y) - anomaly(x) || py.length - px.length || x.localeCompare(y))
      .slice(0, MIN_CANDIDATES - scored.length);
    for (const [service, path] of rest) {
      const a = anomaly(service);
      const score = Math.min(a, 0.49) * 0.1;
      scored.push({
        service,
        score,
        evidenceScore: score,
        pagerank: 0,
        path,
        evidence: [],
        whyLower: byService.has(service)
          ? `shows no anomaly of its own in the window (anomaly score ${a.toFixed(2)} < 0.5): compared, not a cause`
          : 'no metrics for it in the window: it could not be scored',
      });
    }
  }
  return { symptom, tier, candidates: scored, explanation, ...(notes.length > 0 ? { notes } : {}) };
}
