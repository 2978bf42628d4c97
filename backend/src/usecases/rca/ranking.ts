/**
 * The compute half of root-cause ranking (pure; runs in a compute worker): evidence scored from what was fetched,
 * the call graph (Tempo's service-graph metrics when present, else the sampled traces), the ranking and Node
 * Graph frames.
 */
import { rankRootCauses } from '../../engines/rca/rank.ts';
import { toNodeGraphFrames, type ServiceGraph } from '../../engines/rca/serviceGraph.ts';
import { computeEvidence, type EvidenceInputs } from './evidence.ts';

export interface RankInput {
  inputs: EvidenceInputs;
  /** The graph from Tempo's service-graph metrics, when they were used. */
  metricsGraph?: ServiceGraph | undefined;
  /** The user-facing service, when the request or the source names it. */
  symptom?: string | undefined;
}

export function rankFromEvidence({ inputs, metricsGraph, symptom }: RankInput) {
  const collected = computeEvidence(inputs);
  // The call graph from Tempo's service-graph metrics when present (complete); self time and own errors
  // still come from the sampled traces, whose data-quality counts the answer keeps.
  const graph: ServiceGraph = metricsGraph
    ? { ...metricsGraph, ...(collected.graph.quality ? { quality: collected.graph.quality } : {}) }
    : collected.graph;
  const resolvedSymptom = symptom ?? graph.nodes.find((n) => n.entry)?.id ?? '';
  const ranking = rankRootCauses(resolvedSymptom, graph, collected.evidence);
  const frames = toNodeGraphFrames(
    graph,
    Object.fromEntries(
      collected.evidence.map((e) => [e.service, Math.max(e.latencyScore, e.errorScore, e.resourceScore ?? 0)])
    )
  );
  return { evidence: collected.evidence, logNotes: collected.logNotes, graph, ranking, frames };
}
