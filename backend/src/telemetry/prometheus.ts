/**
 * Prometheus connector: a small client for Prometheus's documented HTTP API
 * (https://prometheus.io/docs/prometheus/latest/querying/api/) and a TelemetrySource on top.
 *
 * - Range/instant queries and series lookups go as form-encoded POSTs so long PromQL fits.
 * - Only idempotent failures (unreachable, timeout, 5xx) are retried, with exponential backoff
 *   and jitter; a rejected query (400/422, errorType bad_data) never is.
 * - Every failure is a TelemetryError whose message names the query and quotes upstream.
 * - Sample values arrive as strings; "NaN", "+Inf", "-Inf" become NaN, ±Infinity exactly.
 */
import {
  errorCode,
  isRecord,
  isStringRecord,
  isTimeoutError,
  parseRetryAfter,
  quote,
  snippet as snippetOf,
} from './httpHelpers.ts';
import { TelemetryError } from './types.ts';
import type {
  DependencyHealth,
  MetricSeries,
  QueryResult,
  RangeQuery,
  TelemetryErrorKind,
  TelemetrySource,
} from './types.ts';
import { realSleep, withRetry } from './retry.ts';

const SOURCE = 'prometheus';

/** Prometheus refuses range queries with more than this many points per series. */
export const PROMETHEUS_MAX_POINTS = 11_000;

export interface PrometheusClientOptions {
  /** e.g. `http://prometheus:9090` or `https://host/prometheus` (a path prefix is kept). */
  baseUrl: string;
  /** Per-attempt timeout; also sent to Prometheus as the `timeout` query parameter. Default 10 000. */
  timeoutMs?: number;
  /** Retries after the first attempt for idempotent failures. Default 2. */
  retries?: number;
  /** Backoff before the first retry (doubles each retry, with jitter). Default 200. */
  retryBaseDelayMs?: number;
  /** Cap on a single backoff delay. Default 5 000. */
  retryMaxDelayMs?: number;
  bearerToken?: string | undefined;
  basicAuth?: { username: string; password: string } | undefined;
  /** Extra headers sent on every request (e.g. `X-Scope-OrgID` for Mimir/Cortex). */
  headers?: Record<string, string> | undefined;
  /** 'POST' (default) sends query, query_range and series as form bodies; 'GET' uses the URL. */
  method?: 'POST' | 'GET';
  /** Largest accepted (end - start) / step for range queries. Default 11 000 (Prometheus's limit). */
  maxPoints?: number;
  fetch?: typeof globalThis.fetch;
  /** [0, 1) source of jitter; inject a seeded one in tests. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for logging/metrics). */
  onRetry?: (info: { attempt: number; delayMs: number; error: TelemetryError }) => void;
}

export interface PrometheusBuildInfo {
  version: string;
  revision?: string;
  branch?: string;
  goVersion?: string;
  [key: string]: string | undefined;
}

export interface ReadyProbe {
  ready: boolean;
  status: number;
  /** Body text, trimmed and cut to 200 characters. */
  body: string;
  latencyMs: number;
}

interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  params: Array<[string, string]>;
  /** Human description used in messages, e.g. `query "up"`. */
  what: string;
  query: string | undefined;
  timeoutMs: number;
  retries: number;
}

interface RawResponse {
  status: number;
  text: string;
  headers: Headers;
}

/** Per-error retry facts kept off the public TelemetryError. */
const retryFacts = new WeakMap<TelemetryError, { retryable: boolean; retryAfterMs?: number }>();

function fail(
  init: {
    kind: TelemetryErrorKind;
    message: string;
    query?: string | undefined;
    upstreamMessage?: string;
    status?: number;
    cause?: unknown;
  },
  retryable: boolean,
  retryAfterMs?: number
): TelemetryError {
  const err = new TelemetryError({
    source: SOURCE,
    kind: init.kind,
    message: init.message,
    ...(init.query !== undefined ? { query: init.query } : {}),
    ...(init.upstreamMessage !== undefined ? { upstreamMessage: init.upstreamMessage } : {}),
    ...(init.status !== undefined ? { status: init.status } : {}),
    ...(init.cause !== undefined ? { cause: init.cause } : {}),
  });
  retryFacts.set(err, retryAfterMs === undefined ? { retryable } : { retryable, retryAfterMs });
  return err;
}

/** Parses a Prometheus sample value string. Returns undefined when it is not a number. */
export function parseSampleValue(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || raw.length === 0) {
    return undefined;
  }
  switch (raw) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  if (raw.trim() !== raw) {
    return undefined;
  }
  const n = Number(raw);
  return Number.isNaN(n) ? undefined : n;
}

/** Unix ms → the seconds string Prometheus accepts (millisecond precision). */
/** Prometheus error messages quote at most 200 characters of a body. */
const snippet = (text: string): string => snippetOf(text, 200);

function formatTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

const CLASSIC_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label name for the `/label/<name>/values` path: classic names as-is, others "U__" escaped (Prometheus ≥ 3). */
function labelPathSegment(name: string): string {
  if (CLASSIC_LABEL.test(name)) {
    return name;
  }
  let out = 'U__';
  for (const ch of name) {
    if (/^[a-zA-Z0-9:]$/.test(ch)) {
      out += ch;
    } else if (ch === '_') {
      out += '__';
    } else {
      out += `_${(ch.codePointAt(0) ?? 0).toString(16)}_`;
    }
  }
  return out;
}

/** Finds an errno-style code anywhere in an error's cause chain (undici nests them). */
/** Parses the `data` of a successful /query or /query_range answer. Throws a plain Error describing a bad shape. */
export function parseQueryData(data: unknown): Omit<QueryResult, 'warnings'> {
  if (!isRecord(data)) {
    throw new Error('`data` is not an object');
  }
  const { resultType, result } = data;
  const sample = (pair: unknown, where: string): [number, number] => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new Error(`${where}: sample is not a [time, value] pair`);
    }
    const [t, v] = pair as [unknown, unknown];
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new Error(`${where}: sample time ${JSON.stringify(t)} is not a number`);
    }
    const value = parseSampleValue(v);
    if (value === undefined) {
      throw new Error(`${where}: sample value ${JSON.stringify(v)} is not a number`);
    }
    return [t, value];
  };
  switch (resultType) {
    case 'matrix':
    case 'vector': {
      if (!Array.isArray(result)) {
        throw new Error(`${resultType} \`result\` is not an array`);
      }
      const series: MetricSeries[] = result.map((item: unknown, i: number): MetricSeries => {
        const where = `${resultType} result[${i}]`;
        if (!isRecord(item)) {
          throw new Error(`${where} is not an object`);
        }
        const metric = item.metric ?? {};
        if (!isStringRecord(metric)) {
          throw new Error(`${where}.metric is not a label set`);
        }
        let samples: Array<[number, number]>;
        if (resultType === 'matrix') {
          const values = item.values ?? [];
          // Native-histogram-only series carry `histograms` and no `values`; they have no float samples.
          if (!Array.isArray(values)) {
            throw new Error(`${where}.values is not an array`);
          }
          samples = values.map((p: unknown) => sample(p, where));
          samples.sort((a, b) => a[0] - b[0]);
        } else {
          samples = item.value === undefined && item.histogram !== undefined ? [] : [sample(item.value, where)];
        }
        return { labels: { ...metric }, samples };
      });
      return { resultType, series };
    }
    case 'scalar':
      return { resultType, series: [{ labels: {}, samples: [sample(result, 'scalar result')] }] };
    case 'string': {
      // A string has no numeric value: it is returned as the `__value__` label of a NaN sample.
      if (
        !Array.isArray(result) ||
        result.length !== 2 ||
        typeof result[0] !== 'number' ||
        typeof result[1] !== 'string'
      ) {
        throw new Error('string result is not a [time, "text"] pair');
      }
      return { resultType, series: [{ labels: { __value__: result[1] }, samples: [[result[0], Number.NaN]] }] };
    }
    default:
      throw new Error(`unknown resultType ${JSON.stringify(resultType)}`);
  }
}

export class PrometheusClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly maxPoints: number;
  private readonly method: 'GET' | 'POST';
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onRetry: PrometheusClientOptions['onRetry'];

  constructor(opts: PrometheusClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch (cause) {
      throw new TypeError(`Prometheus baseUrl ${quote(String(opts.baseUrl))} is not a valid URL`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`Prometheus baseUrl ${quote(opts.baseUrl)} must be http(s)`);
    }
    url.search = '';
    url.hash = '';
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.timeoutMs = positive(opts.timeoutMs, 10_000, 'timeoutMs');
    this.retries = Math.max(0, Math.floor(opts.retries ?? 2));
    this.maxPoints = positive(opts.maxPoints, PROMETHEUS_MAX_POINTS, 'maxPoints');
    this.baseDelayMs = Math.max(0, opts.retryBaseDelayMs ?? 200);
    this.maxDelayMs = Math.max(this.baseDelayMs, opts.retryMaxDelayMs ?? 5_000);
    this.method = opts.method ?? 'POST';
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? realSleep;
    this.onRetry = opts.onRetry;
    const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
    if (opts.bearerToken) {
      headers.Authorization = `Bearer ${opts.bearerToken}`;
    } else if (opts.basicAuth) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64')}`;
    }
    this.headers = headers;
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
    const env = await this.call({
      method: this.method,
      path: '/api/v1/query',
      params,
      what: `query ${quote(query)}`,
      query,
      timeoutMs,
      retries: this.retries,
    });
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
      throw badInput(
        q.query,
        `start (${new Date(startMs).toISOString()}) must be before end (${new Date(endMs).toISOString()})`
      );
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
      retries: this.retries,
    });
    const result = this.toQueryResult(env, q.query);
    if (result.resultType !== 'matrix') {
      throw fail(
        {
          kind: 'upstream',
          query: q.query,
          message: `Prometheus answered range query ${quote(q.query)} with resultType ${quote(result.resultType)}, expected "matrix"`,
        },
        false
      );
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
    const env = await this.call({
      method: this.method,
      path: '/api/v1/series',
      params,
      what,
      query: matchers.join(', '),
      timeoutMs: this.timeoutMs,
      retries: this.retries,
    });
    if (!Array.isArray(env.data) || !env.data.every(isStringRecord)) {
      throw shapeError(what, matchers.join(', '), '`data` is not a list of label sets');
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
      timeoutMs: this.timeoutMs,
      retries: this.retries,
    });
    if (!Array.isArray(env.data) || !env.data.every((v) => typeof v === 'string')) {
      throw shapeError(what, label, '`data` is not a list of strings');
    }
    return [...(env.data as string[])];
  }

  async buildInfo(opts: { timeoutMs?: number; retries?: number } = {}): Promise<PrometheusBuildInfo> {
    const what = 'build info';
    const env = await this.call({
      method: 'GET',
      path: '/api/v1/status/buildinfo',
      params: [],
      what,
      query: undefined,
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
      retries: opts.retries ?? this.retries,
    });
    if (!isRecord(env.data) || typeof env.data.version !== 'string') {
      throw shapeError(what, undefined, '`data.version` is missing');
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
  async ready(opts: { timeoutMs?: number } = {}): Promise<ReadyProbe> {
    const started = performance.now();
    const res = await this.send(
      {
        method: 'GET',
        path: '/-/ready',
        params: [],
        what: 'readiness probe',
        query: undefined,
        timeoutMs: opts.timeoutMs ?? this.timeoutMs,
        retries: 0,
      },
      'text/plain'
    );
    return {
      ready: res.status === 200,
      status: res.status,
      body: snippet(res.text),
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  // ---------------------------------------------------------------------------------------------

  private timeoutFor(requested: number | undefined, query: string): number {
    if (requested === undefined) {
      return this.timeoutMs;
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

  private toQueryResult(env: { data: unknown; warnings: string[] }, query: string): QueryResult {
    try {
      return { ...parseQueryData(env.data), warnings: env.warnings };
    } catch (e) {
      throw shapeError(`query ${quote(query)}`, query, (e as Error).message);
    }
  }

  /** Sends with retries and returns the parsed success envelope, or throws a TelemetryError. */
  private async call(spec: RequestSpec): Promise<{ data: unknown; warnings: string[] }> {
    return withRetry(
      async () => {
        const res = await this.send(spec, 'application/json');
        return this.parseEnvelope(spec, res);
      },
      {
        retries: spec.retries,
        baseDelayMs: this.baseDelayMs,
        maxDelayMs: this.maxDelayMs,
        random: this.random,
        sleep: this.sleep,
        isRetryable: (err) => err instanceof TelemetryError && retryFacts.get(err)?.retryable === true,
        minDelayFor: (err) => (err instanceof TelemetryError ? retryFacts.get(err)?.retryAfterMs : undefined),
        onRetry: (info) =>
          this.onRetry?.({ attempt: info.attempt, delayMs: info.delayMs, error: info.error as TelemetryError }),
      }
    );
  }

  /** One HTTP exchange. Throws TelemetryError (timeout/unreachable/upstream) only when no full answer arrived. */
  private async send(spec: RequestSpec, accept: string): Promise<RawResponse> {
    const url = new URL(this.baseUrl + spec.path);
    const headers: Record<string, string> = { ...this.headers, Accept: accept };
    let body: string | undefined;
    if (spec.method === 'POST') {
      body = new URLSearchParams(spec.params).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      for (const [k, v] of spec.params) {
        url.searchParams.append(k, v);
      }
    }
    const signal = AbortSignal.timeout(spec.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method: spec.method, headers, body, signal, redirect: 'follow' });
    } catch (err) {
      throw this.transportError(spec, err, false);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw this.transportError(spec, err, true);
    }
    return { status: res.status, text, headers: res.headers };
  }

  private transportError(spec: RequestSpec, err: unknown, duringBody: boolean): TelemetryError {
    if (isTimeoutError(err)) {
      return fail(
        {
          kind: 'timeout',
          query: spec.query,
          cause: err,
          message: `Prometheus did not answer ${spec.what} within ${spec.timeoutMs} ms (${this.baseUrl})`,
        },
        true
      );
    }
    const code = errorCode(err);
    const detail = code ?? (err instanceof Error ? err.message : String(err));
    if (duringBody) {
      return fail(
        {
          kind: 'upstream',
          query: spec.query,
          cause: err,
          message: `Prometheus closed the connection while sending the answer to ${spec.what} (${detail})`,
        },
        true
      );
    }
    return fail(
      {
        kind: 'unreachable',
        query: spec.query,
        cause: err,
        message: `Prometheus at ${this.baseUrl} is unreachable (${detail}) for ${spec.what}`,
      },
      true
    );
  }

  private parseEnvelope(spec: RequestSpec, res: RawResponse): { data: unknown; warnings: string[] } {
    const { status } = res;
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      const body = snippet(res.text) || '(empty body)';
      if (status >= 500) {
        return this.throwStatus(spec, status, undefined, body, retryAfterMs);
      }
      if (status === 400 || status === 422) {
        throw fail(
          {
            kind: 'bad_query',
            query: spec.query,
            status,
            upstreamMessage: body,
            message: `Prometheus rejected ${spec.what}: ${body}`,
          },
          false
        );
      }
      if (status >= 200 && status < 300) {
        throw fail(
          {
            kind: 'upstream',
            query: spec.query,
            status,
            upstreamMessage: body,
            message: `Prometheus answered ${spec.what} with a body that is not valid JSON (truncated?): ${body}`,
          },
          false
        );
      }
      throw fail(
        {
          kind: 'upstream',
          query: spec.query,
          status,
          upstreamMessage: body,
          message: `Prometheus answered ${spec.what} with HTTP ${status}: ${body}`,
        },
        false
      );
    }
    if (!isRecord(json) || (json.status !== 'success' && json.status !== 'error')) {
      if (status >= 500) {
        return this.throwStatus(spec, status, undefined, snippet(res.text), retryAfterMs);
      }
      throw shapeError(
        spec.what,
        spec.query,
        'the body is not a Prometheus API envelope ({status, data, ...})',
        status
      );
    }
    if (json.status === 'error' || status >= 300) {
      const errorType = typeof json.errorType === 'string' ? json.errorType : undefined;
      const upstream = typeof json.error === 'string' ? json.error : snippet(res.text);
      return this.throwStatus(spec, status, errorType, upstream, retryAfterMs);
    }
    if (!('data' in json)) {
      throw shapeError(spec.what, spec.query, 'the success envelope has no `data`', status);
    }
    const warnings: string[] = [];
    for (const key of ['warnings', 'infos'] as const) {
      const list = json[key];
      if (list === undefined || list === null) {
        continue;
      }
      if (!Array.isArray(list)) {
        throw shapeError(spec.what, spec.query, `\`${key}\` is not a list`, status);
      }
      for (const w of list) {
        warnings.push(typeof w === 'string' ? w : JSON.stringify(w));
      }
    }
    return { data: json.data, warnings };
  }

  private throwStatus(
    spec: RequestSpec,
    status: number,
    errorType: string | undefined,
    upstream: string,
    retryAfterMs: number | undefined
  ): never {
    const base = { query: spec.query, status, upstreamMessage: upstream };
    if (errorType === 'bad_data' || status === 400 || status === 422 || (errorType === 'execution' && status < 500)) {
      throw fail({ ...base, kind: 'bad_query', message: `Prometheus rejected ${spec.what}: ${upstream}` }, false);
    }
    if (errorType === 'timeout') {
      throw fail(
        { ...base, kind: 'timeout', message: `Prometheus timed out evaluating ${spec.what}: ${upstream}` },
        true,
        retryAfterMs
      );
    }
    const label = errorType ? `HTTP ${status} ${errorType}` : `HTTP ${status}`;
    throw fail(
      {
        ...base,
        kind: 'upstream',
        message: `Prometheus failed ${spec.what} (${label}): ${upstream || '(empty body)'}`,
      },
      status >= 500,
      retryAfterMs
    );
  }
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) {
    return dflt;
  }
  if (!Number.isFinite(v) || v <= 0) {
    throw new TypeError(`Prometheus ${name} must be a positive number, got ${v}`);
  }
  return v;
}

function checkQuery(query: string): void {
  if (typeof query !== 'string' || query.trim() === '') {
    throw badInput(String(query ?? ''), 'the query is empty');
  }
}

function badInput(query: string, why: string, what = `query ${quote(query)}`): TelemetryError {
  return fail({ kind: 'bad_query', query, message: `Invalid ${what}: ${why}` }, false);
}

function shapeError(what: string, query: string | undefined, why: string, status?: number): TelemetryError {
  return fail(
    {
      kind: 'upstream',
      query,
      ...(status !== undefined ? { status } : {}),
      message: `Prometheus answered ${what} with an unexpected shape: ${why}`,
    },
    false
  );
}

// ===============================================================================================

export interface PrometheusSourceOptions extends PrometheusClientOptions {
  /** A failed query keeps health 'degraded' for this long unless a query succeeds since. Default 5 min. */
  degradedWindowMs?: number;
  /** Timeout for the health probe. Default min(timeoutMs, 5 000). */
  healthTimeoutMs?: number;
  now?: () => number;
}

/** TelemetrySource backed by a real Prometheus (or anything speaking its HTTP API: Thanos, Mimir, VictoriaMetrics). */
export class PrometheusSource implements TelemetrySource {
  readonly kind = 'prometheus' as const;
  readonly client: PrometheusClient;
  private readonly degradedWindowMs: number;
  private readonly healthTimeoutMs: number;
  private readonly now: () => number;
  private lastError: { message: string; at: string } | undefined;
  private lastQueryFailureAtMs: number | undefined;
  private lastQuerySuccessAtMs: number | undefined;

  constructor(opts: PrometheusSourceOptions) {
    this.client = new PrometheusClient(opts);
    this.degradedWindowMs = opts.degradedWindowMs ?? 5 * 60_000;
    this.healthTimeoutMs = opts.healthTimeoutMs ?? Math.min(this.client.timeoutMs, 5_000);
    this.now = opts.now ?? Date.now;
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

  async health(): Promise<DependencyHealth> {
    const url = this.client.baseUrl;
    const [readyR, infoR] = await Promise.allSettled([
      this.client.ready({ timeoutMs: this.healthTimeoutMs }),
      this.client.buildInfo({ timeoutMs: this.healthTimeoutMs, retries: 0 }),
    ]);
    const checkedAtMs = this.now();
    const checkedAt = new Date(checkedAtMs).toISOString();
    if (readyR.status === 'rejected') {
      this.recordError(readyR.reason);
      return {
        name: SOURCE,
        state: 'down',
        detail: `unreachable at ${url}`,
        lastError: this.publicLastError(),
        checkedAt,
      };
    }
    const probe = readyR.value;
    const version = infoR.status === 'fulfilled' ? infoR.value.version : undefined;
    const about = `Prometheus ${version ?? '(version unknown)'} at ${url}`;
    const base = { name: SOURCE, latencyMs: probe.latencyMs, checkedAt };
    if (!probe.ready) {
      const message = `Prometheus at ${url} is not ready: HTTP ${probe.status}${probe.body ? ` ${probe.body}` : ''}`;
      this.recordError(new Error(message));
      return {
        ...base,
        state: 'degraded',
        detail: `${about}; not ready (HTTP ${probe.status})`,
        lastError: this.publicLastError(),
      };
    }
    const failedAt = this.lastQueryFailureAtMs;
    if (
      failedAt !== undefined &&
      failedAt > (this.lastQuerySuccessAtMs ?? -Infinity) &&
      checkedAtMs - failedAt < this.degradedWindowMs
    ) {
      const ago = Math.max(0, Math.round((checkedAtMs - failedAt) / 1000));
      return {
        ...base,
        state: 'degraded',
        detail: `${about}; queries failing (last failure ${ago}s ago)`,
        lastError: this.publicLastError(),
      };
    }
    return { ...base, state: 'up', detail: about, lastError: this.publicLastError() };
  }

  private async track<T>(op: () => Promise<T>): Promise<T> {
    try {
      const out = await op();
      this.lastQuerySuccessAtMs = this.now();
      return out;
    } catch (err) {
      // A rejected query is the caller's fault and says nothing about Prometheus's health.
      if (!(err instanceof TelemetryError && err.kind === 'bad_query')) {
        this.recordError(err);
        this.lastQueryFailureAtMs = this.now();
      }
      throw err;
    }
  }

  private recordError(err: unknown): void {
    this.lastError = {
      message: err instanceof Error ? err.message : String(err),
      at: new Date(this.now()).toISOString(),
    };
  }

  private publicLastError(): { message: string; at: string } | undefined {
    return this.lastError ? { ...this.lastError } : undefined;
  }
}
