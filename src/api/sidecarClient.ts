import { lastValueFrom, map, type Observable } from 'rxjs';
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
import type { BodyOf, MethodOf, PathParamsOf, QueryOf, ResponseOf, SidecarPath } from './contract';

/** Path of a sidecar endpoint behind Grafana's plugin proxy, e.g. `sidecarUrl('/api/v1/health')`. */
export function sidecarUrl(path: string, base: string = SIDECAR_PROXY_BASE): string {
  return `${base}/${path.replace(/^\/+/, '')}`;
}

/** One call to the sidecar, typed by the OpenAPI contract: `path` is a template such as `/api/v1/actions/{id}`. */
export interface SidecarCall<P extends SidecarPath, M extends MethodOf<P>> {
  method: M;
  path: P;
  /** Values for the path's `{name}` placeholders (URL-encoded here). */
  params?: PathParamsOf<P, M>;
  /** Query string; `undefined`, empty strings and empty lists are left out, lists are comma-joined. */
  query?: { [K in keyof QueryOf<P, M>]?: QueryOf<P, M>[K] | readonly string[] };
  body?: BodyOf<P, M>;
  /**
   * Where the proxy route starts: the app's plugin proxy by default; the datasource passes its own
   * (`/api/datasources/proxy/uid/<uid>/sidecar`).
   */
  base?: string;
  /** Grafana cancels an earlier in-flight request with the same id (a panel re-running its query). */
  requestId?: string;
}

/** The concrete URL of a call: placeholders filled, query appended. */
export function callUrl<P extends SidecarPath, M extends MethodOf<P>>(call: SidecarCall<P, M>): string {
  const params = (call.params ?? {}) as Record<string, string | number>;
  const path = String(call.path).replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') {
      throw new Error(`sidecar call ${call.path}: missing path parameter ${name}`);
    }
    return encodeURIComponent(String(value));
  });
  const search: string[] = [];
  for (const [key, raw] of Object.entries((call.query ?? {}) as Record<string, unknown>)) {
    const value = Array.isArray(raw) ? raw.map((v) => encodeURIComponent(String(v))).join(',') : raw;
    if (value === undefined || value === null || value === '') {
      continue;
    }
    search.push(`${key}=${Array.isArray(raw) ? value : encodeURIComponent(String(value))}`);
  }
  return sidecarUrl(path, call.base) + (search.length > 0 ? `?${search.join('&')}` : '');
}

/**
 * A sidecar call through Grafana's proxy as an Observable of the response body (what a datasource's
 * `query()` composes). The token is added by Grafana server-side; errors keep Grafana's FetchError shape
 * for `describeError`.
 */
export function request$<P extends SidecarPath, M extends MethodOf<P>>(
  call: SidecarCall<P, M>
): Observable<ResponseOf<P, M>> {
  return getBackendSrv()
    .fetch<ResponseOf<P, M>>({
      url: callUrl(call),
      method: String(call.method).toUpperCase(),
      ...(call.body !== undefined ? { data: call.body } : {}),
      ...(call.requestId ? { requestId: call.requestId } : {}),
      // Callers render their own error state; don't pop a global toast as well.
      showErrorAlert: false,
      showSuccessAlert: false,
    })
    .pipe(map((response) => response.data));
}

/** {@link request$} as a Promise: the typed client every page, panel and the datasource use. */
export function request<P extends SidecarPath, M extends MethodOf<P>>(
  call: SidecarCall<P, M>
): Promise<ResponseOf<P, M>> {
  return lastValueFrom(request$(call));
}

/** `GET /api/v1/health` on the sidecar. */
export function getHealth(base?: string): Promise<HealthReport> {
  return request({ method: 'get', path: '/api/v1/health', base });
}

/** `GET /api/v1/forecast/models`: the deep forecasting models, whether each loaded, and their cards. */
export function forecastModels(base?: string): Promise<ForecastModelsResponse> {
  return request({ method: 'get', path: '/api/v1/forecast/models', base });
}

/** `GET /api/v1/forecast/accuracy`: accuracy over time per model, drift against each model's reference, realised accuracy per series. */
export function forecastAccuracy(): Promise<ForecastAccuracyResponse> {
  return request({ method: 'get', path: '/api/v1/forecast/accuracy' });
}

/** `POST /api/v1/anomalies`: scores and regions of every series of a PromQL range. */
export function anomalies(body: AnomalyRequest): Promise<AnomalyResponse> {
  return request({ method: 'post', path: '/api/v1/anomalies', body });
}

/**
 * `POST /api/v1/anomalies/{id}/feedback`: a verdict on a region. Goes through the route guarded by the
 * `aidpe-performance-app.anomalies:feedback` action (Grafana answers 403 without it); Grafana forwards the
 * user as `X-Grafana-User`.
 */
export function anomalyFeedback(regionId: string, body: AnomalyFeedbackRequest): Promise<AnomalyFeedbackRecord> {
  const reason = body.reason?.trim();
  return request({
    method: 'post',
    path: '/api/v1/anomalies/{id}/feedback',
    params: { id: regionId },
    body: reason ? { verdict: body.verdict, reason } : { verdict: body.verdict },
  });
}

/** `GET /api/v1/anomalies/feedback`: feedback given so far (503 when the sidecar has no store). */
export function listAnomalyFeedback(): Promise<AnomalyFeedbackList> {
  return request({ method: 'get', path: '/api/v1/anomalies/feedback' });
}

// ---- actions -------------------------------------------------------------------------------------

/** The query of a list call: empty filters left out, the limit a whole number ≥ 1. */
export function actionListQuery(query: ActionListQuery = {}): {
  status?: readonly string[];
  service?: string;
  limit?: number;
} {
  const service = query.service?.trim();
  return {
    ...(query.status && query.status.length > 0 ? { status: query.status } : {}),
    ...(service ? { service } : {}),
    ...(query.limit !== undefined ? { limit: Math.max(1, Math.floor(query.limit)) } : {}),
  };
}

/** The body of a decision: the note trimmed, left out when empty. */
function decisionBody(body: ActionDecisionRequest | undefined): ActionDecisionRequest {
  const note = body?.note?.trim();
  return note ? { note } : {};
}

/** `GET /api/v1/actions`: actions (newest first) and the action loop's state. */
export function listActions(query: ActionListQuery = {}, base?: string, requestId?: string): Promise<ActionList> {
  return request({ method: 'get', path: '/api/v1/actions', query: actionListQuery(query), base, requestId });
}

/** `GET /api/v1/actions/{id}`. */
export function getAction(id: string): Promise<ActionResponse> {
  return request({ method: 'get', path: '/api/v1/actions/{id}', params: { id } });
}

/**
 * `POST /api/v1/actions/approve/{id}`, through the route guarded by `aidpe-performance-app.actions:approve`
 * (Grafana answers 403 without it and forwards the user as `X-Grafana-User` for the audit trail); 409 when
 * no longer pending.
 */
export function approveAction(id: string, body?: ActionDecisionRequest): Promise<ActionResponse> {
  return request({ method: 'post', path: '/api/v1/actions/approve/{id}', params: { id }, body: decisionBody(body) });
}

/** `POST /api/v1/actions/reject/{id}` (guarded by the same permission as approve); 409 when no longer pending. */
export function rejectAction(id: string, body?: ActionDecisionRequest): Promise<ActionResponse> {
  return request({ method: 'post', path: '/api/v1/actions/reject/{id}', params: { id }, body: decisionBody(body) });
}

/** `POST /api/v1/actions/rollback/{id}` (guarded by `actions:rollback`); 409 unless the action is applied. */
export function rollbackAction(id: string, body?: ActionDecisionRequest): Promise<RollbackResponse> {
  return request({ method: 'post', path: '/api/v1/actions/rollback/{id}', params: { id }, body: decisionBody(body) });
}

/** `GET /api/v1/audit`: the append-only audit trail, newest first. */
export function listAudit(limit?: number): Promise<AuditList> {
  return request({
    method: 'get',
    path: '/api/v1/audit',
    query: limit !== undefined ? { limit: Math.max(1, Math.floor(limit)) } : {},
  });
}

/** `PUT /api/v1/automation/services/{service}` (route guarded by `aidpe-performance-app.automation:write`). */
export function setAutomationMode(service: string, mode: AutomationMode): Promise<AutomationStatus> {
  return request({ method: 'put', path: '/api/v1/automation/services/{service}', params: { service }, body: { mode } });
}

/** `POST /api/v1/automation/services/{service}/resume`: closes the circuit breaker (same route as the mode). */
export function resumeAutomation(service: string): Promise<AutomationStatus> {
  return request({ method: 'post', path: '/api/v1/automation/services/{service}/resume', params: { service } });
}

/** `POST /api/v1/rca`: ranked root-cause candidates for a symptom over a window, with evidence queries and the graph. */
export function rca(body: RcaRequest): Promise<RcaResponse> {
  return request({ method: 'post', path: '/api/v1/rca', body });
}

/** `POST /api/v1/rca/graph`: the service dependency graph from traces (Node Graph frames and the plain graph). */
export function rcaGraph(body: RcaGraphRequest): Promise<RcaGraphResponse> {
  return request({ method: 'post', path: '/api/v1/rca/graph', body });
}

/** `GET /api/v1/incidents`: incidents the sidecar's watcher opened from anomalies, newest first. */
export function listIncidents(): Promise<IncidentListResponse> {
  return request({ method: 'get', path: '/api/v1/incidents' });
}
