/**
 * PetShop cases as evaluation cases: metric evidence per component from its latency, availability and request
 * series against the fault-free window, the declared call graph, and the same series for the anchors. Metrics
 * only: traces, logs and resource metrics are absent, and each answer says so.
 */
import { metricEvidence, symptomCorrelation } from '../../engines/rca/metricChange.ts';
import type { ServiceEvidence } from '../../engines/rca/rank.ts';
import { graphFromEdges } from '../../engines/rca/serviceGraph.ts';
import type { EvalCase } from './evalCore.ts';
import type { PetshopCase } from './petshopData.ts';

export const PETSHOP_ABSENT = ['traces', 'logs', 'resource metrics (CPU, memory)'];

export function petshopEvalCase(c: PetshopCase): EvalCase {
  const t0 = performance.now();
  const graph = graphFromEdges(c.edges);
  const byService = metricEvidence(c.metrics, c.window);
  const services = new Set([...graph.nodes.map((n) => n.id), ...byService.keys()]);
  const symptomKind = /avail/i.test(c.symptomMetric) ? 'availability' : 'latency';
  const symptomSeries =
    c.metrics.find((m) => m.service === c.symptom && m.kind === symptomKind && /Average/.test(m.name)) ??
    c.metrics.find((m) => m.service === c.symptom && m.kind === symptomKind);
  const correlation = symptomSeries
    ? symptomCorrelation(c.metrics, symptomSeries, c.window)
    : new Map<string, number>();
  const evidence: ServiceEvidence[] = [...services].sort().map((service) => {
    const m = byService.get(service);
    return {
      service,
      latencyScore: m?.latencyScore ?? 0,
      latencyOnsetMs: undefined,
      errorScore: m?.errorScore ?? 0,
      errorOnsetMs: undefined,
      latencyZ: m?.latencyZ ?? 0,
      errorZ: m?.errorZ ?? 0,
      selfMsBaseline: undefined,
      selfMsIncident: undefined,
      ownErrorRateBaseline: undefined,
      ownErrorRateIncident: undefined,
      ...(m && m.lines.length > 0 ? { metricLines: m.lines } : {}),
      ...(correlation.has(service) ? { symptomCorrelation: correlation.get(service)! } : {}),
    };
  });
  return {
    dataset: 'petshop',
    group: c.scenario,
    id: c.id,
    kind: c.faultKind,
    truth: c.truth,
    symptom: c.symptom,
    graph,
    evidence,
    baselineInput: {
      symptom: c.symptom,
      symptomKind,
      edges: c.edges,
      metrics: c.metrics,
      window: c.window,
    },
    absent: [
      ...PETSHOP_ABSENT,
      ...(c.noissueBaseline ? [] : ['a fault-free export (baseline: the case rows before the fault)']),
    ],
    loadSeconds: (performance.now() - t0) / 1000,
  };
}
