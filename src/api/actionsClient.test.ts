import { of, throwError } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { actionRecord, auditEntry, automationStatus } from '../test/actionFixtures';
import {
  actionListQuery,
  callUrl,
  approveAction,
  getAction,
  listActions,
  listAudit,
  rejectAction,
  resumeAutomation,
  rollbackAction,
  setAutomationMode,
} from './sidecarClient';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const fetchMock = jest.fn();
const BASE = '/api/plugin-proxy/aidpe-performance-app/sidecar';

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
});

const answer = (data: unknown) => of({ data, status: 200, ok: true });
const lastCall = () => fetchMock.mock.calls[fetchMock.mock.calls.length - 1][0];

describe('api/sidecarClient actions', () => {
  test('a list query joins statuses, encodes the service and leaves out empty filters', () => {
    const url = (q?: Parameters<typeof actionListQuery>[0]) =>
      callUrl({ method: 'get', path: '/api/v1/actions', query: actionListQuery(q) });
    expect(url()).toBe(`${BASE}/api/v1/actions`);
    expect(url({ status: [], service: '  ' })).toBe(`${BASE}/api/v1/actions`);
    expect(url({ status: ['pending_approval', 'applied'], service: 'front end', limit: 100.7 })).toBe(
      `${BASE}/api/v1/actions?status=pending_approval,applied&service=front%20end&limit=100`
    );
    expect(url({ limit: 0 })).toBe(`${BASE}/api/v1/actions?limit=1`);
  });

  test('callUrl fills path parameters, encoded, and refuses a missing one', () => {
    expect(callUrl({ method: 'get', path: '/api/v1/actions/{id}', params: { id: 'a/b' } })).toBe(
      `${BASE}/api/v1/actions/a%2Fb`
    );
    expect(() => callUrl({ method: 'get', path: '/api/v1/actions/{id}' })).toThrow('missing path parameter id');
    expect(callUrl({ method: 'get', path: '/api/v1/health', base: '/api/datasources/proxy/uid/x/sidecar' })).toBe(
      '/api/datasources/proxy/uid/x/sidecar/api/v1/health'
    );
  });

  test('listActions GETs the list through the catch-all route', async () => {
    const list = { actions: [actionRecord()], automation: automationStatus() };
    fetchMock.mockReturnValue(answer(list));
    await expect(listActions({ status: ['pending_approval'], service: 'frontend', limit: 50 })).resolves.toEqual(list);
    expect(lastCall()).toMatchObject({
      url: `${BASE}/api/v1/actions?status=pending_approval&service=frontend&limit=50`,
      method: 'GET',
      showErrorAlert: false,
    });
    expect(lastCall()).not.toHaveProperty('data');
  });

  test('getAction GETs one action by its encoded id', async () => {
    fetchMock.mockReturnValue(answer({ action: actionRecord() }));
    await getAction('a/b');
    expect(lastCall()).toMatchObject({ url: `${BASE}/api/v1/actions/a%2Fb`, method: 'GET' });
  });

  test.each([
    ['approve', approveAction],
    ['reject', rejectAction],
    ['rollback', rollbackAction],
  ] as const)(
    '%s POSTs a trimmed note to the verb-first path (each verb has its own guarded route)',
    async (verb, call) => {
      fetchMock.mockReturnValue(answer({ action: actionRecord() }));
      await call('a1', { note: '  peak expected ' });
      expect(lastCall()).toMatchObject({
        url: `${BASE}/api/v1/actions/${verb}/a1`,
        method: 'POST',
        data: { note: 'peak expected' },
      });
      // No user in the body or headers: Grafana forwards the signed-in user as X-Grafana-User.
      expect(lastCall().headers).toBeUndefined();

      await call('a1');
      expect(lastCall().data).toEqual({});
      await call('a1', { note: '   ' });
      expect(lastCall().data).toEqual({});
    }
  );

  test('a 409 rejects with the fetch error so callers can show the sidecar message', async () => {
    const error = { status: 409, data: { message: 'action a1 is applied, not pending_approval' }, config: {} };
    fetchMock.mockReturnValue(throwError(() => error));
    await expect(approveAction('a1')).rejects.toBe(error);
  });

  test('listAudit GETs the trail with an optional limit', async () => {
    fetchMock.mockReturnValue(answer({ entries: [auditEntry()] }));
    await expect(listAudit(200)).resolves.toEqual({ entries: [auditEntry()] });
    expect(lastCall()).toMatchObject({ url: `${BASE}/api/v1/audit?limit=200`, method: 'GET' });
    await listAudit();
    expect(lastCall().url).toBe(`${BASE}/api/v1/audit`);
  });

  test('setAutomationMode PUTs the mode; resumeAutomation POSTs the resume', async () => {
    fetchMock.mockReturnValue(answer(automationStatus()));
    await expect(setAutomationMode('check out', 'recommend')).resolves.toEqual(automationStatus());
    expect(lastCall()).toMatchObject({
      url: `${BASE}/api/v1/automation/services/check%20out`,
      method: 'PUT',
      data: { mode: 'recommend' },
    });
    await resumeAutomation('checkout');
    expect(lastCall()).toMatchObject({ url: `${BASE}/api/v1/automation/services/checkout/resume`, method: 'POST' });
  });
});
