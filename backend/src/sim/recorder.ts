/**
 * The recorder: at the end of each tick it writes every service's tick record and pod names to its
 * timeline and every metric sample to the bounded history; on the read side it serves the Prometheus
 * exposition, the OpenMetrics history, selects, label sets and metric names. The metric names and help
 * texts are defined here, once.
 */
import type { MetricSeries } from '../telemetry/types.ts';
import { renderExposition, renderOpenMetrics, type HistoricalSeries, type MetricSample } from './exposition.ts';
import { MetricHistory, seriesKey, type LabelMatcher } from './history.ts';
import type { ServiceRuntime } from './state.ts';
import type { TickRecord } from './timeline.ts';

const METRIC_HELP: Readonly<Record<string, string>> = Object.freeze({
  aidpe_sim_requests_total: 'Requests received by the service.',
  aidpe_sim_request_rate: 'Requests per second arriving at the service.',
  aidpe_sim_errors_total: 'Requests that ended in an error (own or propagated from callees).',
  aidpe_sim_error_ratio: 'Share of requests ending in an error over the last tick.',
  aidpe_sim_latency_seconds: 'Response time quantiles including downstream calls.',
  aidpe_sim_response_size_bytes: 'Mean response size of the service, bytes (detailed telemetry only).',
  aidpe_sim_cpu_utilization: 'Average CPU utilisation of ready pods relative to their CPU request (0..1).',
  aidpe_sim_cpu_usage_cores: 'CPU used by the pod, in cores.',
  aidpe_sim_memory_bytes: 'Working-set memory of the pod.',
  aidpe_sim_pod_restarts_total: 'Container restarts of the pod (e.g. OOM kills).',
  aidpe_sim_replicas: 'Pods that exist for the deployment (ready or starting).',
  aidpe_sim_replicas_ready: 'Ready pods of the deployment.',
  aidpe_sim_replicas_desired: 'Desired replicas of the deployment.',
  aidpe_sim_hpa_min_replicas: 'HPA minimum replicas.',
  aidpe_sim_hpa_max_replicas: 'HPA maximum replicas.',
  aidpe_sim_hpa_target_cpu_utilization: 'HPA target CPU utilisation (0..1).',
  aidpe_sim_queue_backlog: 'Requests queued beyond what the service could serve.',
  aidpe_sim_deployment_info: 'Running version of the deployment (always 1).',
});

const COUNTERS = new Set(['aidpe_sim_requests_total', 'aidpe_sim_errors_total', 'aidpe_sim_pod_restarts_total']);

const QUANTILES: ReadonlyArray<['0.5' | '0.95' | '0.99', 'p50' | 'p95' | 'p99']> = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
];

type Emit = (name: string, labels: Record<string, string>, value: number, key: string) => void;

function metricType(name: string): 'counter' | 'gauge' {
  return COUNTERS.has(name) ? 'counter' : 'gauge';
}

/** The numbers of a service's tick that logs and traces are generated from. */
function tickRecordOf(st: ServiceRuntime): TickRecord {
  return {
    arrivalRps: st.arrivalRps,
    throughputRps: st.throughputRps,
    errorRatio: st.errorRatio,
    ownErrorRatio: st.ownErrorRatio,
    latencyP50Ms: st.p50,
    latencyP95Ms: st.p95,
    latencyP99Ms: st.p99,
    meanLatencyMs: st.meanMs,
    ownMeanLatencyMs: st.ownMeanMs,
    timeoutRatio: st.timeoutRatio,
    faultErrorRatio: st.faultErrorRatio,
    faultMask: st.faultMask,
    peakMemoryFraction: st.pods.reduce((m, p) => Math.max(m, p.memoryBytes / st.spec.memoryLimitBytes), 0),
    cpuUtilization: st.cpuUtil,
    downstreamErrorRatio:
      st.errorRatio > st.ownErrorRatio ? 1 - (1 - st.errorRatio) / Math.max(1e-12, 1 - st.ownErrorRatio) : 0,
    exceptionRatio: st.exceptionRatio,
    wrongReturnRatio: st.wrongReturnRatio,
    responseSizeBytes: st.responseSizeBytes,
  };
}

/** Every metric sample of the services' current state, in exposition order (`detailed`: response sizes too). */
function collectMetrics(services: readonly ServiceRuntime[], emit: Emit, detailed: boolean): void {
  const e = (name: string, labels: Record<string, string>, value: number): void =>
    emit(name, labels, value, seriesKey(name, labels));
  for (const st of services) {
    const name = st.spec.name;
    const l = { service: name };
    e('aidpe_sim_requests_total', l, st.requestsTotal);
    e('aidpe_sim_request_rate', l, st.arrivalRps);
    e('aidpe_sim_errors_total', l, st.errorsTotal);
    e('aidpe_sim_error_ratio', l, st.errorRatio);
    for (const [q, f] of QUANTILES) {
      e('aidpe_sim_latency_seconds', { service: name, quantile: q }, st[f] / 1000);
    }
    if (detailed) {
      e('aidpe_sim_response_size_bytes', l, st.responseSizeBytes);
    }
    e('aidpe_sim_cpu_utilization', l, st.cpuUtil);
    for (const p of st.pods) {
      e('aidpe_sim_cpu_usage_cores', { service: name, pod: p.name }, p.cpuCores);
    }
    for (const p of st.pods) {
      e('aidpe_sim_memory_bytes', { service: name, pod: p.name }, p.memoryBytes);
    }
    for (const p of st.pods) {
      e('aidpe_sim_pod_restarts_total', { service: name, pod: p.name }, p.restarts);
    }
    e('aidpe_sim_replicas', l, st.pods.length);
    e('aidpe_sim_replicas_ready', l, st.ready);
    e('aidpe_sim_replicas_desired', l, st.desired);
    if (st.hpa) {
      e('aidpe_sim_hpa_min_replicas', l, st.hpa.minReplicas);
      e('aidpe_sim_hpa_max_replicas', l, st.hpa.maxReplicas);
      e('aidpe_sim_hpa_target_cpu_utilization', l, st.hpa.targetCpuUtilization);
    }
    e('aidpe_sim_queue_backlog', l, st.backlog);
    e('aidpe_sim_deployment_info', { service: name, version: st.version }, 1);
  }
}

export class Recorder {
  private readonly history: MetricHistory;

  constructor(
    retainedTicks: number,
    private readonly detailed = false
  ) {
    this.history = new MetricHistory(retainedTicks);
  }

  /** Records the tick that just ran (services in call order). */
  record(tick: number, nowMs: number, services: readonly ServiceRuntime[]): void {
    this.history.beginTick(nowMs);
    for (const st of services) {
      st.timeline.write(tick, tickRecordOf(st));
      st.timeline.recordPods(
        tick,
        st.pods.map((p) => p.name)
      );
    }
    collectMetrics(services, (name, labels, value, key) => this.history.write(key, name, labels, value), this.detailed);
  }

  /** The oldest retained tick. */
  get firstTick(): number {
    return this.history.firstTick;
  }

  /** Retained ticks [from, to] whose time lies in [startMs, endMs]. */
  tickRange(startMs: number, endMs: number): [number, number] {
    return this.history.tickRange(startMs, endMs);
  }

  currentMetrics(services: readonly ServiceRuntime[]): MetricSample[] {
    const out: MetricSample[] = [];
    collectMetrics(
      services,
      (name, labels, value) =>
        out.push({ name, help: METRIC_HELP[name] ?? name, type: metricType(name), labels: { ...labels }, value }),
      this.detailed
    );
    return out;
  }

  exposition(services: readonly ServiceRuntime[]): string {
    return renderExposition(this.currentMetrics(services));
  }

  /** History between startMs and endMs as OpenMetrics text with timestamps (ends with `# EOF`). */
  openMetricsHistory(startMs: number, endMs: number): string {
    const series: HistoricalSeries[] = [];
    for (const s of this.history.find(undefined, [])) {
      const [from, to] = this.history.tickRange(startMs, endMs);
      const points: Array<[number, number]> = [];
      for (let k = from; k <= to; k++) {
        const v = this.history.valueAt(s, k);
        if (!Number.isNaN(v)) {
          points.push([this.history.timeOf(k), v]);
        }
      }
      if (points.length > 0) {
        series.push({
          name: s.name,
          help: METRIC_HELP[s.name] ?? s.name,
          type: metricType(s.name),
          labels: s.labels,
          points,
        });
      }
    }
    series.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return renderOpenMetrics(series);
  }

  /** Stored samples of series named `name` (any name when undefined) matching all matchers. */
  select(name: string | undefined, matchers: readonly LabelMatcher[], startMs: number, endMs: number): MetricSeries[] {
    return this.history.select(name, matchers, startMs, endMs);
  }

  /** Label sets (with __name__) of series matching, optionally only those with samples in a range. */
  seriesLabels(
    name: string | undefined,
    matchers: readonly LabelMatcher[],
    startMs?: number,
    endMs?: number
  ): Array<Record<string, string>> {
    if (startMs !== undefined || endMs !== undefined) {
      return this.history.select(name, matchers, startMs ?? -Infinity, endMs ?? Infinity).map((s) => s.labels);
    }
    return this.history.find(name, matchers).map((s) => ({ __name__: s.name, ...s.labels }));
  }

  metricNames(): string[] {
    return this.history.names();
  }

  /** Time span (unix ms) of the retained history, up to `nowMs`. */
  historyRange(nowMs: number): { startMs: number; endMs: number } {
    return { startMs: this.history.timeOf(this.history.firstTick), endMs: nowMs };
  }
}
