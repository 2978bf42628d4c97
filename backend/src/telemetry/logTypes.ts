/**
 * Shared log/trace types for the Loki and Tempo connectors, plus the small HTTP core both use:
 * per-attempt AbortSignal timeouts, retries (only for idempotent failures: unreachable, timeout,
 * 5xx, a body cut off mid-transfer) with the same backoff as the Prometheus connector, typed
 * TelemetryErrors whose messages name the request and quote upstream, and health bookkeeping.
 */
import { errorCode, isRecord, isTimeoutError, parseRetryAfter, quote, snippet } from './httpHelpers.ts';
import { TelemetryError } from './types.ts';
import type { DependencyHealth, MetricSeries, TelemetryErrorKind } from './types.ts';
import { realSleep, withRetry } from './retry.ts';

// ---- logs ---------------------------------------------------------------------------------------

export interface LogEntry {
  /** Unix nanoseconds exactly as Loki sent them (a decimal string: too wide for a JS number). */
  timestampNs: string;
  /** Unix milliseconds (timestampNs truncated), for convenience. */
  timeMs: number;
  line: string;
  /** Loki ≥ 3 structured metadata, when the answer carries it per entry. */
  structuredMetadata?: Record<string, string>;
  /** Labels extracted by parsers in the query, when Loki reports them per entry (categorize-labels). */
  parsed?: Record<string, string>;
}

export interface LogStream {
  labels: Record<string, string>;
  /** In the order Loki returned them (newest first for direction=backward). */
  entries: LogEntry[];
}

export type LokiQueryResult =
  | { resultType: 'streams'; streams: LogStream[]; warnings: string[] }
  | { resultType: 'matrix' | 'vector'; series: MetricSeries[]; warnings: string[] };

export interface LogPattern {
  pattern: string;
  /** Detected level, when Loki reports one. */
  level?: string;
  /** [unix seconds, count], sorted by time. */
  samples: Array<[timestampSeconds: number, count: number]>;
  total: number;
}

// ---- traces -------------------------------------------------------------------------------------

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type SpanStatusCode = 'unset' | 'ok' | 'error';
export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface TraceSpan {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  /** The resource's `service.name` ('unknown' when absent). */
  service: string;
  name: string;
  kind: SpanKind;
  /** Unix nanoseconds as decimal strings (exact). */
  startNs: string;
  endNs: string;
  durationNs: string;
  /** Convenience: unix ms of the start and the duration in ms (may lose sub-µs precision). */
  startMs: number;
  durationMs: number;
  statusCode: SpanStatusCode;
  statusMessage?: string;
  attributes: Record<string, AttributeValue>;
  resourceAttributes: Record<string, AttributeValue>;
}

export interface Trace {
  traceId: string;
  /** Sorted by start time (then span id). */
  spans: TraceSpan[];
}

export interface TraceSummary {
  traceId: string;
  /** Undefined while Tempo has not received the root span. */
  rootServiceName: string | undefined;
  rootTraceName: string | undefined;
  startMs: number;
  durationMs: number;
}

export interface ReadyProbe {
  ready: boolean;
  status: number;
  /** Body text, trimmed and cut to 200 characters. */
  body: string;
  latencyMs: number;
}

// ---- the shared HTTP core -----------------------------------------------------------------------

export interface HttpConnectorOptions {
  /** e.g. `http://loki:3100` or `https://host/tempo` (a path prefix is kept). */
  baseUrl: string;
  /** Per-attempt timeout. Default 10 000. */
  timeoutMs?: number;
  /** Retries after the first attempt for idempotent failures. Default 2. */
  retries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  bearerToken?: string | undefined;
  basicAuth?: { username: string; password: string } | undefined;
  /** Sent as `X-Scope-OrgID` (multi-tenant Loki/Tempo). */
  tenant?: string | undefined;
  headers?: Record<string, string> | undefined;
  fetch?: typeof globalThis.fetch;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; delayMs: number; error: TelemetryError }) => void;
  /** A failed request keeps health 'degraded' this long unless one succeeds since. Default 5 min. */
  degradedWindowMs?: number;
  /** Timeout of the health probe. Default min(timeoutMs, 5 000). */
  healthTimeoutMs?: number;
  now?: () => number;
}

export interface RequestSpec {
  path: string;
  params: Array<[string, string]>;
  /** Human description for messages, e.g. `query "{app=\"x\"}"`. */
  what: string;
  query: string | undefined;
  timeoutMs?: number;
  retries?: number;
  accept?: string;
  extraHeaders?: Record<string, string>;
  /** Return a 404 answer instead of throwing. */
  allowNotFound?: boolean;
}

export interface RawResponse {
  status: number;
  text: string;
  headers: Headers;
}

const retryable = new WeakSet<TelemetryError>();

export { isRecord, isStringRecord, quote, snippet } from './httpHelpers.ts';

/** The upstream's error text: Loki/Tempo answer text/plain, proxies and the simulator JSON. */
function upstreamText(text: string): string {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const j: unknown = JSON.parse(t);
      if (isRecord(j)) {
        for (const k of ['error', 'message', 'msg']) {
          const v = j[k];
          if (typeof v === 'string' && v.trim() !== '' && !(k === 'error' && typeof j.message === 'string')) {
            return snippet(v);
          }
        }
      }
    } catch {
      /* not JSON after all */
    }
  }
  return snippet(t);
}

export function isRetryableTelemetryError(err: unknown): boolean {
  return err instanceof TelemetryError && retryable.has(err);
}

/** Unix ms → unix ns decimal string. */
export function msToNs(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/** Unix ns (a decimal integer string; throws otherwise) → unix ms with sub-ms fraction. */
export function nsToMs(ns: string): number {
  return Number(BigInt(ns) / 1_000_000n) + Number(BigInt(ns) % 1_000_000n) / 1e6;
}

export class HttpConnector {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly healthTimeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onRetry: HttpConnectorOptions['onRetry'];
  private readonly degradedWindowMs: number;
  readonly now: () => number;
  private lastError: { message: string; at: string } | undefined;
  private lastFailureAtMs: number | undefined;
  private lastSuccessAtMs: number | undefined;

  constructor(
    /** 'loki' | 'tempo': TelemetryError.source and DependencyHealth.name. */
    readonly source: string,
    /** 'Loki' | 'Tempo': used in messages. */
    readonly label: string,
    opts: HttpConnectorOptions
  ) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch (cause) {
      throw new TypeError(`${label} baseUrl ${quote(String(opts.baseUrl))} is not a valid URL`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`${label} baseUrl ${quote(opts.baseUrl)} must be http(s)`);
    }
    url.search = '';
    url.hash = '';
    this.baseUrl = url.toString().replace(/\/+$/, '');
    const pos = (v: number | undefined, d: number, name: string): number => {
      if (v === undefined) {
        return d;
      }
      if (!Number.isFinite(v) || v <= 0) {
        throw new TypeError(`${label} ${name} must be a positive number, got ${v}`);
      }
      return v;
    };
    this.timeoutMs = pos(opts.timeoutMs, 10_000, 'timeoutMs');
    this.healthTimeoutMs = pos(opts.healthTimeoutMs, Math.min(this.timeoutMs, 5_000), 'healthTimeoutMs');
    this.retries = Math.max(0, Math.floor(opts.retries ?? 2));
    this.baseDelayMs = Math.max(0, opts.retryBaseDelayMs ?? 200);
    this.maxDelayMs = Math.max(this.baseDelayMs, opts.retryMaxDelayMs ?? 5_000);
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? realSleep;
    this.onRetry = opts.onRetry;
    this.degradedWindowMs = opts.degradedWindowMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.tenant) {
      headers['X-Scope-OrgID'] = opts.tenant;
    }
    if (opts.bearerToken) {
      headers.Authorization = `Bearer ${opts.bearerToken}`;
    } else if (opts.basicAuth) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64')}`;
    }
    this.headers = headers;
  }

  fail(
    init: {
      kind: TelemetryErrorKind;
      message: string;
      query?: string | undefined;
      upstreamMessage?: string;
      status?: number;
      cause?: unknown;
    },
    canRetry = false
  ): TelemetryError {
    const err = new TelemetryError({
      source: this.source,
      kind: init.kind,
      message: init.message,
      ...(init.query !== undefined ? { query: init.query } : {}),
      ...(init.upstreamMessage !== undefined ? { upstreamMessage: init.upstreamMessage } : {}),
      ...(init.status !== undefined ? { status: init.status } : {}),
      ...(init.cause !== undefined ? { cause: init.cause } : {}),
    });
    if (canRetry) {
      retryable.add(err);
    }
    return err;
  }

  badInput(query: string | undefined, what: string, why: string): TelemetryError {
    return this.fail({ kind: 'bad_query', query, message: `Invalid ${what}: ${why}` });
  }

  shapeError(spec: { what: string; query: string | undefined }, why: string, status?: number): TelemetryError {
    return this.fail({
      kind: 'upstream',
      query: spec.query,
      ...(status !== undefined ? { status } : {}),
      message: `${this.label} answered ${spec.what} with an unexpected shape: ${why}`,
    });
  }

  /** Sends (with retries) and returns a 2xx answer (or a 404 when allowed); throws TelemetryError otherwise. Tracks health. */
  async request(spec: RequestSpec): Promise<RawResponse> {
    try {
      const res = await withRetry(
        async () => {
          const r = await this.send(spec);
          this.checkStatus(spec, r);
          return r;
        },
        {
          retries: spec.retries ?? this.retries,
          baseDelayMs: this.baseDelayMs,
          maxDelayMs: this.maxDelayMs,
          random: this.random,
          sleep: this.sleep,
          isRetryable: isRetryableTelemetryError,
          minDelayFor: (err) => (err instanceof TelemetryError ? retryAfter.get(err) : undefined),
          onRetry: (info) =>
            this.onRetry?.({ attempt: info.attempt, delayMs: info.delayMs, error: info.error as TelemetryError }),
        }
      );
      this.lastSuccessAtMs = this.now();
      return res;
    } catch (err) {
      // A rejected query is the caller's fault and says nothing about the upstream's health.
      if (!(err instanceof TelemetryError && err.kind === 'bad_query')) {
        this.recordError(err);
        this.lastFailureAtMs = this.now();
      }
      throw err;
    }
  }

  /** `request` plus JSON parsing; a body that is not JSON (truncated, HTML from a proxy) is an upstream error. */
  async requestJson(spec: RequestSpec): Promise<{ status: number; json: unknown }> {
    const res = await this.request({ ...spec, accept: spec.accept ?? 'application/json' });
    if (res.status === 404 && spec.allowNotFound) {
      return { status: 404, json: undefined };
    }
    try {
      return { status: res.status, json: JSON.parse(res.text) };
    } catch (cause) {
      const err = this.fail({
        kind: 'upstream',
        query: spec.query,
        status: res.status,
        upstreamMessage: snippet(res.text),
        cause,
        message: `${this.label} answered ${spec.what} with a body that is not valid JSON (truncated?): ${snippet(res.text, 120) || '(empty body)'}`,
      });
      this.recordError(err);
      this.lastFailureAtMs = this.now();
      throw err;
    }
  }

  /** Records a failure found after `request` returned (a bad shape), for health. */
  noteFailure(err: TelemetryError): TelemetryError {
    this.recordError(err);
    this.lastFailureAtMs = this.now();
    return err;
  }

  private checkStatus(spec: RequestSpec, res: RawResponse): void {
    const { status } = res;
    if (status >= 200 && status < 300) {
      return;
    }
    if (status === 404 && spec.allowNotFound) {
      return;
    }
    const upstream = upstreamText(res.text);
    const base = { query: spec.query, status, upstreamMessage: upstream };
    if (status === 400 || status === 422) {
      throw this.fail({
        ...base,
        kind: 'bad_query',
        message: `${this.label} rejected ${spec.what}: ${upstream || '(empty body)'}`,
      });
    }
    if (status === 504 || status === 408) {
      const err = this.fail(
        {
          ...base,
          kind: 'timeout',
          message: `${this.label} timed out answering ${spec.what} (HTTP ${status}): ${upstream || '(empty body)'}`,
        },
        true
      );
      setRetryAfter(err, res);
      throw err;
    }
    const err = this.fail(
      {
        ...base,
        kind: 'upstream',
        message: `${this.label} failed ${spec.what} (HTTP ${status}): ${upstream || '(empty body)'}`,
      },
      status >= 500
    );
    setRetryAfter(err, res);
    throw err;
  }

  /** One exchange; throws only when no complete answer arrived. */
  async send(spec: RequestSpec): Promise<RawResponse> {
    const url = new URL(this.baseUrl + spec.path);
    for (const [k, v] of spec.params) {
      url.searchParams.append(k, v);
    }
    const headers: Record<string, string> = {
      ...this.headers,
      Accept: spec.accept ?? 'application/json',
      ...(spec.extraHeaders ?? {}),
    };
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method: 'GET', headers, signal, redirect: 'follow' });
    } catch (err) {
      throw this.transportError(spec, timeoutMs, err, false);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw this.transportError(spec, timeoutMs, err, true);
    }
    return { status: res.status, text, headers: res.headers };
  }

  private transportError(spec: RequestSpec, timeoutMs: number, err: unknown, duringBody: boolean): TelemetryError {
    if (isTimeoutError(err)) {
      return this.fail(
        {
          kind: 'timeout',
          query: spec.query,
          cause: err,
          message: `${this.label} did not answer ${spec.what} within ${timeoutMs} ms (${this.baseUrl})`,
        },
        true
      );
    }
    const detail = errorCode(err) ?? (err instanceof Error ? err.message : String(err));
    if (duringBody) {
      return this.fail(
        {
          kind: 'upstream',
          query: spec.query,
          cause: err,
          message: `${this.label} closed the connection while sending the answer to ${spec.what} (${detail})`,
        },
        true
      );
    }
    return this.fail(
      {
        kind: 'unreachable',
        query: spec.query,
        cause: err,
        message: `${this.label} at ${this.baseUrl} is unreachable (${detail}) for ${spec.what}`,
      },
      true
    );
  }

  /** Probes `/ready` once, no retries. Throws TelemetryError only when no HTTP answer came back. */
  async ready(opts: { timeoutMs?: number } = {}): Promise<ReadyProbe> {
    const started = performance.now();
    const res = await this.send({
      path: '/ready',
      params: [],
      what: 'readiness probe',
      query: undefined,
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
      accept: 'text/plain',
    });
    return {
      ready: res.status === 200,
      status: res.status,
      body: snippet(res.text, 200),
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  /** up: ready and no recent failures; degraded: answering but not ready or requests failing; down: unreachable. */
  async health(): Promise<DependencyHealth> {
    const url = this.baseUrl;
    let probe: ReadyProbe;
    try {
      probe = await this.ready({ timeoutMs: this.healthTimeoutMs });
    } catch (err) {
      this.recordError(err);
      const checkedAt = new Date(this.now()).toISOString();
      const why = err instanceof TelemetryError && err.kind === 'timeout' ? 'not answering' : 'unreachable';
      return {
        name: this.source,
        state: 'down',
        detail: `${this.label} ${why} at ${url}`,
        lastError: this.publicLastError(),
        checkedAt,
      };
    }
    const checkedAtMs = this.now();
    const base = { name: this.source, latencyMs: probe.latencyMs, checkedAt: new Date(checkedAtMs).toISOString() };
    if (!probe.ready) {
      this.recordError(
        new Error(`${this.label} at ${url} is not ready: HTTP ${probe.status}${probe.body ? ` ${probe.body}` : ''}`)
      );
      return {
        ...base,
        state: 'degraded',
        detail: `${this.label} at ${url}; not ready (HTTP ${probe.status})`,
        lastError: this.publicLastError(),
      };
    }
    const failedAt = this.lastFailureAtMs;
    if (
      failedAt !== undefined &&
      failedAt > (this.lastSuccessAtMs ?? -Infinity) &&
      checkedAtMs - failedAt < this.degradedWindowMs
    ) {
      const ago = Math.max(0, Math.round((checkedAtMs - failedAt) / 1000));
      return {
        ...base,
        state: 'degraded',
        detail: `${this.label} at ${url}; requests failing (last failure ${ago}s ago)`,
        lastError: this.publicLastError(),
      };
    }
    return { ...base, state: 'up', detail: `${this.label} at ${url}`, lastError: this.publicLastError() };
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

const retryAfter = new WeakMap<TelemetryError, number>();
function setRetryAfter(err: TelemetryError, res: RawResponse): void {
  const ms = parseRetryAfter(res.headers.get('retry-after'));
  if (ms !== undefined) {
    retryAfter.set(err, ms);
  }
}
