import { createTheme } from '@grafana/data';
import { rcaResponse } from '../../test/rcaFixtures';
import { anomalyColor } from './colors';
import { explorerGraphFrames } from './graphFrames';

const theme = createTheme();

describe('explorerGraphFrames', () => {
  test('nodes coloured by how unusual each service is, candidates named, the top path highlighted', () => {
    const response = rcaResponse();
    const [nodes, edges] = explorerGraphFrames(response, theme);
    const column = (frame: typeof nodes, name: string) => frame!.fields.find((f) => f.name === name)?.values ?? [];
    const ids = column(nodes, 'id') as string[];
    const colorOf = (id: string) => column(nodes, 'color')[ids.indexOf(id)];
    const score = (id: string) => {
      const e = response.evidence.find((x) => x.service === id)!;
      return Math.max(e.latencyScore, e.errorScore, e.resourceScore ?? 0);
    };
    expect(colorOf('cart')).toBe(anomalyColor(score('cart'), theme));
    expect(colorOf('cart')).not.toBe(colorOf('ad'));
    expect(column(nodes, 'subtitle')[ids.indexOf('cart')]).toBe('#1 likely cause');
    expect(column(nodes, 'subtitle')[ids.indexOf('ad')]).toBe('');
    // The error arcs would override the colour: left out (errors stay in the details).
    expect(nodes!.fields.some((f) => f.name.startsWith('arc__'))).toBe(false);
    expect(nodes!.meta?.preferredVisualisationType).toBe('nodeGraph');

    const sources = column(edges, 'source') as string[];
    const targets = column(edges, 'target') as string[];
    const highlighted = column(edges, 'highlighted') as boolean[];
    const on = sources.flatMap((s, i) => (highlighted[i] ? [`${s}->${targets[i]}`] : []));
    expect(on).toEqual(['frontend->cart']);
  });

  test('an answer without frames falls back to the plain graph', () => {
    const response = { ...rcaResponse(), frames: [] };
    const [nodes, edges] = explorerGraphFrames(response, theme);
    expect(nodes!.length).toBe(response.graph!.nodes.length);
    expect(edges!.length).toBe(response.graph!.edges.length);
  });
});
