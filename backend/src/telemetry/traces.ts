/** The shapes of trace data as the Tempo connector returns them (flat spans with hex ids, search summaries). */

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
