/**
 * Root-cause evaluation on the Nezha dataset: evidence per service from a loaded case (metrics, traces, logs),
 * the ranking through `rankRootCauses`, the rule-based baseline the dataset README describes, and the
 * per-case result the CLI summarises. Pure given a loaded case (the I/O is in `nezha.ts`).
 *
 * Attribution of latency is the crux (the README says so): a span's time minus its children's is "self time",
 * but a client span (`HTTP GET` in the caller's pod) whose child is the callee's server span holds the time
 * on the wire, and a network delay on the callee shows up there, i.e. in the *caller's* self time. Here that
 * wire time (client span minus the callee's server span) is split out: it is charged to the callee when it
 * rises on calls into it (a delay on all of a service's callers' calls to it points at it), and to the caller
 * only when it rises on the calls to every one of its callees. Processing time (self time without the wire)
 * stays with the service.
 */
import { Drain, AIDPE_MASKS } from '../../engines/rca/logparse/drain.ts';
import {
  PROPAGATION_WEIGHT,
  rankRootCauses,
  type ConfidenceTier,
  type RcaRanking,
  type ServiceEvidence,
} from '../../engines/rca/rank.ts';
import { buildServiceGraph, type ServiceGraph } from '../../engines/rca/serviceGraph.ts';
import type { NezhaCase, NezhaLogLine, NezhaMetricSeries, NezhaSpan } from './nezhaData.ts';

const MINUTE = 60_000;
/** Metric baseline: the hour before the injection. */
const METRIC_BASELINE_MS = 60 * MINUTE;
/** Metric incident window: the injection minute and the three after it (samples come about once a minute). */
const METRIC_INCIDENT_MS = 4 * MINUTE;

export interface WireStats {
  /** Calls (client span → server span across services) and their mean time on the wire (ms). */
  calls: number;
  meanMs: number;
}

export interface TraceProfile {
  /** Per callee service: time on the wire of calls into it. */
  wireIn: Map<string, WireStats>;
  /** Per caller → callee edge (`a->b`). */
  wireEdge: Map<string, WireStats>;
  /** Per service: processing time per request (self time without the wire, ms; requests = its entry spans). */
  processingMs: Map<string, number>;
  requests: Map<string, number>;
}

function addWire(map: Map<string, WireStats>, key: string, ms: number): void {
  const w = map.get(key) ?? { calls: 0, meanMs: 0 };
  w.calls++;
  w.meanMs += (ms - w.meanMs) / w.calls;
  map.set(key, w);
}

/** Wire and processing time per service from spans (see the header comment). */
export function traceProfile(spans: readonly NezhaSpan[], splitWire = true): TraceProfile {
  const byId = new Map<string, NezhaSpan>();
  for (const s of spans) {
    byId.set(`${s.traceId}/${s.spanId}`, s);
  }
  const childTime = new Map<string, number>();
  const wireOfParent = new Map<string, number>();
  const wireIn = new Map<string, WireStats>();
  const wireEdge = new Map<string, WireStats>();
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
      addWire(wireIn, s.service, wire);
      addWire(wireEdge, `${parent.service}->${s.service}`, wire);
      // The parent's self time holds this wire time: remove it from the caller's processing time below.
      const key = `${s.traceId}/${parent.spanId}`;
      wireOfParent.set(key, (wireOfParent.get(key) ?? 0) + wire);
    }
  }
  const processingTotal = new Map<string, number>();
  for (const s of spans) {
    const key = `${s.traceId}/${s.spanId}`;
    const self = Math.max(0, s.durationMs - Math.min(s.durationMs, childTime.get(key) ?? 0));
    const own = splitWire ? Math.max(0, self - (wireOfParent.get(key) ?? 0)) : self;
    processingTotal.set(s.service, (processingTotal.get(s.service) ?? 0) + own);
  }
  const processingMs = new Map(
    [...processingTotal].map(([svc, total]) => [svc, total / Math.max(1, requests.get(svc) ?? 0)])
  );
  return { wireIn, wireEdge, processingMs, requests };
}

interface RobustZ {
  z: number;
  before: number;
  after: number;
}

/** Largest robust z (median / MAD of the baseline) of the incident samples, signed towards `direction`. */
export function robustZ(
  times: readonly number[],
  values: readonly number[],
  injectMs: number,
  direction: 1 | -1 = 1
): RobustZ | undefined {
  const base: number[] = [];
  const inc: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const ms = times[i]! * 1000;
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      continue;
    }
    if (ms >= injectMs - METRIC_BASELINE_MS && ms < injectMs) {
      base.push(v);
    } else if (ms >= injectMs && ms < injectMs + METRIC_INCIDENT_MS) {
      inc.push(v);
    }
  }
  if (base.length < 5 || inc.length === 0) {
    return undefined;
  }
  const sorted = [...base].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  const mad = [...base.map((v) => Math.abs(v - median))].sort((a, b) => a - b)[base.length >> 1]!;
  // 1.4826·MAD estimates σ; a floor keeps flat series (MAD 0) from turning noise into huge z.
  const scale = Math.max(1.4826 * mad, 0.05 * Math.abs(median), 1e-6);
  let best: RobustZ = { z: 0, before: median, after: median };
  for (const v of inc) {
    const z = (direction * (v - median)) / scale;
    if (z > best.z) {
      best = { z, before: median, after: v };
    }
  }
  return best;
}

const zToScore = (z: number): number => (z > 0 ? 1 - Math.exp(-z / 4) : 0);

/** Log level of a TrainTicket log line (`19:50:59.971 ERROR o.a.…`). */
function levelOf(message: string): string {
  return /^\S+\s+(ERROR|WARN|INFO|DEBUG|TRACE)\b/.exec(message)?.[1] ?? '';
}

/** The message without the time, trace and span ids (all variable) for template mining. */
function logContent(message: string): string {
  return message.replace(/^\S+\s+/, '').replace(/TraceID:\s*\S+\s*SpanID:\s*\S+\s*/, '');
}

export interface LogProfile {
  /** Per service: error (and exception) lines per minute, and lines of templates not seen in the baseline. */
  errorsPerMinute: Map<string, number>;
  newTemplateLines: Map<string, number>;
  newTemplates: Map<string, Set<string>>;
}

/**
 * Templates from a Drain parser fed the baseline first: error templates (ERROR level, or an exception/fail
 * word) per minute per service, and lines whose template the fault-free minute never produced.
 */
export function logProfiles(
  baseline: readonly NezhaLogLine[],
  incident: readonly NezhaLogLine[],
  incidentMinutes: number
): { before: LogProfile; after: LogProfile } {
  const drain = new Drain({ masking: AIDPE_MASKS, simTh: 0.5 });
  const seen = new Set<string>();
  const profile = (lines: readonly NezhaLogLine[], minutes: number, learn: boolean): LogProfile => {
    const errors = new Map<string, number>();
    const fresh = new Map<string, number>();
    const freshIds = new Map<string, Set<string>>();
    for (const l of lines) {
      const content = logContent(l.message);
      const cluster = drain.addLogMessage(content).cluster;
      const id = `${l.service}#${cluster.id}`;
      if (levelOf(l.message) === 'ERROR' || /exception|fail|error/i.test(content)) {
        errors.set(l.service, (errors.get(l.service) ?? 0) + 1 / minutes);
      }
      if (learn) {
        seen.add(id);
      } else if (!seen.has(id)) {
        fresh.set(l.service, (fresh.get(l.service) ?? 0) + 1);
        const set = freshIds.get(l.service) ?? new Set<string>();
        set.add(drain.template(cluster));
        freshIds.set(l.service, set);
      }
    }
    return { errorsPerMinute: errors, newTemplateLines: fresh, newTemplates: freshIds };
  };
  const before = profile(baseline, 1, true);
  const after = profile(incident, incidentMinutes, false);
  return { before, after };
}

export interface NezhaEvidence {
  symptom: string;
  /** The user-facing SLI (`front_service.csv`): p95 latency before (median of the hour) and its peak after. */
  symptomSli: { p95Before: number; p95After: number; robustZ: number } | undefined;
  graph: ServiceGraph;
  evidence: ServiceEvidence[];
}

/** The method's switches and scales (the defaults are the method; the others exist for ablations). */
export interface NezhaMethodOptions {
  /** `split`: wire time to the callee, less the rise common to all of a caller's calls (the caller's); `caller`: all of it stays in the caller's self time (plain self time). */
  wire: 'split' | 'caller';
  /** Added own latency per minute that counts as one unit of own evidence: strength = log2(1 + added / scale). */
  addedMsPerMinuteScale: number;
  /** CPU usage rise (percentage points) per unit of own evidence (capped at 2); 0 switches CPU off. */
  cpuPointsPerUnit: number;
  /** Error and new-template log evidence. */
  logs: boolean;
  /** Count the entry (symptom) service's own processing time (off: see the comment where it is used). */
  entrySelfTime: boolean;
  /** The ranking's propagation (personalised PageRank) weight; 0 ranks on evidence alone. */
  propagationWeight: number;
}

export const NEZHA_METHOD_DEFAULTS: NezhaMethodOptions = {
  wire: 'split',
  addedMsPerMinuteScale: 1000,
  cpuPointsPerUnit: 25,
  logs: true,
  entrySelfTime: false,
  propagationWeight: PROPAGATION_WEIGHT,
};

/** Evidence per service for `rankRootCauses` from one case. */
export function nezhaEvidence(c: NezhaCase, options: Partial<NezhaMethodOptions> = {}): NezhaEvidence {
  const opt = { ...NEZHA_METHOD_DEFAULTS, ...options };
  /** Added own latency (ms summed over the incident) per minute, on rank.ts's own-evidence scale. */
  const addedStrength = (msPerMinute: number): number =>
    msPerMinute > 0 ? Math.log2(1 + msPerMinute / opt.addedMsPerMinuteScale) : 0;
  const injectMs = c.fault.injectMs;
  const incidentSpans = c.spans.filter((s) => s.startMs >= injectMs);
  const incidentEndMs = incidentSpans.reduce((end, s) => Math.max(end, s.startMs), injectMs + MINUTE);
  const incidentMinutes = Math.max(0.5, (incidentEndMs - injectMs) / MINUTE);
  // The call graph: incident and fault-free calls (an edge that went quiet in the incident still exists).
  const graph = buildServiceGraph([...c.baselineSpans, ...incidentSpans]);
  const roots = new Map<string, number>();
  for (const s of [...incidentSpans, ...c.baselineSpans]) {
    if (!s.parentSpanId) {
      roots.set(s.service, (roots.get(s.service) ?? 0) + 1);
    }
  }
  const symptom = [...roots].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 'ts-gateway-service';
  const before = traceProfile(c.baselineSpans, opt.wire === 'split');
  const after = traceProfile(incidentSpans, opt.wire === 'split');
  const logs = logProfiles(
    c.baselineLogs,
    c.logs.filter((l) => l.timeMs >= injectMs),
    incidentMinutes
  );
  const metricsByService = new Map<string, NezhaMetricSeries[]>();
  for (const m of c.metrics) {
    metricsByService.set(m.service, [...(metricsByService.get(m.service) ?? []), m]);
  }

  // Wire time per edge: the rise common to all of a caller's callees is the caller's (it was slow to send or
  // to read the answers: CPU starvation, its own network); the rest of an edge's rise is the callee's.
  const edgeRise = new Map<string, { caller: string; callee: string; riseMs: number; calls: number }>();
  for (const [key, a] of opt.wire === 'split' ? after.wireEdge : []) {
    const b = before.wireEdge.get(key);
    if (!b || a.calls < 3) {
      continue;
    }
    const [caller, callee] = key.split('->') as [string, string];
    edgeRise.set(key, { caller, callee, riseMs: a.meanMs - b.meanMs, calls: a.calls });
  }
  const commonRise = new Map<string, number>();
  const outEdges = new Map<string, Array<{ riseMs: number; calls: number }>>();
  for (const e of edgeRise.values()) {
    outEdges.set(e.caller, [...(outEdges.get(e.caller) ?? []), e]);
  }
  for (const [caller, es] of outEdges) {
    if (es.length >= 2) {
      commonRise.set(caller, Math.max(0, Math.min(...es.map((e) => e.riseMs))));
    }
  }
  const wireToCallee = new Map<string, { addedMs: number; calls: number }>();
  const wireToCaller = new Map<string, { addedMs: number; calls: number }>();
  for (const e of edgeRise.values()) {
    const common = commonRise.get(e.caller) ?? 0;
    const mine = wireToCaller.get(e.caller) ?? { addedMs: 0, calls: 0 };
    wireToCaller.set(e.caller, { addedMs: mine.addedMs + common * e.calls, calls: mine.calls + e.calls });
    const theirs = wireToCallee.get(e.callee) ?? { addedMs: 0, calls: 0 };
    wireToCallee.set(e.callee, {
      addedMs: theirs.addedMs + Math.max(0, e.riseMs - common) * e.calls,
      calls: theirs.calls + e.calls,
    });
  }

  const services = new Set([
    ...graph.nodes.map((n) => n.id),
    ...[...metricsByService.keys()].filter((s) => s !== 'front_service'),
  ]);
  const evidence: ServiceEvidence[] = [];
  for (const service of [...services].sort()) {
    const signals: Array<{ strength: number; line: string }> = [];
    const wb = before.wireIn.get(service);
    const wa = after.wireIn.get(service);
    const wIn = wireToCallee.get(service);
    if (wIn && wIn.addedMs > 0 && wb && wa) {
      signals.push({
        strength: addedStrength(wIn.addedMs / incidentMinutes),
        line: `time on the wire of calls into it ${wb.meanMs.toFixed(1)} → ${wa.meanMs.toFixed(1)} ms per call (${wa.calls} calls; +${(wIn.addedMs / incidentMinutes / 1000).toFixed(1)} s per minute its own)`,
      });
    }
    const wOut = wireToCaller.get(service);
    if (wOut && wOut.addedMs > 0) {
      signals.push({
        strength: addedStrength(wOut.addedMs / incidentMinutes),
        line: `time on the wire of its calls to all its callees rose by ${(commonRise.get(service) ?? 0).toFixed(1)} ms per call`,
      });
    }
    // Processing time (self time without the wire). Not for the entry service: an asynchronous gateway's
    // handler span outlives its children, so its "self time" grows with everything downstream.
    const pb = before.processingMs.get(service);
    const pa = after.processingMs.get(service);
    const requests = after.requests.get(service) ?? 0;
    if (
      (opt.entrySelfTime || service !== symptom) &&
      pb !== undefined &&
      pa !== undefined &&
      requests >= 3 &&
      pa > pb
    ) {
      signals.push({
        strength: addedStrength(((pa - pb) * requests) / incidentMinutes),
        line: `self time ${pb.toFixed(1)} → ${pa.toFixed(1)} ms per request without time on the wire (${requests} requests)`,
      });
    }
    // Metrics: CPU is the service's own; server latency is the symptom at this service.
    let latencyZ = 0;
    let cpuZ: RobustZ | undefined;
    let successZ = 0;
    for (const m of metricsByService.get(service) ?? []) {
      for (const col of ['PodServerLatencyP95(s)', 'PodServerLatencyP90(s)']) {
        const r = m.columns[col] ? robustZ(m.times, m.columns[col]!, injectMs) : undefined;
        if (r) {
          latencyZ = Math.max(latencyZ, r.z);
        }
      }
      const cpu = m.columns['CpuUsageRate(%)'] ? robustZ(m.times, m.columns['CpuUsageRate(%)']!, injectMs) : undefined;
      if (cpu && (!cpuZ || cpu.z > cpuZ.z)) {
        cpuZ = cpu;
      }
      const ok = m.columns['PodSuccessRate(%)']
        ? robustZ(m.times, m.columns['PodSuccessRate(%)']!, injectMs, -1)
        : undefined;
      if (ok) {
        successZ = Math.max(successZ, ok.z);
      }
    }
    // Strength from the rise in percentage points: saturation matters, not how quiet the hour before was.
    if (opt.cpuPointsPerUnit > 0 && cpuZ && cpuZ.z >= 3 && cpuZ.after > cpuZ.before) {
      signals.push({
        strength: Math.min(2, (cpuZ.after - cpuZ.before) / opt.cpuPointsPerUnit),
        line: `CPU usage ${cpuZ.before.toFixed(1)}% → ${cpuZ.after.toFixed(1)}% (robust z ${cpuZ.z.toFixed(1)})`,
      });
    }
    // Logs: error lines it writes, and lines of templates the fault-free minute never had.
    const eb = logs.before.errorsPerMinute.get(service) ?? 0;
    const ea = logs.after.errorsPerMinute.get(service) ?? 0;
    if (opt.logs && ea > eb + 2) {
      signals.push({
        strength: Math.min(1, Math.log2(1 + (ea - eb) / (eb + 5)) / 2),
        line: `error log lines ${eb.toFixed(0)} → ${ea.toFixed(0)} per minute`,
      });
    }
    const fresh = logs.after.newTemplateLines.get(service) ?? 0;
    if (opt.logs && fresh >= 3) {
      signals.push({
        strength: Math.min(0.5, Math.log2(1 + fresh / 20) / 2),
        line: `${logs.after.newTemplates.get(service)?.size ?? 0} log template(s) not seen in the fault-free minute (${fresh} lines), e.g. "${[...(logs.after.newTemplates.get(service) ?? [])][0]?.slice(0, 120) ?? ''}"`,
      });
    }
    evidence.push({
      service,
      latencyScore: zToScore(latencyZ),
      latencyOnsetMs: undefined,
      errorScore: zToScore(successZ),
      errorOnsetMs: undefined,
      // Self time and own errors come as signals above (self time here without the wire).
      selfMsBaseline: undefined,
      selfMsIncident: undefined,
      ownErrorRateBaseline: undefined,
      ownErrorRateIncident: undefined,
      ownSignals: signals,
    });
  }
  const front = c.metrics.find((m) => m.pod === 'front_service');
  const sli = front?.columns['LatencyP95(s)']
    ? robustZ(front.times, front.columns['LatencyP95(s)']!, injectMs)
    : undefined;
  return {
    symptom,
    symptomSli: sli ? { p95Before: sli.before, p95After: sli.after, robustZ: Number(sli.z.toFixed(2)) } : undefined,
    graph,
    evidence,
  };
}

export function rankNezhaCase(
  c: NezhaCase,
  options: Partial<NezhaMethodOptions> = {}
): RcaRanking & { symptomSli: NezhaEvidence['symptomSli'] } {
  const { symptom, symptomSli, graph, evidence } = nezhaEvidence(c, options);
  return {
    ...rankRootCauses(symptom, graph, evidence, {
      propagationWeight: options.propagationWeight ?? NEZHA_METHOD_DEFAULTS.propagationWeight,
    }),
    symptomSli,
  };
}

/**
 * The rule-based baseline of the dataset README, per service: metric columns beyond 3σ of the hour before
 * (count), spans slower than 3× their operation's fault-free p95 (share of its spans), and error-keyword
 * log lines (count); each normalised by its largest value across services, summed.
 */
export function ruleBaselineRanking(c: NezhaCase): Array<{ service: string; score: number }> {
  const injectMs = c.fault.injectMs;
  const metricFlags = new Map<string, number>();
  for (const m of c.metrics) {
    if (m.service === 'front_service') {
      continue;
    }
    let flags = 0;
    for (const values of Object.values(m.columns)) {
      const base: number[] = [];
      const inc: number[] = [];
      m.times.forEach((t, i) => {
        const v = values[i]!;
        if (!Number.isFinite(v)) {
          return;
        }
        if (t * 1000 >= injectMs - METRIC_BASELINE_MS && t * 1000 < injectMs) {
          base.push(v);
        } else if (t * 1000 >= injectMs && t * 1000 < injectMs + METRIC_INCIDENT_MS) {
          inc.push(v);
        }
      });
      if (base.length < 5 || inc.length === 0) {
        continue;
      }
      const mean = base.reduce((a, b) => a + b, 0) / base.length;
      const sd = Math.sqrt(base.reduce((a, b) => a + (b - mean) ** 2, 0) / base.length);
      if (inc.some((v) => Math.abs(v - mean) > 3 * sd && sd > 0)) {
        flags++;
      }
    }
    metricFlags.set(m.service, (metricFlags.get(m.service) ?? 0) + flags);
  }
  const p95 = new Map<string, number>();
  const byOp = new Map<string, number[]>();
  for (const s of c.baselineSpans) {
    const key = `${s.service}|${s.operation}`;
    byOp.set(key, [...(byOp.get(key) ?? []), s.durationMs]);
  }
  for (const [key, xs] of byOp) {
    p95.set(key, [...xs].sort((a, b) => a - b)[Math.floor(0.95 * (xs.length - 1))]!);
  }
  const slow = new Map<string, number>();
  const total = new Map<string, number>();
  for (const s of c.spans) {
    if (s.startMs < injectMs) {
      continue;
    }
    total.set(s.service, (total.get(s.service) ?? 0) + 1);
    const limit = p95.get(`${s.service}|${s.operation}`);
    if (limit !== undefined && s.durationMs > 3 * limit) {
      slow.set(s.service, (slow.get(s.service) ?? 0) + 1);
    }
  }
  const slowShare = new Map([...slow].map(([svc, n]) => [svc, n / (total.get(svc) ?? 1)]));
  const errorWords = new Map<string, number>();
  for (const l of c.logs) {
    if (l.timeMs >= injectMs && /error|exception|fail/i.test(l.message)) {
      errorWords.set(l.service, (errorWords.get(l.service) ?? 0) + 1);
    }
  }
  const norm = (m: Map<string, number>) => {
    const max = Math.max(0, ...m.values());
    return (svc: string) => (max > 0 ? (m.get(svc) ?? 0) / max : 0);
  };
  const [a, b, e] = [norm(metricFlags), norm(slowShare), norm(errorWords)];
  const services = new Set([...metricFlags.keys(), ...slowShare.keys(), ...errorWords.keys()]);
  return [...services]
    .map((service) => ({ service, score: a(service) + b(service) + e(service) }))
    .filter((x) => x.score > 0)
    .sort((x, y) => y.score - x.score || x.service.localeCompare(y.service));
}

export interface NezhaCaseResult {
  id: string;
  injectTime: string;
  type: string;
  truth: string;
  /** 1-based rank of the true service; undefined when not among the candidates. */
  rank: number | undefined;
  baselineRank: number | undefined;
  tier: ConfidenceTier;
  symptom: string;
  symptomSli: NezhaEvidence['symptomSli'];
  top5: Array<{ service: string; score: number; path: string[]; evidence: string[]; whyLower?: string }>;
  baselineTop5: Array<{ service: string; score: number }>;
  explanation: string;
  seconds: number;
  counts: NezhaCase['counts'];
}

export function evaluateNezhaCase(c: NezhaCase): NezhaCaseResult {
  const t0 = performance.now();
  const ranking = rankNezhaCase(c);
  const seconds = (performance.now() - t0) / 1000;
  const baseline = ruleBaselineRanking(c);
  const idx = ranking.candidates.findIndex((x) => x.service === c.fault.service);
  const bIdx = baseline.findIndex((x) => x.service === c.fault.service);
  return {
    id: c.fault.id,
    injectTime: c.fault.injectTime,
    type: c.fault.type,
    truth: c.fault.service,
    rank: idx >= 0 ? idx + 1 : undefined,
    baselineRank: bIdx >= 0 ? bIdx + 1 : undefined,
    tier: ranking.tier,
    symptom: ranking.symptom,
    symptomSli: ranking.symptomSli,
    top5: ranking.candidates.slice(0, 5).map((x) => ({
      service: x.service,
      score: Number(x.score.toFixed(4)),
      path: x.path,
      evidence: x.evidence,
      ...(x.whyLower ? { whyLower: x.whyLower } : {}),
    })),
    baselineTop5: baseline.slice(0, 5).map((x) => ({ service: x.service, score: Number(x.score.toFixed(4)) })),
    explanation: ranking.explanation,
    seconds,
    counts: c.counts,
  };
}
