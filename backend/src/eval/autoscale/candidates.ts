/**
 * The candidate settings of the default policy that `aidpe autoscale-eval` replays on every trace for the
 * leave-one-trace-out selection (`loto.ts`). Each is a set of overrides of `DEFAULT_PREDICTIVE_CONFIG`;
 * the first, `default`, is the shipped default itself, which is the candidate selected on all the
 * development traces (README, "Autoscaling"). Kept small: every candidate costs one replay per trace.
 */
import type { PredictiveConfig } from '../../engines/optimiser/predictive.ts';

export interface PolicyCandidate {
  name: string;
  predictive: Partial<PredictiveConfig>;
}

export const DEFAULT_POLICY_CANDIDATES: readonly PolicyCandidate[] = Object.freeze([
  { name: 'default', predictive: {} },
  {
    name: 'no-fallback',
    predictive: { fallback: false },
  },
]);
