/**
 * The HTTP core every telemetry connector (Prometheus, Loki, Tempo) is built on:
 * GET or form-POST with auth/tenant headers, a per-attempt AbortSignal timeout, transport failures
 * mapped to typed TelemetryErrors whose messages name the request and quote upstream, HTTP status →
 * error kind (overridable per call: Prometheus reads its JSON envelope instead), retries only for
 * idempotent failures (unreachable, timeout, 5xx, a body cut off mid-transfer) with backoff and
 * Retry-After, and the bookkeeping behind each connector's health.
 */
import { errorCode, isRecord, isTimeoutError, parseRetryAfter, quote, snippet } from './helpers.ts';
import { TelemetryError } from '../types.ts';
import type { DependencyHealth, TelemetryErrorKind } from '../types.ts';
import { realSleep, withRetry } from '../retry.ts';

export interface HttpConnectorOptions {
  /** e.g. `http://loki:3100` or `https://host/prometheus` (a path prefix is kept). */
  baseUrl: string;
  /** Per-attempt timeout. Default 10 000. */
  timeoutMs?: number;
  /** Retries after the first attempt for idempotent failures. Default 2. */
  retries?: number;
  /** Backoff before the first retry (doubles each retry, with jitter). Default 200. */
  retryBaseDelayMs?: number;
  /** Cap on a single backoff delay. Default 5 000. */
  retryMaxDelayMs?: number;
  bearerToken?: string | undefined;
  basicAuth?: { username: string; password: string } | undefined;
  /** Sent as `X-Scope-OrgID` (multi-tenant Loki/Tempo/Mimir). */
  tenant?: string | undefined;
  /** Extra headers sent on every request. */
  headers?: Record<string, string> | undefined;
  fetch?: typeof globalThis.fetch;
  /** [0, 1) source of jitter; inject a seeded one in tests. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for logging/metrics). */
  onRetry?: (info: { attempt: number; delayMs: number; error: TelemetryError }) => void;
  /** A failed request keeps health 'degraded' this long unless one succeeds since. Default 5 min. */
  degradedWindowMs?: number;
  /** Timeout of the health probe. Default min(timeoutMs, 5 000). */
  healthTimeoutMs?: number;
  /** Wall clock for health timestamps. */
  now?: () => number;
}

export interface RequestSpec {
  /** 'GET' (default) sends params in the URL; 'POST' sends them as a form body (long PromQL fits). */
  method?: 'GET' | 'POST';
  path: string;
  params: Array<[string, string]>;
  /** Human description for messages, e.g. `query "{app=\"x\"}"`. */
  what: string;
  query: string | undefined;
  timeoutMs?: number;
  retries?: number;
  accept?: string;
  extraHeaders?: Record<string, string>;
  /** Return a 404 answer instead of throwing (default interpretation only). */
  allowNotFound?: boolean;
  /** Leave health bookkeeping alone (probes whose failure is not a failing request, e.g. build info). */
  untracked?: boolean;
}

export interface RawResponse {
  status: number;
  text: string;
  headers: Headers;
}

export interface ReadyProbe {
  ready: boolean;
  status: number;
  /** Body text, trimmed and cut to 200 characters. */
  body: string;
  latencyMs: number;
}

/** Turns one complete HTTP answer into a value, or throws a TelemetryError (made with `fail`). */
export type Interpret<T> = (res: RawResponse, spec: RequestSpec) => T;

export interface FailureInit {
  kind: TelemetryErrorKind;
  message: string;
  query?: string | undefined;
  upstreamMessage?: string;
  status?: number;
  cause?: unknown;
}

/** Per-error retry facts kept off the public TelemetryError. */
const retryFacts = new WeakMap<TelemetryError, { retryAfterMs?: number }>();

/** A TelemetryError from `source`; `retryable` marks an idempotent failure worth another attempt. */
export function telemetryFailure(
  source: string,
  init: FailureInit,
  retryable = false,
  retryAfterMs?: number
): TelemetryError {
  const err = new TelemetryError({
    source,
    kind: init.kind,
    message: init.message,
    ...(init.query !== undefined ? { query: init.query } : {}),
    ...(init.upstreamMessage !== undefined ? { upstreamMessage: init.upstreamMessage } : {}),
    ...(init.status !== undefined ? { status: init.status } : {}),
    ...(init.cause !== undefined ? { cause: init.cause } : {}),
  });
  if (retryable) {
    retryFacts.set(err, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  return err;
}

export function isRetryableTelemetryError(err: unknown): boolean {
  return err instanceof TelemetryError && retryFacts.has(err);
}

function retryAfterOf(err: unknown): number | undefined {
  return err instanceof TelemetryError ? retryFacts.get(err)?.retryAfterMs : undefined;
}

/** The upstream's error text: Loki/Tempo answer text/plain, proxies and the simulator JSON. */
export function upstreamText(text: string): string {
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

function positive(label: string, name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) {
    return dflt;
  }
  if (!Number.isFinite(v) || v <= 0) {
    throw new TypeError(`${label} ${name} must be a positive number, got ${v}`);
  }
  return v;
}

export class HttpConnector {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly healthTimeoutMs: number;
  readonly now: () => number;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onRetry: HttpConnectorOptions['onRetry'];
  private readonly degradedWindowMs: number;
  private lastError: { message: string; at: string } | undefined;
  private lastFailureAtMs: number | undefined;
  private lastSuccessAtMs: number | undefined;

  constructor(
    /** 'prometheus' | 'loki' | 'tempo': TelemetryError.source and DependencyHealth.name. */
    readonly source: string,
    /** 'Prometheus' | 'Loki' | 'Tempo': used in messages. */
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
    this.timeoutMs = positive(label, 'timeoutMs', opts.timeoutMs, 10_000);
    this.healthTimeoutMs = positive(label, 'healthTimeoutMs', opts.healthTimeoutMs, Math.min(this.timeoutMs, 5_000));
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
      const { username, password } = opts.basicAuth;
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    this.headers = headers;
  }

  fail(init: FailureInit, canRetry = false, retryAfterMs?: number): TelemetryError {
    return telemetryFailure(this.source, init, canRetry, retryAfterMs);
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

  /** Sends (with retries) and returns a 2xx answer (or a 404 when allowed); throws TelemetryError otherwise. */
  request(spec: RequestSpec): Promise<RawResponse> {
    return this.exchange(spec, (res) => {
      this.checkStatus(spec, res);
      return res;
    });
  }

  /**
   * Sends with retries and returns what `interpret` makes of the answer. `interpret` runs inside the
   * retry loop, so a failure it marks retryable (e.g. a 5xx envelope) is retried. Tracks health.
   */
  async exchange<T>(spec: RequestSpec, interpret: Interpret<T>): Promise<T> {
    try {
      const out = await withRetry(async () => interpret(await this.send(spec), spec), {
        retries: spec.retries ?? this.retries,
        baseDelayMs: this.baseDelayMs,
        maxDelayMs: this.maxDelayMs,
        random: this.random,
        sleep: this.sleep,
        isRetryable: isRetryableTelemetryError,
        minDelayFor: retryAfterOf,
        onRetry: (info) =>
          this.onRetry?.({ attempt: info.attempt, delayMs: info.delayMs, error: info.error as TelemetryError }),
      });
      if (!spec.untracked) {
        this.noteSuccess();
      }
      return out;
    } catch (err) {
      // A rejected query is the caller's fault and says nothing about the upstream's health.
      if (!spec.untracked && !(err instanceof TelemetryError && err.kind === 'bad_query')) {
        this.noteFailure(err);
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
      const body = snippet(res.text, 120) || '(empty body)';
      throw this.noteFailure(
        this.fail({
          kind: 'upstream',
          query: spec.query,
          status: res.status,
          upstreamMessage: snippet(res.text),
          cause,
          message: `${this.label} answered ${spec.what} with a body that is not valid JSON (truncated?): ${body}`,
        })
      );
    }
  }

  /** Records a failure (e.g. a bad shape found after `request` returned) for health; returns it to throw. */
  noteFailure<E>(err: E): E {
    this.recordError(err);
    this.lastFailureAtMs = this.now();
    return err;
  }

  noteSuccess(): void {
    this.lastSuccessAtMs = this.now();
  }

  /** The default interpretation: 2xx (and an allowed 404) pass; 400/422 bad_query; 408/504 timeout; else upstream. */
  checkStatus(spec: RequestSpec, res: RawResponse): void {
    const { status } = res;
    if ((status >= 200 && status < 300) || (status === 404 && spec.allowNotFound)) {
      return;
    }
    const upstream = upstreamText(res.text);
    const base = { query: spec.query, status, upstreamMessage: upstream };
    const quoted = upstream || '(empty body)';
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    if (status === 400 || status === 422) {
      throw this.fail({ ...base, kind: 'bad_query', message: `${this.label} rejected ${spec.what}: ${quoted}` });
    }
    if (status === 504 || status === 408) {
      const message = `${this.label} timed out answering ${spec.what} (HTTP ${status}): ${quoted}`;
      throw this.fail({ ...base, kind: 'timeout', message }, true, retryAfterMs);
    }
    const message = `${this.label} failed ${spec.what} (HTTP ${status}): ${quoted}`;
    throw this.fail({ ...base, kind: 'upstream', message }, status >= 500, retryAfterMs);
  }

  /** One exchange; throws (timeout / unreachable / cut-off body) only when no complete answer arrived. */
  async send(spec: RequestSpec): Promise<RawResponse> {
    const url = new URL(this.baseUrl + spec.path);
    const method = spec.method ?? 'GET';
    const headers: Record<string, string> = {
      ...this.headers,
      Accept: spec.accept ?? 'application/json',
      ...(spec.extraHeaders ?? {}),
    };
    let body: string | undefined;
    if (method === 'POST') {
      body = new URLSearchParams(spec.params).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      for (const [k, v] of spec.params) {
        url.searchParams.append(k, v);
      }
    }
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, body, signal, redirect: 'follow' });
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
    const query = spec.query;
    if (isTimeoutError(err)) {
      const message = `${this.label} did not answer ${spec.what} within ${timeoutMs} ms (${this.baseUrl})`;
      return this.fail({ kind: 'timeout', query, cause: err, message }, true);
    }
    const detail = errorCode(err) ?? (err instanceof Error ? err.message : String(err));
    if (duringBody) {
      const message = `${this.label} closed the connection while sending the answer to ${spec.what} (${detail})`;
      return this.fail({ kind: 'upstream', query, cause: err, message }, true);
    }
    const message = `${this.label} at ${this.baseUrl} is unreachable (${detail}) for ${spec.what}`;
    return this.fail({ kind: 'unreachable', query, cause: err, message }, true);
  }

  /** Probes a readiness path once, no retries. Throws TelemetryError only when no HTTP answer came back. */
  async ready(opts: { timeoutMs?: number; path?: string } = {}): Promise<ReadyProbe> {
    const started = performance.now();
    const res = await this.send({
      path: opts.path ?? '/ready',
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

  /**
   * up: ready and no recent failures; degraded: answering but not ready, or requests failing;
   * down: no answer. `about` (run beside the probe) names what answered, e.g. "Prometheus 2.53.0".
   */
  async health(
    opts: { readyPath?: string; about?: () => Promise<string>; failing?: string } = {}
  ): Promise<DependencyHealth> {
    const url = this.baseUrl;
    const [probeR, aboutR] = await Promise.allSettled([
      this.ready({ timeoutMs: this.healthTimeoutMs, ...(opts.readyPath ? { path: opts.readyPath } : {}) }),
      opts.about ? opts.about() : Promise.resolve(this.label),
    ]);
    const checkedAtMs = this.now();
    const checkedAt = new Date(checkedAtMs).toISOString();
    if (probeR.status === 'rejected') {
      const err: unknown = probeR.reason;
      this.recordError(err);
      const why = err instanceof TelemetryError && err.kind === 'timeout' ? 'not answering' : 'unreachable';
      const detail = `${this.label} ${why} at ${url}`;
      return { name: this.source, state: 'down', detail, lastError: this.publicLastError(), checkedAt };
    }
    const probe = probeR.value;
    const about = `${aboutR.status === 'fulfilled' ? aboutR.value : `${this.label} (version unknown)`} at ${url}`;
    const base = { name: this.source, latencyMs: probe.latencyMs, checkedAt };
    if (!probe.ready) {
      const body = probe.body ? ` ${probe.body}` : '';
      this.recordError(new Error(`${this.label} at ${url} is not ready: HTTP ${probe.status}${body}`));
      const detail = `${about}; not ready (HTTP ${probe.status})`;
      return { ...base, state: 'degraded', detail, lastError: this.publicLastError() };
    }
    const failedAt = this.lastFailureAtMs;
    if (
      failedAt !== undefined &&
      failedAt > (this.lastSuccessAtMs ?? -Infinity) &&
      checkedAtMs - failedAt < this.degradedWindowMs
    ) {
      const ago = Math.max(0, Math.round((checkedAtMs - failedAt) / 1000));
      const detail = `${about}; ${opts.failing ?? 'requests'} failing (last failure ${ago}s ago)`;
      return { ...base, state: 'degraded', detail, lastError: this.publicLastError() };
    }
    return { ...base, state: 'up', detail: about, lastError: this.publicLastError() };
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
