/**
 * An exact port of the Kubernetes HorizontalPodAutoscaler v2 controller for one CPU-utilisation metric
 * (kubernetes/kubernetes `pkg/controller/podautoscaler/horizontal.go` and `replica_calculator.go`,
 * `metrics/utilization.go`, API defaults from `pkg/apis/autoscaling/v2/defaults.go`; controller flags
 * from `config/v1alpha1/defaults.go`). Pure and deterministic: the clock is an argument, and the state the
 * real controller keeps in memory (unstabilised recommendations per HPA, scale-up and scale-down events)
 * lives in the controller object.
 *
 * What is ported, function by function (Go name → here):
 * - `groupPods` → `groupPods`: deleted/failed pods ignored, Pending pods unready, pods without a metric
 *   missing; a pod inside the CPU initialisation period is unready while its Ready condition is false or
 *   its sample does not yet cover a full metric window since the last readiness transition; after it, a
 *   pod is unready only if it is not ready and has never been ready (transition within the initial
 *   readiness delay of its start).
 * - `GetResourceReplicas` → `getResourceReplicas`: the usage ratio over ready pods (utilisation truncated
 *   to an integer percent, integer milli arithmetic as in `GetResourceUtilizationRatio`); tolerance band;
 *   on a scale-up unready pods count as 0% and missing pods as 0%; on a scale-down missing pods count as
 *   max(100%, target) of their request; no change when that flips the direction.
 * - `computeReplicasForMetrics` / `reconcileAutoscaler` → `reconcile`: replicas outside [min, max] jump to
 *   the bound with no rate limit; zero replicas disable scaling; a metric error means no scaling.
 * - `normalizeDesiredReplicas` (no `behavior`): `stabilizeRecommendation` (max over the downscale window,
 *   inclusive cutoff) then `convertDesiredReplicasWithRules` (scale-up limit max(2×current, 4)).
 * - `normalizeDesiredReplicasWithBehaviors` (with `behavior`, API defaults filled in):
 *   `stabilizeRecommendationWithBehaviors` (min over the scale-up window, max over the scale-down window,
 *   exclusive cutoffs) then `convertDesiredReplicasWithBehaviorRate` with
 *   `calculateScaleUpLimitWithScalingRules` / `calculateScaleDownLimitWithBehaviors` (period start =
 *   current − added + deleted within each policy's period; selectPolicy Max/Min/Disabled).
 * - `storeScaleEvent` / `markScaleEventsOutdated` / `getReplicasChangePerPeriod`.
 *
 * Not ported: metrics other than CPU utilisation, the work queue and status/condition writes (the
 * conditions are returned instead), and HPAScaleToZero.
 *
 * Layout: the replica calculator (`groupPods`, `GetResourceUtilizationRatio`, `GetResourceReplicas`) is in
 * `replicaCalculator.ts`, the shapes and controller flags in `types.ts`; this file holds the controller
 * (horizontal.go). It stays above the project's ~600-line guide on purpose: it mirrors the Go code
 * function by function and line by line, so a diff against upstream stays readable.
 */
import { getResourceReplicas, type ResourceReplicasResult, type Tolerances } from './replicaCalculator.ts';
import {
  DEFAULT_HPA_CONTROLLER_CONFIG,
  type HpaBehavior,
  type HpaControllerConfig,
  type HpaObjectSpec,
  type HpaScalingRules,
  type PodState,
  type SelectPolicy,
} from './types.ts';

/** The HPA object as the controller reads it: autoscaling/v2 with one `Resource` cpu `Utilization` metric. */
export interface HpaTarget {
  /** namespace/name; keys the controller's in-memory history. */
  key: string;
  /** Default 1 (API default). */
  minReplicas?: number;
  maxReplicas: number;
  /** averageUtilization, an integer percent of the request. */
  targetCpuUtilizationPercent: number;
  behavior?: HpaBehavior;
}

export type HpaConditionReason =
  | 'ScalingDisabled'
  | 'FailedGetResourceMetric'
  | 'ValidMetricFound'
  | 'ScaleDownStabilized'
  | 'ScaleUpStabilized'
  | 'ReadyForNewScale'
  | 'ScaleUpLimit'
  | 'ScaleDownLimit'
  | 'TooManyReplicas'
  | 'TooFewReplicas'
  | 'DesiredWithinRange';

export interface HpaReconcileResult {
  /** The replica count the controller writes (equal to current when it does not rescale). */
  desiredReplicas: number;
  rescale: boolean;
  /** The SuccessfulRescale event's reason ("cpu resource utilization (percentage of request) above target", …). */
  reason: string;
  /** The metric's proposal before normalisation; undefined when it was not computed. */
  metricDesiredReplicas?: number;
  /** Current average utilisation (integer percent), when computed. */
  utilizationPercent?: number;
  /** AbleToScale / ScalingActive / ScalingLimited reasons as the controller would set them. */
  conditions: {
    ableToScale?: HpaConditionReason;
    scalingActive?: HpaConditionReason;
    scalingLimited?: HpaConditionReason;
  };
  error?: string;
}

/**
 * Fully defaulted scaling rules (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules +
 * maybeInitScaleDownStabilizationWindow).
 */
export interface ResolvedScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: SelectPolicy;
  policies: Array<{ type: 'Pods' | 'Percent'; value: number; periodSeconds: number }>;
  tolerance?: number;
}

export interface ResolvedBehavior {
  scaleUp: ResolvedScalingRules;
  scaleDown: ResolvedScalingRules;
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const CPU_METRIC_NAME = 'cpu resource utilization (percentage of request)';

/** API defaults for `behavior` (pkg/apis/autoscaling/v2/defaults.go), then the controller's scale-down window. */
export function resolveBehavior(behavior: HpaBehavior, downscaleStabilizationSeconds: number): ResolvedBehavior {
  const copy = (from: HpaScalingRules | undefined, to: ResolvedScalingRules): ResolvedScalingRules => {
    if (!from) {
      return to;
    }
    return {
      stabilizationWindowSeconds: from.stabilizationWindowSeconds ?? to.stabilizationWindowSeconds,
      selectPolicy: from.selectPolicy ?? to.selectPolicy,
      policies: from.policies ? from.policies.map((p) => ({ ...p })) : to.policies,
      ...(from.tolerance !== undefined
        ? { tolerance: from.tolerance }
        : to.tolerance !== undefined
          ? { tolerance: to.tolerance }
          : {}),
    };
  };
  const scaleUp = copy(behavior.scaleUp, {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  });
  // The scale-down default leaves the window unset; the controller fills it from its flag.
  const scaleDown = copy(behavior.scaleDown, {
    stabilizationWindowSeconds: Number.NaN,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  });
  if (Number.isNaN(scaleDown.stabilizationWindowSeconds)) {
    scaleDown.stabilizationWindowSeconds = downscaleStabilizationSeconds;
  }
  return { scaleUp, scaleDown };
}

/** Port of `convertDesiredReplicasWithRules` (no behavior): clamp to [min, min(max, max(2×current, 4))]. */
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  hpaMinReplicas: number,
  hpaMaxReplicas: number
): { replicas: number; condition: HpaConditionReason; message: string } {
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas);
  let maximumAllowedReplicas: number;
  let condition: HpaConditionReason;
  let message: string;
  if (hpaMaxReplicas > scaleUpLimit) {
    maximumAllowedReplicas = scaleUpLimit;
    condition = 'ScaleUpLimit';
    message = 'the desired replica count is increasing faster than the maximum scale rate';
  } else {
    maximumAllowedReplicas = hpaMaxReplicas;
    condition = 'TooManyReplicas';
    message = 'the desired replica count is more than the maximum replica count';
  }
  if (desiredReplicas < hpaMinReplicas) {
    return {
      replicas: hpaMinReplicas,
      condition: 'TooFewReplicas',
      message: 'the desired replica count is less than the minimum replica count',
    };
  } else if (desiredReplicas > maximumAllowedReplicas) {
    return { replicas: maximumAllowedReplicas, condition, message };
  }
  return {
    replicas: desiredReplicas,
    condition: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  };
}

/** Port of `calculateScaleUpLimit`: int32(max(2×current, 4)). */
export function calculateScaleUpLimit(currentReplicas: number): number {
  return Math.trunc(Math.max(2.0 * currentReplicas, 4.0));
}

export interface TimestampedScaleEvent {
  /** Absolute replica change (non-negative). */
  replicaChange: number;
  timestampMs: number;
  outdated: boolean;
}

/** Port of `getReplicasChangePerPeriod`: changes strictly after now − period. */
export function getReplicasChangePerPeriod(
  periodSeconds: number,
  scaleEvents: readonly TimestampedScaleEvent[],
  nowMs: number
): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let replicas = 0;
  for (const rec of scaleEvents) {
    if (rec.timestampMs > cutoff) {
      replicas += rec.replicaChange;
    }
  }
  return replicas;
}

/** Port of `calculateScaleUpLimitWithScalingRules`. */
export function calculateScaleUpLimitWithScalingRules(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  rules: ResolvedScalingRules,
  nowMs: number
): number {
  if (rules.selectPolicy === 'Disabled') {
    return currentReplicas;
  } // Scaling is disabled
  let result: number;
  let select: (a: number, b: number) => number;
  if (rules.selectPolicy === 'Min') {
    result = INT32_MAX;
    select = Math.min; // For scaling up, the lowest change ('min' policy) produces a minimum value
  } else {
    result = INT32_MIN;
    select = Math.max; // Use the default policy otherwise to produce a highest possible change
  }
  let proposed = 0;
  for (const policy of rules.policies) {
    const added = getReplicasChangePerPeriod(policy.periodSeconds, scaleUpEvents, nowMs);
    const deleted = getReplicasChangePerPeriod(policy.periodSeconds, scaleDownEvents, nowMs);
    const periodStartReplicas = currentReplicas - added + deleted;
    if (policy.type === 'Pods') {
      proposed = periodStartReplicas + policy.value;
    }
    // Rounded up so that a small percentage still adds a pod.
    else if (policy.type === 'Percent') {
      proposed = Math.trunc(Math.ceil(periodStartReplicas * (1 + policy.value / 100)));
    }
    result = select(result, proposed);
  }
  return result;
}

/** Port of `calculateScaleDownLimitWithBehaviors`. */
export function calculateScaleDownLimitWithBehaviors(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  rules: ResolvedScalingRules,
  nowMs: number
): number {
  if (rules.selectPolicy === 'Disabled') {
    return currentReplicas;
  } // Scaling is disabled
  let result: number;
  let select: (a: number, b: number) => number;
  if (rules.selectPolicy === 'Min') {
    result = INT32_MIN;
    select = Math.max; // For scaling down, the lowest change ('min' policy) produces a maximum value
  } else {
    result = INT32_MAX;
    select = Math.min; // Use the default policy otherwise to produce a highest possible change
  }
  let proposed = 0;
  for (const policy of rules.policies) {
    const added = getReplicasChangePerPeriod(policy.periodSeconds, scaleUpEvents, nowMs);
    const deleted = getReplicasChangePerPeriod(policy.periodSeconds, scaleDownEvents, nowMs);
    const periodStartReplicas = currentReplicas - added + deleted;
    if (policy.type === 'Pods') {
      proposed = periodStartReplicas - policy.value;
    } else if (policy.type === 'Percent') {
      proposed = Math.trunc(periodStartReplicas * (1 - policy.value / 100));
    }
    result = select(result, proposed);
  }
  return result;
}

/** Port of `markScaleEventsOutdated`: events strictly before now − longest period. */
function markScaleEventsOutdated(
  scaleEvents: TimestampedScaleEvent[],
  longestPolicyPeriod: number,
  nowMs: number
): void {
  const cutoff = nowMs - longestPolicyPeriod * 1000;
  for (const e of scaleEvents) {
    if (e.timestampMs < cutoff) {
      e.outdated = true;
    }
  }
}

function getLongestPolicyPeriod(rules: ResolvedScalingRules): number {
  let longest = 0;
  for (const p of rules.policies) {
    if (p.periodSeconds > longest) {
      longest = p.periodSeconds;
    }
  }
  return longest;
}

export interface TimestampedRecommendation {
  recommendation: number;
  timestampMs: number;
}

/** Go's NormalizationArg (without the key: the events are passed in). */
export interface NormalizationArg {
  scaleUp: ResolvedScalingRules;
  scaleDown: ResolvedScalingRules;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
}

/**
 * Port of `convertDesiredReplicasWithBehaviorRate`: the rate policies and [min, max] in the direction of the
 * change.
 */
export function convertDesiredReplicasWithBehaviorRate(
  args: NormalizationArg,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  nowMs: number
): { replicas: number; reason: HpaConditionReason; message: string } {
  if (args.desiredReplicas > args.currentReplicas) {
    let scaleUpLimit = calculateScaleUpLimitWithScalingRules(
      args.currentReplicas,
      scaleUpEvents,
      scaleDownEvents,
      args.scaleUp,
      nowMs
    );
    // We shouldn't scale up further until the scaleUpEvents will be cleaned up.
    if (scaleUpLimit < args.currentReplicas) {
      scaleUpLimit = args.currentReplicas;
    }
    let maximumAllowedReplicas = args.maxReplicas;
    let reason: HpaConditionReason;
    let message: string;
    if (maximumAllowedReplicas > scaleUpLimit) {
      maximumAllowedReplicas = scaleUpLimit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    } else {
      reason = 'TooManyReplicas';
      message = 'the desired replica count is more than the maximum replica count';
    }
    if (args.desiredReplicas > maximumAllowedReplicas) {
      return { replicas: maximumAllowedReplicas, reason, message };
    }
  } else if (args.desiredReplicas < args.currentReplicas) {
    let scaleDownLimit = calculateScaleDownLimitWithBehaviors(
      args.currentReplicas,
      scaleUpEvents,
      scaleDownEvents,
      args.scaleDown,
      nowMs
    );
    // We shouldn't scale down further until the scaleDownEvents will be cleaned up.
    if (scaleDownLimit > args.currentReplicas) {
      scaleDownLimit = args.currentReplicas;
    }
    let minimumAllowedReplicas = args.minReplicas;
    let reason: HpaConditionReason;
    let message: string;
    if (minimumAllowedReplicas < scaleDownLimit) {
      minimumAllowedReplicas = scaleDownLimit;
      reason = 'ScaleDownLimit';
      message = 'the desired replica count is decreasing faster than the maximum scale rate';
    } else {
      reason = 'TooFewReplicas';
      message = 'the desired replica count is less than the minimum replica count';
    }
    if (args.desiredReplicas < minimumAllowedReplicas) {
      return { replicas: minimumAllowedReplicas, reason, message };
    }
  }
  return {
    replicas: args.desiredReplicas,
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  };
}

/**
 * The HPA controller with the in-memory state the real one keeps per HPA key. Call `reconcile` once per
 * sync period (15 s by default) per HPA.
 */
export class HorizontalPodAutoscalerController {
  readonly config: HpaControllerConfig;
  private readonly recommendations = new Map<string, TimestampedRecommendation[]>();
  private readonly scaleUpEvents = new Map<string, TimestampedScaleEvent[]>();
  private readonly scaleDownEvents = new Map<string, TimestampedScaleEvent[]>();

  constructor(config: Partial<HpaControllerConfig> = {}) {
    this.config = { ...DEFAULT_HPA_CONTROLLER_CONFIG, ...config };
  }

  /** Forgets an HPA (the controller's reaction to the object being deleted). */
  delete(key: string): void {
    this.recommendations.delete(key);
    this.scaleUpEvents.delete(key);
    this.scaleDownEvents.delete(key);
  }

  /** Replaces the stored history of one HPA (tests start from a given history, as the Go tests do). */
  seed(
    key: string,
    history: {
      recommendations?: TimestampedRecommendation[];
      scaleUpEvents?: TimestampedScaleEvent[];
      scaleDownEvents?: TimestampedScaleEvent[];
    }
  ): void {
    if (history.recommendations) {
      this.recommendations.set(
        key,
        history.recommendations.map((r) => ({ ...r }))
      );
    }
    if (history.scaleUpEvents) {
      this.scaleUpEvents.set(
        key,
        history.scaleUpEvents.map((e) => ({ ...e }))
      );
    }
    if (history.scaleDownEvents) {
      this.scaleDownEvents.set(
        key,
        history.scaleDownEvents.map((e) => ({ ...e }))
      );
    }
  }

  /** Read-only view of the stored history, for tests and explanations. */
  history(key: string): {
    recommendations: TimestampedRecommendation[];
    scaleUpEvents: TimestampedScaleEvent[];
    scaleDownEvents: TimestampedScaleEvent[];
  } {
    return {
      recommendations: (this.recommendations.get(key) ?? []).map((r) => ({ ...r })),
      scaleUpEvents: (this.scaleUpEvents.get(key) ?? []).map((e) => ({ ...e })),
      scaleDownEvents: (this.scaleDownEvents.get(key) ?? []).map((e) => ({ ...e })),
    };
  }

  private tolerancesFor(hpa: HpaTarget): Tolerances {
    const t = { scaleDown: this.config.tolerance, scaleUp: this.config.tolerance };
    if (hpa.behavior?.scaleDown?.tolerance !== undefined) {
      t.scaleDown = hpa.behavior.scaleDown.tolerance;
    }
    if (hpa.behavior?.scaleUp?.tolerance !== undefined) {
      t.scaleUp = hpa.behavior.scaleUp.tolerance;
    }
    return t;
  }

  /** Port of `reconcileAutoscaler` (one sync of one HPA): `currentReplicas` is the target's scale.spec.replicas. */
  reconcile(hpa: HpaTarget, currentReplicas: number, pods: readonly PodState[], nowMs: number): HpaReconcileResult {
    const key = hpa.key;
    if (!this.recommendations.has(key)) {
      this.recommendations.set(key, [{ recommendation: currentReplicas, timestampMs: nowMs }]);
    }
    const minReplicas = hpa.minReplicas ?? 1;
    const conditions: HpaReconcileResult['conditions'] = {};
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricDesiredReplicas: number | undefined;
    let utilizationPercent: number | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      // Autoscaling is disabled for this resource.
      desiredReplicas = 0;
      rescale = false;
      conditions.scalingActive = 'ScalingDisabled';
    } else if (currentReplicas > hpa.maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = hpa.maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      let metric: ResourceReplicasResult;
      try {
        metric = getResourceReplicas(
          currentReplicas,
          hpa.targetCpuUtilizationPercent,
          this.tolerancesFor(hpa),
          pods,
          nowMs,
          this.config
        );
      } catch (err) {
        // computeReplicasForMetrics returns -1: no scaling this sync.
        return {
          desiredReplicas: currentReplicas,
          rescale: false,
          reason: '',
          conditions: { scalingActive: 'FailedGetResourceMetric' },
          error: `failed to get cpu utilization: ${(err as Error).message}`,
        };
      }
      conditions.scalingActive = 'ValidMetricFound';
      metricDesiredReplicas = metric.replicas;
      utilizationPercent = metric.utilization;
      let rescaleMetric = '';
      if (metric.replicas > desiredReplicas) {
        desiredReplicas = metric.replicas;
        rescaleMetric = CPU_METRIC_NAME;
      }
      if (desiredReplicas > currentReplicas) {
        rescaleReason = `${rescaleMetric} above target`;
      }
      if (desiredReplicas < currentReplicas) {
        rescaleReason = 'All metrics below target';
      }
      desiredReplicas =
        hpa.behavior === undefined
          ? this.normalizeDesiredReplicas(hpa, key, currentReplicas, desiredReplicas, minReplicas, nowMs, conditions)
          : this.normalizeDesiredReplicasWithBehaviors(
              hpa,
              key,
              currentReplicas,
              desiredReplicas,
              minReplicas,
              nowMs,
              conditions
            );
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      this.storeScaleEvent(hpa.behavior, key, currentReplicas, desiredReplicas, nowMs);
    } else {
      desiredReplicas = currentReplicas;
    }
    return {
      desiredReplicas,
      rescale,
      reason: rescaleReason,
      ...(metricDesiredReplicas !== undefined ? { metricDesiredReplicas } : {}),
      ...(utilizationPercent !== undefined ? { utilizationPercent } : {}),
      conditions,
    };
  }

  /** Port of `stabilizeRecommendation`: max of recommendations not older than the window (inclusive cutoff). */
  stabilizeRecommendation(key: string, prenormalizedDesiredReplicas: number, nowMs: number): number {
    let maxRecommendation = prenormalizedDesiredReplicas;
    let foundOldSample = false;
    let oldSampleIndex = 0;
    const cutoff = nowMs - this.config.downscaleStabilizationSeconds * 1000;
    const recs = this.recommendations.get(key) ?? [];
    recs.forEach((rec, i) => {
      if (rec.timestampMs < cutoff) {
        foundOldSample = true;
        oldSampleIndex = i;
      } else if (rec.recommendation > maxRecommendation) {
        maxRecommendation = rec.recommendation;
      }
    });
    const entry = { recommendation: prenormalizedDesiredReplicas, timestampMs: nowMs };
    if (foundOldSample) {
      recs[oldSampleIndex] = entry;
    } else {
      recs.push(entry);
    }
    this.recommendations.set(key, recs);
    return maxRecommendation;
  }

  private normalizeDesiredReplicas(
    hpa: HpaTarget,
    key: string,
    currentReplicas: number,
    prenormalizedDesiredReplicas: number,
    minReplicas: number,
    nowMs: number,
    conditions: HpaReconcileResult['conditions']
  ): number {
    const stabilized = this.stabilizeRecommendation(key, prenormalizedDesiredReplicas, nowMs);
    conditions.ableToScale = stabilized !== prenormalizedDesiredReplicas ? 'ScaleDownStabilized' : 'ReadyForNewScale';
    const converted = convertDesiredReplicasWithRules(currentReplicas, stabilized, minReplicas, hpa.maxReplicas);
    conditions.scalingLimited = converted.condition;
    return converted.replicas;
  }

  /** Port of `stabilizeRecommendationWithBehaviors` (exclusive cutoffs: `timestamp.After(cutoff)`). */
  stabilizeRecommendationWithBehaviors(
    key: string,
    behavior: ResolvedBehavior,
    currentReplicas: number,
    desiredReplicas: number,
    nowMs: number
  ): { recommendation: number; reason: HpaConditionReason } {
    let foundOldSample = false;
    let oldSampleIndex = 0;
    let upRecommendation = desiredReplicas;
    const upCutoff = nowMs - behavior.scaleUp.stabilizationWindowSeconds * 1000;
    let downRecommendation = desiredReplicas;
    const downCutoff = nowMs - behavior.scaleDown.stabilizationWindowSeconds * 1000;
    const recs = this.recommendations.get(key) ?? [];
    recs.forEach((rec, i) => {
      if (rec.timestampMs > upCutoff) {
        upRecommendation = Math.min(rec.recommendation, upRecommendation);
      }
      if (rec.timestampMs > downCutoff) {
        downRecommendation = Math.max(rec.recommendation, downRecommendation);
      }
      if (rec.timestampMs < upCutoff && rec.timestampMs < downCutoff) {
        foundOldSample = true;
        oldSampleIndex = i;
      }
    });
    // Bring the recommendation to within the upper and lower limits (stabilise).
    let recommendation = currentReplicas;
    if (recommendation < upRecommendation) {
      recommendation = upRecommendation;
    }
    if (recommendation > downRecommendation) {
      recommendation = downRecommendation;
    }
    // Record the unstabilised recommendation.
    const entry = { recommendation: desiredReplicas, timestampMs: nowMs };
    if (foundOldSample) {
      recs[oldSampleIndex] = entry;
    } else {
      recs.push(entry);
    }
    this.recommendations.set(key, recs);
    return { recommendation, reason: desiredReplicas >= currentReplicas ? 'ScaleUpStabilized' : 'ScaleDownStabilized' };
  }

  private normalizeDesiredReplicasWithBehaviors(
    hpa: HpaTarget,
    key: string,
    currentReplicas: number,
    prenormalizedDesiredReplicas: number,
    minReplicas: number,
    nowMs: number,
    conditions: HpaReconcileResult['conditions']
  ): number {
    const behavior = resolveBehavior(hpa.behavior as HpaBehavior, this.config.downscaleStabilizationSeconds);
    const stabilized = this.stabilizeRecommendationWithBehaviors(
      key,
      behavior,
      currentReplicas,
      prenormalizedDesiredReplicas,
      nowMs
    );
    conditions.ableToScale =
      stabilized.recommendation !== prenormalizedDesiredReplicas ? stabilized.reason : 'ReadyForNewScale';
    const converted = convertDesiredReplicasWithBehaviorRate(
      {
        scaleUp: behavior.scaleUp,
        scaleDown: behavior.scaleDown,
        minReplicas,
        maxReplicas: hpa.maxReplicas,
        currentReplicas,
        desiredReplicas: stabilized.recommendation,
      },
      this.scaleUpEvents.get(key) ?? [],
      this.scaleDownEvents.get(key) ?? [],
      nowMs
    );
    conditions.scalingLimited = converted.reason;
    return converted.replicas;
  }

  /** Port of `storeScaleEvent`: only with a behavior; reuses an outdated slot. */
  storeScaleEvent(
    behavior: HpaBehavior | undefined,
    key: string,
    prevReplicas: number,
    newReplicas: number,
    nowMs: number
  ): void {
    if (behavior === undefined) {
      return;
    } // the events would never be used
    const resolved = resolveBehavior(behavior, this.config.downscaleStabilizationSeconds);
    const upward = newReplicas > prevReplicas;
    const map = upward ? this.scaleUpEvents : this.scaleDownEvents;
    const events = map.get(key) ?? [];
    markScaleEventsOutdated(events, getLongestPolicyPeriod(upward ? resolved.scaleUp : resolved.scaleDown), nowMs);
    let foundOldSample = false;
    let oldSampleIndex = 0;
    events.forEach((e, i) => {
      if (e.outdated) {
        foundOldSample = true;
        oldSampleIndex = i;
      }
    });
    const entry: TimestampedScaleEvent = {
      replicaChange: upward ? newReplicas - prevReplicas : prevReplicas - newReplicas,
      timestampMs: nowMs,
      outdated: false,
    };
    if (foundOldSample) {
      events[oldSampleIndex] = entry;
    } else {
      events.push(entry);
    }
    map.set(key, events);
  }
}

/** The HPA object for a service's HpaObjectSpec (target as an integer percent, as the API stores it). */
export function hpaTargetFor(key: string, spec: HpaObjectSpec): HpaTarget {
  return {
    key,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    targetCpuUtilizationPercent: Math.round(spec.targetCpuUtilization * 100),
    ...(spec.behavior ? { behavior: spec.behavior } : {}),
  };
}
