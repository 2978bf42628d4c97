/**
 * Evidence per service from a loaded Nezha case (metrics, traces, logs) for the ranking, and the same data in
 * the plain shape the published baselines take. Pure given a loaded case (the I/O is in `nezhaData.ts`).
 *
 * Attribution of latency is the crux (the data README says so): a span's time minus its children's is "self
 * time", but a client span (`HTTP GET` in the caller's pod) whose child is the callee's server span holds the time
 * on the wire, and a network delay on the callee shows up there, i.e. in the *caller's* self time. Here that wire
 * time (client span minus the callee's server span) is split out: its rise on calls into a service is charged to
 * that service, less the rise common to all of a caller's calls (that part is the caller's: it was slow to send
 * or read). Processing time (self time without the wire) stays with the service. Each rise counts only when it
 * exceeds three standard errors, and enters the ranking as its share of all the time the incident added times
 * how much it grew (1 − 2^−log2(after/before): doubling 0.5, tenfold 0.9) — dimensionless, so it compares across
 * systems, and small for a slow drift that happens to be the only added time (a day's data growth).
 *
 * Code-level evidence (exceptions, wrong returns) comes from the engines: per-operation span structure and
 * own-time distributions (`spanEvidence.ts`) and per-service log-template changes (`logTemplateEvidence.ts`),
 * each against the fault-free `construct_data` minute and the same files' lines before the injection.
 */
import {
  metricEvidence,
  symptomCorrelation,
  type MetricEvidence,
  type IncidentWindow,
  type MetricKind,
  type MetricSeries,
} from '../../engines/rca/metricChange.ts';
import type { BaselineInput } from '../../engines/rca/baselines/index.ts';
import { codeEvidence, shareStrength } from '../../engines/rca/codeEvidence.ts';
import type { LogTemplateEvidence } from '../../engines/rca/logTemplateEvidence.ts';
import type { EvidenceSignal, ServiceEvidence } from '../../engines/rca/rank.ts';
import { buildServiceGraph, type ServiceGraph } from '../../engines/rca/serviceGraph.ts';
import type { SpanEvidence } from '../../engines/rca/spanEvidence.ts';
import type { NezhaCase, NezhaMetricSeries, NezhaSpan } from './nezhaData.ts';

const MINUTE = 60_000;
/** Metric baseline: the hour before the injection; incident: the injection minute and the three after it. */
export const NEZHA_METRIC_BASELINE_MS = 60 * MINUTE;
export const NEZHA_METRIC_INCIDENT_MS = 4 * MINUTE;
/** A rise counts when it exceeds this many standard errors of the difference of means. */
const RISE_SE = 3;

interface Moments {
  n: number;
  mean: number;
  m2: number;
}
const add = (m: Moments | undefined, x: number): Moments => {
  const o = m ?? { n: 0, mean: 0, m2: 0 };
  const n = o.n + 1;
  const d = x - o.mean;
  const mean = o.mean + d / n;
  return { n, mean, m2: o.m2 + d * (x - mean) };
};
const variance = (m: Moments): number => (m.n > 1 ? m.m2 / (m.n - 1) : 0);

/** Mean rise b → a when it exceeds RISE_SE standard errors, else 0. */
function significantRise(b: Moments | undefined, a: Moments | undefined): number {
  if (!a || !b || a.n < 3 || b.n < 3) {
    return 0;
  }
  const rise = a.mean - b.mean;
  const se = Math.sqrt(variance(a) / a.n + variance(b) / b.n);
  return rise > RISE_SE * se ? rise : 0;
}

export interface TraceProfile {
  /** Per caller → callee edge (`a->b`): time on the wire of each call. */
  wireEdge: Map<string, Moments>;
  /** Per callee: time on the wire of calls into it. */
  wireIn: Map<string, Moments>;
  /** Per service: processing time of each of its spans (self time without the wire). */
  processing: Map<string, Moments>;
  /** Per service: requests (spans entering it from outside). */
  requests: Map<string, number>;
}

/** Wire and processing time per service from spans (see the header comment). */
export function traceProfile(spans: readonly NezhaSpan[], splitWire = true): TraceProfile {
  const byId = new Map<string, NezhaSpan>();
  for (const s of spans) {
    byId.set(`${s.traceId}/${s.spanId}`, s);
  }
  const childTime = new Map<string, number>();
  const wireOfParent = new Map<string, number>();
  const wireIn = new Map<string, Moments>();
  const wireEdge = new Map<string, Moments>();
  const requests = new Map<string, number>();
  for (const s of spans) {
    const parent = s.parentSpanId ? byId.get(`${s.traceId}/${s.parentSpanId}`) : undefined;
    if (parent) {
      const key = `${s.traceId}/${parent.spanId}`;
      childTime.set(key, (childTime.get(key) ?? 0) + s.durationMs);
    }
    if (!parent || parent.service !== s.service) {
      requests.set(s.service, (requests.get(s.service) ?? 0) + 1);
    }
    if (parent && parent.service !== s.service) {
      const wire = Math.max(0, parent.durationMs - s.durationMs);
      wireIn.set(s.service, add(wireIn.get(s.service), wire));
      const edge = `${parent.service}->${s.service}`;
      wireEdge.set(edge, add(wireEdge.get(edge), wire));
      const key = `${s.traceId}/${parent.spanId}`;
      wireOfParent.set(key, (wireOfParent.get(key) ?? 0) + wire);
    }
  }
  const processing = new Map<string, Moments>();
  for (const s of spans) {
    const key = `${s.traceId}/${s.spanId}`;
    const self = Math.max(0, s.durationMs - Math.min(s.durationMs, childTime.get(key) ?? 0));
    const own = splitWire ? Math.max(0, self - (wireOfParent.get(key) ?? 0)) : self;
    processing.set(s.service, add(processing.get(s.service), own));
  }
  return { wireEdge, wireIn, processing, requests };
}

/** Metric column → kind: a pod's own served latency, success rate, CPU, memory, network, workload. */
export function nezhaMetricKind(column: string): MetricKind {
  if (/^PodServerLatency/.test(column)) {
    return 'latency';
  }
  if (/SuccessRate/.test(column)) {
    return 'availability';
  }
  if (/^Cpu/.test(column)) {
    return 'cpu';
  }
  if (/^Memory/.test(column)) {
    return 'memory';
  }
  if (/^Network/.test(column)) {
    return 'network';
  }
  if (/Workload/.test(column)) {
    return 'traffic';
  }
  // Client latency is the latency of its calls (its callees'); node columns are shared by the node's pods.
  return 'other';
}

export function nezhaMetricSeries(metrics: readonly NezhaMetricSeries[]): MetricSeries[] {
  return metrics
    .filter((m) => m.service !== 'front_service')
    .flatMap((m) => {
      const times = m.times.map((t) => t * 1000);
      return Object.entries(m.columns).map(([name, values]) => ({
        service: m.service,
        name: `${m.pod} ${name}`,
        kind: nezhaMetricKind(name),
        times,
        values,
      }));
    });
}

export function nezhaWindow(injectMs: number): IncidentWindow {
  return {
    baselineStartMs: injectMs - NEZHA_METRIC_BASELINE_MS,
    incidentStartMs: injectMs,
    incidentEndMs: injectMs + NEZHA_METRIC_INCIDENT_MS,
  };
}

/** The method's switches (the defaults are the method; the others exist for ablations). */
export interface NezhaMethodOptions {
  /** `split`: wire time to the callee, less the rise common to all of a caller's calls; `caller`: plain self time. */
  wire: 'split' | 'caller';
  metrics: boolean;
  spans: boolean;
  logs: boolean;
  /** Count the entry (symptom) service's own processing time (off: an asynchronous gateway's span outlives its children). */
  entrySelfTime: boolean;
}

export const NEZHA_METHOD_DEFAULTS: NezhaMethodOptions = {
  wire: 'split',
  metrics: true,
  spans: true,
  logs: true,
  entrySelfTime: false,
};

export interface NezhaEvidence {
  symptom: string;
  /** The user-facing SLI (`front_service.csv`): p95 latency before (median of the hour) and its peak after. */
  symptomSli: { p95Before: number; p95After: number; robustZ: number } | undefined;
  graph: ServiceGraph;
  evidence: ServiceEvidence[];
  spans: SpanEvidence | undefined;
  logs: LogTemplateEvidence | undefined;
  baselineInput: BaselineInput;
}

/** How much a mean grew, 0..1: 1 − before/after (a doubling 0.5, tenfold 0.9); `rise` and `mean` give it directly. */
function growth(b: Moments | undefined, a: Moments | undefined, rise?: number, mean?: number): number {
  if (rise !== undefined && mean !== undefined && mean > 0) {
    return Math.max(0, Math.min(1, rise / mean));
  }
  if (!a || !b || a.mean <= 0) {
    return 0;
  }
  return Math.max(0, 1 - b.mean / a.mean);
}

export function nezhaEvidence(c: NezhaCase, options: Partial<NezhaMethodOptions> = {}): NezhaEvidence {
  const opt = { ...NEZHA_METHOD_DEFAULTS, ...options };
  const injectMs = c.fault.injectMs;
  const incidentSpans = c.spans.filter((s) => s.startMs >= injectMs);
  // Fault-free spans and lines: the construct_data minute and this window's part before the injection.
  const baselineSpans = [...c.baselineSpans, ...c.spans.filter((s) => s.startMs < injectMs)];
  const incidentLogs = c.logs.filter((l) => l.timeMs >= injectMs);
  const baselineLogs = [...c.baselineLogs, ...c.logs.filter((l) => l.timeMs < injectMs)];
  // The call graph: incident and fault-free calls (an edge that went quiet in the incident still exists).
  const graph = buildServiceGraph([...c.baselineSpans, ...incidentSpans]);
  const roots = new Map<string, number>();
  for (const s of [...incidentSpans, ...c.baselineSpans]) {
    if (!s.parentSpanId) {
      roots.set(s.service, (roots.get(s.service) ?? 0) + 1);
    }
  }
  const symptom = [...roots].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 'ts-gateway-service';
  const window = nezhaWindow(injectMs);
  const series = nezhaMetricSeries(c.metrics);
  const metrics = opt.metrics ? metricEvidence(series, window) : new Map<string, MetricEvidence>();
  const front = c.metrics.find((m) => m.pod === 'front_service');
  const sliSeries = front?.columns['LatencyP95(s)'];
  const sli = sliSeries
    ? metricEvidence(
        [
          {
            service: 'front',
            name: 'LatencyP95(s)',
            kind: 'latency',
            times: front!.times.map((t) => t * 1000),
            values: sliSeries,
          },
        ],
        window
      ).get('front')?.changes[0]
    : undefined;

  // Added time: wire per edge (net of the caller's common rise), processing per service.
  // Latency attribution compares with the construct_data minute alone (the data's declared fault-free phase): this
  // window's minutes before the injection can still carry the previous fault (a delay that has not ended).
  const before = traceProfile(c.baselineSpans.length > 0 ? c.baselineSpans : baselineSpans, opt.wire === 'split');
  const after = traceProfile(incidentSpans, opt.wire === 'split');
  const edgeRise = new Map<string, { caller: string; callee: string; riseMs: number; calls: number }>();
  for (const [key, a] of opt.wire === 'split' ? after.wireEdge : []) {
    const [caller, callee] = key.split('->') as [string, string];
    edgeRise.set(key, { caller, callee, riseMs: significantRise(before.wireEdge.get(key), a), calls: a.n });
  }
  const commonRise = new Map<string, number>();
  const outEdges = new Map<string, number[]>();
  for (const e of edgeRise.values()) {
    outEdges.set(e.caller, [...(outEdges.get(e.caller) ?? []), e.riseMs]);
  }
  for (const [caller, rises] of outEdges) {
    if (rises.length >= 2) {
      commonRise.set(caller, Math.max(0, Math.min(...rises)));
    }
  }
  const addedWireIn = new Map<string, number>();
  const addedWireOut = new Map<string, number>();
  for (const e of edgeRise.values()) {
    const common = commonRise.get(e.caller) ?? 0;
    addedWireOut.set(e.caller, (addedWireOut.get(e.caller) ?? 0) + common * e.calls);
    addedWireIn.set(e.callee, (addedWireIn.get(e.callee) ?? 0) + Math.max(0, e.riseMs - common) * e.calls);
  }
  const meanWireOut = (caller: string): number | undefined => {
    let n = 0;
    let sum = 0;
    for (const [key, m] of after.wireEdge) {
      if (key.startsWith(`${caller}->`)) {
        n += m.n;
        sum += m.mean * m.n;
      }
    }
    return n > 0 ? sum / n : undefined;
  };
  const addedProcessing = new Map<string, number>();
  for (const [service, a] of after.processing) {
    if (opt.entrySelfTime || service !== symptom) {
      addedProcessing.set(service, significantRise(before.processing.get(service), a) * a.n);
    }
  }
  const totalAdded =
    [...addedWireIn.values(), ...addedWireOut.values(), ...addedProcessing.values()].reduce((s, x) => s + x, 0) || 1;

  const services = new Set([
    ...graph.nodes.map((n) => n.id),
    ...[...metrics.keys()].filter((s) => s !== 'front_service'),
  ]);
  const code = codeEvidence({
    ...(opt.spans ? { spans: { baseline: baselineSpans, incident: incidentSpans } } : {}),
    ...(opt.logs ? { logs: { baseline: baselineLogs, incident: incidentLogs } } : {}),
    services: [...services],
  });
  const frontSeries = sliSeries
    ? {
        service: 'front',
        name: 'LatencyP95(s)',
        kind: 'latency' as const,
        times: front!.times.map((t) => t * 1000),
        values: sliSeries,
      }
    : undefined;
  const correlation =
    frontSeries && opt.metrics ? symptomCorrelation(series, frontSeries, window) : new Map<string, number>();
  const evidence: ServiceEvidence[] = [];
  for (const service of [...services].sort()) {
    const signals: EvidenceSignal[] = [];
    const traceql = (extra = '') => ({
      language: 'traceql' as const,
      query: `{ resource.service.name = ${JSON.stringify(service)}${extra} }`,
    });
    const wIn = addedWireIn.get(service) ?? 0;
    if (wIn > 0) {
      const b = before.wireIn.get(service);
      const a = after.wireIn.get(service);
      signals.push({
        kind: 'wire-in',
        strength: shareStrength((wIn / totalAdded) * growth(before.wireIn.get(service), after.wireIn.get(service))),
        line: `time on the wire of calls into it ${b?.mean.toFixed(1) ?? '?'} → ${a?.mean.toFixed(1) ?? '?'} ms per call (${a?.n ?? 0} calls; ${((100 * wIn) / totalAdded).toFixed(0)}% of the time the incident added)`,
        query: traceql(' && kind = server'),
      });
    }
    const wOut = addedWireOut.get(service) ?? 0;
    if (wOut > 0) {
      signals.push({
        kind: 'wire-out',
        strength: shareStrength(
          (wOut / totalAdded) * growth(undefined, undefined, commonRise.get(service), meanWireOut(service))
        ),
        line: `time on the wire of its calls to all its callees rose by ${(commonRise.get(service) ?? 0).toFixed(1)} ms per call (${((100 * wOut) / totalAdded).toFixed(0)}% of the added time)`,
        query: traceql(' && kind = client'),
      });
    }
    const proc = addedProcessing.get(service) ?? 0;
    if (proc > 0) {
      const b = before.processing.get(service)!;
      const a = after.processing.get(service)!;
      signals.push({
        kind: 'self-time',
        strength: shareStrength(
          (proc / totalAdded) * growth(before.processing.get(service), after.processing.get(service))
        ),
        line: `self time ${b.mean.toFixed(1)} → ${a.mean.toFixed(1)} ms per span without time on the wire (${a.n} spans; ${((100 * proc) / totalAdded).toFixed(0)}% of the added time)`,
        query: traceql(),
      });
    }
    const m = metrics.get(service);
    const cpu = m?.changes.find((x) => x.series.kind === 'cpu' && x.z >= 3 && x.incidentValue > x.baselineMedian);
    if (cpu && cpu.baselineMedian > 0) {
      signals.push({
        kind: 'cpu',
        strength: Math.log2(cpu.incidentValue / cpu.baselineMedian),
        line: `CPU ${cpu.series.name.split(' ').pop()} ${cpu.baselineMedian.toFixed(1)} → ${cpu.incidentValue.toFixed(1)} (robust z ${cpu.z.toFixed(1)})`,
        query: {
          language: 'promql',
          query: `container_cpu_usage_seconds_total{pod=~${JSON.stringify(`${service}-.*`)}}`,
        },
      });
    }
    signals.push(...(code.signals.get(service) ?? []));
    evidence.push({
      service,
      latencyScore: m?.latencyScore ?? 0,
      latencyOnsetMs: undefined,
      errorScore: m?.errorScore ?? 0,
      errorOnsetMs: undefined,
      resourceScore: m?.resourceScore ?? 0,
      ...(m ? { latencyZ: m.latencyZ, errorZ: m.errorZ, metricLines: m.lines.slice(0, 3) } : {}),
      ...(correlation.has(service) ? { symptomCorrelation: correlation.get(service)! } : {}),
      selfMsBaseline: undefined,
      selfMsIncident: undefined,
      ownErrorRateBaseline: undefined,
      ownErrorRateIncident: undefined,
      signals,
    });
  }
  const toBaselineSpan = (s: NezhaSpan) => ({
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    service: s.service,
    operation: s.operation,
    startMs: s.startMs,
    durationMs: s.durationMs,
  });
  return {
    symptom,
    symptomSli: sli
      ? { p95Before: sli.baselineMedian, p95After: sli.incidentValue, robustZ: Number(sli.z.toFixed(2)) }
      : undefined,
    graph,
    evidence,
    spans: code.spans,
    logs: code.logs,
    baselineInput: {
      symptom,
      symptomKind: 'latency',
      edges: graph.edges,
      metrics: series,
      window,
      spans: { baseline: c.baselineSpans.map(toBaselineSpan), incident: incidentSpans.map(toBaselineSpan) },
      incidentLogs: c.logs.filter((l) => l.timeMs >= injectMs).map((l) => ({ service: l.service, message: l.message })),
    },
  };
}
