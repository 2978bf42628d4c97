/**
 * The service graph from Tempo's metrics-generator (service-graphs processor) series in Prometheus: cheap and
 * complete (every span Tempo ingested, not a sample of traces), when the processor is enabled and remote-writes.
 *
 * Series (Grafana Tempo docs, "Service graphs"): `traces_service_graph_request_total{client, server}` and
 * `traces_service_graph_request_failed_total{client, server}` (counters), `traces_service_graph_request_server_seconds`
 * and `..._client_seconds` (histograms, `_bucket{le}`). A request whose caller is not instrumented gets the virtual
 * client `user` (label `connection_type="virtual_node"` in newer Tempo versions): its server is an entry service.
 *
 * Calls and errors are `increase()` over the window; latency is `histogram_quantile(0.5 | 0.95, …)` of the
 * server-side histogram (time the callee took). Self time vs time waiting on callees is NOT in these series: it is
 * left unknown (NaN) and the graph's notes say so, rather than invented.
 */
import type { ServiceEdge, ServiceGraph, ServiceNode } from '../engines/rca/serviceGraph.ts';
import { TelemetryError, type MetricSeries, type TelemetrySource } from './types.ts';

export const SERVICE_GRAPH_METRICS = {
  requests: 'traces_service_graph_request_total',
  failed: 'traces_service_graph_request_failed_total',
  serverSecondsBucket: 'traces_service_graph_request_server_seconds_bucket',
  clientSecondsBucket: 'traces_service_graph_request_client_seconds_bucket',
} as const;

/** Tempo's default name for the virtual caller of root spans. */
export const VIRTUAL_USER_CLIENT = 'user';

export type TempoServiceGraphResult =
  | { state: 'present'; graph: ServiceGraph; queries: string[] }
  | { state: 'not-present'; reason: string; queries: string[] };

const key = (client: string, server: string): string => `${client}\u0000${server}`;

function byEdge(series: MetricSeries[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) {
    const client = s.labels['client'];
    const server = s.labels['server'];
    const value = s.samples[s.samples.length - 1]?.[1];
    if (client === undefined || server === undefined || value === undefined) {
      continue;
    }
    out.set(key(client, server), value);
  }
  return out;
}

function byLabel(series: MetricSeries[], label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) {
    const name = s.labels[label];
    const value = s.samples[s.samples.length - 1]?.[1];
    if (name !== undefined && value !== undefined) {
      out.set(name, value);
    }
  }
  return out;
}

/** Seconds as a PromQL range, at least 1 s. */
const rangeOf = (startMs: number, endMs: number): string => `${Math.max(1, Math.round((endMs - startMs) / 1000))}s`;

/** The PromQL the graph is built from, for the window [startMs, endMs] (evaluated at endMs). */
export function serviceGraphQueries(
  startMs: number,
  endMs: number
): {
  calls: string;
  failed: string;
  virtualCalls: string;
  edgeQuantile: (q: number) => string;
  nodeQuantile: (q: number) => string;
} {
  const r = rangeOf(startMs, endMs);
  const m = SERVICE_GRAPH_METRICS;
  return {
    calls: `sum by (client, server) (increase(${m.requests}[${r}]))`,
    failed: `sum by (client, server) (increase(${m.failed}[${r}]))`,
    virtualCalls: `sum by (client, server) (increase(${m.requests}{connection_type="virtual_node"}[${r}]))`,
    edgeQuantile: (q) =>
      `histogram_quantile(${q}, sum by (client, server, le) (increase(${m.serverSecondsBucket}[${r}])))`,
    nodeQuantile: (q) => `histogram_quantile(${q}, sum by (server, le) (increase(${m.serverSecondsBucket}[${r}])))`,
  };
}

/**
 * The graph over [startMs, endMs] from the service-graph series, or `not-present` when there are none in the window
 * (processor off, or no traffic). Telemetry errors other than "this source cannot run PromQL" are thrown.
 */
export async function tempoServiceGraph(
  telemetry: TelemetrySource,
  startMs: number,
  endMs: number
): Promise<TempoServiceGraphResult> {
  if (!(endMs > startMs)) {
    throw new RangeError(`startMs: must be before endMs (got ${startMs} ≥ ${endMs})`);
  }
  const q = serviceGraphQueries(startMs, endMs);
  const queries = [
    q.calls,
    q.failed,
    q.virtualCalls,
    q.edgeQuantile(0.5),
    q.edgeQuantile(0.95),
    q.nodeQuantile(0.5),
    q.nodeQuantile(0.95),
  ];
  let calls: MetricSeries[];
  try {
    calls = (await telemetry.queryInstant(q.calls, endMs)).series;
  } catch (err) {
    // The embedded simulator cannot run this PromQL: for it the series are simply not there.
    if (err instanceof TelemetryError && err.kind === 'unsupported') {
      return {
        state: 'not-present',
        reason: `the telemetry source cannot run PromQL over ${SERVICE_GRAPH_METRICS.requests} (${err.message})`,
        queries,
      };
    }
    throw err;
  }
  const callsByEdge = byEdge(calls);
  if (callsByEdge.size === 0) {
    return {
      state: 'not-present',
      reason: `no ${SERVICE_GRAPH_METRICS.requests} series between ${new Date(startMs).toISOString()} and ${new Date(endMs).toISOString()} (Tempo's metrics-generator service-graphs processor off, not remote-writing here, or no traffic)`,
      queries,
    };
  }
  const [failed, virtual, e50, e95, n50, n95] = await Promise.all(
    [
      q.failed,
      q.virtualCalls,
      q.edgeQuantile(0.5),
      q.edgeQuantile(0.95),
      q.nodeQuantile(0.5),
      q.nodeQuantile(0.95),
    ].map((x) => telemetry.queryInstant(x, endMs))
  );
  const failedByEdge = byEdge(failed!.series);
  const virtualEdges = new Set(byEdge(virtual!.series).keys());
  const [edgeP50, edgeP95] = [byEdge(e50!.series), byEdge(e95!.series)];
  const [nodeP50, nodeP95] = [byLabel(n50!.series, 'server'), byLabel(n95!.series, 'server')];
  const windowSeconds = (endMs - startMs) / 1000;

  const nodes = new Map<string, ServiceNode>();
  const node = (id: string): ServiceNode => {
    let n = nodes.get(id);
    if (!n) {
      n = {
        id,
        requests: 0,
        errors: 0,
        errorRate: 0,
        rate: 0,
        p50Ms: Number.NaN,
        p95Ms: Number.NaN,
        selfMsMean: Number.NaN,
        downstreamMsMean: Number.NaN,
        entry: false,
      };
      nodes.set(id, n);
    }
    return n;
  };
  const edges: ServiceEdge[] = [];
  let fromOutside = 0;
  for (const [k, count] of [...callsByEdge].sort(([a], [b]) => a.localeCompare(b))) {
    const [client, server] = k.split('\u0000') as [string, string];
    const errors = Math.min(count, failedByEdge.get(k) ?? 0);
    const target = node(server);
    target.requests += count;
    target.errors += errors;
    // A virtual caller is not a service: its server is an entry, and the edge is left out of the call graph.
    if (client === VIRTUAL_USER_CLIENT || virtualEdges.has(k)) {
      target.entry = true;
      fromOutside += count;
      continue;
    }
    node(client);
    edges.push({
      id: `${client}->${server}`,
      source: client,
      target: server,
      calls: count,
      errors,
      errorRate: count > 0 ? errors / count : 0,
      rate: count / windowSeconds,
      p50Ms: 1000 * (edgeP50.get(k) ?? Number.NaN),
      p95Ms: 1000 * (edgeP95.get(k) ?? Number.NaN),
    });
  }
  for (const n of nodes.values()) {
    n.errorRate = n.requests > 0 ? n.errors / n.requests : 0;
    n.rate = n.requests / windowSeconds;
    n.p50Ms = 1000 * (nodeP50.get(n.id) ?? Number.NaN);
    n.p95Ms = 1000 * (nodeP95.get(n.id) ?? Number.NaN);
  }
  const notes = [
    'graph from Tempo service-graph metrics (every ingested span, counted by client/server pair); self time and time waiting on callees are unknown from these series (left empty, not estimated) — own-time evidence comes from sampled traces',
    ...(fromOutside > 0
      ? [
          `${Math.round(fromOutside)} request(s) came from outside (virtual client "${VIRTUAL_USER_CLIENT}"): their servers are the entry services`,
        ]
      : []),
  ];
  return {
    state: 'present',
    queries,
    graph: {
      nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
      edges: edges.sort((a, b) => a.id.localeCompare(b.id)),
      windowSeconds,
      spans: 0,
      traces: 0,
      source: 'tempo-service-graph-metrics',
      notes,
    },
  };
}
