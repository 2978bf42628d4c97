import { lastValueFrom, of, throwError } from 'rxjs';
import { dateTime, type DataQueryRequest, type DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv, getTemplateSrv } from '@grafana/runtime';
import { anomalyRegion, anomalyResponse, forecastResponse, healthReport, NOW } from '../../test/fixtures';
import { rcaGraphResponse } from '../../test/rcaFixtures';
import { SidecarDataSource } from './datasource';
import type { SidecarQuery } from '../../domain/query/types';
import type { SidecarJsonData } from './settings';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
  getTemplateSrv: jest.fn(),
}));

const fetchMock = jest.fn();
const HOUR = 3_600_000;

const settings = {
  id: 1,
  uid: 'aidpe-sidecar',
  type: 'aidpe-sidecar-datasource',
  name: 'AIDPE',
  url: '/api/datasources/proxy/uid/aidpe-sidecar',
  access: 'proxy',
  jsonData: { sidecarUrl: 'http://sidecar:8080' },
  meta: {},
  readOnly: false,
} as unknown as DataSourceInstanceSettings<SidecarJsonData>;

function request(targets: SidecarQuery[], overrides: Partial<DataQueryRequest<SidecarQuery>> = {}) {
  return {
    requestId: 'Q1',
    interval: '15s',
    intervalMs: 15_000,
    range: { from: dateTime(NOW - HOUR), to: dateTime(NOW), raw: { from: 'now-1h', to: 'now' } },
    scopedVars: { service: { text: 'frontend', value: 'frontend' } },
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: NOW,
    ...overrides,
  } as DataQueryRequest<SidecarQuery>;
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.mocked(getTemplateSrv).mockReturnValue({
    replace: (text?: string) => (text ?? '').replace('$service', 'frontend'),
  } as unknown as ReturnType<typeof getTemplateSrv>);
});

afterEach(() => {
  jest.useRealTimers();
});

describe('SidecarDataSource.query', () => {
  test('forecast: POSTs the interpolated query through the datasource proxy route and returns frames', async () => {
    fetchMock.mockReturnValue(of({ data: forecastResponse(), status: 200, ok: true }));
    const ds = new SidecarDataSource(settings);

    const response = await lastValueFrom(
      ds.query(
        request([
          { refId: 'A', queryType: 'forecast', expr: 'aidpe_sim_request_rate{service="$service"}', horizon: '30m' },
        ])
      )
    );

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const call = fetchMock.mock.calls[0][0];
    expect(call).toMatchObject({
      url: '/api/datasources/proxy/uid/aidpe-sidecar/sidecar/api/v1/forecast',
      method: 'POST',
      requestId: 'Q1_A',
      showErrorAlert: false,
      data: {
        query: 'aidpe_sim_request_rate{service="frontend"}',
        start: NOW - HOUR,
        end: NOW,
        stepSeconds: 15,
        horizonSeconds: 1800,
        quantiles: [0.1, 0.9],
      },
    });
    // The token is added by Grafana's proxy route, server-side; the browser sends none.
    expect(call.headers).toBeUndefined();
    expect(response.errors).toBeUndefined();
    expect(response.data).toHaveLength(1);
    expect(response.data[0].refId).toBe('A');
    expect(response.data[0].meta.custom.status).toBe('ok');
  });

  test('queries without a type are forecasts; hidden queries do not run', async () => {
    fetchMock.mockReturnValue(of({ data: forecastResponse(), status: 200, ok: true }));
    const ds = new SidecarDataSource(settings);
    const response = await lastValueFrom(
      ds.query(
        request([
          { refId: 'A', expr: 'up' },
          { refId: 'B', expr: 'up', hide: true },
        ])
      )
    );
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(response.data.map((f) => f.refId)).toEqual(['A']);
  });

  test('no runnable queries → no data, no request', async () => {
    const ds = new SidecarDataSource(settings);
    await expect(lastValueFrom(ds.query(request([{ refId: 'A', hide: true }])))).resolves.toEqual({ data: [] });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test('an invalid query is an error for its refId, without a request', async () => {
    const ds = new SidecarDataSource(settings);
    const response = await lastValueFrom(ds.query(request([{ refId: 'A', expr: 'up', horizon: 'soon' }])));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(response.data).toEqual([]);
    expect(response.errors).toEqual([
      { refId: 'A', message: 'Horizon "soon" is neither a duration (15m, 6h, 2d) nor a number of steps (288)' },
    ]);
  });

  test('sidecar errors are reported per query with the sidecar message; other queries still answer', async () => {
    fetchMock
      .mockReturnValueOnce(
        throwError(() => ({
          status: 400,
          data: { statusCode: 400, error: 'Bad Request', message: 'query: parse error at char 4' },
          config: {},
        }))
      )
      .mockReturnValueOnce(of({ data: forecastResponse(), status: 200, ok: true }));
    const ds = new SidecarDataSource(settings);
    const response = await lastValueFrom(
      ds.query(
        request([
          { refId: 'A', expr: 'up{' },
          { refId: 'B', expr: 'up' },
        ])
      )
    );
    expect(response.errors).toEqual([{ refId: 'A', message: 'HTTP 400: query: parse error at char 4' }]);
    expect(response.data.map((f) => f.refId)).toEqual(['B']);
  });

  test("a wrong token on a query (401 from the sidecar) says to set it in the datasource's settings", async () => {
    fetchMock.mockReturnValueOnce(
      throwError(() => ({
        status: 401,
        data: { statusCode: 401, error: 'Unauthorized', message: 'authorization: a valid Bearer token is required' },
        config: {},
      }))
    );
    const response = await lastValueFrom(new SidecarDataSource(settings).query(request([{ refId: 'A', expr: 'up' }])));
    expect(response.errors).toEqual([
      {
        refId: 'A',
        message:
          "HTTP 401: authorization: a valid Bearer token is required. The API token is wrong or missing: set it in the AIDPE datasource's settings.",
      },
    ]);
  });

  test('anomalies: POSTs the interpolated query through the anomalies route and returns score frames', async () => {
    fetchMock.mockReturnValue(of({ data: anomalyResponse(), status: 200, ok: true }));
    const ds = new SidecarDataSource(settings);
    const response = await lastValueFrom(
      ds.query(
        request([
          {
            refId: 'A',
            queryType: 'anomalies',
            expr: 'aidpe_sim_latency_seconds{service="$service"}',
            step: '1m',
            threshold: '0.995',
          },
        ])
      )
    );
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const call = fetchMock.mock.calls[0][0];
    expect(call).toMatchObject({
      url: '/api/datasources/proxy/uid/aidpe-sidecar/sidecar/api/v1/anomalies/query',
      method: 'POST',
      requestId: 'Q1_A',
      showErrorAlert: false,
      data: {
        query: 'aidpe_sim_latency_seconds{service="frontend"}',
        start: NOW - HOUR,
        end: NOW,
        stepSeconds: 60,
        threshold: 0.995,
      },
    });
    expect(call.headers).toBeUndefined();
    expect(response.errors).toBeUndefined();
    expect(response.data).toHaveLength(1);
    expect(response.data[0].refId).toBe('A');
    expect(response.data[0].fields.map((f: { name: string }) => f.name)).toEqual(['time', 'value', 'score']);
    expect(response.data[0].meta.custom).toMatchObject({ aidpe: 'anomalies', regions: [anomalyRegion()] });
  });

  test('anomalies: an invalid threshold is an error for its refId; sidecar errors are reported per query', async () => {
    const ds = new SidecarDataSource(settings);
    const invalid = await lastValueFrom(
      ds.query(request([{ refId: 'A', queryType: 'anomalies', expr: 'up', threshold: '1.2' }]))
    );
    expect(fetchMock).not.toHaveBeenCalled();
    expect(invalid.errors).toEqual([
      { refId: 'A', message: 'Threshold "1.2" must be a number between 0 and 1 (exclusive), e.g. 0.995' },
    ]);

    fetchMock.mockReturnValueOnce(
      throwError(() => ({ status: 501, data: { message: 'the simulator cannot answer this PromQL' }, config: {} }))
    );
    const failed = await lastValueFrom(ds.query(request([{ refId: 'B', queryType: 'anomalies', expr: 'sum(up)' }])));
    expect(failed.errors).toEqual([{ refId: 'B', message: 'HTTP 501: the simulator cannot answer this PromQL' }]);
  });

  test('rca: POSTs the range (or its last window) to the graph route and returns Node Graph frames', async () => {
    fetchMock.mockReturnValue(of({ data: rcaGraphResponse(), status: 200, ok: true }));
    const ds = new SidecarDataSource(settings);
    const response = await lastValueFrom(
      ds.query(
        request([
          { refId: 'G', queryType: 'rca', service: '$service' },
          { refId: 'H', queryType: 'rca', window: '15m' },
        ])
      )
    );
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual([
      expect.objectContaining({
        url: '/api/datasources/proxy/uid/aidpe-sidecar/sidecar/api/v1/rca/graph',
        method: 'POST',
        requestId: 'Q1_G',
        data: { start: NOW - HOUR, end: NOW },
      }),
      expect.objectContaining({ requestId: 'Q1_H', data: { start: NOW - 15 * 60_000, end: NOW } }),
    ]);
    expect(response.errors).toBeUndefined();
    expect(response.data.map((f: { name: string; refId: string }) => `${f.refId}:${f.name}`)).toEqual([
      'G:nodes',
      'G:edges',
      'H:nodes',
      'H:edges',
    ]);
    expect(response.data[0].meta.preferredVisualisationType).toBe('nodeGraph');
    // `$service` → frontend, which reaches cart: the whole fixture.
    expect(response.data[0].fields[0].values).toEqual(['cart', 'frontend']);

    const invalid = await lastValueFrom(ds.query(request([{ refId: 'X', queryType: 'rca', window: 'later' }])));
    expect(invalid.errors).toEqual([{ refId: 'X', message: 'Window "later" is not a duration such as 15m or 1h' }]);
  });

  // Every query type has an engine now; actions queries are covered in datasource.actions.test.ts.
});

describe('SidecarDataSource.testDatasource', () => {
  test('health, then an authenticated probe; reports each dependency', async () => {
    fetchMock
      .mockReturnValueOnce(of({ data: healthReport(), status: 200, ok: true }))
      .mockReturnValueOnce(of({ data: { models: [], statistical: ['seasonal_naive'], warnings: [] }, status: 200 }));
    const ds = new SidecarDataSource(settings);
    const result = await ds.testDatasource();
    expect(fetchMock.mock.calls.map((c) => [c[0].method, c[0].url])).toEqual([
      ['GET', '/api/datasources/proxy/uid/aidpe-sidecar/sidecar/api/v1/health'],
      ['GET', '/api/datasources/proxy/uid/aidpe-sidecar/sidecar/api/v1/forecast/models'],
    ]);
    expect(result.status).toBe('warning');
    expect(result.message).toMatch(/degraded: loki/);
    expect(result.details?.message).toContain('loki: Down (connect ECONNREFUSED 10.0.0.7:3100)');
  });

  test('a wrong token fails the test', async () => {
    fetchMock
      .mockReturnValueOnce(of({ data: healthReport({ status: 'up' }), status: 200, ok: true }))
      .mockReturnValueOnce(
        throwError(() => ({
          status: 401,
          data: { message: 'authorization: a valid Bearer token is required' },
          config: {},
        }))
      );
    const result = await new SidecarDataSource(settings).testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toContain('HTTP 401: authorization: a valid Bearer token is required. Check the API token.');
  });

  test('an unreachable sidecar says so', async () => {
    fetchMock.mockReturnValueOnce(throwError(() => ({ status: 502, data: { message: 'Bad Gateway' }, config: {} })));
    const result = await new SidecarDataSource(settings).testDatasource();
    expect(result).toEqual({
      status: 'error',
      message:
        'Could not reach the AIDPE sidecar through the Grafana proxy: HTTP 502: Bad Gateway. Check the sidecar URL (as seen from the Grafana server).',
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('SidecarDataSource annotations', () => {
  const annotation = {
    name: 'Anomalies',
    enable: true,
    iconColor: 'red',
    target: { refId: 'A', expr: 'aidpe_sim_latency_seconds{service="$service"}', queryType: 'forecast' as const },
  };

  test('annotation queries are anomaly queries in the annotations format; no expression, no query', () => {
    const ds = new SidecarDataSource(settings);
    const prepared = ds.annotations.prepareAnnotation!(annotation);
    expect(prepared.target).toEqual({ ...annotation.target, queryType: 'anomalies' });
    expect(ds.annotations.prepareQuery!(prepared)).toEqual({
      refId: 'A',
      expr: 'aidpe_sim_latency_seconds{service="$service"}',
      queryType: 'anomalies',
      format: 'annotations',
    });
    expect(ds.annotations.prepareQuery!({ ...prepared, target: { refId: 'A', expr: ' ' } })).toBeUndefined();
    expect(ds.annotations.prepareQuery!({ name: 'x', enable: true, iconColor: 'red' })).toBeUndefined();
    expect(ds.annotations.getDefaultQuery!()).toEqual({ queryType: 'anomalies' });
    expect(ds.annotations.QueryEditor).toBeDefined();
  });

  test('end to end: the prepared query answers one annotation frame and processEvents turns it into region events', async () => {
    fetchMock.mockReturnValue(of({ data: anomalyResponse(), status: 200, ok: true }));
    const ds = new SidecarDataSource(settings);
    const prepared = ds.annotations.prepareAnnotation!(annotation);
    const target = ds.annotations.prepareQuery!(prepared)!;
    // Grafana's annotation runner sends the prepared query as the only target, with refId "Anno".
    const response = await lastValueFrom(ds.query(request([{ ...target, refId: 'Anno' }])));
    expect(fetchMock.mock.calls[0][0]).toMatchObject({
      url: '/api/datasources/proxy/uid/aidpe-sidecar/sidecar/api/v1/anomalies/query',
      data: { query: 'aidpe_sim_latency_seconds{service="frontend"}', start: NOW - HOUR, end: NOW, stepSeconds: 15 },
    });
    expect(response.data).toHaveLength(1);
    expect(response.data[0].fields.map((f: { name: string }) => f.name)).toEqual([
      'id',
      'time',
      'timeEnd',
      'title',
      'text',
      'tags',
    ]);

    const events = await lastValueFrom(ds.annotations.processEvents!(prepared, response.data));
    const region = anomalyRegion();
    expect(events).toEqual([
      {
        id: region.id,
        time: region.startMs,
        timeEnd: region.endMs,
        isRegion: true,
        title: 'Anomaly (high) on aidpe_sim_latency_seconds{quantile="0.95", service="cart"}',
        text: expect.stringContaining('3 point(s) over threshold 0.988 (default)'),
        tags: ['aidpe', 'anomaly', 'high'],
      },
    ]);
  });

  test('defaults and display text', () => {
    const ds = new SidecarDataSource(settings);
    expect(ds.getDefaultQuery()).toEqual({ queryType: 'forecast', expr: '', horizon: '1h', band95: false });
    expect(ds.getQueryDisplayText({ refId: 'A', expr: 'up', horizon: '6h' })).toBe('forecast up +6h');
    expect(ds.getQueryDisplayText({ refId: 'A', queryType: 'anomalies', expr: 'up' })).toBe('anomalies up');
    expect(ds.getQueryDisplayText({ refId: 'A', queryType: 'rca' })).toBe('rca');
  });

  test('template variables in the threshold are interpolated', () => {
    jest.mocked(getTemplateSrv).mockReturnValue({
      replace: (text?: string) => (text ?? '').replace('$thr', '0.99'),
    } as unknown as ReturnType<typeof getTemplateSrv>);
    const ds = new SidecarDataSource(settings);
    expect(
      ds.applyTemplateVariables({ refId: 'A', queryType: 'anomalies', expr: 'up', threshold: '$thr' }, {})
    ).toEqual({
      refId: 'A',
      queryType: 'anomalies',
      expr: 'up',
      step: undefined,
      horizon: undefined,
      threshold: '0.99',
    });
  });
});

describe('SidecarDataSource.metricFindQuery (template variables)', () => {
  const values = (data: string[]) => of({ data: { status: 'success', data, truncated: false } });

  test('label_values(<selector>, <label>): the values, sorted and once each, through the datasource route', async () => {
    fetchMock.mockReturnValue(values(['web', 'cart', 'cart']));
    const ds = new SidecarDataSource(settings);
    await expect(ds.metricFindQuery('label_values(aidpe_sim_request_rate, service)')).resolves.toEqual([
      { text: 'cart', value: 'cart' },
      { text: 'web', value: 'web' },
    ]);
    expect(String(fetchMock.mock.calls[0]![0].url)).toMatch(
      /^\/api\/datasources\/proxy\/uid\/aidpe-sidecar\/sidecar\/api\/v1\/label\/service\/values\?match(%5B%5D|\[\])=aidpe_sim_request_rate$/
    );
  });

  test('metrics(<regex>) and a query it does not know', async () => {
    fetchMock.mockReturnValue(values(['aidpe_a', 'other']));
    const ds = new SidecarDataSource(settings);
    await expect(ds.metricFindQuery('metrics(aidpe_.*)')).resolves.toEqual([{ text: 'aidpe_a' }]);
    await expect(ds.metricFindQuery('up')).rejects.toThrow(/label_values\(<selector>, <label>\)/);
  });
});
