/**
 * Service dependency graph from spans: services as nodes, calls as edges, each with rate, error rate and
 * latency percentiles, and per service the split of its time into self time and time waiting on callees
 * (the attribution that decides whether a slow caller or its callee is to blame). Exported as Grafana
 * Node Graph frames. Pure: spans in, graph out.
 */
import { DirectedGraph } from 'graphology';

/** The span fields the graph needs, from Tempo (OTLP) traces or the embedded simulator. */
export interface GraphSpan {
  traceId: string;
  spanId: string;
  /** Undefined (or empty) for a root span. */
  parentSpanId: string | undefined;
  service: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  /** The span's name (operation), when the source has it: code-level evidence compares operations. */
  operation?: string;
}

interface Stats {
  calls: number;
  errors: number;
  durations: number[];
}

interface NodeAttrs {
  stats: Stats;
  self: number;
  downstream: number;
  entry: boolean;
}

interface EdgeAttrs {
  stats: Stats;
}

export interface ServiceNode {
  id: string;
  requests: number;
  errors: number;
  errorRate: number;
  /** Requests per second over the window the spans cover. */
  rate: number;
  p50Ms: number;
  p95Ms: number;
  /** Mean time per request spent in the service itself / waiting on its callees. */
  selfMsMean: number;
  downstreamMsMean: number;
  /** Served at least one request that came from outside (a root span). */
  entry: boolean;
}

export interface ServiceEdge {
  id: string;
  source: string;
  target: string;
  calls: number;
  errors: number;
  errorRate: number;
  rate: number;
  p50Ms: number;
  p95Ms: number;
}

export interface ServiceGraph {
  nodes: ServiceNode[];
  edges: ServiceEdge[];
  windowSeconds: number;
  spans: number;
  traces: number;
  /** Where the graph came from when not from spans here (e.g. Tempo's service-graph metrics). */
  source?: 'spans' | 'tempo-service-graph-metrics' | 'declared';
  /** Data-quality counts from the spans: what the answer must mention. */
  quality?: {
    /** Spans naming a parent that is not among the spans (partial traces, dropped spans). */
    orphanSpans: number;
    /** Spans starting before or ending after their parent by more than a millisecond (clock skew). */
    skewedSpans: number;
    /** Spans whose children's summed time exceeded their own duration: self time clamped to 0, not negative. */
    clampedSelfTimeSpans: number;
  };
  /** Caveats of the source (e.g. self/downstream time unknown). */
  notes?: string[];
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Timestamps from different hosts disagree by this much without it being worth a note. */
const SKEW_TOLERANCE_MS = 1;

const blank = (): Stats => ({ calls: 0, errors: 0, durations: [] });

export function buildServiceGraph(spans: readonly GraphSpan[]): ServiceGraph {
  const graph = new DirectedGraph<NodeAttrs, EdgeAttrs>({ allowSelfLoops: true });
  const byId = new Map<string, GraphSpan>();
  for (const s of spans) {
    byId.set(`${s.traceId}/${s.spanId}`, s);
  }
  // Time a span spent waiting on its children: the union would be exact, the sum is an upper bound; clamp to the span.
  const childTime = new Map<string, number>();
  const node = (service: string): NodeAttrs => {
    if (!graph.hasNode(service)) {
      graph.addNode(service, { stats: blank(), self: 0, downstream: 0, entry: false });
    }
    return graph.getNodeAttributes(service);
  };
  let first = Infinity;
  let last = -Infinity;
  let orphanSpans = 0;
  let skewedSpans = 0;
  let clampedSelfTimeSpans = 0;
  const traces = new Set<string>();
  for (const s of spans) {
    traces.add(s.traceId);
    first = Math.min(first, s.startMs);
    last = Math.max(last, s.startMs + s.durationMs);
    const attrs = node(s.service);
    attrs.stats.calls++;
    if (s.error) {
      attrs.stats.errors++;
    }
    attrs.stats.durations.push(s.durationMs);
    const parent = s.parentSpanId ? byId.get(`${s.traceId}/${s.parentSpanId}`) : undefined;
    if (!s.parentSpanId) {
      attrs.entry = true;
    } else if (!parent) {
      orphanSpans++;
    }
    if (
      parent &&
      (s.startMs < parent.startMs - SKEW_TOLERANCE_MS ||
        s.startMs + s.durationMs > parent.startMs + parent.durationMs + SKEW_TOLERANCE_MS)
    ) {
      skewedSpans++;
    }
    if (parent) {
      const key = `${s.traceId}/${parent.spanId}`;
      childTime.set(key, (childTime.get(key) ?? 0) + s.durationMs);
      if (parent.service !== s.service) {
        node(parent.service);
        if (!graph.hasEdge(parent.service, s.service)) {
          graph.addEdge(parent.service, s.service, { stats: blank() });
        }
        const e = graph.getEdgeAttributes(parent.service, s.service);
        e.stats.calls++;
        if (s.error) {
          e.stats.errors++;
        }
        e.stats.durations.push(s.durationMs);
      }
    }
  }
  for (const s of spans) {
    const attrs = node(s.service);
    const children = childTime.get(`${s.traceId}/${s.spanId}`) ?? 0;
    if (children > s.durationMs + SKEW_TOLERANCE_MS) {
      clampedSelfTimeSpans++;
    }
    const waiting = Math.min(s.durationMs, children);
    attrs.downstream += waiting;
    attrs.self += s.durationMs - waiting;
  }
  const windowSeconds = Number.isFinite(first) ? Math.max(1, (last - first) / 1000) : 0;
  const nodes: ServiceNode[] = graph.mapNodes((id, a) => {
    const { stats, self, downstream, entry } = a;
    const sorted = [...stats.durations].sort((x, y) => x - y);
    return {
      id,
      requests: stats.calls,
      errors: stats.errors,
      errorRate: stats.calls ? stats.errors / stats.calls : 0,
      rate: windowSeconds ? stats.calls / windowSeconds : 0,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      selfMsMean: stats.calls ? self / stats.calls : 0,
      downstreamMsMean: stats.calls ? downstream / stats.calls : 0,
      entry,
    };
  });
  const edges: ServiceEdge[] = graph.mapEdges((_key, a, source, target) => {
    const { stats } = a;
    const sorted = [...stats.durations].sort((x, y) => x - y);
    return {
      id: `${source}->${target}`,
      source,
      target,
      calls: stats.calls,
      errors: stats.errors,
      errorRate: stats.calls ? stats.errors / stats.calls : 0,
      rate: windowSeconds ? stats.calls / windowSeconds : 0,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
    };
  });
  nodes.sort((a, b) => a.id.localeCompare(b.id));
  edges.sort((a, b) => a.id.localeCompare(b.id));
  return {
    nodes,
    edges,
    windowSeconds,
    spans: spans.length,
    traces: traces.size,
    source: 'spans',
    quality: { orphanSpans, skewedSpans, clampedSelfTimeSpans },
  };
}

/**
 * A graph from declared calls (a dataset's call graph, a service catalogue): nodes and edges without traffic
 * statistics. Self time and per-call latency are unknown; the notes say so.
 */
export function graphFromEdges(edges: ReadonlyArray<{ source: string; target: string }>): ServiceGraph {
  const ids = [...new Set(edges.flatMap((e) => [e.source, e.target]))].sort();
  const callers = new Set(edges.map((e) => e.target));
  const unique = new Map(edges.filter((e) => e.source !== e.target).map((e) => [`${e.source}->${e.target}`, e]));
  return {
    nodes: ids.map((id) => ({
      id,
      requests: 0,
      errors: 0,
      errorRate: 0,
      rate: 0,
      p50Ms: Number.NaN,
      p95Ms: Number.NaN,
      selfMsMean: Number.NaN,
      downstreamMsMean: Number.NaN,
      entry: !callers.has(id),
    })),
    edges: [...unique]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, e]) => ({
        id,
        source: e.source,
        target: e.target,
        calls: 0,
        errors: 0,
        errorRate: 0,
        rate: 0,
        p50Ms: Number.NaN,
        p95Ms: Number.NaN,
      })),
    windowSeconds: 0,
    spans: 0,
    traces: 0,
    source: 'declared',
    notes: ['the call graph is declared (no spans): self time, call rates and per-call latency are unknown'],
  };
}

export interface FrameField {
  name: string;
  type: 'string' | 'number';
  values: Array<string | number | null>;
  config?: Record<string, unknown>;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Grafana Node Graph frames (`nodes` and `edges`, named by `meta.preferredVisualisationType: 'nodeGraph'`).
 * `arc__*` fields must sum to 1 per node: here errors vs ok; an optional anomaly score per service is shown
 * as the node's secondary stat so the RCA explorer can colour by it.
 */
export function toNodeGraphFrames(
  graph: ServiceGraph,
  anomalyScore: Record<string, number> = {}
): {
  nodes: { name: string; fields: FrameField[]; meta: Record<string, unknown> };
  edges: { name: string; fields: FrameField[]; meta: Record<string, unknown> };
} {
  const meta = { preferredVisualisationType: 'nodeGraph' };
  return {
    nodes: {
      name: 'nodes',
      meta,
      fields: [
        { name: 'id', type: 'string', values: graph.nodes.map((n) => n.id) },
        { name: 'title', type: 'string', values: graph.nodes.map((n) => n.id) },
        { name: 'subtitle', type: 'string', values: graph.nodes.map((n) => (n.entry ? 'entry' : '')) },
        {
          name: 'mainstat',
          type: 'number',
          values: graph.nodes.map((n) => finite(n.p95Ms)),
          config: { displayName: 'p95 latency', unit: 'ms' },
        },
        {
          name: 'secondarystat',
          type: 'number',
          values: graph.nodes.map((n) => finite(n.rate)),
          config: { displayName: 'Requests', unit: 'reqps' },
        },
        {
          name: 'arc__errors',
          type: 'number',
          values: graph.nodes.map((n) => n.errorRate),
          config: { color: { mode: 'fixed', fixedColor: 'red' }, displayName: 'Errors' },
        },
        {
          name: 'arc__ok',
          type: 'number',
          values: graph.nodes.map((n) => 1 - n.errorRate),
          config: { color: { mode: 'fixed', fixedColor: 'green' }, displayName: 'OK' },
        },
        {
          name: 'detail__self_ms',
          type: 'number',
          values: graph.nodes.map((n) => finite(n.selfMsMean)),
          config: { displayName: 'Self time per request', unit: 'ms' },
        },
        {
          name: 'detail__downstream_ms',
          type: 'number',
          values: graph.nodes.map((n) => finite(n.downstreamMsMean)),
          config: { displayName: 'Waiting on callees per request', unit: 'ms' },
        },
        {
          name: 'detail__p50_ms',
          type: 'number',
          values: graph.nodes.map((n) => finite(n.p50Ms)),
          config: { displayName: 'p50 latency', unit: 'ms' },
        },
        {
          name: 'detail__anomaly_score',
          type: 'number',
          values: graph.nodes.map((n) => finite(anomalyScore[n.id] ?? Number.NaN)),
          config: { displayName: 'Anomaly score' },
        },
      ],
    },
    edges: {
      name: 'edges',
      meta,
      fields: [
        { name: 'id', type: 'string', values: graph.edges.map((e) => e.id) },
        { name: 'source', type: 'string', values: graph.edges.map((e) => e.source) },
        { name: 'target', type: 'string', values: graph.edges.map((e) => e.target) },
        {
          name: 'mainstat',
          type: 'number',
          values: graph.edges.map((e) => finite(e.p95Ms)),
          config: { displayName: 'p95 latency', unit: 'ms' },
        },
        {
          name: 'secondarystat',
          type: 'number',
          values: graph.edges.map((e) => finite(e.rate)),
          config: { displayName: 'Calls', unit: 'reqps' },
        },
        {
          name: 'detail__error_rate',
          type: 'number',
          values: graph.edges.map((e) => e.errorRate),
          config: { displayName: 'Error rate', unit: 'percentunit' },
        },
      ],
    },
  };
}
