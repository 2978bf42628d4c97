/**
 * The embedded demo cluster as Sources: its metric history answers PromQL selectors, its sampled traces and
 * log lines feed root-cause evidence, and the simulator actuator scales its Deployments and HPAs. The only
 * place where simulator data is adapted to the shapes the use cases consume.
 */
import type { AidpeConfig } from '../config/config.ts';
import { simulatorStateQueries } from '../automation/serviceState.ts';
import { SimulatorActuator } from '../automation/simulatorActuator.ts';
import { simulatorTargets } from '../automation/targets.ts';
import type { RawLogLine } from '../engines/rca/logAnomaly.ts';
import type { GraphSpan } from '../engines/rca/serviceGraph.ts';
import type { SimulatedCluster } from '../sim/cluster.ts';
import type { SpanAttributeValue } from '../sim/traces.ts';
import { SimulatorSource } from '../telemetry/simulatorSource.ts';
import type { EvidenceQueryDefaults, LogSource, Sources, TraceSource } from './types.ts';

/** The simulator's own metric names behind root-cause evidence. */
export const SIMULATOR_EVIDENCE_QUERIES: EvidenceQueryDefaults = {
  latency: 'aidpe_sim_latency_seconds{quantile="0.95"}',
  errors: 'aidpe_sim_error_ratio',
  resources: 'aidpe_sim_memory_bytes',
  stepSeconds: 15,
};

/**
 * A simulator span as a call-graph span, plus what evidence for code-level faults reads: the operation (the
 * span name), the pod and the span attributes (`response.size`, `retry.attempt`, `exception.type`, … —
 * present with the cluster's detailed telemetry, and on spans that threw or were retried).
 */
export interface SimulatorSpan extends GraphSpan {
  operation: string;
  /** The pod that served the span (detailed telemetry). */
  pod?: string;
  attributes?: Readonly<Record<string, SpanAttributeValue>>;
}

/** The cluster's sampled traces of a range as call-graph spans. */
export function simulatorSpans(
  cluster: SimulatedCluster,
  startMs: number,
  endMs: number,
  limit = 400
): SimulatorSpan[] {
  return cluster.traces({ startMs, endMs, limit }).flatMap((t) =>
    t.spans.map((s) => {
      const pod = s.attributes?.['k8s.pod.name'];
      return {
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId || undefined,
        service: s.service,
        startMs: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000,
        durationMs: s.durationNanos / 1e6,
        error: s.status === 'error',
        operation: s.operation,
        ...(typeof pod === 'string' ? { pod } : {}),
        ...(s.attributes ? { attributes: s.attributes } : {}),
      };
    })
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

/** A simulator log line with the pod that wrote it and the trace it belongs to (when it names one). */
export interface SimulatorLogLine extends RawLogLine {
  pod: string;
  traceId?: string;
}

/** The cluster's log lines (all services) of a range. */
export function simulatorLogLines(
  cluster: SimulatedCluster,
  limit = 100_000
): (startMs: number, endMs: number) => Promise<SimulatorLogLine[]> {
  return async (startMs, endMs) =>
    cluster.logs({ startMs, endMs, limit }).map((l) => ({
      service: l.service,
      timeMs: l.timeMs,
      message: l.line,
      level: l.level,
      pod: l.pod,
      ...(l.traceId !== undefined ? { traceId: l.traceId } : {}),
    }));
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
