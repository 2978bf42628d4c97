import { lastValueFrom, of, throwError } from 'rxjs';
import { dateTime, type AnnotationQuery, type DataQueryRequest, type DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv, getTemplateSrv } from '@grafana/runtime';
import { actionRecord, appliedHpaAction, automationStatus } from '../../test/actionFixtures';
import { NOW } from '../../test/fixtures';
import { ACTIONS_QUERY_LIMIT, SidecarDataSource } from './datasource';
import type { SidecarQuery } from '../../domain/query/types';
import type { SidecarJsonData } from './settings';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
  getTemplateSrv: jest.fn(),
}));

const fetchMock = jest.fn();
const HOUR = 3_600_000;
const BASE = '/api/datasources/proxy/uid/aidpe-sidecar/sidecar/api/v1/actions';

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

function request(targets: SidecarQuery[]) {
  return {
    requestId: 'Q1',
    interval: '15s',
    intervalMs: 15_000,
    range: { from: dateTime(NOW - HOUR), to: dateTime(NOW), raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: NOW,
  } as DataQueryRequest<SidecarQuery>;
}

const answer = (actions = [actionRecord(), appliedHpaAction()]) =>
  of({ data: { actions, automation: automationStatus() }, status: 200, ok: true });

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

describe('SidecarDataSource actions queries', () => {
  test('GETs the filtered list through the read-only datasource route and answers a table frame', async () => {
    fetchMock.mockReturnValue(answer());
    const ds = new SidecarDataSource(settings);
    const response = await lastValueFrom(
      ds.query(
        request([
          {
            refId: 'A',
            queryType: 'actions',
            actionService: '$service',
            actionStatus: ['applied', 'pending_approval'],
          },
        ])
      )
    );
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0][0]).toMatchObject({
      url: `${BASE}?status=pending_approval,applied&service=frontend&limit=${ACTIONS_QUERY_LIMIT}`,
      method: 'GET',
      requestId: 'Q1_A',
      showErrorAlert: false,
    });
    expect(response.errors).toBeUndefined();
    expect(response.data).toHaveLength(1);
    const frame = response.data[0];
    expect(frame.refId).toBe('A');
    expect(frame.fields.find((f: { name: string }) => f.name === 'change').values).toEqual([
      '3 → 5 replicas',
      'minReplicas 2 → 4, target 70% → 60%',
    ]);
  });

  test('no filters: all actions; a failing sidecar is an error for the refId', async () => {
    fetchMock.mockReturnValue(throwError(() => ({ status: 502, data: { message: 'Bad Gateway' }, config: {} })));
    const ds = new SidecarDataSource(settings);
    const response = await lastValueFrom(ds.query(request([{ refId: 'B', queryType: 'actions' }])));
    expect(fetchMock.mock.calls[0][0].url).toBe(`${BASE}?limit=${ACTIONS_QUERY_LIMIT}`);
    expect(response.errors).toEqual([
      {
        refId: 'B',
        message:
          "HTTP 502: Bad Gateway. The AIDPE sidecar cannot be reached through Grafana's plugin proxy: check the sidecar URL (as seen from the Grafana server) in the AIDPE datasource's settings, and that the sidecar is running.",
      },
    ]);
  });

  test('display text names the filters', () => {
    const ds = new SidecarDataSource(settings);
    expect(
      ds.getQueryDisplayText({ refId: 'A', queryType: 'actions', actionService: 'frontend', actionStatus: ['applied'] })
    ).toBe('actions frontend applied');
    expect(ds.getQueryDisplayText({ refId: 'A', queryType: 'actions' })).toBe('actions');
  });
});

describe('SidecarDataSource action annotations', () => {
  const annotation = (target: Partial<SidecarQuery>) =>
    ({ name: 'AIDPE actions', enable: true, iconColor: 'purple', target }) as AnnotationQuery<SidecarQuery>;

  test('an actions annotation needs no expression; anomaly annotations keep their behaviour', () => {
    const ds = new SidecarDataSource(settings);
    const prepared = ds.annotations.prepareAnnotation!(annotation({ queryType: 'actions', actionService: 'frontend' }));
    expect(prepared.target?.queryType).toBe('actions');
    expect(ds.annotations.prepareQuery!(prepared)).toEqual({
      refId: 'Anno',
      queryType: 'actions',
      actionService: 'frontend',
      format: 'annotations',
    });
    const legacy = ds.annotations.prepareAnnotation!(annotation({ refId: 'A', expr: 'up' }));
    expect(legacy.target?.queryType).toBe('anomalies');
    expect(ds.annotations.prepareQuery!(legacy)).toMatchObject({ queryType: 'anomalies', format: 'annotations' });
  });

  test('end to end: applied and rolled-back actions in the range become annotation events', async () => {
    const applied = actionRecord({ status: 'applied', decidedBy: 'ann', decidedAt: '2025-01-01T11:52:00Z' });
    fetchMock.mockReturnValue(answer([applied, appliedHpaAction({ id: 'old', createdAt: '2024-12-01T00:00:00Z' })]));
    const ds = new SidecarDataSource(settings);
    const prepared = ds.annotations.prepareAnnotation!(annotation({ queryType: 'actions' }));
    const target = ds.annotations.prepareQuery!(prepared)!;
    const response = await lastValueFrom(ds.query(request([target])));
    // Annotations ask only for what changed the cluster.
    expect(fetchMock.mock.calls[0][0].url).toBe(
      `${BASE}?status=applied,rolling_back,rolled_back&limit=${ACTIONS_QUERY_LIMIT}`
    );
    const events = await lastValueFrom(ds.annotations.processEvents!(prepared, response.data));
    expect(events).toEqual([
      expect.objectContaining({
        id: applied.id,
        time: Date.parse('2025-01-01T11:52:00Z'),
        isRegion: false,
        title: 'Scaled frontend 3 → 5 (predictive)',
        tags: ['aidpe', 'action', 'applied', 'frontend'],
      }),
    ]);
  });
});
