/**
 * The candidate settings of the default policy that `aidpe autoscale-eval` replays on every trace for the
 * leave-one-trace-out selection (`loto.ts`). Each is a set of overrides of `DEFAULT_PREDICTIVE_CONFIG`;
 * the first, `default`, is the shipped default itself, which is the candidate selected on all the
 * development traces (README, "Autoscaling"). Kept small: every candidate costs one replay per trace.
 * The others switch on, one at a time, the mechanisms of issue 18 that the default leaves off.
 */
import type { PredictiveConfig } from '../../engines/optimiser/predictive.ts';

export interface PolicyCandidate {
  name: string;
  predictive: Partial<PredictiveConfig>;
}

export const DEFAULT_POLICY_CANDIDATES: readonly PolicyCandidate[] = Object.freeze([
  { name: 'default', predictive: {} },
  // The regime monitor's fallback to the HPA with a floor from recent peaks while the forecast is not trusted.
  { name: 'fallback', predictive: { fallback: true } },
  // …plus the forecast quantile by SLO risk (a priori levels, not tuned: p80 calm, p90 normal, p97 elevated).
  {
    name: 'fallback-risk',
    predictive: { fallback: true, quantileCalm: 0.8, quantileNormal: 0.9, quantileElevated: 0.97 },
  },
  // …plus square-root staffing (Halfin–Whitt, β = 1) instead of a fixed utilisation.
  { name: 'fallback-staffing', predictive: { fallback: true, staffingBeta: 1 } },
  // A 10-min forecast horizon instead of 2 min: on slow, smooth ramps the 2-min p90 is hardly above the load
  // now, so the floor leads the HPA (at 85%) by too little (README, the nyc_taxi diagnosis).
  { name: 'horizon-10min', predictive: { horizonSeconds: 600 } },
  { name: 'fallback-horizon-10min', predictive: { fallback: true, horizonSeconds: 600 } },
]);
