/**
 * Tempo connector: a small client for Tempo's documented HTTP API
 * (https://grafana.com/docs/tempo/latest/api_docs/).
 *
 * - `traceById` reads `GET /api/traces/<id>` as OTLP JSON (`batches` or `resourceSpans`, with
 *   `scopeSpans` or the older `instrumentationLibrarySpans`) into flat spans with hex ids;
 *   an unknown trace (404) is `undefined`, not an error.
 * - `search` reads `GET /api/search` (TraceQL `q` or logfmt `tags`).
 * - Same error, timeout and retry rules as the Loki and Prometheus connectors.
 */
import type { DependencyHealth } from './types.ts';
import { isRecord, quote } from './http/helpers.ts';
import { HttpConnector } from './http/connector.ts';
import type { HttpConnectorOptions, ReadyProbe, RequestSpec } from './http/connector.ts';
import type { AttributeValue, SpanKind, SpanStatusCode, Trace, TraceSpan, TraceSummary } from './traces.ts';
import { nsToMs } from './unixNanos.ts';

export type TempoClientOptions = HttpConnectorOptions;

export interface TempoSearchQuery {
  /** TraceQL, e.g. `{ resource.service.name = "cart" && status = error }`. Exclusive with `tags`. */
  q?: string;
  /** Tag matchers, sent logfmt-encoded as `tags` (e.g. {"service.name": "cart"}). */
  tags?: Record<string, string>;
  /** Unix ms. Optional: without them Tempo searches recent data only. */
  startMs?: number;
  endMs?: number;
  /** Default: Tempo's (20). */
  limit?: number;
  minDurationMs?: number;
  maxDurationMs?: number;
  timeoutMs?: number;
}

/** Normalises a trace id (hex of any case, up to 32 digits, or base64 of ≤ 16 bytes) to 32 lowercase hex; undefined if neither. */
export function normalizeTraceId(id: string): string | undefined {
  return normalizeId(id, 16);
}

/** Same for a span id (8 bytes → 16 hex). */
export function normalizeSpanId(id: string): string | undefined {
  return normalizeId(id, 8);
}

function normalizeId(raw: string, bytes: number): string | undefined {
  if (typeof raw !== 'string') {
    return undefined;
  }
  const id = raw.trim();
  if (id === '') {
    return undefined;
  }
  const hexLen = bytes * 2;
  // Hex first (Tempo's search answers drop leading zeros, so shorter hex is left-padded); an
  // all-hex string that is really unpadded base64 is astronomically unlikely at these lengths.
  if (/^[0-9a-fA-F]+$/.test(id) && id.length <= hexLen) {
    return id.toLowerCase().padStart(hexLen, '0');
  }
  const b64 = id.replace(/-/g, '+').replace(/_/g, '/');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    const buf = Buffer.from(b64, 'base64');
    const canonical = buf.toString('base64').replace(/=+$/, '');
    if (buf.length > 0 && buf.length <= bytes && canonical === b64.replace(/=+$/, '')) {
      return buf.toString('hex').padStart(hexLen, '0');
    }
  }
  return undefined;
}

function anyValue(v: unknown): AttributeValue {
  if (!isRecord(v)) {
    return null;
  }
  if (typeof v.stringValue === 'string') {
    return v.stringValue;
  }
  if (typeof v.boolValue === 'boolean') {
    return v.boolValue;
  }
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) {
    const n = Number(v.doubleValue);
    return Number.isNaN(n) && typeof v.doubleValue === 'string' ? v.doubleValue : n;
  }
  if (isRecord(v.arrayValue)) {
    return Array.isArray(v.arrayValue.values) ? v.arrayValue.values.map(anyValue) : [];
  }
  if (isRecord(v.kvlistValue)) {
    return attributes(v.kvlistValue.values);
  }
  if (typeof v.bytesValue === 'string') {
    return v.bytesValue;
  }
  return null;
}

function attributes(list: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!Array.isArray(list)) {
    return out;
  }
  for (const kv of list) {
    if (isRecord(kv) && typeof kv.key === 'string') {
      out[kv.key] = anyValue(kv.value);
    }
  }
  return out;
}

const STATUS: Record<string, SpanStatusCode> = {
  STATUS_CODE_UNSET: 'unset',
  STATUS_CODE_OK: 'ok',
  STATUS_CODE_ERROR: 'error',
  '0': 'unset',
  '1': 'ok',
  '2': 'error',
};
const KINDS: SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function spanKind(k: unknown): SpanKind {
  if (typeof k === 'number') {
    return KINDS[k] ?? 'unspecified';
  }
  if (typeof k === 'string') {
    const name = k.replace(/^SPAN_KIND_/, '').toLowerCase();
    return (KINDS as string[]).includes(name) ? (name as SpanKind) : 'unspecified';
  }
  return 'unspecified';
}

function nanos(v: unknown, what: string): bigint {
  if (typeof v === 'string' && /^\d{1,30}$/.test(v)) {
    return BigInt(v);
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
    return BigInt(v);
  }
  throw new Error(`${what} ${JSON.stringify(v)} is not unix nanoseconds`);
}

/** Parses a Tempo trace body (OTLP JSON) into flat spans. Throws a plain Error describing a bad shape. */
export function parseTempoTrace(body: unknown, expectedTraceId?: string): Trace {
  let root: unknown = body;
  if (isRecord(root) && isRecord(root.trace)) {
    root = root.trace;
  } // /api/v2/traces wraps it in {trace}
  if (!isRecord(root)) {
    throw new Error('the body is not an object');
  }
  const batches = root.batches ?? root.resourceSpans ?? [];
  if (!Array.isArray(batches)) {
    throw new Error('`batches`/`resourceSpans` is not a list');
  }
  const spans: TraceSpan[] = [];
  batches.forEach((batch: unknown, bi: number) => {
    if (!isRecord(batch)) {
      throw new Error(`batches[${bi}] is not an object`);
    }
    const resourceAttributes = attributes(isRecord(batch.resource) ? batch.resource.attributes : undefined);
    const svc = resourceAttributes['service.name'];
    const service = typeof svc === 'string' && svc !== '' ? svc : 'unknown';
    const scopes = batch.scopeSpans ?? batch.instrumentationLibrarySpans ?? [];
    if (!Array.isArray(scopes)) {
      throw new Error(`batches[${bi}].scopeSpans is not a list`);
    }
    scopes.forEach((scope: unknown, si: number) => {
      if (!isRecord(scope)) {
        throw new Error(`batches[${bi}].scopeSpans[${si}] is not an object`);
      }
      const list = scope.spans ?? [];
      if (!Array.isArray(list)) {
        throw new Error(`batches[${bi}].scopeSpans[${si}].spans is not a list`);
      }
      list.forEach((s: unknown, i: number) => {
        const where = `batches[${bi}].scopeSpans[${si}].spans[${i}]`;
        if (!isRecord(s)) {
          throw new Error(`${where} is not an object`);
        }
        const traceId = typeof s.traceId === 'string' ? normalizeTraceId(s.traceId) : undefined;
        if (!traceId) {
          throw new Error(`${where}.traceId ${JSON.stringify(s.traceId)} is not a hex or base64 trace id`);
        }
        const spanId = typeof s.spanId === 'string' ? normalizeSpanId(s.spanId) : undefined;
        if (!spanId) {
          throw new Error(`${where}.spanId ${JSON.stringify(s.spanId)} is not a hex or base64 span id`);
        }
        let parentSpanId: string | undefined;
        if (typeof s.parentSpanId === 'string' && s.parentSpanId !== '') {
          parentSpanId = normalizeSpanId(s.parentSpanId);
          if (!parentSpanId) {
            throw new Error(`${where}.parentSpanId ${JSON.stringify(s.parentSpanId)} is not a span id`);
          }
          if (/^0+$/.test(parentSpanId)) {
            parentSpanId = undefined;
          }
        }
        const start = nanos(s.startTimeUnixNano, `${where}.startTimeUnixNano`);
        const end = s.endTimeUnixNano === undefined ? start : nanos(s.endTimeUnixNano, `${where}.endTimeUnixNano`);
        const dur = end > start ? end - start : 0n;
        const status = isRecord(s.status) ? s.status : {};
        const statusCode = STATUS[String(status.code ?? 0)] ?? 'unset';
        const span: TraceSpan = {
          traceId,
          spanId,
          parentSpanId,
          service,
          name: typeof s.name === 'string' ? s.name : '',
          kind: spanKind(s.kind),
          startNs: start.toString(),
          endNs: end.toString(),
          durationNs: dur.toString(),
          startMs: nsToMs(start.toString()),
          durationMs: Number(dur) / 1e6,
          statusCode,
          attributes: attributes(s.attributes),
          resourceAttributes,
        };
        if (typeof status.message === 'string' && status.message !== '') {
          span.statusMessage = status.message;
        }
        spans.push(span);
      });
    });
  });
  spans.sort((a, b) => {
    const d = BigInt(a.startNs) - BigInt(b.startNs);
    return d < 0n ? -1 : d > 0n ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
  });
  const traceId = expectedTraceId ?? spans[0]?.traceId ?? '';
  const foreign = spans.find((s) => s.traceId !== traceId);
  if (foreign) {
    throw new Error(`span ${foreign.spanId} belongs to trace ${foreign.traceId}, not ${traceId}`);
  }
  return { traceId, spans };
}

/** What Tempo puts in rootServiceName before the root span arrived. */
const ROOT_NOT_YET = '<root span not yet received>';

/** Parses a Tempo `/api/search` body. Throws a plain Error describing a bad shape. */
export function parseTempoSearch(body: unknown): TraceSummary[] {
  if (!isRecord(body)) {
    throw new Error('the body is not an object');
  }
  const traces = body.traces ?? [];
  if (!Array.isArray(traces)) {
    throw new Error('`traces` is not a list');
  }
  return traces.map((t: unknown, i: number): TraceSummary => {
    if (!isRecord(t)) {
      throw new Error(`traces[${i}] is not an object`);
    }
    const traceId = typeof t.traceID === 'string' ? normalizeTraceId(t.traceID) : undefined;
    if (!traceId) {
      throw new Error(`traces[${i}].traceID ${JSON.stringify(t.traceID)} is not a trace id`);
    }
    const start = t.startTimeUnixNano === undefined ? 0n : nanos(t.startTimeUnixNano, `traces[${i}].startTimeUnixNano`);
    const durationMs = t.durationMs === undefined ? 0 : Number(t.durationMs); // Tempo omits 0
    if (!Number.isFinite(durationMs)) {
      throw new Error(`traces[${i}].durationMs ${JSON.stringify(t.durationMs)} is not a number`);
    }
    return {
      traceId,
      rootServiceName:
        typeof t.rootServiceName === 'string' && t.rootServiceName !== '' && t.rootServiceName !== ROOT_NOT_YET
          ? t.rootServiceName
          : undefined,
      rootTraceName: typeof t.rootTraceName === 'string' && t.rootTraceName !== '' ? t.rootTraceName : undefined,
      startMs: Number(start / 1_000_000n),
      durationMs,
    };
  });
}

/** Tag matchers as Tempo's logfmt `tags` parameter. */
export function encodeTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${/^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
}

export class TempoClient {
  readonly http: HttpConnector;

  constructor(opts: TempoClientOptions) {
    this.http = new HttpConnector('tempo', 'Tempo', opts);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** `GET /api/traces/<id>`; undefined when Tempo does not know the trace (404). */
  async traceById(
    id: string,
    opts: { startMs?: number; endMs?: number; timeoutMs?: number } = {}
  ): Promise<Trace | undefined> {
    const hex = normalizeTraceId(id);
    const what = `trace ${quote(String(id))}`;
    if (!hex) {
      throw this.http.badInput(String(id), what, 'a trace id is up to 32 hex digits or the base64 of up to 16 bytes');
    }
    const params: Array<[string, string]> = [];
    if (opts.startMs !== undefined) {
      params.push(['start', String(Math.floor(opts.startMs / 1000))]);
    }
    if (opts.endMs !== undefined) {
      params.push(['end', String(Math.ceil(opts.endMs / 1000))]);
    }
    const spec: RequestSpec = {
      path: `/api/traces/${hex}`,
      params,
      what,
      query: hex,
      allowNotFound: true,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    };
    const { status, json } = await this.http.requestJson(spec);
    if (status === 404) {
      return undefined;
    }
    try {
      return parseTempoTrace(json, hex);
    } catch (e) {
      throw this.http.noteFailure(this.http.shapeError(spec, (e as Error).message, status));
    }
  }

  /** `GET /api/search`. */
  async search(q: TempoSearchQuery): Promise<TraceSummary[]> {
    const desc =
      q.q !== undefined
        ? `search ${quote(q.q)}`
        : q.tags !== undefined
          ? `search tags ${quote(encodeTags(q.tags))}`
          : 'search (no filter)';
    const query = q.q ?? (q.tags ? encodeTags(q.tags) : undefined);
    if (q.q !== undefined && q.tags !== undefined) {
      throw this.http.badInput(query, desc, 'give either a TraceQL `q` or `tags`, not both');
    }
    if (q.q !== undefined && q.q.trim() === '') {
      throw this.http.badInput(query, desc, 'the TraceQL query is empty');
    }
    const params: Array<[string, string]> = [];
    if (q.q !== undefined) {
      params.push(['q', q.q]);
    }
    if (q.tags !== undefined && Object.keys(q.tags).length > 0) {
      params.push(['tags', encodeTags(q.tags)]);
    }
    for (const [k, v] of [
      ['startMs', q.startMs],
      ['endMs', q.endMs],
    ] as const) {
      if (v !== undefined && !Number.isFinite(v)) {
        throw this.http.badInput(query, desc, `${k} ${v} is not a finite unix-ms timestamp`);
      }
    }
    if (q.startMs !== undefined && q.endMs !== undefined && !(q.startMs < q.endMs)) {
      throw this.http.badInput(query, desc, 'start must be before end');
    }
    if (q.startMs !== undefined) {
      params.push(['start', String(Math.floor(q.startMs / 1000))]);
    }
    if (q.endMs !== undefined) {
      params.push(['end', String(Math.ceil(q.endMs / 1000))]);
    }
    if (q.limit !== undefined) {
      if (!Number.isInteger(q.limit) || q.limit <= 0) {
        throw this.http.badInput(query, desc, `limit must be a positive integer, got ${q.limit}`);
      }
      params.push(['limit', String(q.limit)]);
    }
    for (const [name, v] of [
      ['minDuration', q.minDurationMs],
      ['maxDuration', q.maxDurationMs],
    ] as const) {
      if (v === undefined) {
        continue;
      }
      if (!Number.isFinite(v) || v < 0) {
        throw this.http.badInput(query, desc, `${name} must be a non-negative number of ms, got ${v}`);
      }
      params.push([name, `${Math.round(v)}ms`]);
    }
    const spec: RequestSpec = {
      path: '/api/search',
      params,
      what: desc,
      query,
      ...(q.timeoutMs !== undefined ? { timeoutMs: q.timeoutMs } : {}),
    };
    const { status, json } = await this.http.requestJson(spec);
    try {
      return parseTempoSearch(json);
    } catch (e) {
      throw this.http.noteFailure(this.http.shapeError(spec, (e as Error).message, status));
    }
  }

  /** `GET /ready` once (no retries). */
  ready(opts: { timeoutMs?: number } = {}): Promise<ReadyProbe> {
    return this.http.ready(opts);
  }

  health(): Promise<DependencyHealth> {
    return this.http.health();
  }
}
