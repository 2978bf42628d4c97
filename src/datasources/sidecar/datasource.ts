import { catchError, forkJoin, map, of, type Observable } from 'rxjs';
import {
  DataSourceApi,
  type AnnotationQuery,
  type AnnotationSupport,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { actionListQuery, getHealth, forecastModels, request$ } from '../../api/sidecarClient';
import type {
  ActionList,
  ActionListQuery,
  AnomalyRequest,
  AnomalyResponse,
  ForecastModelsResponse,
  ForecastRequest,
  ForecastResponse,
  HealthReport,
  RcaGraphRequest,
  RcaGraphResponse,
} from '../../api/types';
import { describeError } from '../../utils/errors';
import { SidecarPromClient } from '../../domain/promql/completion';
import { parseVariableQuery } from '../../domain/promql/variables';
import { ANNOTATED_STATUSES } from '../../domain/actions/annotations';
import { actionsAnnotationsFrame, actionsTableFrame, normaliseStatuses } from './actionFrames';
import { anomalyAnnotationsFrame, anomalyResponseToFrames, framesToAnnotationEvents } from './anomalyFrames';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { emptyFrame, forecastResponseToFrames, pendingEngineNotice } from './frames';
import { healthTestResult, type AuthProbe } from './health';
import { buildRcaGraphRequest, rcaGraphToFrames } from './rcaFrames';
import { buildAnomalyRequest, buildForecastRequest, type RequestWindow } from '../../domain/query/request';
import {
  DEFAULT_QUERY,
  isPendingQueryType,
  PENDING_ENGINES,
  queryTypeOf,
  type SidecarQuery,
} from '../../domain/query/types';
import type { SidecarJsonData } from './settings';

/**
 * First path segment of every proxied call; it selects a route in this plugin's plugin.json, where Grafana
 * adds `Authorization: Bearer <apiToken>` server-side and forwards to `jsonData.sidecarUrl`.
 */
export const SIDECAR_ROUTE = 'sidecar';

/** The newest actions an `actions` query loads. */
export const ACTIONS_QUERY_LIMIT = 500;

/** An annotation query asks for actions when it says so, else for anomalies (annotations saved before actions). */
function annotationQueryType(target: Partial<SidecarQuery> | undefined): 'anomalies' | 'actions' {
  return target?.queryType === 'actions' ? 'actions' : 'anomalies';
}

interface TargetResult {
  data: DataFrame[];
  error?: DataQueryError;
}

/**
 * The AIDPE sidecar as a Grafana datasource (forecasts, anomaly scores and anomaly annotations). Frontend only
 * (no Go backend): every call goes through Grafana's datasource proxy (`/api/datasources/proxy/uid/<uid>/sidecar/…`),
 * so the API token never reaches the browser.
 */
export class SidecarDataSource extends DataSourceApi<SidecarQuery, SidecarJsonData> {
  /** `/api/datasources/proxy/uid/<uid>` for a proxy-access datasource. */
  readonly proxyUrl: string;

  /**
   * Anomaly annotations: the annotation's PromQL runs through `query()` as an `anomalies` query in the
   * `annotations` format (one frame `id`, `time`, `timeEnd`, `title`, `text`, `tags`), and every region becomes a
   * region event. Without an expression the query is skipped.
   */
  annotations: AnnotationSupport<SidecarQuery> = {
    prepareAnnotation: (json: AnnotationQuery<SidecarQuery>): AnnotationQuery<SidecarQuery> => ({
      ...json,
      target: { refId: 'Anno', ...json.target, queryType: annotationQueryType(json.target) },
    }),
    prepareQuery: (anno: AnnotationQuery<SidecarQuery>): SidecarQuery | undefined => {
      const target = anno.target;
      // Applied and rolled-back actions need no expression.
      if (target && annotationQueryType(target) === 'actions') {
        return { ...target, refId: target.refId || 'Anno', queryType: 'actions', format: 'annotations' };
      }
      if (!target?.expr?.trim()) {
        return undefined;
      }
      return { ...target, refId: target.refId || 'Anno', queryType: 'anomalies', format: 'annotations' };
    },
    processEvents: (_anno: AnnotationQuery<SidecarQuery>, data: DataFrame[]) => of(framesToAnnotationEvents(data)),
    getDefaultQuery: () => ({ queryType: 'anomalies' }),
    QueryEditor: AnnotationQueryEditor,
  };

  private completionClient?: SidecarPromClient;

  /** PromQL completion (metric and label names) through this datasource's proxy route. */
  get completion(): SidecarPromClient {
    this.completionClient ??= new SidecarPromClient(this.sidecarBase);
    return this.completionClient;
  }

  constructor(instanceSettings: DataSourceInstanceSettings<SidecarJsonData>) {
    super(instanceSettings);
    this.proxyUrl = instanceSettings.url ?? `/api/datasources/proxy/uid/${instanceSettings.uid}`;
  }

  /** Where this datasource's proxy routes start: `/api/datasources/proxy/uid/<uid>/sidecar`. */
  get sidecarBase(): string {
    return `${this.proxyUrl}/${SIDECAR_ROUTE}`;
  }

  /** URL of a sidecar endpoint behind the datasource proxy, e.g. `sidecarUrl('/api/v1/forecast')`. */
  sidecarUrl(path: string): string {
    return `${this.sidecarBase}/${path.replace(/^\/+/, '')}`;
  }

  /**
   * Template-variable queries (`label_values(<selector>, <label>)`, `label_values(<label>)`, `metrics(<regex>)`),
   * answered from the series the sidecar's instant queries return.
   */
  async metricFindQuery(query: string, options?: { scopedVars?: ScopedVars }): Promise<MetricFindValue[]> {
    const parsed = parseVariableQuery(getTemplateSrv().replace(query ?? '', options?.scopedVars));
    if (parsed.kind === 'invalid') {
      throw new Error(parsed.error);
    }
    if (parsed.kind === 'metrics') {
      const pattern = new RegExp(`^(?:${parsed.regex})$`);
      return (await this.completion.metricNames()).filter((m) => pattern.test(m)).map((text) => ({ text }));
    }
    const values = [...new Set(await this.completion.valuesOf(parsed.label, parsed.selector))].sort();
    return values.map((text) => ({ text, value: text }));
  }

  getDefaultQuery(): Partial<SidecarQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: SidecarQuery): boolean {
    return !query.hide;
  }

  getQueryDisplayText(query: SidecarQuery): string {
    const type = queryTypeOf(query);
    if (type === 'forecast') {
      return `forecast ${query.expr ?? ''} +${query.horizon || DEFAULT_QUERY.horizon}`;
    }
    if (type === 'anomalies') {
      return `anomalies ${query.expr ?? ''}`.trim();
    }
    if (type === 'actions') {
      return ['actions', query.actionService, ...(query.actionStatus ?? [])].filter(Boolean).join(' ');
    }
    return type;
  }

  /** Template variables in the expression, step, horizon and threshold. */
  applyTemplateVariables(query: SidecarQuery, scopedVars: ScopedVars): SidecarQuery {
    const srv = getTemplateSrv();
    const replace = (text: string | undefined) => (text ? srv.replace(text, scopedVars) : text);
    return {
      ...query,
      expr: srv.replace(query.expr ?? '', scopedVars),
      step: replace(query.step),
      horizon: replace(query.horizon),
      threshold: replace(query.threshold),
      service: replace(query.service),
      window: replace(query.window),
      actionService: replace(query.actionService),
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
    if (isPendingQueryType(type)) {
      return of({ data: [emptyFrame(query.refId, [pendingEngineNotice(PENDING_ENGINES[type])])] });
    }
    const window: RequestWindow = {
      fromMs: request.range.from.valueOf(),
      toMs: request.range.to.valueOf(),
      intervalMs: request.intervalMs,
      nowMs: Date.now(),
    };
    const requestId = `${request.requestId}_${query.refId}`;
    const failed = (err: unknown) =>
      of({ data: [], error: { refId: query.refId, message: describeError(err, { context: 'datasource' }) } });

    if (type === 'actions') {
      const annotations = query.format === 'annotations';
      const filter: ActionListQuery = {
        status: annotations ? [...ANNOTATED_STATUSES] : normaliseStatuses(query.actionStatus),
        service: query.actionService,
        limit: ACTIONS_QUERY_LIMIT,
      };
      return this.listActions(filter, requestId).pipe(
        map((list): TargetResult => ({
          data: [
            annotations
              ? actionsAnnotationsFrame(list, query.refId, window.fromMs, window.toMs)
              : actionsTableFrame(list, query.refId),
          ],
        })),
        catchError(failed)
      );
    }

    if (type === 'anomalies') {
      const body = buildAnomalyRequest(query, window);
      if (!body.ok) {
        return of({ data: [], error: { refId: query.refId, message: body.error } });
      }
      return this.anomalies(body.value, requestId).pipe(
        map((response): TargetResult => ({
          data:
            query.format === 'annotations'
              ? [anomalyAnnotationsFrame(response, query.refId)]
              : anomalyResponseToFrames(response, query.refId),
        })),
        catchError(failed)
      );
    }

    if (type === 'rca') {
      const body = buildRcaGraphRequest(query, window);
      if (!body.ok) {
        return of({ data: [], error: { refId: query.refId, message: body.error } });
      }
      return this.rcaGraph(body.value, requestId).pipe(
        map((response): TargetResult => ({ data: rcaGraphToFrames(response, query.refId, query.service) })),
        catchError(failed)
      );
    }

    const body = buildForecastRequest(query, window);
    if (!body.ok) {
      return of({ data: [], error: { refId: query.refId, message: body.error } });
    }
    return this.forecast(body.value, requestId).pipe(
      map((response): TargetResult => ({ data: forecastResponseToFrames(response, query.refId) })),
      catchError(failed)
    );
  }

  /** `POST /api/v1/forecast`. */
  forecast(body: ForecastRequest, requestId?: string): Observable<ForecastResponse> {
    return request$({ method: 'post', path: '/api/v1/forecast', body, requestId, base: this.sidecarBase });
  }

  /**
   * `POST /api/v1/anomalies/query` (the same answer as `/api/v1/anomalies`, at a path whose route cannot reach
   * the feedback path): scores, regions and annotation events for every series of a PromQL range.
   */
  anomalies(body: AnomalyRequest, requestId?: string): Observable<AnomalyResponse> {
    return request$({ method: 'post', path: '/api/v1/anomalies/query', body, requestId, base: this.sidecarBase });
  }

  /** `POST /api/v1/rca/graph`: the service dependency graph from traces, as Node Graph frames. */
  rcaGraph(body: RcaGraphRequest, requestId?: string): Observable<RcaGraphResponse> {
    return request$({ method: 'post', path: '/api/v1/rca/graph', body, requestId, base: this.sidecarBase });
  }

  /** `GET /api/v1/actions` (read-only: the datasource route allows GET only; decisions go through the app). */
  listActions(filter: ActionListQuery, requestId?: string): Observable<ActionList> {
    return request$({
      method: 'get',
      path: '/api/v1/actions',
      query: actionListQuery(filter),
      requestId,
      base: this.sidecarBase,
    });
  }

  /** `GET /api/v1/forecast/models`: the deep models and whether each loaded (needs a valid token). */
  getForecastModels(): Promise<ForecastModelsResponse> {
    return forecastModels(this.sidecarBase);
  }

  /** `GET /api/v1/health` (no token needed). */
  getHealth(): Promise<HealthReport> {
    return getHealth(this.sidecarBase);
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
        message: `Could not reach the AIDPE sidecar through the Grafana proxy: ${describeError(err, { hint: false })}. Check the sidecar URL (as seen from the Grafana server).`,
      };
    }
    let auth: AuthProbe;
    try {
      await this.getForecastModels();
      auth = { ok: true };
    } catch (err) {
      auth = { ok: false, error: describeError(err, { hint: false }) };
    }
    return healthTestResult(report, auth);
  }
}
