/**
 * Loki connector: a small client for Loki's documented HTTP API
 * (https://grafana.com/docs/loki/latest/reference/loki-http-api/).
 *
 * - `query_range` with nanosecond timestamps; `streams` answers become LogStreams (timestamps
 *   kept as exact decimal strings), `matrix`/`vector` (metric queries) become MetricSeries.
 * - 400 → bad_query quoting Loki's text/plain message; 5xx, malformed or truncated → upstream.
 * - Only idempotent failures (unreachable, timeout, 5xx, cut-off body) are retried.
 */
import type { DependencyHealth, MetricSeries } from './types.ts';
import { parseQueryData } from './prometheusApi.ts';
import { isRecord, isStringRecord, quote } from './http/helpers.ts';
import { HttpConnector } from './http/connector.ts';
import type { HttpConnectorOptions, ReadyProbe, RequestSpec } from './http/connector.ts';
import type { LogEntry, LogPattern, LogStream, LokiQueryResult } from './logs.ts';
import { msToNs, nsToMs } from './unixNanos.ts';

export type LokiClientOptions = HttpConnectorOptions & {
  /**
   * Send `X-Loki-Response-Encoding-Flags: categorize-labels` so Loki ≥ 3 reports structured
   * metadata and parsed labels per entry instead of folding them into the stream labels. Default false.
   */
  categorizeLabels?: boolean;
};

export interface LokiRangeQuery {
  /** LogQL: a log query (`{app="x"} |= "err"`) or a metric query (`rate({app="x"}[1m])`). */
  query: string;
  /** Unix ms. */
  startMs: number;
  endMs: number;
  /** Max entries for log queries (Loki's default 100). */
  limit?: number;
  /** Default 'backward' (newest first), as Loki. */
  direction?: 'forward' | 'backward';
  /** Metric queries: resolution step in seconds. */
  stepSeconds?: number;
  timeoutMs?: number;
}

const NS = /^\d{1,30}$/;

/** Parses the `data` of a successful query_range answer. Throws a plain Error describing a bad shape. */
export function parseLokiData(
  data: unknown
): { resultType: 'streams'; streams: LogStream[] } | { resultType: 'matrix' | 'vector'; series: MetricSeries[] } {
  if (!isRecord(data)) {
    throw new Error('`data` is not an object');
  }
  if (data.resultType !== 'streams') {
    const r = parseQueryData(data);
    if (r.resultType !== 'matrix' && r.resultType !== 'vector') {
      throw new Error(`unexpected resultType ${quote(r.resultType)}`);
    }
    return { resultType: r.resultType, series: r.series };
  }
  if (!Array.isArray(data.result)) {
    throw new Error('streams `result` is not an array');
  }
  const streams = data.result.map((item: unknown, i: number): LogStream => {
    const where = `streams result[${i}]`;
    if (!isRecord(item)) {
      throw new Error(`${where} is not an object`);
    }
    const labels = item.stream ?? {};
    if (!isStringRecord(labels)) {
      throw new Error(`${where}.stream is not a label set`);
    }
    const values = item.values ?? [];
    if (!Array.isArray(values)) {
      throw new Error(`${where}.values is not an array`);
    }
    const entries = values.map((v: unknown, j: number): LogEntry => {
      if (!Array.isArray(v) || v.length < 2 || v.length > 3) {
        throw new Error(`${where}.values[${j}] is not a [timestamp, line] pair`);
      }
      const [ts, line, meta] = v as [unknown, unknown, unknown];
      if (typeof ts !== 'string' || !NS.test(ts)) {
        throw new Error(`${where}.values[${j}] timestamp ${JSON.stringify(ts)} is not unix nanoseconds`);
      }
      if (typeof line !== 'string') {
        throw new Error(`${where}.values[${j}] line is not a string`);
      }
      const entry: LogEntry = { timestampNs: ts, timeMs: Math.floor(nsToMs(ts)), line };
      if (meta !== undefined && meta !== null) {
        if (!isRecord(meta)) {
          throw new Error(`${where}.values[${j}] metadata is not an object`);
        }
        if ('structuredMetadata' in meta || 'parsed' in meta) {
          if (meta.structuredMetadata !== undefined) {
            if (!isStringRecord(meta.structuredMetadata)) {
              throw new Error(`${where}.values[${j}].structuredMetadata is not a label set`);
            }
            entry.structuredMetadata = { ...meta.structuredMetadata };
          }
          if (meta.parsed !== undefined) {
            if (!isStringRecord(meta.parsed)) {
              throw new Error(`${where}.values[${j}].parsed is not a label set`);
            }
            entry.parsed = { ...meta.parsed };
          }
        } else if (isStringRecord(meta)) {
          entry.structuredMetadata = { ...meta };
        } else {
          throw new Error(`${where}.values[${j}] metadata is not a label set`);
        }
      }
      return entry;
    });
    return { labels: { ...labels }, entries };
  });
  return { resultType: 'streams', streams };
}

export class LokiClient {
  readonly http: HttpConnector;
  private readonly categorizeLabels: boolean;

  constructor(opts: LokiClientOptions) {
    this.http = new HttpConnector('loki', 'Loki', opts);
    this.categorizeLabels = opts.categorizeLabels ?? false;
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** `GET /loki/api/v1/query_range`. */
  async queryRange(q: LokiRangeQuery): Promise<LokiQueryResult> {
    const what = `query ${quote(String(q.query))}`;
    if (typeof q.query !== 'string' || q.query.trim() === '') {
      throw this.http.badInput(String(q.query ?? ''), what, 'the query is empty');
    }
    this.checkRange(q.query, what, q.startMs, q.endMs);
    const params: Array<[string, string]> = [
      ['query', q.query],
      ['start', msToNs(q.startMs)],
      ['end', msToNs(q.endMs)],
    ];
    if (q.limit !== undefined) {
      if (!Number.isInteger(q.limit) || q.limit <= 0) {
        throw this.http.badInput(q.query, what, `limit must be a positive integer, got ${q.limit}`);
      }
      params.push(['limit', String(q.limit)]);
    }
    if (q.direction !== undefined) {
      if (q.direction !== 'forward' && q.direction !== 'backward') {
        throw this.http.badInput(q.query, what, `direction must be "forward" or "backward"`);
      }
      params.push(['direction', q.direction]);
    }
    if (q.stepSeconds !== undefined) {
      if (!Number.isFinite(q.stepSeconds) || q.stepSeconds <= 0) {
        throw this.http.badInput(q.query, what, `step must be a positive number of seconds, got ${q.stepSeconds}`);
      }
      params.push(['step', `${q.stepSeconds}`]);
    }
    const spec: RequestSpec = {
      path: '/loki/api/v1/query_range',
      params,
      what,
      query: q.query,
      ...(q.timeoutMs !== undefined ? { timeoutMs: q.timeoutMs } : {}),
      ...(this.categorizeLabels ? { extraHeaders: { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' } } : {}),
    };
    const env = await this.envelope(spec);
    try {
      return { ...parseLokiData(env.data), warnings: env.warnings } as LokiQueryResult;
    } catch (e) {
      throw this.http.noteFailure(this.http.shapeError(spec, (e as Error).message));
    }
  }

  /** `GET /loki/api/v1/label/<name>/values`, optionally restricted by a stream selector. */
  async labelValues(name: string, opts: { startMs?: number; endMs?: number; query?: string } = {}): Promise<string[]> {
    const what = `label values of ${quote(String(name))}`;
    if (typeof name !== 'string' || name.trim() === '') {
      throw this.http.badInput(String(name ?? ''), what, 'the label name is empty');
    }
    const params: Array<[string, string]> = [];
    if (opts.startMs !== undefined || opts.endMs !== undefined) {
      if (opts.startMs !== undefined && opts.endMs !== undefined) {
        this.checkRange(name, what, opts.startMs, opts.endMs);
      } else if (!Number.isFinite(opts.startMs ?? opts.endMs)) {
        throw this.http.badInput(name, what, 'times must be finite unix-ms timestamps');
      }
    }
    if (opts.startMs !== undefined) {
      params.push(['start', msToNs(opts.startMs)]);
    }
    if (opts.endMs !== undefined) {
      params.push(['end', msToNs(opts.endMs)]);
    }
    if (opts.query !== undefined) {
      params.push(['query', opts.query]);
    }
    const spec: RequestSpec = {
      path: `/loki/api/v1/label/${encodeURIComponent(name)}/values`,
      params,
      what,
      query: opts.query ?? name,
    };
    const env = await this.envelope(spec, true);
    if (env.data === undefined || env.data === null) {
      return [];
    }
    if (!Array.isArray(env.data) || !env.data.every((v) => typeof v === 'string')) {
      throw this.http.noteFailure(this.http.shapeError(spec, '`data` is not a list of strings'));
    }
    return [...(env.data as string[])];
  }

  /** `GET /loki/api/v1/patterns` (needs Loki's pattern ingester). */
  async patterns(q: { query: string; startMs: number; endMs: number; stepSeconds?: number }): Promise<LogPattern[]> {
    const what = `patterns query ${quote(String(q.query))}`;
    if (typeof q.query !== 'string' || q.query.trim() === '') {
      throw this.http.badInput(String(q.query ?? ''), what, 'the query is empty');
    }
    this.checkRange(q.query, what, q.startMs, q.endMs);
    const params: Array<[string, string]> = [
      ['query', q.query],
      ['start', msToNs(q.startMs)],
      ['end', msToNs(q.endMs)],
    ];
    if (q.stepSeconds !== undefined) {
      if (!Number.isFinite(q.stepSeconds) || q.stepSeconds <= 0) {
        throw this.http.badInput(q.query, what, `step must be a positive number of seconds, got ${q.stepSeconds}`);
      }
      params.push(['step', `${q.stepSeconds}s`]);
    }
    const spec: RequestSpec = { path: '/loki/api/v1/patterns', params, what, query: q.query };
    const env = await this.envelope(spec, true);
    if (env.data === undefined || env.data === null) {
      return [];
    }
    try {
      if (!Array.isArray(env.data)) {
        throw new Error('`data` is not a list');
      }
      return env.data.map((p: unknown, i: number): LogPattern => {
        if (!isRecord(p) || typeof p.pattern !== 'string') {
          throw new Error(`data[${i}] has no string \`pattern\``);
        }
        const raw = p.samples ?? [];
        if (!Array.isArray(raw)) {
          throw new Error(`data[${i}].samples is not a list`);
        }
        const samples = raw.map((s: unknown, j: number): [number, number] => {
          if (!Array.isArray(s) || s.length !== 2) {
            throw new Error(`data[${i}].samples[${j}] is not a [time, count] pair`);
          }
          const t = typeof s[0] === 'string' ? Number(s[0]) : s[0];
          const c = typeof s[1] === 'string' ? Number(s[1]) : s[1];
          if (typeof t !== 'number' || !Number.isFinite(t) || typeof c !== 'number' || !Number.isFinite(c)) {
            throw new Error(`data[${i}].samples[${j}] ${JSON.stringify(s)} is not numeric`);
          }
          return [t, c];
        });
        samples.sort((a, b) => a[0] - b[0]);
        const out: LogPattern = { pattern: p.pattern, samples, total: samples.reduce((acc, s) => acc + s[1], 0) };
        if (typeof p.level === 'string' && p.level !== '') {
          out.level = p.level;
        }
        return out;
      });
    } catch (e) {
      throw this.http.noteFailure(this.http.shapeError(spec, (e as Error).message));
    }
  }

  /** `GET /ready` once (no retries). Throws TelemetryError only when no HTTP answer came back. */
  ready(opts: { timeoutMs?: number } = {}): Promise<ReadyProbe> {
    return this.http.ready(opts);
  }

  health(): Promise<DependencyHealth> {
    return this.http.health();
  }

  private checkRange(query: string, what: string, startMs: number, endMs: number): void {
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) {
      throw this.http.badInput(query, what, `start ${startMs} and end ${endMs} must be finite unix-ms timestamps`);
    }
    if (!(startMs < endMs)) {
      throw this.http.badInput(
        query,
        what,
        `start (${new Date(startMs).toISOString()}) must be before end (${new Date(endMs).toISOString()})`
      );
    }
  }

  /** Loki's `{status, data, warnings?}` envelope. */
  private async envelope(spec: RequestSpec, dataOptional = false): Promise<{ data: unknown; warnings: string[] }> {
    const { status, json } = await this.http.requestJson(spec);
    if (!isRecord(json) || (json.status !== undefined && json.status !== 'success')) {
      const upstream = isRecord(json) && typeof json.error === 'string' ? `: ${json.error}` : '';
      throw this.http.noteFailure(
        this.http.shapeError(
          spec,
          `the body is not a successful Loki answer ({status: "success", data})${upstream}`,
          status
        )
      );
    }
    if (!dataOptional && !('data' in json)) {
      throw this.http.noteFailure(this.http.shapeError(spec, 'the answer has no `data`', status));
    }
    const warnings = Array.isArray(json.warnings)
      ? json.warnings.map((w) => (typeof w === 'string' ? w : JSON.stringify(w)))
      : [];
    return { data: json.data, warnings };
  }
}
