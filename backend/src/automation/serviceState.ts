/**
 * Builds the optimiser's `ServiceState` for one service from telemetry (PromQL through the configured
 * source: Prometheus or the embedded simulator) and the actuator's view of the workload (replicas, HPA).
 * The queries are templates (`$service`, `$namespace` and `$deployment` are replaced), so a live cluster
 * maps its own metric names.
 */
import { timeFeatures, type ServiceState } from '../engines/optimiser/types.ts';
import type { MetricSeries, TelemetrySource } from '../telemetry/types.ts';
import type { ScaleTarget, WorkloadScaleState } from './types.ts';

export interface StateQueries {
  /** Requests per second arriving at the service. */
  requestRate: string;
  /** Average CPU utilisation of the service's ready pods, 0..1 of the request. */
  cpuUtilization: string;
  /** Ready replicas (optional: without it the actuator's replica count is taken as ready). */
  readyReplicas?: string;
  /** The user-facing SLI: p95 latency in seconds (the SLO is judged on it for every service). */
  sliLatencyP95Seconds: string;
  /** Share of user-facing requests ending in an error, 0..1. */
  sliErrorRatio: string;
}

/**
 * Kubernetes defaults for what every cluster with kube-state-metrics and cAdvisor has (CPU against the
 * requests, ready replicas); the request rate and the user-facing SLI depend on the application's own
 * instrumentation and must be configured.
 */
export const KUBERNETES_DEFAULT_QUERIES: Pick<StateQueries, 'cpuUtilization' | 'readyReplicas'> = {
  cpuUtilization:
    'sum(rate(container_cpu_usage_seconds_total{namespace="$namespace",pod=~"$deployment-[a-z0-9]+-[a-z0-9]+",container!=""}[2m])) / sum(kube_pod_container_resource_requests{namespace="$namespace",pod=~"$deployment-[a-z0-9]+-[a-z0-9]+",resource="cpu"})',
  readyReplicas: 'kube_deployment_status_replicas_ready{namespace="$namespace",deployment="$deployment"}',
};

/** The embedded simulator's metric names; the entry service's latency and errors are the SLI. */
export function simulatorStateQueries(entryService: string): StateQueries {
  return {
    requestRate: 'aidpe_sim_request_rate{service="$service"}',
    cpuUtilization: 'aidpe_sim_cpu_utilization{service="$service"}',
    readyReplicas: 'aidpe_sim_replicas_ready{service="$service"}',
    sliLatencyP95Seconds: `aidpe_sim_latency_seconds{service="${entryService}",quantile="0.95"}`,
    sliErrorRatio: `aidpe_sim_error_ratio{service="${entryService}"}`,
  };
}

export interface StateOptions {
  telemetry: TelemetrySource;
  queries: StateQueries;
  sloMs: number;
  /** Request-rate history the policy forecasts from. */
  historySeconds: number;
  historyStepSeconds: number;
  /** Instant values are averaged over this recent window (one policy interval), as the HPA's metrics are. */
  recentSeconds: number;
}

export class StateError extends Error {}

export function fillQuery(template: string, target: ScaleTarget): string {
  return template
    .replaceAll('$service', target.service)
    .replaceAll('$namespace', target.namespace)
    .replaceAll('$deployment', target.deployment);
}

/** Mean of the finite samples of the first series (several series are summed per timestamp first). */
function summed(series: MetricSeries[]): Array<[number, number]> {
  const byTime = new Map<number, number>();
  for (const s of series) {
    for (const [t, v] of s.samples) {
      if (Number.isFinite(v)) {
        byTime.set(t, (byTime.get(t) ?? 0) + v);
      }
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
}

function mean(points: Array<[number, number]>): number | undefined {
  if (points.length === 0) {
    return undefined;
  }
  return points.reduce((a, [, v]) => a + v, 0) / points.length;
}

export async function buildServiceState(
  target: ScaleTarget,
  workload: WorkloadScaleState,
  nowMs: number,
  o: StateOptions
): Promise<ServiceState> {
  const service = target.service;
  const recent = {
    startMs: nowMs - o.recentSeconds * 1000,
    endMs: nowMs,
    stepSeconds: Math.max(1, Math.min(15, o.recentSeconds)),
  };
  const q = async (name: keyof StateQueries, range = recent): Promise<Array<[number, number]>> => {
    const template = o.queries[name];
    if (!template) {
      return [];
    }
    const r = await o.telemetry.queryRange({ query: fillQuery(template, target), ...range });
    return summed(r.series);
  };
  const [rateNow, cpu, ready, latency, errors, history] = await Promise.all([
    q('requestRate'),
    q('cpuUtilization'),
    q('readyReplicas'),
    q('sliLatencyP95Seconds'),
    q('sliErrorRatio'),
    q('requestRate', { startMs: nowMs - o.historySeconds * 1000, endMs: nowMs, stepSeconds: o.historyStepSeconds }),
  ]);
  const requestRate = mean(rateNow);
  const cpuUtilization = mean(cpu);
  const latencyS = mean(latency);
  // Without load, CPU or the SLI the policy would act blind: say which one is missing.
  const missing = [
    requestRate === undefined && 'requestRate',
    cpuUtilization === undefined && 'cpuUtilization',
    latencyS === undefined && 'sliLatencyP95Seconds',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new StateError(`no recent samples for ${missing.join(', ')} of service "${service}"`);
  }
  const readyNow = ready.length > 0 ? Math.round(ready[ready.length - 1]![1]) : workload.replicas;
  const values = history.map(([, v]) => v);
  const last = history[history.length - 1];
  return {
    service,
    timeMs: nowMs,
    replicas: { desired: workload.replicas, ready: readyNow, starting: Math.max(0, workload.replicas - readyNow) },
    cpuUtilization: cpuUtilization!,
    ...(workload.hpa ? { hpa: { ...workload.hpa } } : {}),
    latencyP95Ms: latencyS! * 1000,
    sloMs: o.sloMs,
    errorRate: mean(errors) ?? 0,
    requestRate: requestRate!,
    ...(values.length >= 16 && last
      ? { requestRateHistory: { stepSeconds: o.historyStepSeconds, values, lastTimestampMs: last[0] * 1000 } }
      : {}),
    time: timeFeatures(nowMs),
  };
}
