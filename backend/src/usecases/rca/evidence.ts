/**
 * Gathers the evidence the root-cause ranking needs for a window: per-service anomaly scores of latency and
 * error ratio (through the telemetry source), and self time / originated errors from traces in a baseline
 * window before the incident and in the incident window; optionally per-service log anomaly (new and
 * deviating templates, and the sequence model's misses when it is loaded) from the simulator or Loki.
 */
import { DEFAULT_THRESHOLD } from '../../engines/anomaly/regions.ts';
import { scoreSeries, seriesKeyOf } from '../../engines/anomaly/scoreSeries.ts';
import type { ServiceEvidence } from '../../engines/rca/rank.ts';
import { buildServiceGraph, type GraphSpan, type ServiceGraph } from '../../engines/rca/serviceGraph.ts';
import type { MetricSeries, TelemetrySource } from '../../telemetry/types.ts';
import { codeEvidence } from '../../engines/rca/codeEvidence.ts';
import {
  combinedLogScore,
  scoreSequence,
  scoreServices,
  sequenceAnomaly,
  templateWindows,
  type NextTemplateProbabilities,
  type RawLogLine,
  type SequenceModelSpec,
  type TemplateVocabulary,
} from '../../engines/rca/logAnomaly.ts';

export interface EvidenceQueries {
  /** One series per service, labelled `service`. */
  latency: string;
  errors: string;
  /** Resource saturation (memory), labelled `service`; several series per service (pods) are fine. */
  resources?: string;
  stepSeconds: number;
}

/** The language of an evidence query: which datasource (Prometheus, Loki, Tempo) can run it. */
export type EvidenceLanguage = 'promql' | 'logql' | 'traceql';

/**
 * The exact query behind one piece of a candidate's evidence, with the time range to look at (baseline start to
 * incident end, so the change is visible), so a UI can open it in Grafana Explore.
 */
export interface EvidenceQuery {
  signal: 'latency' | 'errors' | 'memory' | 'logs' | 'traces';
  language: EvidenceLanguage;
  query: string;
  startMs: number;
  endMs: number;
  /** PromQL only: the resolution the evidence was computed at. */
  stepSeconds?: number;
}

const SIMPLE_SELECTOR = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$/s;

const quoteLabelValue = (v: string): string => JSON.stringify(v);

/**
 * The query narrowed to one service: a plain selector (`metric{a="b"}`) gets a `service="…"` matcher; any other
 * expression is kept whole (it answers one series per service, the service's among them), because rewriting
 * arbitrary PromQL without a parser would be guesswork.
 */
export function withServiceMatcher(promql: string, service: string): string {
  const m = SIMPLE_SELECTOR.exec(promql);
  if (!m || (!m[1] && m[2] === undefined)) {
    return promql;
  }
  const inner = (m[2] ?? '').trim().replace(/,\s*$/, '');
  if (/(^|[\s,{])service\s*(=|!=|=~|!~)/.test(inner)) {
    return promql;
  }
  return `${m[1] ?? ''}{${inner ? `${inner}, ` : ''}service=${quoteLabelValue(service)}}`;
}

/**
 * The evidence queries for a service: its latency, error-ratio and memory series (PromQL), its warning and
 * error logs (LogQL, streams labelled `service` as the demo cluster and its Loki shape label them), and its
 * failing or slow spans (TraceQL on `resource.service.name`).
 */
export function evidenceQueriesFor(
  service: string,
  queries: EvidenceQueries,
  window: { startMs: number; endMs: number }
): EvidenceQuery[] {
  const range = { startMs: window.startMs, endMs: window.endMs };
  const promql = (signal: EvidenceQuery['signal'], q: string): EvidenceQuery => ({
    signal,
    language: 'promql',
    query: withServiceMatcher(q, service),
    ...range,
    stepSeconds: queries.stepSeconds,
  });
  return [
    promql('latency', queries.latency),
    promql('errors', queries.errors),
    ...(queries.resources ? [promql('memory', queries.resources)] : []),
    {
      signal: 'logs',
      language: 'logql',
      query: `{service=${quoteLabelValue(service)}, level=~"error|warn"}`,
      ...range,
    },
    {
      signal: 'traces',
      language: 'traceql',
      query: `{ resource.service.name = ${quoteLabelValue(service)} && (status = error || duration > 500ms) }`,
      ...range,
    },
  ];
}

/** History before the window so the detector is warm: 1,440 steps. */
const WARM_UP_STEPS = 1440;
const ONSET = 0.9;

/** The range a signal's scores need: the window, with WARM_UP_STEPS of history before it. */
function fetchSignal(
  telemetry: TelemetrySource,
  query: string,
  startMs: number,
  endMs: number,
  stepSeconds: number
): Promise<MetricSeries[]> {
  return telemetry
    .queryRange({ query, startMs: startMs - WARM_UP_STEPS * stepSeconds * 1000, endMs, stepSeconds })
    .then((r) => r.series);
}

/** Per service, the peak anomaly score in the window and when it first crossed ONSET. */
function scores(series: MetricSeries[], startMs: number): Map<string, { peak: number; onsetMs: number | undefined }> {
  const out = new Map<string, { peak: number; onsetMs: number | undefined }>();
  for (const s of series) {
    const service = s.labels['service'];
    if (!service) {
      continue;
    }
    const scored = scoreSeries(s.samples, startMs, seriesKeyOf(s.labels), DEFAULT_THRESHOLD);
    // Several series per service (pods): the strongest and earliest signal counts.
    let { peak, onsetMs } = out.get(service) ?? { peak: 0, onsetMs: undefined as number | undefined };
    scored.scores.forEach((v, i) => {
      peak = Math.max(peak, v);
      if (v >= ONSET && (onsetMs === undefined || scored.times[i]! < onsetMs)) {
        onsetMs = scored.times[i];
      }
    });
    out.set(service, { peak, onsetMs });
  }
  return out;
}

/** Per service: share of its spans with an error that no child span of theirs had (the error starts there). */
function ownErrorRates(spans: readonly GraphSpan[]): Map<string, number> {
  const failingChild = new Set<string>();
  for (const s of spans) {
    if (s.error && s.parentSpanId) {
      failingChild.add(`${s.traceId}/${s.parentSpanId}`);
    }
  }
  const calls = new Map<string, number>();
  const own = new Map<string, number>();
  for (const s of spans) {
    calls.set(s.service, (calls.get(s.service) ?? 0) + 1);
    if (s.error && !failingChild.has(`${s.traceId}/${s.spanId}`)) {
      own.set(s.service, (own.get(s.service) ?? 0) + 1);
    }
  }
  return new Map([...calls].map(([svc, n]) => [svc, (own.get(svc) ?? 0) / n]));
}

export interface CollectedEvidence {
  evidence: ServiceEvidence[];
  graph: ServiceGraph;
  baselineGraph: ServiceGraph;
  /** Present when logs were asked for: how they were scored, and anything skipped. */
  logNotes?: string[];
}

/** Where the log evidence comes from: lines of a time range (all services), and the sequence model if loaded. */
export interface LogEvidenceSource {
  lines: (startMs: number, endMs: number) => Promise<RawLogLine[]>;
  sequenceModel?:
    | { spec: SequenceModelSpec; vocabulary: TemplateVocabulary; nextTemplateProbabilities: NextTemplateProbabilities }
    | undefined;
  /** Why there is no sequence model (said in the notes). */
  sequenceModelUnavailable?: string;
}

/** A log anomaly this strong adds a (small) own signal to the ranking; weaker ones are evidence only. */
const LOG_SIGNAL_FROM = 0.5;
/** Log evidence stays a tie-breaker next to traces and metrics: callers log their callee's failures too. */
const LOG_SIGNAL_WEIGHT = 0.3;

/**
 * Per-service log anomaly of the incident window against the baseline window: new / deviating templates,
 * and with the sequence model the miss rate above the baseline's.
 */
export async function logEvidence(
  source: LogEvidenceSource,
  baselineStartMs: number,
  startMs: number,
  endMs: number
): Promise<{
  byService: Map<string, NonNullable<ServiceEvidence['logAnomaly']>>;
  notes: string[];
  lines: { before: RawLogLine[]; now: RawLogLine[] };
}> {
  const [before, now] = await Promise.all([source.lines(baselineStartMs, startMs), source.lines(startMs, endMs)]);
  const windows = templateWindows(before, now, {
    baseline: Math.max(1, startMs - baselineStartMs),
    window: Math.max(1, endMs - startMs),
  });
  const notes = [...windows.notes];
  const model = source.sequenceModel;
  if (!model) {
    notes.push(
      `log sequence model not used (${source.sequenceModelUnavailable ?? 'not loaded'}): log evidence is template frequency only`
    );
  }
  const sequence = new Map<string, number>();
  if (model) {
    const streams = (lines: RawLogLine[]) => {
      const out = new Map<string, number[]>();
      for (const l of [...lines].sort((a, b) => a.timeMs - b.timeMs)) {
        if (typeof l.message !== 'string' || !l.service) {
          continue;
        }
        const ids = out.get(l.service) ?? [];
        ids.push(model.vocabulary.idOf(l.message));
        out.set(l.service, ids);
      }
      return out;
    };
    const base = streams(before);
    for (const [service, ids] of streams(now)) {
      const baseIds = base.get(service) ?? [];
      const [b, w] = [
        await scoreSequence(baseIds, model.spec, model.nextTemplateProbabilities),
        await scoreSequence(ids, model.spec, model.nextTemplateProbabilities, { context: baseIds, minEvents: 3 }),
      ];
      const s = sequenceAnomaly(w, b);
      if (s !== undefined) {
        sequence.set(service, s);
      }
    }
  }
  const byService = new Map<string, NonNullable<ServiceEvidence['logAnomaly']>>();
  for (const r of scoreServices(windows.baseline, windows.window)) {
    const seq = sequence.get(r.service);
    if (r.status === 'scored') {
      const named = r.deviations
        .slice(0, 3)
        .map(
          (d) =>
            `${d.kind} "${(windows.texts.get(d.template) ?? d.template).slice(0, 80)}" ${d.baselineCount} → ${d.count}`
        );
      byService.set(r.service, {
        score: combinedLogScore(r.score, seq) ?? r.score,
        frequencyScore: r.score,
        ...(seq !== undefined ? { sequenceScore: seq } : {}),
        summary: `${r.summary}${named.length ? ` (${named.join('; ')})` : ''}${seq !== undefined ? `; sequence model misses ${(100 * seq).toFixed(0)}% above the baseline` : ''}`,
      });
    } else {
      byService.set(r.service, {
        score: seq ?? 0,
        ...(seq !== undefined ? { sequenceScore: seq } : {}),
        summary: `log anomaly: insufficient data (${r.reason})`,
      });
    }
  }
  return { byService, notes, lines: { before, now } };
}

/** What the evidence is computed from: everything fetched (I/O), nothing computed yet. */
export interface EvidenceInputs {
  startMs: number;
  latency: MetricSeries[];
  errors: MetricSeries[];
  resources: MetricSeries[];
  incidentSpans: GraphSpan[];
  baselineSpans: GraphSpan[];
  /** Present when logs were asked for (computed where the log model lives). */
  logs?: Awaited<ReturnType<typeof logEvidence>> | undefined;
}

export interface EvidenceRequest {
  telemetry: TelemetrySource;
  spans: (startMs: number, endMs: number) => Promise<GraphSpan[]>;
  queries: EvidenceQueries;
  startMs: number;
  endMs: number;
  baselineSeconds?: number;
  /** Optional: per-service log anomaly evidence (without it the evidence is as before). */
  logs?: LogEvidenceSource;
}

/** Fetches what the evidence needs: the signals with their warm-up, the spans of both windows, the log evidence. */
export async function fetchEvidence(input: EvidenceRequest): Promise<EvidenceInputs> {
  const { telemetry, queries, startMs, endMs } = input;
  const baselineStart = startMs - (input.baselineSeconds ?? 1800) * 1000;
  const [latency, errors, resources, incidentSpans, baselineSpans, logs] = await Promise.all([
    fetchSignal(telemetry, queries.latency, startMs, endMs, queries.stepSeconds),
    fetchSignal(telemetry, queries.errors, startMs, endMs, queries.stepSeconds),
    queries.resources
      ? fetchSignal(telemetry, queries.resources, startMs, endMs, queries.stepSeconds)
      : Promise.resolve([]),
    input.spans(startMs, endMs),
    input.spans(baselineStart, startMs),
    input.logs ? logEvidence(input.logs, baselineStart, startMs, endMs) : Promise.resolve(undefined),
  ]);
  return { startMs, latency, errors, resources, incidentSpans, baselineSpans, ...(logs ? { logs } : {}) };
}

/** Scores the fetched signals and builds both windows' graphs (pure; runs in a compute worker). */
export function computeEvidence(inputs: EvidenceInputs): CollectedEvidence {
  const { startMs, incidentSpans, baselineSpans, logs } = inputs;
  const latency = scores(inputs.latency, startMs);
  const errors = scores(inputs.errors, startMs);
  const resources = scores(inputs.resources, startMs);
  const graph = buildServiceGraph(incidentSpans);
  const baselineGraph = buildServiceGraph(baselineSpans);
  const ownNow = ownErrorRates(incidentSpans);
  const ownBefore = ownErrorRates(baselineSpans);
  const services = new Set([...latency.keys(), ...errors.keys(), ...graph.nodes.map((n) => n.id)]);
  // Code-level evidence (call signatures and own time per operation, log templates and paths) from what was fetched.
  const withOp = (xs: GraphSpan[]) => xs.flatMap((s) => (s.operation ? [{ ...s, operation: s.operation }] : []));
  const asRecords = (xs: RawLogLine[]) =>
    xs.flatMap((l) => (typeof l.message === 'string' && l.service ? [{ ...l, message: l.message }] : []));
  const code = codeEvidence({
    ...(incidentSpans.some((s) => s.operation)
      ? { spans: { baseline: withOp(baselineSpans), incident: withOp(incidentSpans) } }
      : {}),
    ...(logs ? { logs: { baseline: asRecords(logs.lines.before), incident: asRecords(logs.lines.now) } } : {}),
    services: [...services],
  });
  const evidence = [...services].sort().map((service): ServiceEvidence => {
    const now = graph.nodes.find((n) => n.id === service);
    const before = baselineGraph.nodes.find((n) => n.id === service);
    const log = logs?.byService.get(service);
    return {
      ...(log ? { logAnomaly: log } : {}),
      ...(log && log.score >= LOG_SIGNAL_FROM
        ? { ownSignals: [{ strength: LOG_SIGNAL_WEIGHT * log.score, line: log.summary }] }
        : {}),
      service,
      latencyScore: latency.get(service)?.peak ?? 0,
      latencyOnsetMs: latency.get(service)?.onsetMs,
      errorScore: errors.get(service)?.peak ?? 0,
      errorOnsetMs: errors.get(service)?.onsetMs,
      resourceScore: resources.get(service)?.peak ?? 0,
      resourceOnsetMs: resources.get(service)?.onsetMs,
      selfMsBaseline: before?.selfMsMean,
      selfMsIncident: now?.selfMsMean,
      ownErrorRateBaseline: ownBefore.get(service),
      ownErrorRateIncident: ownNow.get(service),
      ...(code.signals.has(service) ? { signals: code.signals.get(service) } : {}),
    };
  });
  return { evidence, graph, baselineGraph, ...(logs ? { logNotes: logs.notes } : {}) };
}

export async function collectEvidence(input: EvidenceRequest): Promise<CollectedEvidence> {
  return computeEvidence(await fetchEvidence(input));
}
