/**
 * The simulator's fault-injection suite for RCA: one fault per case (type and service drawn from the seed), the
 * runtime evidence path (`collectEvidence`: the demo's `POST /api/v1/rca`) on a window around the injection with
 * the entry service as the symptom, as an evaluation case with the simulator's ground truth. The anchors get the
 * same window's series (latency p95, error ratio, CPU, memory, request rate per service) and spans.
 */
import {
  ALL_FAULT_TYPES,
  FAULT_SUITE_TELEMETRY,
  SimulatedCluster,
  defaultTopology,
  syntheticDiurnalTrace,
} from '../../sim/index.ts';
import { SimulatorSource } from '../../telemetry/simulatorSource.ts';
import type { TelemetrySource } from '../../telemetry/types.ts';
import { Rng, hash32 } from '../../sim/random.ts';
import { symptomCorrelation, type MetricKind, type MetricSeries } from '../../engines/rca/metricChange.ts';
import { collectEvidence } from '../../usecases/rca/evidence.ts';
import { SIMULATOR_EVIDENCE_QUERIES, simulatorLogLines, simulatorSpans } from '../../sources/simulator.ts';
import type { EvalCase } from './evalCore.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** The windows the suite asks about: 30 minutes of baseline, the incident from 5 minutes before the fault to 10 after. */
const BASELINE_MS = 30 * MINUTE;

/** The series the anchors get: one per service and kind, as the demo's Prometheus would serve them. */
const ANCHOR_SERIES: Array<{ query: string; kind: MetricKind }> = [
  { query: 'aidpe_sim_latency_seconds{quantile="0.95"}', kind: 'latency' },
  { query: 'aidpe_sim_error_ratio', kind: 'errors' },
  { query: 'aidpe_sim_cpu_utilization', kind: 'cpu' },
  { query: 'aidpe_sim_memory_bytes', kind: 'memory' },
  { query: 'aidpe_sim_request_rate', kind: 'traffic' },
];

async function anchorSeries(telemetry: TelemetrySource, startMs: number, endMs: number): Promise<MetricSeries[]> {
  const out: MetricSeries[] = [];
  for (const { query, kind } of ANCHOR_SERIES) {
    const r = await telemetry.queryRange({
      query,
      startMs,
      endMs,
      stepSeconds: SIMULATOR_EVIDENCE_QUERIES.stepSeconds,
    });
    for (const s of r.series) {
      const service = s.labels['service'];
      if (service) {
        out.push({
          service,
          name: `${query}${s.labels['pod'] ? ` pod=${s.labels['pod']}` : ''}`,
          kind,
          times: s.samples.map(([t]) => t * 1000),
          values: s.samples.map(([, v]) => v),
          query,
        });
      }
    }
  }
  return out;
}

export async function simEvalCase(index: number, baseSeed: number): Promise<EvalCase> {
  const seed = hash32(baseSeed, 'rca-case', index);
  const rng = new Rng(seed);
  const topology = defaultTopology();
  const services = topology.services.map((s) => s.name).filter((s) => s !== topology.entry);
  const service = rng.pick(services);
  // Infrastructure and code-level faults (exception, wrong_return) alike.
  const type = rng.pick(ALL_FAULT_TYPES);
  const start = Date.UTC(2025, 0, 1);
  const cluster = new SimulatedCluster({
    seed,
    topology,
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: start,
    historyRetentionSeconds: 8 * 3600,
    // Healthy services' routine errors in the logs, span attributes for the code-level evidence.
    ...FAULT_SUITE_TELEMETRY,
  });
  const injectAt = start + 6 * HOUR + Math.round(rng.uniform(0, 3600)) * 1000;
  cluster.injectFault({ service, type, startMs: injectAt, endMs: injectAt + 30 * MINUTE, intensity: 1.5 });
  cluster.advance((injectAt - start) / 1000 + 10 * 60);
  const t0 = performance.now();
  const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });
  const startMs = injectAt - 5 * MINUTE;
  const endMs = injectAt + 10 * MINUTE;
  const collected = await collectEvidence({
    telemetry,
    spans: async (a, b) => simulatorSpans(cluster, a, b),
    queries: SIMULATOR_EVIDENCE_QUERIES,
    startMs,
    endMs,
    baselineSeconds: BASELINE_MS / 1000,
    // The simulator's log lines are outside the shipped sequence model's vocabulary (BGL, Nezha): frequency only.
    logs: {
      lines: simulatorLogLines(cluster),
      sequenceModelUnavailable: "the simulator's log templates are outside the model's vocabulary",
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const [metrics, baselineSpans, incidentSpans] = await Promise.all([
    anchorSeries(telemetry, startMs - BASELINE_MS, endMs),
    Promise.resolve(simulatorSpans(cluster, startMs - BASELINE_MS, startMs)),
    Promise.resolve(simulatorSpans(cluster, startMs, endMs)),
  ]);
  const withOp = (s: (typeof incidentSpans)[number]) => ({ ...s, operation: s.operation ?? s.service });
  // How each service's latency follows the entry's (the live path would compute this from the same queries).
  const window = { baselineStartMs: startMs - BASELINE_MS, incidentStartMs: startMs, incidentEndMs: endMs };
  const entryLatency = metrics.find((m) => m.service === topology.entry && m.kind === 'latency');
  const correlation = entryLatency ? symptomCorrelation(metrics, entryLatency, window) : new Map<string, number>();
  const evidence = collected.evidence.map((e) =>
    correlation.has(e.service) ? { ...e, symptomCorrelation: correlation.get(e.service)! } : e
  );
  return {
    dataset: 'sim',
    group: `seed ${baseSeed}`,
    id: `sim#${index}`,
    kind: type,
    truth: service,
    symptom: topology.entry,
    graph: collected.graph,
    evidence,
    baselineInput: {
      symptom: topology.entry,
      symptomKind: 'latency',
      edges: collected.graph.edges,
      metrics,
      window,
      spans: { baseline: baselineSpans.map(withOp), incident: incidentSpans.map(withOp) },
      incidentLogs: (await simulatorLogLines(cluster)(startMs, endMs)).map((l) => ({
        service: l.service,
        message: typeof l.message === 'string' ? l.message : '',
      })),
    },
    absent: [],
    loadSeconds: seconds,
  };
}
