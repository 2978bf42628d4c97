/**
 * Root-cause ranking, first version: from the symptom service walk the call graph downstream, keep the
 * services whose own metrics are anomalous, and rank them by evidence that the trouble starts in them rather
 * than in what they call: their own anomaly score, the change of their *self* time (traces: time not spent
 * waiting on callees) and of errors they originate (an error span none of whose children failed), against
 * a baseline window before the incident. A service whose anomalous callee explains it is pushed down, and
 * the answer says so. Pure: evidence in, ranking out.
 */
import type { ServiceGraph } from './serviceGraph.ts';

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
}

export interface RcaRanking {
  symptom: string;
  tier: ConfidenceTier;
  candidates: RankedCandidate[];
  explanation: string;
}

const ANOMALOUS = 0.9;
/** Own signals add up (several kinds of evidence for one service), to at most this. */
const OWN_SIGNALS_CAP = 6;

function downstreamPaths(graph: ServiceGraph, from: string): Map<string, string[]> {
  const callees = new Map<string, string[]>();
  for (const e of graph.edges) callees.set(e.source, [...(callees.get(e.source) ?? []), e.target]);
  const paths = new Map<string, string[]>([[from, [from]]]);
  const queue = [from];
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const t of callees.get(s) ?? []) {
      if (paths.has(t)) continue; // shortest path first; also stops cycles
      paths.set(t, [...paths.get(s)!, t]);
      queue.push(t);
    }
  }
  return paths;
}

export function rankRootCauses(symptom: string, graph: ServiceGraph, evidence: ServiceEvidence[]): RcaRanking {
  const byService = new Map(evidence.map((e) => [e.service, e]));
  const paths = downstreamPaths(graph, symptom);
  const callees = new Map<string, string[]>();
  for (const e of graph.edges) callees.set(e.source, [...(callees.get(e.source) ?? []), e.target]);
  const anomaly = (s: string): number => Math.max(byService.get(s)?.latencyScore ?? 0, byService.get(s)?.errorScore ?? 0, byService.get(s)?.resourceScore ?? 0);
  const onset = (s: string): number => Math.min(byService.get(s)?.latencyOnsetMs ?? Infinity, byService.get(s)?.errorOnsetMs ?? Infinity);

  const scored: RankedCandidate[] = [];
  for (const [service, path] of paths) {
    const ev = byService.get(service);
    if (!ev) continue;
    const signalStrength = Math.min(OWN_SIGNALS_CAP, (ev.ownSignals ?? []).reduce((sum, x) => sum + Math.max(0, x.strength), 0));
    // Strong own evidence is itself an anomaly (a delay on the wire into a service leaves its own series quiet).
    const a = signalStrength >= 0.5 ? Math.max(anomaly(service), 0.5, Math.min(1, signalStrength / 2)) : anomaly(service);
    if (a < 0.5) continue;
    const lines: string[] = [];
    if (ev.latencyScore >= 0.5) lines.push(`latency anomaly score ${ev.latencyScore.toFixed(3)}${ev.latencyOnsetMs !== undefined ? ` from ${new Date(ev.latencyOnsetMs).toISOString()}` : ''}`);
    if (ev.errorScore >= 0.5) lines.push(`error-ratio anomaly score ${ev.errorScore.toFixed(3)}${ev.errorOnsetMs !== undefined ? ` from ${new Date(ev.errorOnsetMs).toISOString()}` : ''}`);
    // Own time and own errors: what a callee cannot explain.
    let own = 0;
    if (ev.selfMsBaseline !== undefined && ev.selfMsIncident !== undefined && ev.selfMsBaseline > 0) {
      const ratio = ev.selfMsIncident / ev.selfMsBaseline;
      if (ratio > 1.2) lines.push(`self time ${ev.selfMsBaseline.toFixed(1)} → ${ev.selfMsIncident.toFixed(1)} ms per request (×${ratio.toFixed(1)})`);
      own = Math.max(own, Math.min(3, Math.log2(Math.max(1, ratio))));
    }
    if (ev.ownErrorRateIncident !== undefined) {
      const base = ev.ownErrorRateBaseline ?? 0;
      const rise = ev.ownErrorRateIncident - base;
      if (rise > 0.01) lines.push(`errors it originates ${(100 * base).toFixed(1)}% → ${(100 * ev.ownErrorRateIncident).toFixed(1)}% of requests`);
      own = Math.max(own, Math.min(3, rise * 20));
    }
    if ((ev.resourceScore ?? 0) >= 0.5) {
      lines.push(`memory anomaly score ${ev.resourceScore!.toFixed(3)}${ev.resourceOnsetMs !== undefined ? ` from ${new Date(ev.resourceOnsetMs).toISOString()}` : ''}`);
      // Memory is the service's own: no callee explains it.
      if (ev.resourceScore! >= ANOMALOUS) own = Math.max(own, 1);
    }
    for (const x of ev.ownSignals ?? []) if (x.strength >= 0.25) lines.push(x.line);
    own = Math.max(own, signalStrength);
    const explainedBy = (callees.get(service) ?? []).filter((c) => anomaly(c) >= ANOMALOUS && onset(c) <= onset(service) + 60_000);
    const penalty = explainedBy.length > 0 && own < 0.5 ? 0.25 : 1;
    scored.push({ service, score: a * (1 + own) * penalty, path, evidence: lines, ...(explainedBy.length > 0 ? { whyLower: `its callee${explainedBy.length > 1 ? 's' : ''} ${explainedBy.join(', ')} ${explainedBy.length > 1 ? 'are' : 'is'} anomalous from the same time or earlier${own < 0.5 ? ', and its own time and errors did not rise' : ''}` } : {}) });
  }
  // Ties go to the deeper service: trouble flows up the call graph, not down.
  scored.sort((x, y) => y.score - x.score || y.path.length - x.path.length || x.service.localeCompare(y.service));
  scored.forEach((c, i) => {
    if (i === 0) {
      delete c.whyLower;
      return;
    }
    c.whyLower ??= `lower evidence than ${scored[i - 1]!.service} (score ${c.score.toFixed(2)} vs ${scored[i - 1]!.score.toFixed(2)})`;
  });
  const top = scored[0];
  const second = scored[1];
  let tier: ConfidenceTier = 'INCONCLUSIVE';
  const ownEvidence = (c: RankedCandidate) => c.evidence.some((l) => l.startsWith('self time') || l.startsWith('errors it originates') || l.startsWith('memory')) || Math.max(0, ...(byService.get(c.service)?.ownSignals ?? []).map((x) => x.strength)) >= 1;
  if (top && ownEvidence(top)) tier = !second || top.score >= 2 * second.score ? 'CONFIRMED' : 'LIKELY';
  else if (top && (!second || top.score > 1.2 * second.score)) tier = 'LIKELY';
  const explanation = top
    ? `${tier}: ${top.service} (${top.path.join(' → ')}): ${top.evidence.join('; ') || 'anomalous'}`
    : `INCONCLUSIVE: no service downstream of ${symptom} shows an anomaly in the window`;
  return { symptom, tier, candidates: scored, explanation };
}
