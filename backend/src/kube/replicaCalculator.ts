/**
 * Port of the HPA's replica calculator for one CPU-utilisation metric (kubernetes/kubernetes
 * `pkg/controller/podautoscaler/replica_calculator.go` and `metrics/utilization.go`), function by function;
 * see `hpaController.ts` for what is ported and what is not. Pure and deterministic: the clock is an argument.
 */
import { DEFAULT_HPA_CONTROLLER_CONFIG, type HpaControllerConfig, type PodState } from './types.ts';

/** Integer division truncating toward zero, exact for the magnitudes here (Go's int64 `/`). */
function idiv(a: number, b: number): number {
  let q = Math.trunc(a / b);
  // Guard against a double rounding the quotient up across an integer.
  if (q * b > a && a >= 0 && b > 0) {
    q--;
  }
  return q;
}

export interface Tolerances {
  scaleDown: number;
  scaleUp: number;
}

/** Tolerances.isWithin: (1 − down) ≤ ratio ≤ (1 + up). */
export function isWithinTolerance(t: Tolerances, usageRatio: number): boolean {
  return 1.0 - t.scaleDown <= usageRatio && usageRatio <= 1.0 + t.scaleUp;
}

export interface PodGroups {
  readyPodCount: number;
  unreadyPods: Set<string>;
  missingPods: Set<string>;
  ignoredPods: Set<string>;
}

/** Port of `groupPods` for the CPU resource. */
export function groupPods(
  pods: readonly PodState[],
  nowMs: number,
  cpuInitializationPeriodMs: number,
  delayOfInitialReadinessStatusMs: number
): PodGroups {
  const out: PodGroups = { readyPodCount: 0, unreadyPods: new Set(), missingPods: new Set(), ignoredPods: new Set() };
  for (const pod of pods) {
    if (pod.deleting || pod.phase === 'Failed') {
      out.ignoredPods.add(pod.name);
      continue;
    }
    // Pending pods are ignored.
    if (pod.phase === 'Pending') {
      out.unreadyPods.add(pod.name);
      continue;
    }
    // Pods missing metrics.
    const metric = pod.cpuUsage;
    if (!metric) {
      out.missingPods.add(pod.name);
      continue;
    }
    // Unready pods are ignored.
    let unready: boolean;
    const condition = pod.readyCondition;
    if (!condition || pod.startTimeMs === undefined) {
      unready = true;
    } else if (pod.startTimeMs + cpuInitializationPeriodMs > nowMs) {
      // Pod still within possible initialisation period: ignore the sample if the pod is unready or one
      // window of metric wasn't collected since the last state transition.
      unready = condition.status === false || metric.timestampMs < condition.lastTransitionTimeMs + metric.windowMs;
    } else {
      // Ignore the metric if the pod is unready and it has never been ready.
      unready =
        condition.status === false &&
        pod.startTimeMs + delayOfInitialReadinessStatusMs > condition.lastTransitionTimeMs;
    }
    if (unready) {
      out.unreadyPods.add(pod.name);
      continue;
    }
    out.readyPodCount++;
  }
  return out;
}

/** Port of `GetResourceUtilizationRatio`: (ratio, utilisation %, raw average milli). */
export function getResourceUtilizationRatio(
  metrics: ReadonlyMap<string, number>,
  requests: ReadonlyMap<string, number>,
  targetUtilization: number
): { ratio: number; utilization: number; rawAverageMilli: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let numEntries = 0;
  for (const [podName, value] of metrics) {
    const request = requests.get(podName);
    // We check for missing requests elsewhere, so assuming missing requests == extraneous metrics.
    if (request === undefined) {
      continue;
    }
    metricsTotal += value;
    requestsTotal += request;
    numEntries++;
  }
  if (requestsTotal === 0) {
    throw new Error('no metrics returned matched known pods');
  }
  const utilization = idiv(metricsTotal * 100, requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverageMilli: idiv(metricsTotal, numEntries) };
}

export interface ResourceReplicasResult {
  replicas: number;
  utilization: number;
  rawAverageMilli: number;
}

/** Port of `ReplicaCalculator.GetResourceReplicas` for CPU; throws with the controller's messages. */
export function getResourceReplicas(
  currentReplicas: number,
  targetUtilization: number,
  tolerances: Tolerances,
  pods: readonly PodState[],
  nowMs: number,
  cfg: Pick<
    HpaControllerConfig,
    'cpuInitializationPeriodSeconds' | 'initialReadinessDelaySeconds'
  > = DEFAULT_HPA_CONTROLLER_CONFIG
): ResourceReplicasResult {
  const metrics = new Map<string, number>();
  for (const p of pods) {
    if (p.cpuUsage) {
      metrics.set(p.name, p.cpuUsage.milli);
    }
  }
  if (pods.length === 0) {
    throw new Error('no pods returned by selector while calculating replica count');
  }
  const groups = groupPods(
    pods,
    nowMs,
    cfg.cpuInitializationPeriodSeconds * 1000,
    cfg.initialReadinessDelaySeconds * 1000
  );
  for (const name of groups.ignoredPods) {
    metrics.delete(name);
  }
  for (const name of groups.unreadyPods) {
    metrics.delete(name);
  }
  if (metrics.size === 0) {
    throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  }
  const requests = new Map<string, number>();
  for (const p of pods) {
    if (!Number.isFinite(p.cpuRequestMilli)) {
      throw new Error(`missing request for cpu in Pod ${p.name}`);
    }
    requests.set(p.name, p.cpuRequestMilli);
  }
  const first = getResourceUtilizationRatio(metrics, requests, targetUtilization);
  const usageRatio = first.ratio;
  const result = (replicas: number): ResourceReplicasResult => ({
    replicas,
    utilization: first.utilization,
    rawAverageMilli: first.rawAverageMilli,
  });

  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    // Return the current replicas if the change would be too small.
    if (isWithinTolerance(tolerances, usageRatio)) {
      return result(currentReplicas);
    }
    // No unready or missing pods: the new replica count can be calculated now.
    return result(Math.ceil(usageRatio * groups.readyPodCount));
  }
  if (groups.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      // On a scale-down, treat missing pods as using 100% (all) of the request, or the target if above 100%.
      const fallbackUtilization = Math.max(100, targetUtilization);
      for (const name of groups.missingPods) {
        metrics.set(name, idiv((requests.get(name) ?? 0) * fallbackUtilization, 100));
      }
    } else if (usageRatio > 1.0) {
      // On a scale-up, treat missing pods as using 0% of the request.
      for (const name of groups.missingPods) {
        metrics.set(name, 0);
      }
    }
  }
  if (scaleUpWithUnready) {
    // On a scale-up, treat unready pods as using 0% of the request.
    for (const name of groups.unreadyPods) {
      metrics.set(name, 0);
    }
  }
  // Re-run the utilisation calculation with the new numbers.
  const newUsageRatio = getResourceUtilizationRatio(metrics, requests, targetUtilization).ratio;
  if (
    isWithinTolerance(tolerances, newUsageRatio) ||
    (usageRatio < 1.0 && newUsageRatio > 1.0) ||
    (usageRatio > 1.0 && newUsageRatio < 1.0)
  ) {
    // The change would be too small, or the new usage ratio would change the scale direction.
    return result(currentReplicas);
  }
  const newReplicas = Math.ceil(newUsageRatio * metrics.size);
  if (
    (newUsageRatio < 1.0 && newReplicas > currentReplicas) ||
    (newUsageRatio > 1.0 && newReplicas < currentReplicas)
  ) {
    // The change of metrics length would change the scale direction.
    return result(currentReplicas);
  }
  return result(newReplicas);
}
