/**
 * The seam between engines and where telemetry comes from. Engines never talk HTTP:
 * they receive series from a TelemetrySource (Prometheus, or the embedded simulator).
 */

/** One time series as Prometheus returns it: labels plus [unix seconds, value] samples. */
export interface MetricSeries {
  labels: Record<string, string>;
  /** Sorted by time. Values may be NaN/±Inf exactly as upstream reported them. */
  samples: Array<[timestampSeconds: number, value: number]>;
}

export interface RangeQuery {
  query: string;
  /** Unix milliseconds, inclusive. */
  startMs: number;
  endMs: number;
  stepSeconds: number;
  timeoutMs?: number;
}

export interface QueryResult {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  series: MetricSeries[];
  /** Upstream warnings (Prometheus `warnings` / `infos`), passed on for the caller to show. */
  warnings: string[];
}

export type DependencyState = 'up' | 'degraded' | 'down' | 'disabled';

export interface DependencyHealth {
  name: string;
  state: DependencyState;
  /** Short human-readable detail: version, target URL, or why it is degraded. */
  detail?: string;
  lastError?: { message: string; at: string } | undefined;
  latencyMs?: number;
  checkedAt: string;
  /** The connector's circuit breaker, for dependencies reached through one. */
  circuit?: DependencyCircuit;
}

export interface DependencyCircuit {
  /** closed: calls go through; open: they fail at once; half_open: one probe goes through. */
  state: 'closed' | 'open' | 'half_open';
  consecutiveFailures: number;
  /** ISO time from which one probe may go through (while open). */
  retryAt?: string;
}

export interface TelemetrySource {
  readonly kind: 'prometheus' | 'simulator';
  queryRange(query: RangeQuery): Promise<QueryResult>;
  queryInstant(query: string, timeMs?: number): Promise<QueryResult>;
  /** Label sets of the series matching any of the selectors. */
  series(matchers: string[], startMs?: number, endMs?: number): Promise<Array<Record<string, string>>>;
  labelValues(label: string, matchers?: string[]): Promise<string[]>;
  health(): Promise<DependencyHealth>;
}

/** Why a telemetry call failed, typed so routes can map it to the right HTTP answer. */
export type TelemetryErrorKind =
  | 'bad_query' // upstream rejected the expression (PromQL parse/exec error): caller's fault, 400
  | 'unreachable' // connection refused, DNS, reset
  | 'timeout'
  | 'upstream' // 5xx or malformed body from upstream
  | 'unavailable' // not called: its circuit breaker is open after repeated failures (503 with Retry-After)
  | 'unsupported'; // the source cannot answer this kind of query (e.g. the simulator and full PromQL)

export class TelemetryError extends Error {
  readonly kind: TelemetryErrorKind;
  readonly source: string;
  readonly query: string | undefined;
  readonly upstreamMessage: string | undefined;
  readonly status: number | undefined;
  /** When to try again (an open circuit's remaining time), in ms from when it was thrown. */
  readonly retryAfterMs: number | undefined;

  constructor(init: {
    kind: TelemetryErrorKind;
    source: string;
    message: string;
    query?: string;
    upstreamMessage?: string;
    status?: number;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TelemetryError';
    this.kind = init.kind;
    this.source = init.source;
    this.query = init.query;
    this.upstreamMessage = init.upstreamMessage;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }
}
