import { catchError, forkJoin, lastValueFrom, map, of, type Observable } from 'rxjs';
import {
  DataSourceApi,
  type AnnotationQuery,
  type AnnotationSupport,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv } from '@grafana/runtime';
import type { ForecastModelsResponse, ForecastRequest, ForecastResponse, HealthReport } from '../../api/types';
import { describeError } from '../../utils/errors';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { emptyFrame, forecastResponseToFrames, pendingEngineNotice } from './frames';
import { healthTestResult, type AuthProbe } from './health';
import { buildForecastRequest } from './request';
import { DEFAULT_QUERY, PENDING_ENGINES, queryTypeOf, type SidecarJsonData, type SidecarQuery } from './types';

/**
 * First path segment of every proxied call; it selects a route in this plugin's plugin.json, where Grafana
 * adds `Authorization: Bearer <apiToken>` server-side and forwards to `jsonData.sidecarUrl`.
 */
export const SIDECAR_ROUTE = 'sidecar';

interface TargetResult {
  data: DataFrame[];
  error?: DataQueryError;
}

/**
 * The AIDPE sidecar as a Grafana datasource. Frontend only (no Go backend): every call goes through Grafana's
 * datasource proxy (`/api/datasources/proxy/uid/<uid>/sidecar/…`), so the API token never reaches the browser.
 */
export class SidecarDataSource extends DataSourceApi<SidecarQuery, SidecarJsonData> {
  /** `/api/datasources/proxy/uid/<uid>` for a proxy-access datasource. */
  readonly proxyUrl: string;

  /** Anomaly annotations: wired through `query()` with the `anomalies` type; no events until the anomaly engine lands. */
  annotations: AnnotationSupport<SidecarQuery> = {
    prepareAnnotation: (json: AnnotationQuery<SidecarQuery>): AnnotationQuery<SidecarQuery> => ({
      ...json,
      target: { refId: 'Anno', ...json.target, queryType: 'anomalies' },
    }),
    getDefaultQuery: () => ({ queryType: 'anomalies' }),
    QueryEditor: AnnotationQueryEditor,
  };

  constructor(instanceSettings: DataSourceInstanceSettings<SidecarJsonData>) {
    super(instanceSettings);
    this.proxyUrl = instanceSettings.url ?? `/api/datasources/proxy/uid/${instanceSettings.uid}`;
  }

  /** URL of a sidecar endpoint behind the datasource proxy, e.g. `sidecarUrl('/api/v1/forecast')`. */
  sidecarUrl(path: string): string {
    return `${this.proxyUrl}/${SIDECAR_ROUTE}/${path.replace(/^\/+/, '')}`;
  }

  getDefaultQuery(): Partial<SidecarQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: SidecarQuery): boolean {
    return !query.hide;
  }

  getQueryDisplayText(query: SidecarQuery): string {
    const type = queryTypeOf(query);
    return type === 'forecast' ? `forecast ${query.expr ?? ''} +${query.horizon || DEFAULT_QUERY.horizon}` : type;
  }

  /** Template variables in the expression, step and horizon. */
  applyTemplateVariables(query: SidecarQuery, scopedVars: ScopedVars): SidecarQuery {
    const srv = getTemplateSrv();
    return {
      ...query,
      expr: srv.replace(query.expr ?? '', scopedVars),
      step: query.step ? srv.replace(query.step, scopedVars) : query.step,
      horizon: query.horizon ? srv.replace(query.horizon, scopedVars) : query.horizon,
    };
  }

  interpolateVariablesInQueries(queries: SidecarQuery[], scopedVars: ScopedVars): SidecarQuery[] {
    return queries.map((q) => this.applyTemplateVariables(q, scopedVars));
  }

  query(request: DataQueryRequest<SidecarQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.filter((t) => this.filterQuery(t));
    if (targets.length === 0) {
      return of({ data: [] });
    }
    return forkJoin(
      targets.map((t) => this.runTarget(this.applyTemplateVariables(t, request.scopedVars), request))
    ).pipe(
      map((results) => {
        const errors = results.flatMap((r) => (r.error ? [r.error] : []));
        return { data: results.flatMap((r) => r.data), ...(errors.length > 0 ? { errors } : {}) };
      })
    );
  }

  private runTarget(query: SidecarQuery, request: DataQueryRequest<SidecarQuery>): Observable<TargetResult> {
    const type = queryTypeOf(query);
    if (type !== 'forecast') {
      return of({ data: [emptyFrame(query.refId, [pendingEngineNotice(PENDING_ENGINES[type])])] });
    }
    const body = buildForecastRequest(query, {
      fromMs: request.range.from.valueOf(),
      toMs: request.range.to.valueOf(),
      intervalMs: request.intervalMs,
      nowMs: Date.now(),
    });
    if (!body.ok) {
      return of({ data: [], error: { refId: query.refId, message: body.error } });
    }
    return this.forecast(body.value, `${request.requestId}_${query.refId}`).pipe(
      map((response): TargetResult => ({ data: forecastResponseToFrames(response, query.refId) })),
      catchError((err: unknown) => of({ data: [], error: { refId: query.refId, message: describeError(err) } }))
    );
  }

  /** `POST /api/v1/forecast`. */
  forecast(body: ForecastRequest, requestId?: string): Observable<ForecastResponse> {
    return getBackendSrv()
      .fetch<ForecastResponse>({
        url: this.sidecarUrl('/api/v1/forecast'),
        method: 'POST',
        data: body,
        requestId,
        showErrorAlert: false,
      })
      .pipe(map((r) => r.data));
  }

  /** `GET /api/v1/forecast/models`: the deep models and whether each loaded (needs a valid token). */
  getForecastModels(): Promise<ForecastModelsResponse> {
    return this.get<ForecastModelsResponse>('/api/v1/forecast/models');
  }

  /** `GET /api/v1/health` (no token needed). */
  getHealth(): Promise<HealthReport> {
    return this.get<HealthReport>('/api/v1/health');
  }

  /**
   * "Save & test": the health report with each dependency, then an authenticated call, because `/api/v1/health`
   * is open and would not notice a wrong token.
   */
  async testDatasource(): Promise<TestDataSourceResponse> {
    let report: HealthReport;
    try {
      report = await this.getHealth();
    } catch (err) {
      return {
        status: 'error',
        message: `Could not reach the AIDPE sidecar through the Grafana proxy: ${describeError(err)}. Check the sidecar URL (as seen from the Grafana server).`,
      };
    }
    let auth: AuthProbe;
    try {
      await this.getForecastModels();
      auth = { ok: true };
    } catch (err) {
      auth = { ok: false, error: describeError(err) };
    }
    return healthTestResult(report, auth);
  }

  private async get<T>(path: string): Promise<T> {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({
        url: this.sidecarUrl(path),
        method: 'GET',
        showErrorAlert: false,
        showSuccessAlert: false,
      })
    );
    return response.data;
  }
}
