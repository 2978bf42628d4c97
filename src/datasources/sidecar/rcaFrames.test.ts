import { FieldType } from '@grafana/data';
import { rcaGraphResponse, RCA_GRAPH } from '../../test/rcaFixtures';
import type { RcaGraphResponse } from '../../api/types';
import { buildRcaGraphRequest, rcaGraphToFrames, reachableFrom } from './rcaFrames';

/** A graph response whose frames are built from the shop fixture: a → b edges, one anomaly score per node. */
function shopResponse(): RcaGraphResponse {
  const ids = RCA_GRAPH.nodes.map((n) => n.id);
  const meta = { preferredVisualisationType: 'nodeGraph' };
  return rcaGraphResponse({
    frames: [
      {
        name: 'nodes',
        meta,
        fields: [
          { name: 'id', type: 'string', values: ids },
          { name: 'mainstat', type: 'number', values: ids.map((_, i) => i * 10) },
        ],
      },
      {
        name: 'edges',
        meta,
        fields: [
          { name: 'id', type: 'string', values: RCA_GRAPH.edges.map((e) => e.id) },
          { name: 'source', type: 'string', values: RCA_GRAPH.edges.map((e) => e.source) },
          { name: 'target', type: 'string', values: RCA_GRAPH.edges.map((e) => e.target) },
        ],
      },
    ],
  });
}

const values = (frame: { fields: Array<{ name: string; values: unknown[] }> }, name: string) =>
  frame.fields.find((f) => f.name === name)!.values;

describe('rcaGraphToFrames', () => {
  test('sidecar frames become Grafana nodes/edges frames for the Node Graph, with field types and config', () => {
    const [nodes, edges] = rcaGraphToFrames(rcaGraphResponse(), 'G');
    expect(nodes!.name).toBe('nodes');
    expect(edges!.name).toBe('edges');
    expect(nodes!.refId).toBe('G');
    expect(nodes!.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(edges!.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(nodes!.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', FieldType.string],
      ['title', FieldType.string],
      ['subtitle', FieldType.string],
      ['mainstat', FieldType.number],
      ['arc__errors', FieldType.number],
      ['arc__ok', FieldType.number],
      ['detail__anomaly_score', FieldType.number],
    ]);
    expect(values(nodes!, 'mainstat')).toEqual([51.6, null]);
    expect(values(nodes!, 'detail__anomaly_score')).toEqual([0.99, null]);
    expect(nodes!.fields.find((f) => f.name === 'mainstat')!.config).toEqual({
      displayName: 'p95 latency',
      unit: 'ms',
    });
    expect(values(edges!, 'source')).toEqual(['frontend']);
    expect(nodes!.meta?.notices).toBeUndefined();
  });

  test('with a service, only it and what it calls (directly or not) remain', () => {
    const [nodes, edges] = rcaGraphToFrames(shopResponse(), 'A', 'checkout');
    expect(values(nodes!, 'id')).toEqual(['cart', 'checkout', 'email', 'redis-cart']);
    expect(values(nodes!, 'mainstat')).toEqual([10, 20, 30, 50]);
    expect(values(edges!, 'id')).toEqual(['cart->redis-cart', 'checkout->cart', 'checkout->email']);
    expect([...reachableFrom('cart', RCA_GRAPH.edges)].sort()).toEqual(['cart', 'redis-cart']);
  });

  test('an unknown service and the sidecar’s warnings become notices; the frames are still nodeGraph frames', () => {
    const [nodes, edges] = rcaGraphToFrames(
      { ...shopResponse(), warnings: ['no traces between a and b'] },
      'A',
      'nope'
    );
    expect(nodes!.length).toBe(0);
    expect(edges!.length).toBe(0);
    expect(nodes!.meta?.notices).toEqual([
      { severity: 'warning', text: 'no traces between a and b' },
      { severity: 'warning', text: 'Service "nope" is not in the graph of this window (6 services)' },
    ]);
  });
});

describe('buildRcaGraphRequest', () => {
  const range = { fromMs: 1_000_000.4, toMs: 4_600_000 };
  test('the range, or its last window', () => {
    expect(buildRcaGraphRequest({}, range)).toEqual({ ok: true, value: { start: 1_000_000, end: 4_600_000 } });
    expect(buildRcaGraphRequest({ window: ' 15m ' }, range)).toEqual({
      ok: true,
      value: { start: 3_700_000, end: 4_600_000 },
    });
  });
  test('a bad window or an empty range is an error naming the field', () => {
    expect(buildRcaGraphRequest({ window: 'soon' }, range)).toEqual({
      ok: false,
      error: 'Window "soon" is not a duration such as 15m or 1h',
    });
    expect(buildRcaGraphRequest({}, { fromMs: 5, toMs: 5 })).toMatchObject({ ok: false });
  });
});
