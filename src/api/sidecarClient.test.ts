import { of, throwError } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { healthReport } from '../test/fixtures';
import { getHealth, sidecarUrl } from './sidecarClient';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
});

describe('api/sidecarClient', () => {
  test('sidecarUrl goes through the plugin proxy route', () => {
    expect(sidecarUrl('/api/v1/health')).toBe('/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/health');
    expect(sidecarUrl('api/v1/health')).toBe('/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/health');
  });

  test('getHealth GETs the health endpoint through the proxy and returns the body', async () => {
    const report = healthReport();
    fetchMock.mockReturnValue(of({ data: report, status: 200, ok: true }));

    await expect(getHealth()).resolves.toEqual(report);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/health',
        method: 'GET',
        showErrorAlert: false,
      })
    );
    // The token is injected by Grafana server-side; the browser never sends one.
    expect(fetchMock.mock.calls[0][0].headers).toBeUndefined();
  });

  test('getHealth rejects with the fetch error', async () => {
    const error = { status: 502, data: { message: 'Bad Gateway' }, config: {} };
    fetchMock.mockReturnValue(throwError(() => error));
    await expect(getHealth()).rejects.toBe(error);
  });
});
