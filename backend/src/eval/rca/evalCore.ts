/**
 * One shape for every RCA evaluation case (Nezha, PetShop, the simulator suite, synthetic code faults): the
 * evidence AIDPE ranks on, the plain inputs the published baselines take, and the label. Runs the method and the
 * anchors on a case, and summarises AC@1 / AC@3 / AC@5 / Avg@5 per dataset, group (day, scenario) and fault kind,
 * with the share correct per confidence tier.
 */
import {
  BASELINE_METHODS,
  BASELINE_ORDER,
  type BaselineInput,
  type BaselineMethod,
} from '../../engines/rca/baselines/index.ts';
import type { EvidenceModel } from '../../engines/rca/evidenceModel.ts';
import { rankRootCauses, type ConfidenceTier, type RcaRanking, type ServiceEvidence } from '../../engines/rca/rank.ts';
import type { ServiceGraph } from '../../engines/rca/serviceGraph.ts';

export interface EvalCase {
  dataset: string;
  /** Day, scenario or seed: the unit reported per group. */
  group: string;
  id: string;
  kind: string;
  truth: string;
  symptom: string;
  graph: ServiceGraph;
  evidence: ServiceEvidence[];
  /** For the anchors; absent in cached cases (then only the method is rerun). */
  baselineInput?: BaselineInput;
  /** Evidence the source did not have (said in the answer). */
  absent: string[];
  loadSeconds?: number;
}

export interface AcSummary {
  cases: number;
  ac1: number;
  ac3: number;
  ac5: number;
  avg5: number;
}

export function summariseRanks(ranks: ReadonlyArray<number | undefined>): AcSummary {
  const ac = (k: number) => ranks.filter((r) => r !== undefined && r <= k).length / Math.max(1, ranks.length);
  return {
    cases: ranks.length,
    ac1: ac(1),
    ac3: ac(3),
    ac5: ac(5),
    avg5: [1, 2, 3, 4, 5].reduce((s, k) => s + ac(k), 0) / 5,
  };
}

export const METHOD_ORDER = ['aidpe', 'handset', ...BASELINE_ORDER] as const;
export type MethodName = (typeof METHOD_ORDER)[number];
export const METHOD_LABEL: Record<MethodName, string> = {
  aidpe: 'AIDPE (learned)',
  handset: 'AIDPE hand-set',
  rule: BASELINE_METHODS.rule.name,
  baro: BASELINE_METHODS.baro.name,
  epsilon: BASELINE_METHODS.epsilon.name,
  randomWalk: BASELINE_METHODS.randomWalk.name,
};

export interface CaseResult {
  dataset: string;
  group: string;
  id: string;
  kind: string;
  truth: string;
  symptom: string;
  /** 1-based rank of the truth per method; undefined when absent from its answer. */
  ranks: Partial<Record<MethodName, number | undefined>>;
  tier: ConfidenceTier;
  probability: number | undefined;
  top5: Array<{ service: string; probability?: number; evidence: string[]; whyLower?: string }>;
  explanation: string;
  absent: string[];
  seconds: number;
  baselineSeconds: Partial<Record<MethodName, number>>;
  loadSeconds?: number;
}

const rankOf = (list: ReadonlyArray<{ service: string }>, truth: string): number | undefined => {
  const i = list.findIndex((x) => x.service === truth);
  return i >= 0 ? i + 1 : undefined;
};

export function rankCase(c: EvalCase, model?: EvidenceModel): RcaRanking {
  return rankRootCauses(c.symptom, c.graph, c.evidence, model ? { scorer: model } : {});
}

export function evaluateCase(c: EvalCase, options: { model?: EvidenceModel; baselines?: boolean } = {}): CaseResult {
  const t0 = performance.now();
  const ranking = rankCase(c, options.model);
  const seconds = (performance.now() - t0) / 1000 + (c.loadSeconds ?? 0);
  const handset = rankRootCauses(c.symptom, c.graph, c.evidence, { scorer: 'handset' });
  const ranks: CaseResult['ranks'] = {
    aidpe: rankOf(ranking.candidates, c.truth),
    handset: rankOf(handset.candidates, c.truth),
  };
  const baselineSeconds: CaseResult['baselineSeconds'] = {};
  if (options.baselines !== false && c.baselineInput) {
    for (const m of BASELINE_ORDER) {
      const b0 = performance.now();
      ranks[m] = rankOf(BASELINE_METHODS[m].rank(c.baselineInput), c.truth);
      baselineSeconds[m] = (performance.now() - b0) / 1000;
    }
  }
  const top = ranking.candidates[0];
  return {
    dataset: c.dataset,
    group: c.group,
    id: c.id,
    kind: c.kind,
    truth: c.truth,
    symptom: c.symptom,
    ranks,
    tier: ranking.tier,
    probability: top?.probability,
    top5: ranking.candidates.slice(0, 5).map((x) => ({
      service: x.service,
      ...(x.probability !== undefined ? { probability: Number(x.probability.toFixed(4)) } : {}),
      evidence: x.evidence,
      ...(x.whyLower ? { whyLower: x.whyLower } : {}),
    })),
    explanation: ranking.explanation,
    absent: c.absent,
    seconds,
    baselineSeconds,
  };
}

export interface TierSummary {
  tier: ConfidenceTier;
  answers: number;
  correct: number;
  share: number;
}

export function tierSummary(results: readonly CaseResult[]): TierSummary[] {
  return (['CONFIRMED', 'LIKELY', 'INCONCLUSIVE'] as const).map((tier) => {
    const xs = results.filter((r) => r.tier === tier);
    const correct = xs.filter((r) => r.ranks.aidpe === 1).length;
    return { tier, answers: xs.length, correct, share: xs.length ? correct / xs.length : Number.NaN };
  });
}

export interface EvalReport {
  overall: Partial<Record<MethodName, AcSummary>>;
  byGroup: Record<string, Partial<Record<MethodName, AcSummary>>>;
  byKind: Record<string, Partial<Record<MethodName, AcSummary>>>;
  tiers: TierSummary[];
  /** Top-1 share correct among LIKELY and CONFIRMED answers (the tiers' target: at least 80%). */
  decidedPrecision: number;
  medianSecondsPerCase: number;
}

function methodsIn(results: readonly CaseResult[]): MethodName[] {
  return METHOD_ORDER.filter((m) => results.some((r) => m in r.ranks));
}

function summariseBy(results: readonly CaseResult[]): Partial<Record<MethodName, AcSummary>> {
  return Object.fromEntries(methodsIn(results).map((m) => [m, summariseRanks(results.map((r) => r.ranks[m]))]));
}

export function report(results: readonly CaseResult[]): EvalReport {
  const groups = [...new Set(results.map((r) => r.group))].sort();
  const kinds = [...new Set(results.map((r) => r.kind))].sort();
  const decided = results.filter((r) => r.tier !== 'INCONCLUSIVE');
  const seconds = results.map((r) => r.seconds).sort((a, b) => a - b);
  return {
    overall: summariseBy(results),
    byGroup: Object.fromEntries(groups.map((g) => [g, summariseBy(results.filter((r) => r.group === g))])),
    byKind: Object.fromEntries(kinds.map((k) => [k, summariseBy(results.filter((r) => r.kind === k))])),
    tiers: tierSummary(results),
    decidedPrecision: decided.length ? decided.filter((r) => r.ranks.aidpe === 1).length / decided.length : Number.NaN,
    medianSecondsPerCase: seconds[seconds.length >> 1] ?? 0,
  };
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—').padStart(6);

/** The report as text: one block per method with AC@1/AC@3/Avg@5 per row (overall, groups, kinds), then tiers. */
export function reportTable(title: string, r: EvalReport): string {
  const methods = METHOD_ORDER.filter((m) => r.overall[m] !== undefined);
  const header = `${'row'.padEnd(28)} ${'cases'.padStart(5)}  ${methods.map((m) => METHOD_LABEL[m].slice(0, 16).padStart(20)).join('')}`;
  const sub = `${''.padEnd(28)} ${''.padStart(5)}  ${methods.map(() => '  AC@1  AC@3 Avg@5'.padStart(20)).join('')}`;
  const row = (name: string, s: Partial<Record<MethodName, AcSummary>>) =>
    `${name.slice(0, 28).padEnd(28)} ${String(s.aidpe?.cases ?? 0).padStart(5)}  ${methods
      .map((m) => {
        const x = s[m];
        return x ? `${pct(x.ac1)}${pct(x.ac3)}${pct(x.avg5)}`.padStart(20) : ''.padStart(20);
      })
      .join('')}`;
  const lines = [title, header, sub, row('all', r.overall)];
  for (const [g, s] of Object.entries(r.byGroup)) {
    lines.push(row(`  ${g}`, s));
  }
  for (const [k, s] of Object.entries(r.byKind)) {
    lines.push(row(`  kind ${k}`, s));
  }
  lines.push(
    `tiers: ${r.tiers.map((t) => `${t.tier} ${t.correct}/${t.answers} correct`).join(', ')}; top-1 correct among LIKELY+CONFIRMED ${pct(r.decidedPrecision).trim()}; median ${r.medianSecondsPerCase.toFixed(2)} s per case`
  );
  return lines.join('\n');
}

export { BASELINE_ORDER, type BaselineMethod };
