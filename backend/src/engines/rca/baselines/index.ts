/** The anchors every RCA evaluation runs beside the method: the rule baseline and two published methods. */
import { baroRanking } from './baro.ts';
import { epsilonDiagnosisRanking } from './epsilonDiagnosis.ts';
import { randomWalkRanking } from './randomWalk.ts';
import { ruleBaselineRanking } from './ruleBaseline.ts';
import type { BaselineInput, ScoredService } from './types.ts';

export type { BaselineInput, BaselineSpan, ScoredService } from './types.ts';

export const BASELINE_METHODS = {
  rule: {
    name: 'rule baseline',
    cite: 'Nezha data README: 3σ metrics + spans over 3× fault-free p95 + error-keyword log lines',
    rank: ruleBaselineRanking,
  },
  baro: {
    name: 'BARO',
    cite: 'Pham et al., FSE 2024: multivariate Bayesian online change point + robust (median/IQR) scorer',
    rank: (input: BaselineInput): ScoredService[] => baroRanking(input).ranking,
  },
  epsilon: {
    name: 'ε-Diagnosis',
    cite: 'Shan et al., WWW 2019: energy-distance two-sample test per metric, α = 0.05',
    rank: epsilonDiagnosisRanking,
  },
  randomWalk: {
    name: 'random walk',
    cite: 'CloudRanger (CCGRID 2018) / MicroCause (IWQoS 2020): walk on the reversed call graph by |correlation|',
    rank: randomWalkRanking,
  },
} as const;

export type BaselineMethod = keyof typeof BASELINE_METHODS;
export const BASELINE_ORDER: BaselineMethod[] = ['rule', 'baro', 'epsilon', 'randomWalk'];
