/**
 * The simulator's autoscaler hook: the controller that sets a service's desired replicas from what an HPA
 * sees. `createKubernetesHpa` runs the exact Kubernetes controller port (`kube/hpaController.ts`);
 * `createSimpleHpa` is the older simplified one.
 */
import { HorizontalPodAutoscalerController, hpaTargetFor } from '../kube/hpaController.ts';
import type { HpaControllerConfig, HpaObjectSpec, PodState } from '../kube/types.ts';
import type { Pod } from './state.ts';
import type { ServiceSpec } from './topology.ts';

export interface AutoscalerInput {
  service: string;
  spec: Readonly<ServiceSpec>;
  hpa: Readonly<HpaObjectSpec>;
  desiredReplicas: number;
  readyReplicas: number;
  startingReplicas: number;
  /** Average CPU utilisation of ready pods, 0..1 of the request (averaged over the metric window). */
  cpuUtilization: number;
  arrivalRps: number;
  /**
   * The pods as the Kubernetes HPA sees them: phase Running from creation, the Ready condition with its
   * last transition, status.startTime, the CPU request, and metrics-server's sample (mean usage over the
   * metric window, in whole millicores rounded up as Quantity.MilliValue does) once the pod has run for a
   * full window.
   */
  pods: PodState[];
}

/** Returns the new desired replica count, or undefined to leave it unchanged. */
export type Autoscaler = (state: AutoscalerInput, nowMs: number) => number | undefined;

/**
 * Simple HPA: desired = ceil(ready × util / target) outside a ±tolerance band, scale-down stabilised
 * over a window (the max recommendation within it wins), clamped to [min, max].
 */
export function createSimpleHpa(opts: { tolerance?: number; scaleDownStabilizationSeconds?: number } = {}): Autoscaler {
  const tolerance = opts.tolerance ?? 0.1;
  const windowMs = (opts.scaleDownStabilizationSeconds ?? 300) * 1000;
  const recs = new Map<string, Array<[number, number]>>();
  return (s, now) => {
    const { hpa } = s;
    let rec = s.desiredReplicas;
    if (s.readyReplicas > 0) {
      const ratio = s.cpuUtilization / hpa.targetCpuUtilization;
      if (Math.abs(ratio - 1) > tolerance) {
        const usage = s.cpuUtilization * s.readyReplicas;
        rec = Math.ceil(usage / hpa.targetCpuUtilization - 1e-9);
        if (rec < s.desiredReplicas && s.startingReplicas > 0) {
          // Pods still starting count as running at target when scaling down (as the real HPA does).
          rec = Math.max(
            rec,
            Math.ceil((usage + s.startingReplicas * hpa.targetCpuUtilization) / hpa.targetCpuUtilization - 1e-9)
          );
        }
      }
    }
    rec = Math.min(hpa.maxReplicas, Math.max(hpa.minReplicas, rec));
    let list = recs.get(s.service);
    if (!list) {
      recs.set(s.service, (list = []));
    }
    list.push([now, rec]);
    while (list.length > 0 && (list[0] as [number, number])[0] < now - windowMs) {
      list.shift();
    }
    let desired = rec;
    if (rec < s.desiredReplicas) {
      desired = Math.max(...list.map((r) => r[1]));
      desired = Math.min(desired, s.desiredReplicas);
    }
    desired = Math.min(hpa.maxReplicas, Math.max(hpa.minReplicas, desired));
    return desired === s.desiredReplicas ? undefined : desired;
  };
}

/**
 * The exact HPA as the simulator's autoscaler hook: one controller for every service with an HPA, fed
 * the simulator's pods (readiness, start times, metrics-server samples over the metric window).
 */
export function createKubernetesHpa(
  config: Partial<HpaControllerConfig> = {}
): Autoscaler & { controller: HorizontalPodAutoscalerController } {
  const controller = new HorizontalPodAutoscalerController(config);
  const autoscaler = (s: AutoscalerInput, nowMs: number): number | undefined => {
    const r = controller.reconcile(hpaTargetFor(s.service, s.hpa), s.desiredReplicas, s.pods, nowMs);
    return r.rescale ? r.desiredReplicas : undefined;
  };
  return Object.assign(autoscaler, { controller });
}

/**
 * The pods of a service as the Kubernetes HPA reads them (see AutoscalerInput.pods): metrics-server's
 * sample is the mean over the last `windowTicks` ticks, present once the pod has run that long.
 */
export function hpaPodStates(
  pods: readonly Pod[],
  cpuRequestCores: number,
  nowMs: number,
  windowTicks: number,
  tickMs: number
): PodState[] {
  const windowMs = windowTicks * tickMs;
  const requestMilli = Math.round(cpuRequestCores * 1000);
  return pods.map((p) => {
    const ready = p.readyAtMs <= nowMs;
    const full = p.cpuWindow.length >= windowTicks;
    const meanCores = full ? p.cpuWindow.reduce((a, b) => a + b, 0) / p.cpuWindow.length : 0;
    return {
      name: p.name,
      phase: 'Running',
      startTimeMs: p.createdMs,
      readyCondition: {
        status: ready,
        lastTransitionTimeMs: ready ? Math.max(p.readyAtMs, p.unreadySinceMs) : p.unreadySinceMs,
      },
      cpuRequestMilli: requestMilli,
      // metrics-server reports nanocores; the HPA reads Quantity.MilliValue(), which rounds up.
      ...(full
        ? { cpuUsage: { milli: Math.ceil(Math.round(meanCores * 1e9) / 1e6), timestampMs: nowMs, windowMs } }
        : {}),
    };
  });
}
