import { of, throwError } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { anomalyResponse, feedbackRecord, healthReport, NOW } from '../test/fixtures';
import { anomalies, anomalyFeedback, getHealth, listAnomalyFeedback, sidecarUrl } from './sidecarClient';

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

describe('api/sidecarClient anomalies', () => {
  test('anomalies() POSTs the request through the catch-all proxy route', async () => {
    const answer = anomalyResponse();
    fetchMock.mockReturnValue(of({ data: answer, status: 200, ok: true }));
    const body = {
      query: 'aidpe_sim_latency_seconds{quantile="0.95"}',
      start: NOW - 6 * 3_600_000,
      end: NOW,
      stepSeconds: 60,
    };
    await expect(anomalies(body)).resolves.toEqual(answer);
    expect(fetchMock).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/anomalies',
        method: 'POST',
        data: body,
        showErrorAlert: false,
      })
    );
    expect(fetchMock.mock.calls[0][0].headers).toBeUndefined();
  });

  test('anomalyFeedback() POSTs the verdict and a trimmed reason under the region id (the Editor route)', async () => {
    const record = feedbackRecord();
    fetchMock.mockReturnValue(of({ data: record, status: 201, ok: true }));
    await expect(anomalyFeedback('an-1a2b/3', { verdict: 'false_positive', reason: ' load test ' })).resolves.toEqual(
      record
    );
    expect(fetchMock).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/anomalies/an-1a2b%2F3/feedback',
        method: 'POST',
        data: { verdict: 'false_positive', reason: 'load test' },
      })
    );
    // No user in the body: Grafana forwards the signed-in user as X-Grafana-User.
    expect(fetchMock.mock.calls[0][0].data).not.toHaveProperty('user');
  });

  test('an empty reason is left out', async () => {
    fetchMock.mockReturnValue(of({ data: feedbackRecord(), status: 201, ok: true }));
    await anomalyFeedback('an-1', { verdict: 'true_positive', reason: '  ' });
    expect(fetchMock.mock.calls[0][0].data).toEqual({ verdict: 'true_positive' });
  });

  test('anomalyFeedback() rejects with the fetch error (e.g. 403 for a Viewer)', async () => {
    const error = { status: 403, data: { message: 'plugin proxy route access denied' }, config: {} };
    fetchMock.mockReturnValue(throwError(() => error));
    await expect(anomalyFeedback('an-1', { verdict: 'true_positive' })).rejects.toBe(error);
  });

  test('listAnomalyFeedback() GETs the feedback list', async () => {
    fetchMock.mockReturnValue(of({ data: { feedback: [feedbackRecord()] }, status: 200, ok: true }));
    await expect(listAnomalyFeedback()).resolves.toEqual({ feedback: [feedbackRecord()] });
    expect(fetchMock).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/anomalies/feedback',
        method: 'GET',
      })
    );
    expect(fetchMock.mock.calls[0][0]).not.toHaveProperty('data');
  });
});
