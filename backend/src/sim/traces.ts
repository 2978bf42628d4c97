/**
 * Traces generated lazily and deterministically from the recorded ticks: `tracesPerTick` sampled requests
 * per tick enter at the gateway and fan out along the call graph; each span's own time is drawn around
 * the service's own mean in that tick, children run sequentially, and errors follow the tick's own error
 * ratio (a callee's error propagates with probability 0.8). A trace id encodes its tick and index, masked
 * by a hash, so `trace(id)` rebuilds exactly the trace a search returned.
 */
import { hash32, hashHex, hashUnit } from './random.ts';
import { incomingOperations, type RecordedCluster } from './recorded.ts';
import type { ServiceRuntime } from './state.ts';
import type { TickField } from './timeline.ts';

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  operation: string;
  startTimeUnixNano: string;
  durationNanos: number;
  status: 'ok' | 'error';
}

export interface TraceData {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startTimeUnixNano: string;
  durationNanos: number;
  spans: SpanData[];
}

export interface TraceQuery {
  startMs: number;
  endMs: number;
  /** Default 100. */
  limit?: number;
  /** Only traces with a span of this service. */
  service?: string;
  /** Only traces with (error) or without (ok) an error span. */
  status?: 'ok' | 'error';
}

/** Limits that keep one generated trace small. */
const MAX_SPANS = 80;
const MAX_DEPTH = 8;

export class TraceGenerator {
  constructor(
    private readonly cluster: RecordedCluster,
    private readonly tracesPerTick: number
  ) {}

  /** Deterministically sampled traces whose start lies in [startMs, endMs], oldest first. */
  traces(q: TraceQuery): TraceData[] {
    const limit = q.limit ?? 100;
    const [from, to] = this.cluster.tickRange(q.startMs, q.endMs + this.cluster.tickMs);
    const out: TraceData[] = [];
    for (let k = from; k <= to && out.length < limit; k++) {
      for (let i = 0; i < this.tracesPerTick && out.length < limit; i++) {
        const t = this.buildTrace(k, i);
        if (!t) {
          continue;
        }
        const startMs = Number(BigInt(t.startTimeUnixNano) / 1_000_000n);
        if (startMs < q.startMs || startMs > q.endMs) {
          continue;
        }
        if (q.service !== undefined && !t.spans.some((s) => s.service === q.service)) {
          continue;
        }
        const hasError = t.spans.some((s) => s.status === 'error');
        if ((q.status === 'error' && !hasError) || (q.status === 'ok' && hasError)) {
          continue;
        }
        out.push(t);
      }
    }
    return out;
  }

  /** The trace with this id, or undefined when the id is not one of ours or its tick is no longer retained. */
  trace(traceId: string): TraceData | undefined {
    const d = this.decodeTraceId(traceId);
    if (!d || d.tick < this.cluster.firstTick() || d.tick > this.cluster.lastTick() || d.index >= this.tracesPerTick) {
      return undefined;
    }
    return this.buildTrace(d.tick, d.index);
  }

  private traceMask(head: string): bigint {
    return BigInt(`0x${hashHex(16, this.cluster.seed, 'trace-mask', head)}`);
  }

  /** 16 hex of hash, then 16 hex encoding (tick, index) masked by a hash of the head: random-looking, decodable. */
  private traceIdFor(tick: number, index: number): string {
    const head = hashHex(16, this.cluster.seed, 'trace', tick, index);
    const tail = ((BigInt(tick) << 8n) | BigInt(index & 0xff)) ^ this.traceMask(head);
    return head + tail.toString(16).padStart(16, '0');
  }

  private decodeTraceId(traceId: string): { tick: number; index: number } | undefined {
    if (!/^[0-9a-f]{32}$/i.test(traceId)) {
      return undefined;
    }
    const id = traceId.toLowerCase();
    const tail = BigInt(`0x${id.slice(16)}`) ^ this.traceMask(id.slice(0, 16));
    const tick = Number(tail >> 8n);
    const index = Number(tail & 0xffn);
    if (tick > Number.MAX_SAFE_INTEGER || this.traceIdFor(tick, index) !== id) {
      return undefined;
    }
    return { tick, index };
  }

  private buildTrace(tick: number, index: number): TraceData | undefined {
    const c = this.cluster;
    const entry = c.service(c.entry);
    if (entry.timeline.value(tick, 'throughputRps') <= 0) {
      return undefined;
    }
    const seed = c.seed;
    const traceId = this.traceIdFor(tick, index);
    const tStartMs = c.startTimeMs + (tick - 1) * c.tickMs + hashUnit(seed, 'ts', tick, index) * c.tickMs;
    const spans: SpanData[] = [];
    const rootOps = incomingOperations(c, entry);
    let spanCount = 0;
    const build = (
      st: ServiceRuntime,
      operation: string,
      parentSpanId: string,
      startMs: number,
      path: string,
      depth: number
    ): { durationMs: number; error: boolean } => {
      const name = st.spec.name;
      const spanId = hashHex(16, seed, 'span', traceId, path);
      const mySpan = spans.length;
      spans.push({
        traceId,
        spanId,
        parentSpanId,
        service: name,
        operation,
        startTimeUnixNano: '',
        durationNanos: 0,
        status: 'ok',
      });
      spanCount++;
      const v = (f: TickField): number => st.timeline.value(tick, f);
      // Own time drawn around the own mean; children run sequentially after a share of it.
      const ownMean = v('ownMeanLatencyMs');
      const u = hashUnit(seed, 'own', traceId, path);
      const own = ownMean * Math.min(6, -Math.log(1 - u * 0.999)) * 0.9 + 0.1 * ownMean;
      let cursor = startMs + own * 0.3;
      let childError = false;
      for (const [ci, call] of st.spec.calls.entries()) {
        const whole = Math.floor(call.callsPerRequest);
        const n = Math.min(3, whole + (hashUnit(seed, 'n', traceId, path, ci) < call.callsPerRequest - whole ? 1 : 0));
        for (let j = 0; j < n && spanCount < MAX_SPANS && depth < MAX_DEPTH; j++) {
          const r = build(c.service(call.to), call.operation, spanId, cursor, `${path}.${ci}-${j}`, depth + 1);
          cursor += r.durationMs;
          if (r.error && hashUnit(seed, 'prop', traceId, path, ci, j) < 0.8) {
            childError = true;
          }
        }
      }
      const durationMs = Math.min(st.spec.timeoutMs, cursor - startMs + own * 0.7);
      const ownError = hashUnit(seed, 'err', traceId, path) < v('ownErrorRatio');
      const error = ownError || childError;
      const span = spans[mySpan] as SpanData;
      span.startTimeUnixNano = (BigInt(Math.round(startMs * 1000)) * 1000n).toString();
      span.durationNanos = Math.round(durationMs * 1e6);
      span.status = error ? 'error' : 'ok';
      return { durationMs, error };
    };
    const rootOp = rootOps[hash32(seed, 'rootop', traceId) % rootOps.length] as string;
    const root = build(entry, rootOp, '', tStartMs, 'r', 0);
    return {
      traceId,
      rootService: entry.spec.name,
      rootOperation: rootOp,
      startTimeUnixNano: (spans[0] as SpanData).startTimeUnixNano,
      durationNanos: Math.round(root.durationMs * 1e6),
      spans,
    };
  }
}
