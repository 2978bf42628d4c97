import type { RcaEvidenceQuery } from '../../api/types';
import { exploreUrl } from './explore';
import { DEFAULT_RCA_OPTIONS } from './types';

const range = { startMs: Date.parse('2025-01-01T05:25:00Z'), endMs: Date.parse('2025-01-01T06:10:00Z') };
const uids = { prometheusUid: 'prom-1', lokiUid: 'loki-1', tempoUid: 'tempo-1' };

/** The `panes` parameter of an Explore URL, decoded. */
function panesOf(
  url: string
): Record<string, { datasource: string; queries: Array<Record<string, unknown>>; range: unknown }> {
  const params = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  expect(params.get('schemaVersion')).toBe('1');
  return JSON.parse(params.get('panes')!);
}

describe('exploreUrl', () => {
  test('PromQL opens the Prometheus datasource with the exact expression, step and range (exact URL)', () => {
    const q: RcaEvidenceQuery = {
      signal: 'errors',
      language: 'promql',
      query: 'aidpe_sim_error_ratio{service="cart"}',
      ...range,
      stepSeconds: 15,
    };
    expect(exploreUrl(q, DEFAULT_RCA_OPTIONS)).toBe(
      '/explore?schemaVersion=1&panes=%7B%22aidpe%22:%7B%22datasource%22:%22prometheus%22,%22queries%22:%5B%7B%22refId%22:%22A%22,' +
        '%22datasource%22:%7B%22type%22:%22prometheus%22,%22uid%22:%22prometheus%22%7D,' +
        '%22expr%22:%22aidpe_sim_error_ratio%7Bservice%3D%5C%22cart%5C%22%7D%22,%22range%22:true,%22instant%22:false,%22interval%22:%2215s%22%7D%5D,' +
        '%22range%22:%7B%22from%22:%221735709100000%22,%22to%22:%221735711800000%22%7D%7D%7D'
    );
  });

  test('LogQL opens Loki as a range query over the same range', () => {
    const url = exploreUrl(
      { signal: 'logs', language: 'logql', query: '{service="cart", level=~"error|warn"}', ...range },
      uids,
      { orgId: 3 }
    );
    expect(url).toBe(
      '/explore?schemaVersion=1&panes=%7B%22aidpe%22:%7B%22datasource%22:%22loki-1%22,%22queries%22:%5B%7B%22refId%22:%22A%22,' +
        '%22datasource%22:%7B%22type%22:%22loki%22,%22uid%22:%22loki-1%22%7D,' +
        '%22expr%22:%22%7Bservice%3D%5C%22cart%5C%22,%20level%3D~%5C%22error%7Cwarn%5C%22%7D%22,%22queryType%22:%22range%22%7D%5D,' +
        '%22range%22:%7B%22from%22:%221735709100000%22,%22to%22:%221735711800000%22%7D%7D%7D&orgId=3'
    );
    expect(panesOf(url).aidpe.queries[0]!.expr).toBe('{service="cart", level=~"error|warn"}');
  });

  test('TraceQL opens Tempo as a TraceQL search, under Grafana’s sub-path', () => {
    const query = '{ resource.service.name = "cart" && (status = error || duration > 500ms) }';
    const url = exploreUrl({ signal: 'traces', language: 'traceql', query, ...range }, uids, {
      appSubUrl: '/grafana/',
    });
    expect(url.startsWith('/grafana/explore?schemaVersion=1&panes=')).toBe(true);
    expect(panesOf(url)).toEqual({
      aidpe: {
        datasource: 'tempo-1',
        queries: [
          { refId: 'A', datasource: { type: 'tempo', uid: 'tempo-1' }, queryType: 'traceql', query, limit: 20 },
        ],
        range: { from: '1735709100000', to: '1735711800000' },
      },
    });
  });
});
