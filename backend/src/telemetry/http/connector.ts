/**
 * The HTTP core every telemetry connector (Prometheus, Loki, Tempo) is built on:
 * GET or form-POST with auth/tenant headers, a per-attempt AbortSignal timeout, transport failures
 * mapped to typed TelemetryErrors whose messages name the request and quote upstream, HTTP status →
 * error kind (overridable per call: Prometheus reads its JSON envelope instead), retries only for
 * idempotent failures (unreachable, timeout, 5xx, a body cut off mid-transfer) with backoff and
 * Retry-After, and the bookkeeping behind each connector's health.
 *
 * Dependency budgets: a request never takes longer than its budget (default 20 s, under Grafana's
 * 30 s data-source proxy timeout) whatever the retries: each attempt gets min(per-attempt timeout,
 * time left), a retry happens only while enough time is left, and a timeout message states the
 * budget that ran out. A circuit breaker (breaker.ts) turns a dependency that stops answering into
 * immediate 'unavailable' errors (503 with Retry-After) until a probe finds it back.
 */
import { errorCode, isTimeoutError, parseRetryAfter, quote, snippet } from './helpers.ts';
import { TelemetryError } from '../types.ts';
import type { DependencyHealth } from '../types.ts';
import {
  isRetryableTelemetryError,
  retryAfterOf,
  telemetryFailure,
  transportFailures,
  upstreamText,
  type FailureInit,
} from './failures.ts';
import { realSleep, withRetry } from '../retry.ts';
import { CircuitBreaker } from './breaker.ts';
import type { Admission, CircuitBreakerOptions, CircuitSnapshot } from './breaker.ts';
import { HealthTracker, assessHealth } from './health.ts';
import type { ReadyProbe } from './health.ts';

export type { ReadyProbe } from './health.ts';
export { isRetryableTelemetryError, telemetryFailure, upstreamText, type FailureInit } from './failures.ts';

/** Default total time of one request across attempts and backoff: under Grafana's 30 s proxy timeout. */
export const DEFAULT_BUDGET_MS = 20_000;
/** A retry needs at least this much of the budget left (or the whole per-attempt timeout, if shorter). */
const MIN_ATTEMPT_MS = 250;

export interface HttpConnectorOptions {
  /** e.g. `http://loki:3100` or `https://host/prometheus` (a path prefix is kept). */
  baseUrl: string;
  /** Per-attempt timeout. Default 10 000. */
  timeoutMs?: number;
  /**
   * Total time one request may take across attempts and backoff. Default 20 000 (or the per-attempt
   * timeout when that is longer: an explicit long timeout still gets one whole attempt, and no retry).
   */
  budgetMs?: number;
  /** Circuit breaker (default: opens after 5 consecutive transport failures, probes after 30 s); false: none. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Called when the circuit changes state (for logs and metrics). */
  onCircuitChange?: (snapshot: CircuitSnapshot) => void;
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
  /** Wall clock (unix ms) for health timestamps and the circuit's open period. */
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
  /** This request's total budget (default: the connector's). */
  budgetMs?: number;
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

/** Turns one complete HTTP answer into a value, or throws a TelemetryError (made with `fail`). */
export type Interpret<T> = (res: RawResponse, spec: RequestSpec) => T;

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
  readonly budgetMs: number;
  readonly retries: number;
  readonly healthTimeoutMs: number;
  readonly now: () => number;
  /** Undefined when turned off. */
  readonly breaker: CircuitBreaker | undefined;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onRetry: HttpConnectorOptions['onRetry'];
  private readonly tracker: HealthTracker;

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
    this.budgetMs = positive(label, 'budgetMs', opts.budgetMs, Math.max(DEFAULT_BUDGET_MS, this.timeoutMs));
    this.healthTimeoutMs = positive(label, 'healthTimeoutMs', opts.healthTimeoutMs, Math.min(this.timeoutMs, 5_000));
    this.retries = Math.max(0, Math.floor(opts.retries ?? 2));
    this.baseDelayMs = Math.max(0, opts.retryBaseDelayMs ?? 200);
    this.maxDelayMs = Math.max(this.baseDelayMs, opts.retryMaxDelayMs ?? 5_000);
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? realSleep;
    this.onRetry = opts.onRetry;
    this.now = opts.now ?? Date.now;
    this.tracker = new HealthTracker(opts.degradedWindowMs ?? 5 * 60_000, this.now);
    this.breaker =
      opts.circuitBreaker === false
        ? undefined
        : new CircuitBreaker(opts.circuitBreaker ?? {}, this.now, opts.onCircuitChange);
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
   * retry loop, so a failure it marks retryable (e.g. a 5xx envelope) is retried. Stays within the
   * request's budget, goes through the circuit breaker, and tracks health.
   */
  async exchange<T>(spec: RequestSpec, interpret: Interpret<T>): Promise<T> {
    const admission = this.admit(spec);
    const perAttemptMs = spec.timeoutMs ?? this.timeoutMs;
    const budgetMs = Math.max(spec.budgetMs ?? this.budgetMs, perAttemptMs);
    const started = performance.now();
    const deadline = started + budgetMs;
    let attempts = 0;
    let budgetCut = false;
    try {
      const out = await withRetry(
        async () => {
          attempts += 1;
          const left = Math.max(1, Math.floor(deadline - performance.now()));
          if (left < perAttemptMs) {
            budgetCut = true;
          }
          return interpret(await this.attempt(spec, Math.min(perAttemptMs, left)), spec);
        },
        {
          retries: spec.retries ?? this.retries,
          baseDelayMs: this.baseDelayMs,
          maxDelayMs: this.maxDelayMs,
          random: this.random,
          sleep: this.sleep,
          isRetryable: isRetryableTelemetryError,
          minDelayFor: retryAfterOf,
          canRetry: ({ delayMs }) => {
            if (this.breaker?.isOpen()) {
              return false; // the next attempt would be refused: the last real failure says more
            }
            const left = deadline - performance.now() - delayMs;
            if (left < Math.min(perAttemptMs, MIN_ATTEMPT_MS)) {
              budgetCut = true;
              return false;
            }
            return true;
          },
          onRetry: (info) =>
            this.onRetry?.({ attempt: info.attempt, delayMs: info.delayMs, error: info.error as TelemetryError }),
        }
      );
      if (!spec.untracked) {
        this.noteSuccess();
      }
      return out;
    } catch (caught) {
      const err = this.explainTimeout(caught, spec, {
        attempts,
        budgetCut,
        budgetMs,
        perAttemptMs,
        elapsedMs: performance.now() - started,
      });
      // A rejected query is the caller's fault and says nothing about the upstream's health.
      if (!spec.untracked && !(err instanceof TelemetryError && err.kind === 'bad_query')) {
        this.noteFailure(err);
      }
      throw err;
    } finally {
      if (admission.probe) {
        this.breaker?.releaseProbe();
      }
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
    this.tracker.failure(err);
    return err;
  }

  noteSuccess(): void {
    this.tracker.success();
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

  /** The circuit's verdict on a new request; a refusal is an 'unavailable' error naming the cause. */
  private admit(spec: RequestSpec): { probe: boolean } {
    const admission = this.breaker?.admit() ?? { admitted: true, probe: false };
    if (!admission.admitted) {
      throw this.refusal(spec, admission);
    }
    return admission;
  }

  private refusal(spec: RequestSpec, a: Extract<Admission, { admitted: false }>): TelemetryError {
    const seconds = Math.ceil(a.retryInMs / 1000);
    const { state, consecutiveFailures, lastCause } = a.snapshot;
    const why =
      state === 'half_open'
        ? 'a probe is checking whether it is back'
        : `after ${consecutiveFailures} consecutive failures (last: ${lastCause ?? 'unknown'})`;
    return this.fail({
      kind: 'unavailable',
      query: spec.query,
      retryAfterMs: a.retryInMs,
      message: `${this.label} at ${this.baseUrl} is unavailable: its circuit is open ${why}; ${spec.what} was not sent, next try in ${seconds} s`,
    });
  }

  /** One attempt: an exchange the circuit breaker counts (an HTTP answer closes it, no answer counts against it). */
  private async attempt(spec: RequestSpec, timeoutMs: number): Promise<RawResponse> {
    try {
      const res = await this.send(spec, timeoutMs);
      this.breaker?.recordAnswer();
      return res;
    } catch (err) {
      this.breaker?.recordFailure(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /** After several attempts or a budget cut, a timeout says how long the request really took and why it stopped. */
  private explainTimeout(
    err: unknown,
    spec: RequestSpec,
    run: { attempts: number; budgetCut: boolean; budgetMs: number; perAttemptMs: number; elapsedMs: number }
  ): unknown {
    if (!(err instanceof TelemetryError && err.kind === 'timeout' && transportFailures.has(err))) {
      return err;
    }
    if (run.attempts <= 1 && !run.budgetCut) {
      return err;
    }
    const seconds = (run.elapsedMs / 1000).toFixed(1);
    const n = `${run.attempts} attempt${run.attempts === 1 ? '' : 's'}`;
    const message = run.budgetCut
      ? `${this.label} did not answer ${spec.what} within its ${run.budgetMs} ms budget (${n}, per-attempt timeout ${run.perAttemptMs} ms; gave up after ${seconds} s) (${this.baseUrl})`
      : `${this.label} did not answer ${spec.what} within ${run.perAttemptMs} ms (${n}, ${seconds} s in total) (${this.baseUrl})`;
    const explained = this.fail({ kind: 'timeout', query: spec.query, cause: err, message }, true);
    transportFailures.add(explained);
    return explained;
  }

  /** One exchange; throws (timeout / unreachable / cut-off body) only when no complete answer arrived. */
  async send(spec: RequestSpec, timeoutOverrideMs?: number): Promise<RawResponse> {
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
    const timeoutMs = timeoutOverrideMs ?? spec.timeoutMs ?? this.timeoutMs;
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
    const failure = this.describeTransportError(spec, timeoutMs, err, duringBody);
    transportFailures.add(failure);
    return failure;
  }

  private describeTransportError(
    spec: RequestSpec,
    timeoutMs: number,
    err: unknown,
    duringBody: boolean
  ): TelemetryError {
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

  /** Probes a readiness path once, no retries, through the circuit. Throws TelemetryError when no HTTP answer came back. */
  async ready(opts: { timeoutMs?: number; path?: string } = {}): Promise<ReadyProbe> {
    const spec: RequestSpec = {
      path: opts.path ?? '/ready',
      params: [],
      what: 'readiness probe',
      query: undefined,
      accept: 'text/plain',
    };
    const admission = this.admit(spec);
    const started = performance.now();
    try {
      const res = await this.attempt(spec, opts.timeoutMs ?? this.timeoutMs);
      return {
        ready: res.status === 200,
        status: res.status,
        body: snippet(res.text, 200),
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      };
    } finally {
      if (admission.probe) {
        this.breaker?.releaseProbe();
      }
    }
  }

  /**
   * The readiness probe, then (when it answered) `about`, which names what answered, e.g.
   * "Prometheus 2.53.0"; judged with the request history and the circuit (see assessHealth).
   */
  async health(
    opts: { readyPath?: string; about?: () => Promise<string>; failing?: string } = {}
  ): Promise<DependencyHealth> {
    let probe: { ok: true; value: ReadyProbe } | { ok: false; error: unknown };
    let about = this.label;
    try {
      const path = opts.readyPath ? { path: opts.readyPath } : {};
      probe = { ok: true, value: await this.ready({ timeoutMs: this.healthTimeoutMs, ...path }) };
      if (opts.about) {
        about = await opts.about().catch(() => `${this.label} (version unknown)`);
      }
    } catch (error) {
      probe = { ok: false, error };
    }
    return assessHealth({
      name: this.source,
      label: this.label,
      baseUrl: this.baseUrl,
      tracker: this.tracker,
      checkedAtMs: this.now(),
      probe,
      about,
      failing: opts.failing ?? 'requests',
      circuit: this.breaker?.snapshot(),
    });
  }
}
