import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { SIDECAR_PROXY_BASE } from '../constants';
import type {
  AnomalyFeedbackList,
  AnomalyFeedbackRecord,
  AnomalyFeedbackRequest,
  AnomalyRequest,
  AnomalyResponse,
  ForecastModelsResponse,
  HealthReport,
} from './types';

/** Path of a sidecar endpoint behind Grafana's plugin proxy, e.g. `sidecarUrl('/api/v1/health')`. */
export function sidecarUrl(path: string): string {
  return `${SIDECAR_PROXY_BASE}/${path.replace(/^\/+/, '')}`;
}

async function request<T>(method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<T>({
      url: sidecarUrl(path),
      method,
      ...(data !== undefined ? { data } : {}),
      // Callers render their own error state; don't pop a global toast as well.
      showErrorAlert: false,
      showSuccessAlert: false,
    })
  );
  return response.data;
}

/** `GET /api/v1/health` on the sidecar, through the plugin proxy route `sidecar/*`. */
export function getHealth(): Promise<HealthReport> {
  return request<HealthReport>('GET', '/api/v1/health');
}

/** `GET /api/v1/forecast/models`: the deep forecasting models, whether each loaded, and their cards. */
export function forecastModels(): Promise<ForecastModelsResponse> {
  return request<ForecastModelsResponse>('GET', '/api/v1/forecast/models');
}

/** `POST /api/v1/anomalies`: scores and regions of every series of a PromQL range (route `sidecar/*`). */
export function anomalies(body: AnomalyRequest): Promise<AnomalyResponse> {
  return request<AnomalyResponse>('POST', '/api/v1/anomalies', body);
}

/**
 * `POST /api/v1/anomalies/{id}/feedback`: a verdict on a region. Goes through the Editor-only route
 * `sidecar/api/v1/anomalies/*` (Grafana answers 403 to Viewers); Grafana forwards the user as `X-Grafana-User`.
 */
export function anomalyFeedback(regionId: string, body: AnomalyFeedbackRequest): Promise<AnomalyFeedbackRecord> {
  const reason = body.reason?.trim();
  return request<AnomalyFeedbackRecord>(
    'POST',
    `/api/v1/anomalies/${encodeURIComponent(regionId)}/feedback`,
    reason ? { verdict: body.verdict, reason } : { verdict: body.verdict }
  );
}

/** `GET /api/v1/anomalies/feedback`: feedback given so far (503 when the sidecar has no store). */
export function listAnomalyFeedback(): Promise<AnomalyFeedbackList> {
  return request<AnomalyFeedbackList>('GET', '/api/v1/anomalies/feedback');
}
