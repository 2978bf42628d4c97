/**
 * Pure mapping for the `rca` query type: the query and range → the body of `POST /api/v1/rca/graph`, and the
 * sidecar's Node Graph frames → Grafana `nodes` / `edges` frames (`meta.preferredVisualisationType: 'nodeGraph'`),
 * optionally narrowed to what one service calls, with the sidecar's warnings as notices.
 */
import { createDataFrame, FieldType, type DataFrame, type QueryResultMetaNotice } from '@grafana/data';
import type { NodeGraphFrameJson, RcaGraphRequest, RcaGraphResponse } from '../../api/types';
import { parseDuration, type RequestWindow, type Result } from '../../domain/query/request';
import type { SidecarQuery } from '../../domain/query/types';

export const NODE_GRAPH_META = { preferredVisualisationType: 'nodeGraph' as const };

/** The graph request for the query: the range (or its last `window`), sampling the sidecar's default traces. */
export function buildRcaGraphRequest(
  query: Pick<SidecarQuery, 'window'>,
  range: Pick<RequestWindow, 'fromMs' | 'toMs'>
): Result<RcaGraphRequest> {
  const end = Math.round(range.toMs);
  let start = Math.round(range.fromMs);
  const window = query.window?.trim();
  if (window) {
    const seconds = parseDuration(window);
    if (seconds === undefined || seconds <= 0) {
      return { ok: false, error: `Window "${window}" is not a duration such as 15m or 1h` };
    }
    start = end - seconds * 1000;
  }
  if (!(start < end)) {
    return { ok: false, error: 'The time range is empty: its start must be before its end' };
  }
  return { ok: true, value: { start, end } };
}

/** `service` and every service it calls, directly or through others. */
export function reachableFrom(service: string, edges: ReadonlyArray<{ source: string; target: string }>): Set<string> {
  const seen = new Set([service]);
  const queue = [service];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const e of edges) {
      if (e.source === current && !seen.has(e.target)) {
        seen.add(e.target);
        queue.push(e.target);
      }
    }
  }
  return seen;
}

function valuesOf(frame: NodeGraphFrameJson | undefined, name: string): Array<string | number | null> {
  return frame?.fields.find((f) => f.name === name)?.values ?? [];
}

/** A sidecar frame → a Grafana frame with the rows `keep` accepts (all when undefined). */
function toFrame(
  json: NodeGraphFrameJson | undefined,
  name: 'nodes' | 'edges',
  refId: string,
  keep: ((row: number) => boolean) | undefined,
  notices: QueryResultMetaNotice[]
): DataFrame {
  const fields = json?.fields ?? [];
  const length = fields[0]?.values.length ?? 0;
  const rows = Array.from({ length }, (_, i) => i).filter((i) => !keep || keep(i));
  return createDataFrame({
    refId,
    name,
    meta: { ...NODE_GRAPH_META, ...(notices.length > 0 ? { notices } : {}) },
    fields: fields.map((f) => ({
      name: f.name,
      type: f.type === 'string' ? FieldType.string : FieldType.number,
      values: rows.map((i) => f.values[i] ?? null),
      config: f.config ? (JSON.parse(JSON.stringify(f.config)) as Record<string, unknown>) : {},
    })),
  });
}

/** `[nodes, edges]` for Grafana's Node Graph; with `service`, only it and what it calls. */
export function rcaGraphToFrames(response: RcaGraphResponse, refId: string, service?: string): DataFrame[] {
  const nodesJson = response.frames.find((f) => f.name === 'nodes');
  const edgesJson = response.frames.find((f) => f.name === 'edges');
  const notices: QueryResultMetaNotice[] = response.warnings.map((text) => ({ severity: 'warning', text }));
  const entry = service?.trim();
  let keepNode: ((row: number) => boolean) | undefined;
  let keepEdge: ((row: number) => boolean) | undefined;
  if (entry) {
    const ids = valuesOf(nodesJson, 'id').map(String);
    const sources = valuesOf(edgesJson, 'source').map(String);
    const targets = valuesOf(edgesJson, 'target').map(String);
    if (!ids.includes(entry)) {
      notices.push({
        severity: 'warning',
        text: `Service "${entry}" is not in the graph of this window (${ids.length} services)`,
      });
    }
    const reachable = reachableFrom(
      entry,
      sources.map((source, i) => ({ source, target: targets[i]! }))
    );
    keepNode = (i) => reachable.has(ids[i]!);
    keepEdge = (i) => reachable.has(sources[i]!) && reachable.has(targets[i]!);
  }
  return [toFrame(nodesJson, 'nodes', refId, keepNode, notices), toFrame(edgesJson, 'edges', refId, keepEdge, [])];
}
