/**
 * Root-cause analysis as the API, the incident pages and the evaluations ask for it: evidence for a window
 * from the Sources (metrics, traces, logs), the call graph (Tempo's service-graph metrics when present, else
 * sampled traces), the ranking, Node Graph frames and the exact queries behind each candidate's evidence.
 */
import { buildServiceGraph, toNodeGraphFrames, type ServiceGraph } from '../../engines/rca/serviceGraph.ts';
import type { Sources } from '../../sources/types.ts';
import { tempoServiceGraph } from '../../telemetry/tempoServiceGraph.ts';
import { BadRequestError, NotConfiguredError } from '../errors.ts';
import { parseWindow } from '../time.ts';
import { InlineCompute, type Compute } from '../../compute/pool.ts';
import { checkRcaWindow } from '../budgets.ts';
import { evidenceQueriesFor, fetchEvidence, type EvidenceQueries, type LogEvidenceSource } from './evidence.ts';

/** The baseline window before the incident window that self time and own errors are compared against. */
export const BASELINE_SECONDS = 1800;
const DEFAULT_GRAPH_TRACES = 200;

export interface RcaRequest {
  start: number | string;
  end?: number | string | undefined;
  /** The user-facing service (default: the entry service). */
  symptom?: string | undefined;
  latencyQuery?: string | undefined;
  errorQuery?: string | undefined;
  stepSeconds?: number | undefined;
}

export interface GraphRequest {
  start: number | string;
  end?: number | string | undefined;
  limit?: number | undefined;
}

type GraphSourceName = 'simulator' | 'tempo' | 'tempo-service-graph-metrics';

const noTraces = (startMs: number, endMs: number): string =>
  `no traces between ${new Date(startMs).toISOString()} and ${new Date(endMs).toISOString()}`;

const SERVICE_GRAPH_METRICS = 'Tempo service-graph metrics (traces_service_graph_*) in Prometheus';

function graphAnswer(source: GraphSourceName, sourceDetail: string, graph: ServiceGraph, warnings: string[]) {
  const frames = toNodeGraphFrames(graph);
  return {
    source,
    sourceDetail,
    graph,
    frames: [frames.nodes, frames.edges],
    warnings: [...warnings, ...(graph.notes ?? [])],
  };
}

export class RcaUseCase {
  /** `compute`: where the ranking runs (a worker pool); absent: in the calling thread. */
  constructor(
    private readonly sources: Sources,
    private readonly compute: Compute = new InlineCompute()
  ) {}

  /** The graph from Tempo's service-graph metrics, or why not (absent, or Prometheus failed: traces are the fallback). */
  private async serviceGraphFromMetrics(
    startMs: number,
    endMs: number
  ): Promise<{ graph?: ServiceGraph; why: string }> {
    try {
      const r = await tempoServiceGraph(this.sources.metrics, startMs, endMs);
      return r.state === 'present' ? { graph: r.graph, why: 'present' } : { why: r.reason };
    } catch (err) {
      return { why: `querying them failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private async logEvidenceSource(): Promise<LogEvidenceSource | undefined> {
    const logs = this.sources.logs;
    if (!logs) {
      return undefined;
    }
    const model = await logs.sequenceModel();
    return {
      lines: (a, b) => logs.lines(a, b),
      ...('model' in model ? { sequenceModel: model.model } : { sequenceModelUnavailable: model.unavailable }),
    };
  }

  /** Ranked root-cause candidates for a symptom over a window, with paths, evidence, tier and the graph. */
  async rank(req: RcaRequest, opts: { signal?: AbortSignal | undefined } = {}) {
    const { startMs, endMs } = parseWindow(req.start, req.end, this.sources.now());
    // Before any query: a long window costs minutes of trace building and scoring (`"start": 0` is 400 at once).
    checkRcaWindow(startMs, endMs, req.stepSeconds ?? this.sources.evidenceDefaults?.stepSeconds ?? 15);
    const traces = this.sources.traces;
    if (!traces) {
      throw new NotConfiguredError(
        'tempo: not configured (set tempo.url or AIDPE_TEMPO_URL); root-cause ranking needs traces'
      );
    }
    const defaults = this.sources.evidenceDefaults;
    if (!defaults && (!req.latencyQuery || !req.errorQuery)) {
      throw new BadRequestError(
        'latencyQuery',
        'latencyQuery and errorQuery (one series per service, labelled service) are required outside the demo'
      );
    }
    const queries: EvidenceQueries = {
      latency: req.latencyQuery ?? defaults!.latency,
      errors: req.errorQuery ?? defaults!.errors,
      stepSeconds: req.stepSeconds ?? defaults?.stepSeconds ?? 15,
    };
    const baselineStartMs = startMs - BASELINE_SECONDS * 1000;
    const logs = await this.logEvidenceSource();
    const [inputs, fromMetrics] = await Promise.all([
      fetchEvidence({
        telemetry: this.sources.metrics,
        spans: (a, b) => traces.spans(a, b, traces.rankingSample),
        queries,
        startMs,
        endMs,
        baselineSeconds: BASELINE_SECONDS,
        ...(logs ? { logs } : {}),
      }),
      this.sources.serviceGraphMetrics ? this.serviceGraphFromMetrics(startMs, endMs) : Promise.resolve(undefined),
    ]);
    const symptom = req.symptom ?? this.sources.entryService;
    const { evidence, logNotes, graph, ranking, frames } = await this.compute.run(
      'rcaRank',
      { inputs, metricsGraph: fromMetrics?.graph, ...(symptom !== undefined ? { symptom } : {}) },
      { signal: opts.signal }
    );
    const graphSource: GraphSourceName = fromMetrics?.graph ? 'tempo-service-graph-metrics' : traces.kind;
    const graphSourceDetail = fromMetrics?.graph
      ? SERVICE_GRAPH_METRICS
      : fromMetrics
        ? `${traces.description}, because service-graph metrics were not used: ${fromMetrics.why}`
        : traces.description;
    // Each candidate carries the exact queries behind its evidence (baseline start to window end) for Explore links.
    const candidates = ranking.candidates.map((c) => ({
      ...c,
      evidenceQueries: evidenceQueriesFor(c.service, queries, { startMs: baselineStartMs, endMs }),
    }));
    return {
      ...ranking,
      candidates,
      evidence,
      queries,
      window: { startMs, endMs, baselineStartMs },
      graphSource,
      graphSourceDetail,
      graph,
      frames: [frames.nodes, frames.edges],
      ...(logNotes ? { logNotes } : {}),
    };
  }

  /** The service dependency graph over a window (Node Graph frames). */
  async graph(req: GraphRequest) {
    const { startMs, endMs } = parseWindow(req.start, req.end, this.sources.now());
    checkRcaWindow(startMs, endMs);
    const limit = req.limit ?? DEFAULT_GRAPH_TRACES;
    // Tempo's service-graph metrics when Prometheus has them (every span, cheap), else a sample of traces.
    const preferred = this.sources.serviceGraphMetrics ? await this.serviceGraphFromMetrics(startMs, endMs) : undefined;
    if (preferred?.graph) {
      return graphAnswer('tempo-service-graph-metrics', SERVICE_GRAPH_METRICS, preferred.graph, []);
    }
    const traces = this.sources.traces;
    if (!traces) {
      throw new NotConfiguredError(
        `tempo: not configured (set tempo.url or AIDPE_TEMPO_URL) and no service-graph metrics (${preferred?.why ?? 'not available'}); the dependency graph needs traces`
      );
    }
    const n = Math.min(limit, traces.maxTraces);
    const spans = await traces.spans(startMs, endMs, n);
    const detail =
      traces.kind === 'tempo'
        ? `Tempo trace search (up to ${n} traces), because service-graph metrics were not used: ${preferred?.why ?? 'not checked'}`
        : traces.description;
    return graphAnswer(
      traces.kind,
      detail,
      buildServiceGraph(spans),
      spans.length === 0 ? [noTraces(startMs, endMs)] : []
    );
  }
}
