/**
 * The embedded demo cluster as Sources: its metric history answers PromQL selectors, its sampled traces and
 * log lines feed root-cause evidence, and the simulator actuator scales its Deployments and HPAs. The only
 * place where simulator data is adapted to the shapes the use cases consume.
 */
import type { AidpeConfig } from '../config/config.ts';
import { simulatorStateQueries } from '../actions/serviceState.ts';
import { SimulatorActuator } from '../actions/simulatorActuator.ts';
import { simulatorTargets } from '../actions/targets.ts';
import type { RawLogLine } from '../engines/rca/logAnomaly.ts';
import type { GraphSpan } from '../engines/rca/serviceGraph.ts';
import type { SimulatedCluster } from '../sim/cluster.ts';
import { SimulatorSource } from '../telemetry/simulatorSource.ts';
import type { EvidenceQueryDefaults, LogSource, Sources, TraceSource } from './types.ts';

/** The simulator's own metric names behind root-cause evidence. */
export const SIMULATOR_EVIDENCE_QUERIES: EvidenceQueryDefaults = {
  latency: 'aidpe_sim_latency_seconds{quantile="0.95"}',
  errors: 'aidpe_sim_error_ratio',
  resources: 'aidpe_sim_memory_bytes',
  stepSeconds: 15,
};

/** The cluster's sampled traces of a range as call-graph spans. */
export function simulatorSpans(cluster: SimulatedCluster, startMs: number, endMs: number, limit = 400): GraphSpan[] {
  return cluster.traces({ startMs, endMs, limit }).flatMap((t) =>
    t.spans.map((s) => ({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId || undefined,
      service: s.service,
      startMs: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000,
      durationMs: s.durationNanos / 1e6,
      error: s.status === 'error',
      // The operation name lets the RCA compare operations (call signatures, own time): code-level evidence.
      operation: s.operation,
    }))
  );
}

export function simulatorTraceSource(cluster: SimulatedCluster): TraceSource {
  return {
    kind: 'simulator',
    description: "the embedded simulator's sampled traces",
    maxTraces: 500,
    rankingSample: 400,
    spans: async (startMs, endMs, limit) => simulatorSpans(cluster, startMs, endMs, limit),
  };
}

/** The cluster's log lines (all services) of a range. */
export function simulatorLogLines(
  cluster: SimulatedCluster,
  limit = 100_000
): (startMs: number, endMs: number) => Promise<RawLogLine[]> {
  return async (startMs, endMs) =>
    cluster
      .logs({ startMs, endMs, limit })
      .map((l) => ({ service: l.service, timeMs: l.timeMs, message: l.line, level: l.level }));
}

export function simulatorLogSource(cluster: SimulatedCluster): LogSource {
  return {
    kind: 'simulator',
    lines: simulatorLogLines(cluster),
    // The shipped model learned public logs; the simulator's templates are outside its vocabulary.
    sequenceModel: async () => ({ unavailable: "the simulator's log templates are outside the model's vocabulary" }),
  };
}

export function simulatorSources(
  cluster: SimulatedCluster,
  config: Pick<AidpeConfig, 'kubernetes' | 'automation' | 'simulator'>
): Sources {
  return {
    mode: 'demo',
    metrics: new SimulatorSource(cluster),
    traces: simulatorTraceSource(cluster),
    logs: simulatorLogSource(cluster),
    actuation: {
      actuator: new SimulatorActuator(cluster),
      targets: simulatorTargets(cluster, config.kubernetes.namespace),
      queries: simulatorStateQueries(cluster.topology.entry),
      // The loop's clock is the simulated one, which the telemetry follows.
      now: () => cluster.timeMs,
      wallIntervalMs: (config.automation.intervalSeconds * 1000) / config.simulator.speed,
      entryService: cluster.topology.entry,
    },
    now: () => cluster.now(),
    serviceGraphMetrics: false,
    evidenceDefaults: SIMULATOR_EVIDENCE_QUERIES,
    entryService: cluster.topology.entry,
    cluster,
  };
}
