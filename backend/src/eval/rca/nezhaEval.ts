/**
 * Nezha cases as evaluation cases (see `evalCore.ts`): the evidence of `nezhaEvidence.ts`, the plain inputs of
 * the anchors, and the label (the injected pod's service). The method's ablations switch one evidence source off.
 */
import { rankRootCauses, type RankOptions, type RcaRanking } from '../../engines/rca/rank.ts';
import type { EvalCase } from './evalCore.ts';
import type { NezhaCase } from './nezhaData.ts';
import { nezhaEvidence, type NezhaEvidence, type NezhaMethodOptions } from './nezhaEvidence.ts';

export function nezhaEvalCase(c: NezhaCase, options: Partial<NezhaMethodOptions> = {}): EvalCase {
  const t0 = performance.now();
  const e = nezhaEvidence(c, options);
  return {
    dataset: 'nezha',
    group: c.fault.date,
    id: c.fault.id,
    kind: c.fault.type,
    truth: c.fault.service,
    symptom: e.symptom,
    graph: e.graph,
    evidence: e.evidence,
    baselineInput: e.baselineInput,
    absent: [
      ...(c.spans.length === 0 ? ['traces'] : []),
      ...(c.logs.length === 0 ? ['logs'] : []),
      ...(c.baselineLogs.length === 0 && c.baselineSpans.length === 0 ? ['a fault-free minute'] : []),
    ],
    loadSeconds: (performance.now() - t0) / 1000,
  };
}

export function rankNezhaCase(
  c: NezhaCase,
  options: Partial<NezhaMethodOptions> & RankOptions = {}
): RcaRanking & { symptomSli: NezhaEvidence['symptomSli'] } {
  const e = nezhaEvidence(c, options);
  return { ...rankRootCauses(e.symptom, e.graph, e.evidence, options), symptomSli: e.symptomSli };
}

/** Variants of the method for `--ablations`: each switches one part off. */
export const NEZHA_ABLATIONS: Array<[string, Partial<NezhaMethodOptions> & RankOptions]> = [
  ['wire time left in the caller (plain self time)', { wire: 'caller' }],
  ['no metric evidence', { metrics: false }],
  ['no span-structure / operation-latency evidence', { spans: false }],
  ['no log-template evidence', { logs: false }],
  ['no propagation (personalised PageRank off)', { propagationWeight: 0 }],
  ['hand-set scoring instead of the learned model', { scorer: 'handset' }],
];
