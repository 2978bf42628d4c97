/**
 * The simulator's logs and traces in the external shapes the sidecar serves and reads: Loki's
 * `query_range` streams, Tempo's trace by id (OTLP JSON) and Tempo's search. One place for every such
 * adapter, so a change to a wire shape is made once.
 */
import type { LogLine } from './logs.ts';
import type { SpanAttributeValue, SpanData, TraceData } from './traces.ts';

/** An OTLP/JSON AnyValue of the kinds span attributes use. */
export type OtlpAnyValue =
  { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface LokiStream {
  stream: Record<string, string>;
  /** [unix nanoseconds as a string, line]. */
  values: Array<[string, string]>;
}

export interface LokiStreamsResponse {
  status: 'success';
  data: { resultType: 'streams'; result: LokiStream[] };
}

export interface TempoTrace {
  batches: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue: string } }> };
    scopeSpans: Array<{
      scope: { name: string };
      spans: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: string;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        /** Present when the span has attributes. */
        attributes?: OtlpKeyValue[];
        /** An `exception` event when the span threw (OpenTelemetry's exception semantic conventions). */
        events?: Array<{ timeUnixNano: string; name: string; attributes: OtlpKeyValue[] }>;
        status: { code: 'STATUS_CODE_ERROR' | 'STATUS_CODE_UNSET'; message?: string };
      }>;
    }>;
  }>;
}

export interface TempoSearchResult {
  traces: Array<{
    traceID: string;
    rootServiceName: string;
    rootTraceName: string;
    startTimeUnixNano: string;
    durationMs: number;
  }>;
}

/** An attribute value as OTLP/JSON writes it (64-bit integers as decimal strings). */
export function otlpValue(v: SpanAttributeValue): OtlpAnyValue {
  if (typeof v === 'boolean') {
    return { boolValue: v };
  }
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  }
  return { stringValue: v };
}

export function otlpAttributes(attrs: Readonly<Record<string, SpanAttributeValue>>): OtlpKeyValue[] {
  return Object.entries(attrs).map(([key, v]) => ({ key, value: otlpValue(v) }));
}

/** The OTLP span of a generated span (ids base64 as OTLP/JSON from Tempo carries them). */
export function otlpSpan(
  s: SpanData,
  id: (hex: string) => string
): TempoTrace['batches'][number]['scopeSpans'][number]['spans'][number] {
  const end = (BigInt(s.startTimeUnixNano) + BigInt(s.durationNanos)).toString();
  const exceptionType = s.attributes?.['exception.type'];
  return {
    traceId: id(s.traceId),
    spanId: id(s.spanId),
    ...(s.parentSpanId ? { parentSpanId: id(s.parentSpanId) } : {}),
    name: s.operation,
    kind: 'SPAN_KIND_SERVER',
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: end,
    ...(s.attributes ? { attributes: otlpAttributes(s.attributes) } : {}),
    ...(exceptionType !== undefined
      ? {
          events: [
            {
              timeUnixNano: end,
              name: 'exception',
              attributes: otlpAttributes({
                'exception.type': exceptionType,
                'exception.message': s.attributes?.['exception.message'] ?? '',
              }),
            },
          ],
        }
      : {}),
    status:
      s.status === 'error'
        ? {
            code: 'STATUS_CODE_ERROR' as const,
            ...(s.attributes?.['exception.message'] !== undefined
              ? { message: String(s.attributes['exception.message']) }
              : {}),
          }
        : { code: 'STATUS_CODE_UNSET' as const },
  };
}

/** Loki `query_range` response body for log lines, one stream per service/pod/level, in the lines' order. */
export function toLokiStreams(lines: readonly LogLine[]): LokiStreamsResponse {
  const streams = new Map<string, LokiStream>();
  for (const l of lines) {
    const key = `${l.service}\u0000${l.pod}\u0000${l.level}`;
    let s = streams.get(key);
    if (!s) {
      s = { stream: { service: l.service, pod: l.pod, level: l.level, job: 'aidpe-sim' }, values: [] };
      streams.set(key, s);
    }
    s.values.push([`${BigInt(Math.round(l.timeMs)) * 1_000_000n}`, l.line]);
  }
  return { status: 'success', data: { resultType: 'streams', result: [...streams.values()] } };
}

/**
 * Tempo `GET /api/traces/{id}` body (OTLP JSON): one batch per service; `versionAt` gives the version a
 * service ran at a time (unix ms), for the resource's service.version.
 */
export function toTempoTrace(t: TraceData, versionAt: (service: string, timeMs: number) => string): TempoTrace {
  const byService = new Map<string, SpanData[]>();
  for (const s of t.spans) {
    byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  }
  const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
  const traceStartMs = Number(BigInt(t.startTimeUnixNano) / 1_000_000n);
  return {
    batches: [...byService.entries()].map(([service, spans]) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: service } },
          { key: 'service.version', value: { stringValue: versionAt(service, traceStartMs) } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'aidpe-sim' },
          spans: spans.map((s) => otlpSpan(s, b64)),
        },
      ],
    })),
  };
}

/** Tempo `GET /api/search` body. */
export function toTempoSearch(traces: readonly TraceData[]): TempoSearchResult {
  return {
    traces: traces.map((t) => ({
      traceID: t.traceId,
      rootServiceName: t.rootService,
      rootTraceName: t.rootOperation,
      startTimeUnixNano: t.startTimeUnixNano,
      durationMs: Math.max(1, Math.round(t.durationNanos / 1e6)),
    })),
  };
}

/** Loki push API body (`POST /loki/api/v1/push`, JSON): one stream per service/pod/level, values oldest first. */
export interface LokiPushRequest {
  streams: Array<{ stream: Record<string, string>; values: Array<[string, string]> }>;
}

export function toLokiPush(lines: readonly LogLine[]): LokiPushRequest {
  const sorted = [...lines].sort((a, b) => a.timeMs - b.timeMs);
  return { streams: toLokiStreams(sorted).data.result };
}

/** OTLP/HTTP JSON trace export (`POST /v1/traces`): ids as hex, kind and status code as numbers. */
export interface OtlpTraceRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{
      scope: { name: string };
      spans: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        /** 2: SPAN_KIND_SERVER. */
        kind: number;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes?: OtlpKeyValue[];
        events?: Array<{ timeUnixNano: string; name: string; attributes: OtlpKeyValue[] }>;
        /** 0: unset, 2: error. */
        status: { code: number; message?: string };
      }>;
    }>;
  }>;
}

const OTLP_SPAN_KIND_SERVER = 2;
const OTLP_STATUS: Readonly<Record<'STATUS_CODE_ERROR' | 'STATUS_CODE_UNSET', number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_ERROR: 2,
};

/**
 * Traces as one OTLP/HTTP JSON export request: one resourceSpans per service and version (resource
 * attributes service.name / service.version), the spans of every trace it served. OTLP's JSON encoding
 * differs from the protobuf JSON mapping Tempo answers with: ids are hex, enums are integers.
 */
export function toOtlpTraceRequest(
  traces: readonly TraceData[],
  versionAt: (service: string, timeMs: number) => string
): OtlpTraceRequest {
  const groups = new Map<string, { service: string; version: string; spans: SpanData[] }>();
  for (const t of traces) {
    const traceStartMs = Number(BigInt(t.startTimeUnixNano) / 1_000_000n);
    for (const s of t.spans) {
      const version = versionAt(s.service, traceStartMs);
      const key = `${s.service}\u0000${version}`;
      let g = groups.get(key);
      if (!g) {
        g = { service: s.service, version, spans: [] };
        groups.set(key, g);
      }
      g.spans.push(s);
    }
  }
  const hex = (id: string): string => id;
  return {
    resourceSpans: [...groups.values()].map((g) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: g.service } },
          { key: 'service.version', value: { stringValue: g.version } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'aidpe-sim' },
          spans: g.spans.map((s) => {
            const span = otlpSpan(s, hex);
            return {
              ...span,
              kind: OTLP_SPAN_KIND_SERVER,
              status: { ...span.status, code: OTLP_STATUS[span.status.code] },
            };
          }),
        },
      ],
    })),
  };
}
