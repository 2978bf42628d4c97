/**
 * Pure: an RCA answer → the `nodes` / `edges` frames Grafana's Node Graph draws for the explorer. The sidecar's
 * frames carry the call graph with latency and request rate; here each service is coloured by how unusual it
 * is (its strongest anomaly score, through the theme's palette), the ranked candidates are named on their
 * node, and the edges of the top candidate's path are highlighted.
 */
import {
  createDataFrame,
  FieldType,
  type DataFrame,
  type FieldConfig,
  type GrafanaTheme2,
  type PanelData,
  LoadingState,
  type TimeRange,
} from '@grafana/data';
import type { NodeGraphFrameJson, RcaResponse } from '../../api/types';
import { anomalyColor } from './colors';
import { graphOf, highlightedPath, serviceScores } from './model';

const META = { preferredVisualisationType: 'nodeGraph' as const };

function fieldOf(frame: NodeGraphFrameJson | undefined, name: string) {
  return frame?.fields.find((f) => f.name === name);
}

function typeOf(type: string): FieldType {
  return type === 'number' ? FieldType.number : type === 'boolean' ? FieldType.boolean : FieldType.string;
}

/** Node Graph frames for the explorer (empty frames when the answer has no graph). */
export function explorerGraphFrames(
  response: Pick<RcaResponse, 'frames' | 'graph' | 'evidence' | 'candidates'>,
  theme: GrafanaTheme2
): DataFrame[] {
  const nodesJson = response.frames.find((f) => f.name === 'nodes');
  const edgesJson = response.frames.find((f) => f.name === 'edges');
  const graph = graphOf(response);
  const scores = serviceScores(response);
  const rank = new Map(response.candidates.map((c, i) => [c.service, i + 1]));
  const path = highlightedPath(response);
  const onPath = new Set(path.slice(1).map((target, i) => `${path[i]}->${target}`));

  const ids = nodesJson ? (fieldOf(nodesJson, 'id')?.values ?? []).map(String) : graph.nodes.map((n) => n.id);
  // The sidecar's own fields, except its error arcs: here the colour says how unusual a service is.
  const kept = (nodesJson?.fields ?? []).filter(
    (f) => !f.name.startsWith('arc__') && f.name !== 'id' && f.name !== 'subtitle' && f.name !== 'color'
  );
  const nodes = createDataFrame({
    name: 'nodes',
    meta: META,
    fields: [
      { name: 'id', type: FieldType.string, values: ids },
      ...(kept.some((f) => f.name === 'title') ? [] : [{ name: 'title', type: FieldType.string, values: ids }]),
      ...kept.map((f) => ({
        name: f.name === 'detail__anomaly_score' ? 'detail__anomaly' : f.name,
        type: typeOf(f.type),
        values: [...f.values],
        config: {
          ...((f.config ?? {}) as FieldConfig),
          ...(f.name === 'detail__anomaly_score' ? { displayName: 'How unusual (anomaly score, 0..1)' } : {}),
        },
      })),
      {
        name: 'subtitle',
        type: FieldType.string,
        values: ids.map((id) => (rank.has(id) ? `#${rank.get(id)} likely cause` : '')),
      },
      {
        name: 'color',
        type: FieldType.string,
        values: ids.map((id) => anomalyColor(scores.get(id), theme)),
        config: { color: { mode: 'fixed' } },
      },
    ],
  });

  const sources = edgesJson
    ? (fieldOf(edgesJson, 'source')?.values ?? []).map(String)
    : graph.edges.map((e) => e.source);
  const targets = edgesJson
    ? (fieldOf(edgesJson, 'target')?.values ?? []).map(String)
    : graph.edges.map((e) => e.target);
  const edgeIds = edgesJson
    ? (fieldOf(edgesJson, 'id')?.values ?? sources.map((s, i) => `${s}->${targets[i]}`)).map(String)
    : sources.map((s, i) => `${s}->${targets[i]}`);
  const keptEdges = (edgesJson?.fields ?? []).filter(
    (f) => !['id', 'source', 'target', 'highlighted'].includes(f.name)
  );
  const edges = createDataFrame({
    name: 'edges',
    meta: META,
    fields: [
      { name: 'id', type: FieldType.string, values: edgeIds },
      { name: 'source', type: FieldType.string, values: sources },
      { name: 'target', type: FieldType.string, values: targets },
      ...keptEdges.map((f) => ({
        name: f.name,
        type: typeOf(f.type),
        values: [...f.values],
        config: (f.config ?? {}) as FieldConfig,
      })),
      {
        name: 'highlighted',
        type: FieldType.boolean,
        values: sources.map((s, i) => onPath.has(`${s}->${targets[i]}`)),
      },
    ],
  });
  return [nodes, edges];
}

/** What `PanelRenderer` needs to draw the frames as a Node Graph panel. */
export function nodeGraphPanelData(frames: DataFrame[], timeRange: TimeRange): PanelData {
  return { series: frames, state: LoadingState.Done, timeRange };
}
