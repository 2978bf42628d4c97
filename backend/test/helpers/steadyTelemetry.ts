/**
 * Test helper: a telemetry source that answers each of the loop's templated queries with a steady series
 * (six hours, one sample a minute by default) and records what it was asked. Used where the loop runs
 * against a real Kubernetes API but the telemetry is not what the test is about.
 */
import { KUBERNETES_DEFAULT_QUERIES, type StateQueries } from '../../src/automation/serviceState.ts';
import type { DependencyHealth, QueryResult, RangeQuery, TelemetrySource } from '../../src/telemetry/types.ts';

/** The templates SteadyTelemetry recognises by their prefix. */
export const STEADY_QUERIES: StateQueries = {
  requestRate: 'rate_of{service="$service"}',
  sliLatencyP95Seconds: 'latency_p95{namespace="$namespace"}',
  sliErrorRatio: 'errors_ratio',
  cpuUtilization: KUBERNETES_DEFAULT_QUERIES.cpuUtilization,
  readyReplicas: KUBERNETES_DEFAULT_QUERIES.readyReplicas!,
};

export class SteadyTelemetry implements TelemetrySource {
  readonly kind = 'prometheus' as const;
  readonly asked: string[] = [];
  async queryRange(q: RangeQuery): Promise<QueryResult> {
    this.asked.push(q.query);
    const value = q.query.startsWith('rate_')
      ? 120
      : q.query.startsWith('latency_')
        ? 0.12
        : q.query.startsWith('errors_')
          ? 0
          : q.query.includes('container_cpu')
            ? 0.5
            : 3;
    const samples: Array<[number, number]> = [];
    for (let t = q.startMs; t <= q.endMs; t += q.stepSeconds * 1000) {
      samples.push([t / 1000, value * (1 + 0.05 * Math.sin(t / 600_000))]);
    }
    return { resultType: 'matrix', series: [{ labels: {}, samples }], warnings: [] };
  }
  async queryInstant(): Promise<QueryResult> {
    return { resultType: 'vector', series: [], warnings: [] };
  }
  async series(): Promise<Array<Record<string, string>>> {
    return [];
  }
  async labelValues(): Promise<string[]> {
    return [];
  }
  async health(): Promise<DependencyHealth> {
    return { name: 'prometheus', state: 'up', checkedAt: new Date().toISOString() };
  }
}
