import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { SIDECAR_PROXY_BASE } from '../constants';
import type {
  ActionDecisionRequest,
  ActionList,
  ActionListQuery,
  ActionResponse,
  AuditList,
  AutomationMode,
  AutomationStatus,
  RollbackResponse,
  AnomalyFeedbackList,
  AnomalyFeedbackRecord,
  AnomalyFeedbackRequest,
  AnomalyRequest,
  AnomalyResponse,
  ForecastAccuracyResponse,
  ForecastModelsResponse,
  HealthReport,
  IncidentListResponse,
  RcaGraphRequest,
  RcaGraphResponse,
  RcaRequest,
  RcaResponse,
} from './types';

/** Path of a sidecar endpoint behind Grafana's plugin proxy, e.g. `sidecarUrl('/api/v1/health')`. */
export function sidecarUrl(path: string): string {
  return `${SIDECAR_PROXY_BASE}/${path.replace(/^\/+/, '')}`;
}

async function request<T>(method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown): Promise<T> {
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

/** `GET /api/v1/forecast/accuracy`: accuracy over time per model, drift against each model's reference, realised accuracy per series. */
export function forecastAccuracy(): Promise<ForecastAccuracyResponse> {
  return request<ForecastAccuracyResponse>('GET', '/api/v1/forecast/accuracy');
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

// ---- actions -------------------------------------------------------------------------------------

/** `?status=a,b&service=x&limit=n` of a list query; empty filters are left out. */
export function actionListSearch(query: ActionListQuery = {}): string {
  const params: string[] = [];
  if (query.status && query.status.length > 0) {
    params.push(`status=${query.status.map(encodeURIComponent).join(',')}`);
  }
  const service = query.service?.trim();
  if (service) {
    params.push(`service=${encodeURIComponent(service)}`);
  }
  if (query.limit !== undefined) {
    params.push(`limit=${Math.max(1, Math.floor(query.limit))}`);
  }
  return params.length > 0 ? `?${params.join('&')}` : '';
}

/** The body of a decision: the note trimmed, left out when empty. */
function decisionBody(body: ActionDecisionRequest | undefined): ActionDecisionRequest {
  const note = body?.note?.trim();
  return note ? { note } : {};
}

const actionPath = (id: string, verb?: string) => `/api/v1/actions/${encodeURIComponent(id)}${verb ? `/${verb}` : ''}`;

/** `GET /api/v1/actions`: actions (newest first) and the action loop's state, through the catch-all route. */
export function listActions(query: ActionListQuery = {}): Promise<ActionList> {
  return request<ActionList>('GET', `/api/v1/actions${actionListSearch(query)}`);
}

/** `GET /api/v1/actions/{id}`. */
export function getAction(id: string): Promise<ActionResponse> {
  return request<ActionResponse>('GET', actionPath(id));
}

/**
 * `POST /api/v1/actions/{id}/approve`, through the Editor-only route `sidecar/api/v1/actions/*` (Grafana answers
 * 403 to Viewers and forwards the user as `X-Grafana-User` for the audit trail); 409 when no longer pending.
 */
export function approveAction(id: string, body?: ActionDecisionRequest): Promise<ActionResponse> {
  return request<ActionResponse>('POST', actionPath(id, 'approve'), decisionBody(body));
}

/** `POST /api/v1/actions/{id}/reject` (Editor-only route); 409 when no longer pending. */
export function rejectAction(id: string, body?: ActionDecisionRequest): Promise<ActionResponse> {
  return request<ActionResponse>('POST', actionPath(id, 'reject'), decisionBody(body));
}

/** `POST /api/v1/actions/{id}/rollback` (Editor-only route); 409 unless the action is applied. */
export function rollbackAction(id: string, body?: ActionDecisionRequest): Promise<RollbackResponse> {
  return request<RollbackResponse>('POST', actionPath(id, 'rollback'), decisionBody(body));
}

/** `GET /api/v1/audit`: the append-only audit trail, newest first. */
export function listAudit(limit?: number): Promise<AuditList> {
  const search = limit !== undefined ? `?limit=${Math.max(1, Math.floor(limit))}` : '';
  return request<AuditList>('GET', `/api/v1/audit${search}`);
}

/** `PUT /api/v1/automation/services/{service}` (Editor-only route `sidecar/api/v1/automation/*`). */
export function setAutomationMode(service: string, mode: AutomationMode): Promise<AutomationStatus> {
  return request<AutomationStatus>('PUT', `/api/v1/automation/services/${encodeURIComponent(service)}`, { mode });
}

/** `POST /api/v1/automation/services/{service}/resume`: closes the circuit breaker (Editor-only route). */
export function resumeAutomation(service: string): Promise<AutomationStatus> {
  return request<AutomationStatus>('POST', `/api/v1/automation/services/${encodeURIComponent(service)}/resume`, {});
}

/** `POST /api/v1/rca`: ranked root-cause candidates for a symptom over a window, with evidence queries and the graph. */
export function rca(body: RcaRequest): Promise<RcaResponse> {
  return request<RcaResponse>('POST', '/api/v1/rca', body);
}

/** `POST /api/v1/rca/graph`: the service dependency graph from traces (Node Graph frames and the plain graph). */
export function rcaGraph(body: RcaGraphRequest): Promise<RcaGraphResponse> {
  return request<RcaGraphResponse>('POST', '/api/v1/rca/graph', body);
}

/** `GET /api/v1/incidents`: incidents the sidecar's watcher opened from anomalies, newest first. */
export function listIncidents(): Promise<IncidentListResponse> {
  return request<IncidentListResponse>('GET', '/api/v1/incidents');
}
