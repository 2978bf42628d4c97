/**
 * Prometheus connector: a small client for Prometheus's documented HTTP API
 * (https://prometheus.io/docs/prometheus/latest/querying/api/) and a TelemetrySource on top.
 *
 * - Range/instant queries and series lookups go as form-encoded POSTs so long PromQL fits.
 * - Transport, timeouts, retries and health bookkeeping come from the shared HTTP core
 *   (http/connector.ts); this module adds query validation and reads Prometheus's JSON envelope
 *   (prometheusApi.ts) instead of the core's default status interpretation.
 * - Only idempotent failures (unreachable, timeout, 5xx) are retried; a rejected query
 *   (400/422, errorType bad_data) never is.
 * - Every failure is a TelemetryError whose message names the query and quotes upstream.
 */
import { isRecord, isStringRecord, quote } from './http/helpers.ts';
import { HttpConnector, telemetryFailure } from './http/connector.ts';
import type { HttpConnectorOptions, ReadyProbe, RequestSpec } from './http/connector.ts';
import {
  formatTime,
  interpretEnvelope,
  labelPathSegment,
  parseQueryData,
  shapeError,
  type PrometheusEnvelope,
} from './prometheusApi.ts';
import { TelemetryError } from './types.ts';
import type { DependencyHealth, QueryResult, RangeQuery, TelemetrySource } from './types.ts';

export { parseQueryData, parseSampleValue } from './prometheusApi.ts';
export type { ReadyProbe } from './http/connector.ts';

const SOURCE = 'prometheus';

/** Prometheus refuses range queries with more than this many points per series. */
export const PROMETHEUS_MAX_POINTS = 11_000;

export interface PrometheusClientOptions extends HttpConnectorOptions {
  /** Per-attempt timeout; also sent to Prometheus as the `timeout` query parameter. Default 10 000. */
  timeoutMs?: number;
  /** Extra headers sent on every request (e.g. `X-Scope-OrgID` for Mimir/Cortex). */
  headers?: Record<string, string> | undefined;
  /** 'POST' (default) sends query, query_range and series as form bodies; 'GET' uses the URL. */
  method?: 'POST' | 'GET';
  /** Largest accepted (end - start) / step for range queries. Default 11 000 (Prometheus's limit). */
  maxPoints?: number;
}

export interface PrometheusBuildInfo {
  version: string;
  revision?: string;
  branch?: string;
  goVersion?: string;
  [key: string]: string | undefined;
}

export class PrometheusClient {
  /** The shared HTTP core (transport, retries, health bookkeeping). */
  readonly http: HttpConnector;
  readonly maxPoints: number;
  private readonly method: 'GET' | 'POST';

  constructor(opts: PrometheusClientOptions) {
    this.http = new HttpConnector(SOURCE, 'Prometheus', {
      ...opts,
      headers: { Accept: 'application/json', ...opts.headers },
    });
    const maxPoints = opts.maxPoints ?? PROMETHEUS_MAX_POINTS;
    if (!Number.isFinite(maxPoints) || maxPoints <= 0) {
      throw new TypeError(`Prometheus maxPoints must be a positive number, got ${maxPoints}`);
    }
    this.maxPoints = maxPoints;
    this.method = opts.method ?? 'POST';
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  get timeoutMs(): number {
    return this.http.timeoutMs;
  }

  get retries(): number {
    return this.http.retries;
  }

  /** Instant query at `timeMs` (unix ms; default: Prometheus's now). */
  async query(
    query: string,
    opts: { timeMs?: number | undefined; timeoutMs?: number | undefined } = {}
  ): Promise<QueryResult> {
    checkQuery(query);
    const timeoutMs = this.timeoutFor(opts.timeoutMs, query);
    const params: Array<[string, string]> = [['query', query]];
    if (opts.timeMs !== undefined) {
      if (!Number.isFinite(opts.timeMs)) {
        throw badInput(query, `time ${opts.timeMs} is not a finite unix-ms timestamp`);
      }
      params.push(['time', formatTime(opts.timeMs)]);
    }
    params.push(['timeout', `${Math.ceil(timeoutMs)}ms`]);
    const what = `query ${quote(query)}`;
    const env = await this.call({ method: this.method, path: '/api/v1/query', params, what, query, timeoutMs });
    return this.toQueryResult(env, query);
  }

  /** Range query; validated (start < end, step > 0, point limit) before anything is sent. */
  async queryRange(q: RangeQuery): Promise<QueryResult> {
    checkQuery(q.query);
    const { startMs, endMs, stepSeconds } = q;
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) {
      throw badInput(q.query, `start ${startMs} and end ${endMs} must be finite unix-ms timestamps`);
    }
    if (!(startMs < endMs)) {
      const range = `start (${new Date(startMs).toISOString()}) must be before end (${new Date(endMs).toISOString()})`;
      throw badInput(q.query, range);
    }
    if (!Number.isFinite(stepSeconds) || !(stepSeconds > 0)) {
      throw badInput(q.query, `step must be a positive number of seconds, got ${stepSeconds}`);
    }
    const points = (endMs - startMs) / (stepSeconds * 1000);
    if (points > this.maxPoints) {
      const minStep = Math.ceil((endMs - startMs) / 1000 / this.maxPoints);
      throw badInput(
        q.query,
        `${Math.floor(points) + 1} points per series exceeds Prometheus's limit of ${this.maxPoints}; use a step of at least ${minStep}s or a shorter range`
      );
    }
    const timeoutMs = this.timeoutFor(q.timeoutMs, q.query);
    const params: Array<[string, string]> = [
      ['query', q.query],
      ['start', formatTime(startMs)],
      ['end', formatTime(endMs)],
      ['step', String(stepSeconds)],
      ['timeout', `${Math.ceil(timeoutMs)}ms`],
    ];
    const env = await this.call({
      method: this.method,
      path: '/api/v1/query_range',
      params,
      what: `query ${quote(q.query)}`,
      query: q.query,
      timeoutMs,
    });
    const result = this.toQueryResult(env, q.query);
    if (result.resultType !== 'matrix') {
      throw this.http.fail({
        kind: 'upstream',
        query: q.query,
        message: `Prometheus answered range query ${quote(q.query)} with resultType ${quote(result.resultType)}, expected "matrix"`,
      });
    }
    return result;
  }

  /** Label sets of the series matching any selector. */
  async series(
    matchers: string[],
    opts: { startMs?: number | undefined; endMs?: number | undefined } = {}
  ): Promise<Array<Record<string, string>>> {
    const what = `series lookup ${quote(matchers.join(', '))}`;
    if (matchers.length === 0 || matchers.some((m) => typeof m !== 'string' || m.trim() === '')) {
      throw badInput(matchers.join(', '), 'at least one non-empty series selector is required', what);
    }
    const params = this.rangeParams(matchers, opts, what);
    const query = matchers.join(', ');
    const env = await this.call({ method: this.method, path: '/api/v1/series', params, what, query });
    if (!Array.isArray(env.data) || !env.data.every(isStringRecord)) {
      throw shapeError(this.http, what, query, '`data` is not a list of label sets');
    }
    return env.data.map((s) => ({ ...s }));
  }

  /** Values of one label, optionally restricted to series matching any selector. */
  async labelValues(
    label: string,
    opts: { matchers?: string[] | undefined; startMs?: number | undefined; endMs?: number | undefined } = {}
  ): Promise<string[]> {
    const what = `label values of ${quote(label)}`;
    if (typeof label !== 'string' || label === '') {
      throw badInput(label, 'label name must not be empty', what);
    }
    const params = this.rangeParams(opts.matchers ?? [], opts, what);
    const env = await this.call({
      method: 'GET',
      path: `/api/v1/label/${encodeURIComponent(labelPathSegment(label))}/values`,
      params,
      what,
      query: label,
    });
    if (!Array.isArray(env.data) || !env.data.every((v) => typeof v === 'string')) {
      throw shapeError(this.http, what, label, '`data` is not a list of strings');
    }
    return [...(env.data as string[])];
  }

  /**
   * `/api/v1/status/buildinfo`. `untracked` keeps a failure out of health bookkeeping (a
   * Prometheus-compatible store without this endpoint is not a failing one).
   */
  async buildInfo(
    opts: { timeoutMs?: number; retries?: number; untracked?: boolean } = {}
  ): Promise<PrometheusBuildInfo> {
    const what = 'build info';
    const env = await this.call({
      method: 'GET',
      path: '/api/v1/status/buildinfo',
      params: [],
      what,
      query: undefined,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      ...(opts.untracked ? { untracked: true } : {}),
    });
    if (!isRecord(env.data) || typeof env.data.version !== 'string') {
      throw shapeError(this.http, what, undefined, '`data.version` is missing');
    }
    const info: PrometheusBuildInfo = { version: env.data.version };
    for (const [k, v] of Object.entries(env.data)) {
      if (typeof v === 'string') {
        info[k] = v;
      }
    }
    return info;
  }

  /** Probes `/-/ready` once (no retries). Throws TelemetryError only when no HTTP answer came back. */
  ready(opts: { timeoutMs?: number } = {}): Promise<ReadyProbe> {
    return this.http.ready({ ...opts, path: '/-/ready' });
  }

  // ---------------------------------------------------------------------------------------------

  private call(spec: RequestSpec): Promise<PrometheusEnvelope> {
    return this.http.exchange(spec, (res) => interpretEnvelope(this.http, spec, res));
  }

  private timeoutFor(requested: number | undefined, query: string): number {
    if (requested === undefined) {
      return this.http.timeoutMs;
    }
    if (!Number.isFinite(requested) || requested <= 0) {
      throw badInput(query, `timeoutMs must be a positive number, got ${requested}`);
    }
    return requested;
  }

  private rangeParams(
    matchers: string[],
    opts: { startMs?: number | undefined; endMs?: number | undefined },
    what: string
  ): Array<[string, string]> {
    const params: Array<[string, string]> = matchers.map((m) => ['match[]', m]);
    const q = matchers.join(', ');
    if (opts.startMs !== undefined) {
      if (!Number.isFinite(opts.startMs)) {
        throw badInput(q, `start ${opts.startMs} is not a finite unix-ms timestamp`, what);
      }
      params.push(['start', formatTime(opts.startMs)]);
    }
    if (opts.endMs !== undefined) {
      if (!Number.isFinite(opts.endMs)) {
        throw badInput(q, `end ${opts.endMs} is not a finite unix-ms timestamp`, what);
      }
      params.push(['end', formatTime(opts.endMs)]);
    }
    if (opts.startMs !== undefined && opts.endMs !== undefined && opts.startMs > opts.endMs) {
      throw badInput(q, 'start must not be after end', what);
    }
    return params;
  }

  private toQueryResult(env: PrometheusEnvelope, query: string): QueryResult {
    try {
      return { ...parseQueryData(env.data), warnings: env.warnings };
    } catch (e) {
      throw shapeError(this.http, `query ${quote(query)}`, query, (e as Error).message);
    }
  }
}

function checkQuery(query: string): void {
  if (typeof query !== 'string' || query.trim() === '') {
    throw badInput(String(query ?? ''), 'the query is empty');
  }
}

function badInput(query: string, why: string, what = `query ${quote(query)}`): TelemetryError {
  return telemetryFailure(SOURCE, { kind: 'bad_query', query, message: `Invalid ${what}: ${why}` });
}

// ===============================================================================================

export type PrometheusSourceOptions = PrometheusClientOptions;

/** TelemetrySource backed by a real Prometheus (or anything speaking its HTTP API: Thanos, Mimir, VictoriaMetrics). */
export class PrometheusSource implements TelemetrySource {
  readonly kind = 'prometheus' as const;
  readonly client: PrometheusClient;

  constructor(opts: PrometheusSourceOptions) {
    this.client = new PrometheusClient(opts);
  }

  queryRange(query: RangeQuery): Promise<QueryResult> {
    return this.track(() => this.client.queryRange(query));
  }

  queryInstant(query: string, timeMs?: number): Promise<QueryResult> {
    return this.track(() => this.client.query(query, { timeMs }));
  }

  series(matchers: string[], startMs?: number, endMs?: number): Promise<Array<Record<string, string>>> {
    return this.track(() => this.client.series(matchers, { startMs, endMs }));
  }

  labelValues(label: string, matchers?: string[]): Promise<string[]> {
    return this.track(() => this.client.labelValues(label, { matchers }));
  }

  /** `/-/ready` beside build info: up with the version, degraded when not ready or queries fail, down without an answer. */
  health(): Promise<DependencyHealth> {
    const { http } = this.client;
    return http.health({
      readyPath: '/-/ready',
      failing: 'queries',
      about: async () => {
        const info = await this.client.buildInfo({ timeoutMs: http.healthTimeoutMs, retries: 0, untracked: true });
        return `Prometheus ${info.version}`;
      },
    });
  }

  /** The core tracks each request; this also counts answers the client found malformed after the request. */
  private async track<T>(op: () => Promise<T>): Promise<T> {
    try {
      const out = await op();
      this.client.http.noteSuccess();
      return out;
    } catch (err) {
      // A rejected query is the caller's fault and says nothing about Prometheus's health; a refusal
      // by the open circuit is not news (the failure that opened it stays the last error).
      if (!(err instanceof TelemetryError && (err.kind === 'bad_query' || err.kind === 'unavailable'))) {
        this.client.http.noteFailure(err);
      }
      throw err;
    }
  }
}
