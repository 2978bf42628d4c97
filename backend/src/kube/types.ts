/**
 * Kubernetes shapes shared by the simulator, the HPA controller port and the optimiser: the parts of
 * autoscaling/v2 and of a pod that the HPA controller reads, and kube-controller-manager's HPA flags.
 * Pure types and constants only.
 */

// ---- Kubernetes autoscaling/v2 shapes (the parts the HPA port reads) -------------------------------

export type ScalingPolicyType = 'Pods' | 'Percent';

/** autoscaling/v2 HPAScalingPolicy: at most `value` pods (or percent) of change per `periodSeconds`. */
export interface HpaScalingPolicy {
  type: ScalingPolicyType;
  value: number;
  periodSeconds: number;
}

/** autoscaling/v2 ScalingPolicySelect. */
export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

/** autoscaling/v2 HPAScalingRules; unset fields take the API defaults (see `hpaController.ts`). */
export interface HpaScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: SelectPolicy;
  policies?: HpaScalingPolicy[];
  /** Per-direction tolerance (Kubernetes ≥ 1.33, HPAConfigurableTolerance); default the controller's 0.1. */
  tolerance?: number;
}

/** autoscaling/v2 HorizontalPodAutoscalerBehavior. */
export interface HpaBehavior {
  scaleUp?: HpaScalingRules;
  scaleDown?: HpaScalingRules;
}

/**
 * An HPA object's spec as the simulator, the controller port and the optimiser read it: one
 * CPU-utilisation metric, bounds and optional behavior.
 */
export interface HpaObjectSpec {
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation, 0..1 of the request (the API's averageUtilization / 100). */
  targetCpuUtilization: number;
  /** autoscaling/v2 behavior (scale-up/down rules); unset = the controller's legacy normalisation. */
  behavior?: HpaBehavior;
}

/** A pod as the HPA controller sees it (phase, Ready condition, CPU request, metrics-server sample). */
export interface PodState {
  name: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Set while the pod is being deleted (metadata.deletionTimestamp). */
  deleting?: boolean;
  /** status.startTime (unix ms); undefined before the kubelet reports it. */
  startTimeMs?: number;
  /** The PodReady condition; undefined when the pod has none yet. */
  readyCondition?: { status: boolean; lastTransitionTimeMs: number };
  /** Sum of the containers' CPU requests, millicores. */
  cpuRequestMilli: number;
  /** metrics-server's sample (millicores averaged over `windowMs`, ending at `timestampMs`); undefined = missing. */
  cpuUsage?: { milli: number; timestampMs: number; windowMs: number };
}

/** kube-controller-manager flags (RecommendedDefaultHPAControllerConfiguration). */
export interface HpaControllerConfig {
  /** --horizontal-pod-autoscaler-sync-period; the caller runs `reconcile` at this period. */
  syncPeriodSeconds: number;
  /** --horizontal-pod-autoscaler-tolerance. */
  tolerance: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization. */
  downscaleStabilizationSeconds: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period. */
  cpuInitializationPeriodSeconds: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay. */
  initialReadinessDelaySeconds: number;
}

export const DEFAULT_HPA_CONTROLLER_CONFIG: Readonly<HpaControllerConfig> = Object.freeze({
  syncPeriodSeconds: 15,
  tolerance: 0.1,
  downscaleStabilizationSeconds: 300,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
});
