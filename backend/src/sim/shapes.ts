/**
 * The simulator's logs and traces in the external shapes the sidecar serves and reads: Loki's
 * `query_range` streams, Tempo's trace by id (OTLP JSON) and Tempo's search. One place for every such
 * adapter, so a change to a wire shape is made once.
 */
import type { LogLine } from './logs.ts';
import type { SpanData, TraceData } from './traces.ts';

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
        status: { code: 'STATUS_CODE_ERROR' | 'STATUS_CODE_UNSET' };
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
          spans: spans.map((s) => ({
            traceId: b64(s.traceId),
            spanId: b64(s.spanId),
            ...(s.parentSpanId ? { parentSpanId: b64(s.parentSpanId) } : {}),
            name: s.operation,
            kind: 'SPAN_KIND_SERVER',
            startTimeUnixNano: s.startTimeUnixNano,
            endTimeUnixNano: (BigInt(s.startTimeUnixNano) + BigInt(s.durationNanos)).toString(),
            status:
              s.status === 'error' ? { code: 'STATUS_CODE_ERROR' as const } : { code: 'STATUS_CODE_UNSET' as const },
          })),
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
