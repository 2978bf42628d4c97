/**
 * Layered layout of the service graph for the explorer's SVG: the symptom (entry) service on the left, every
 * other service in the column of its call depth from it (shortest path), services it does not reach in a last
 * column. Within a column, services are ordered by the mean row of their callers (fewer crossings), then by
 * name, so the layout is deterministic. Pure: graph in, coordinates out.
 */

export interface GraphInput {
  nodes: ReadonlyArray<{ id: string }>;
  edges: ReadonlyArray<{ source: string; target: string }>;
}

export interface PlacedNode {
  id: string;
  /** Calls from the root; unreachable services get `maxDepth + 1`. */
  depth: number;
  reachable: boolean;
  x: number;
  y: number;
  onPath: boolean;
}

export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  onPath: boolean;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  columns: number;
  width: number;
  height: number;
  nodeRadius: number;
}

export interface LayoutOptions {
  width: number;
  height: number;
  /** Services along the highlighted propagation path, symptom first. */
  path?: readonly string[];
  /** Upper bound on the node radius in px. */
  maxRadius?: number;
}

/** Call depth of every service reachable from `root` (breadth first, so the shortest path counts). */
export function callDepths(graph: GraphInput, root: string): Map<string, number> {
  const callees = new Map<string, string[]>();
  for (const e of graph.edges) {
    callees.set(e.source, [...(callees.get(e.source) ?? []), e.target]);
  }
  const depths = new Map<string, number>();
  if (!graph.nodes.some((n) => n.id === root)) {
    return depths;
  }
  depths.set(root, 0);
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of callees.get(current) ?? []) {
      if (!depths.has(next)) {
        depths.set(next, depths.get(current)! + 1);
        queue.push(next);
      }
    }
  }
  return depths;
}

/** Room per service in a column (node and label), in px. */
export const ROW_SPACING = 64;

/** The drawing height that gives every service in the fullest column room for its node and label. */
export function suggestedHeight(graph: GraphInput, root: string, minHeight: number): number {
  const depths = callDepths(graph, root);
  const unreachable = depths.size > 0 ? Math.max(...depths.values()) + 1 : 0;
  const perColumn = new Map<number, number>();
  for (const n of new Set(graph.nodes.map((x) => x.id))) {
    const d = depths.get(n) ?? unreachable;
    perColumn.set(d, (perColumn.get(d) ?? 0) + 1);
  }
  return Math.max(minHeight, Math.max(0, ...perColumn.values()) * ROW_SPACING);
}

/** Edge ids (`a->b`) along a path of services. */
export function pathEdgeIds(path: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (let i = 1; i < path.length; i++) {
    ids.add(`${path[i - 1]}->${path[i]}`);
  }
  return ids;
}

export function layoutGraph(graph: GraphInput, root: string, options: LayoutOptions): GraphLayout {
  const { width, height } = options;
  const depths = callDepths(graph, root);
  const maxDepth = Math.max(0, ...depths.values());
  const unreachableDepth = depths.size > 0 ? maxDepth + 1 : 0;
  const ids = [...new Set(graph.nodes.map((n) => n.id))].sort((a, b) => a.localeCompare(b));
  const depthOf = (id: string) => depths.get(id) ?? unreachableDepth;
  const columnCount = ids.length === 0 ? 0 : Math.max(...ids.map(depthOf)) + 1;

  const callers = new Map<string, string[]>();
  for (const e of graph.edges) {
    callers.set(e.target, [...(callers.get(e.target) ?? []), e.source]);
  }
  // Column by column: order by the mean row of callers already placed, then by name.
  const row = new Map<string, number>();
  const columns: string[][] = [];
  for (let d = 0; d < columnCount; d++) {
    const members = ids.filter((id) => depthOf(id) === d);
    const key = (id: string) => {
      const placed = (callers.get(id) ?? []).filter((c) => row.has(c) && depthOf(c) < d).map((c) => row.get(c)!);
      return placed.length > 0 ? placed.reduce((a, b) => a + b, 0) / placed.length : Number.POSITIVE_INFINITY;
    };
    const keyed = members.map((id) => ({ id, key: key(id) }));
    keyed.sort((a, b) => a.key - b.key || a.id.localeCompare(b.id));
    keyed.forEach((m, i) => row.set(m.id, keyed.length > 1 ? i / (keyed.length - 1) : 0.5));
    columns.push(keyed.map((m) => m.id));
  }

  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const nodeRadius = Math.max(
    4,
    Math.min(options.maxRadius ?? 18, height / (tallest * 3), columnCount > 0 ? width / (columnCount * 5) : 18)
  );
  // Room at the edges for the node and its label.
  const padX = nodeRadius * 2 + 40;
  const padY = nodeRadius * 2;
  const xOf = (d: number) => (columnCount > 1 ? padX + (d * (width - 2 * padX)) / (columnCount - 1) : width / 2);
  const yOf = (id: string) => {
    const size = columns[depthOf(id)]!.length;
    return size > 1 ? padY + row.get(id)! * (height - 2 * padY) : height / 2;
  };

  const path = options.path ?? [];
  const onPathNodes = new Set(path);
  const onPathEdges = pathEdgeIds(path);
  const nodes: PlacedNode[] = ids.map((id) => ({
    id,
    depth: depthOf(id),
    reachable: depths.has(id),
    x: xOf(depthOf(id)),
    y: yOf(id),
    onPath: onPathNodes.has(id),
  }));
  const placed = new Map(nodes.map((n) => [n.id, n]));
  const edges: PlacedEdge[] = graph.edges
    .filter((e) => placed.has(e.source) && placed.has(e.target) && e.source !== e.target)
    .map((e) => {
      const a = placed.get(e.source)!;
      const b = placed.get(e.target)!;
      // End the line at the target's rim so the arrowhead stays visible.
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const length = Math.hypot(dx, dy) || 1;
      const id = `${e.source}->${e.target}`;
      return {
        id,
        source: e.source,
        target: e.target,
        x1: a.x + (dx / length) * nodeRadius,
        y1: a.y + (dy / length) * nodeRadius,
        x2: b.x - (dx / length) * (nodeRadius + 2),
        y2: b.y - (dy / length) * (nodeRadius + 2),
        onPath: onPathEdges.has(id),
      };
    })
    .sort((x, y) => x.id.localeCompare(y.id));
  return { nodes, edges, columns: columnCount, width, height, nodeRadius };
}
