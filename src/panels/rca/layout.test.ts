import { RCA_GRAPH } from '../../test/rcaFixtures';
import { callDepths, layoutGraph, pathEdgeIds, ROW_SPACING, suggestedHeight } from './layout';

const size = { width: 600, height: 300 };

describe('layoutGraph', () => {
  test('call depth is the shortest number of calls from the root', () => {
    expect(Object.fromEntries(callDepths(RCA_GRAPH, 'frontend'))).toEqual({
      frontend: 0,
      ad: 1,
      cart: 1,
      checkout: 1,
      email: 2,
      'redis-cart': 2,
    });
    expect(callDepths(RCA_GRAPH, 'nope').size).toBe(0);
  });

  test('columns follow call depth from the root, left to right, inside the box', () => {
    const layout = layoutGraph(RCA_GRAPH, 'frontend', size);
    const at = (id: string) => layout.nodes.find((n) => n.id === id)!;
    expect(layout.columns).toBe(3);
    expect(at('frontend').x).toBeLessThan(at('cart').x);
    expect(at('cart').x).toBe(at('checkout').x);
    expect(at('cart').x).toBeLessThan(at('email').x);
    expect(at('frontend').y).toBe(size.height / 2);
    for (const n of layout.nodes) {
      expect(n.x - layout.nodeRadius).toBeGreaterThanOrEqual(0);
      expect(n.x + layout.nodeRadius).toBeLessThanOrEqual(size.width);
      expect(n.y - layout.nodeRadius).toBeGreaterThanOrEqual(0);
      expect(n.y + layout.nodeRadius).toBeLessThanOrEqual(size.height);
    }
    // No two services share a position.
    expect(new Set(layout.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(layout.nodes.length);
  });

  test('within a column callees follow their callers’ rows (redis-cart above email as cart is above checkout)', () => {
    const layout = layoutGraph(RCA_GRAPH, 'frontend', size);
    const y = (id: string) => layout.nodes.find((n) => n.id === id)!.y;
    expect(y('ad')).toBeLessThan(y('cart'));
    expect(y('cart')).toBeLessThan(y('checkout'));
    expect(y('redis-cart')).toBeLessThan(y('email'));
  });

  test('the propagation path is highlighted; edges stop at the node rims', () => {
    const layout = layoutGraph(RCA_GRAPH, 'frontend', { ...size, path: ['frontend', 'cart', 'redis-cart'] });
    expect(layout.nodes.filter((n) => n.onPath).map((n) => n.id)).toEqual(['cart', 'frontend', 'redis-cart']);
    expect(layout.edges.filter((e) => e.onPath).map((e) => e.id)).toEqual(['cart->redis-cart', 'frontend->cart']);
    const edge = layout.edges.find((e) => e.id === 'frontend->cart')!;
    const from = layout.nodes.find((n) => n.id === 'frontend')!;
    expect(Math.hypot(edge.x1 - from.x, edge.y1 - from.y)).toBeCloseTo(layout.nodeRadius);
    expect([...pathEdgeIds(['a', 'b', 'c'])]).toEqual(['a->b', 'b->c']);
  });

  test('the suggested height gives the fullest column room per service', () => {
    expect(suggestedHeight(RCA_GRAPH, 'frontend', 100)).toBe(3 * ROW_SPACING);
    expect(suggestedHeight(RCA_GRAPH, 'frontend', 500)).toBe(500);
    const wide = {
      nodes: [{ id: 'r' }, ...Array.from({ length: 9 }, (_, i) => ({ id: `s${i}` }))],
      edges: Array.from({ length: 9 }, (_, i) => ({ source: 'r', target: `s${i}` })),
    };
    expect(suggestedHeight(wide, 'r', 100)).toBe(9 * ROW_SPACING);
  });

  test('services the root does not reach go to a last column; an empty graph lays out nothing', () => {
    const graph = { nodes: [...RCA_GRAPH.nodes, { id: 'batch' }], edges: RCA_GRAPH.edges };
    const batch = layoutGraph(graph, 'frontend', size).nodes.find((n) => n.id === 'batch')!;
    expect(batch).toMatchObject({ depth: 3, reachable: false });
    expect(layoutGraph({ nodes: [], edges: [] }, 'frontend', size)).toMatchObject({ nodes: [], edges: [], columns: 0 });
  });
});
