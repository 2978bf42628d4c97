import { of, throwError } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { EqlRegex, EqlSingle, Neq } from '@prometheus-io/lezer-promql';
import { escapeRegex, lookupSelector, SidecarPromClient } from './completion';

jest.mock('@grafana/runtime', () => ({ ...jest.requireActual('@grafana/runtime'), getBackendSrv: jest.fn() }));

const fetchMock = jest.fn();
beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
});

const SERIES: Array<Record<string, string>> = [
  { __name__: 'aidpe_sim_latency_seconds', service: 'cart', quantile: '0.95' },
  { __name__: 'aidpe_sim_latency_seconds', service: 'frontend', quantile: '0.5' },
  { __name__: 'aidpe_sim_request_rate', service: 'cart' },
];

describe('lookupSelector', () => {
  test('a metric with the matchers typed so far; __name__ and unknown operators are left out', () => {
    expect(
      lookupSelector('up', [
        { type: EqlSingle, name: 'job', value: 'a"b' },
        { type: Neq, name: 'env', value: 'dev' },
        { type: EqlRegex, name: 'x', value: 'a|b' },
        { type: 9999, name: 'bad', value: 'z' },
        { type: EqlSingle, name: '__name__', value: 'up' },
      ])
    ).toBe('up{job="a\\"b", env!="dev", x=~"a|b"}');
  });

  test('without a metric: any metric name starting with the prefix (never the empty selector)', () => {
    expect(lookupSelector()).toBe('{__name__=~".+"}');
    expect(lookupSelector(undefined, [], 'aidpe_sim.')).toBe('{__name__=~"aidpe_sim\\\\..+"}');
    expect(escapeRegex('a.b*c')).toBe('a\\.b\\*c');
  });
});

describe('SidecarPromClient', () => {
  /** The sidecar's Prometheus-shaped metadata routes over SERIES. */
  const metadata = (req: { url: string; params?: Record<string, unknown> }) => {
    const match = String(req.url).match(/\/api\/v1\/label\/([^/]+)\/values/);
    if (match) {
      const label = decodeURIComponent(match[1]!);
      return of({
        data: { status: 'success', data: [...new Set(SERIES.map((l) => l[label]).filter(Boolean))], truncated: false },
      });
    }
    return of({ data: { status: 'success', data: SERIES, truncated: false } });
  };

  test('metric names, label names and values come from the metadata routes through the given proxy base', async () => {
    fetchMock.mockImplementation(metadata);
    const client = new SidecarPromClient('/api/datasources/proxy/uid/x/sidecar');
    await expect(client.metricNames('aidpe_sim_r')).resolves.toEqual(['aidpe_sim_request_rate']);
    expect(fetchMock.mock.calls[0]![0]).toMatchObject({
      url: expect.stringMatching(/^\/api\/datasources\/proxy\/uid\/x\/sidecar\/api\/v1\/label\/__name__\/values/),
      method: 'GET',
    });
    await expect(client.labelNames('aidpe_sim_latency_seconds')).resolves.toEqual(['quantile', 'service']);
    expect(String(fetchMock.mock.calls.at(-1)![0].url)).toMatch(
      /\/api\/v1\/series\?match(%5B%5D|\[\])=aidpe_sim_latency_seconds%7B%7D/
    );
    await expect(
      client.labelValues('service', 'aidpe_sim_latency_seconds', [{ type: EqlSingle, name: 'service', value: 'c' }])
    ).resolves.toEqual(['cart', 'frontend']);
    // The matcher on the label being completed is left out of the lookup.
    expect(String(fetchMock.mock.calls.at(-1)![0].url)).toMatch(
      /\/api\/v1\/label\/service\/values\?match(%5B%5D|\[\])=aidpe_sim_latency_seconds%7B%7D/
    );
  });

  test('answers are cached per lookup for a minute', async () => {
    let now = 0;
    fetchMock.mockImplementation(metadata);
    const client = new SidecarPromClient(undefined, () => now);
    await client.labelNames('up');
    await client.series('up');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    now = 61_000;
    await client.labelNames('up');
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  test('a failed lookup offers nothing and is not cached', async () => {
    fetchMock.mockReturnValueOnce(throwError(() => ({ status: 502 }))).mockImplementation(metadata);
    const client = new SidecarPromClient();
    await expect(client.metricNames()).resolves.toEqual([]);
    await expect(client.metricNames()).resolves.toHaveLength(2);
  });
});
