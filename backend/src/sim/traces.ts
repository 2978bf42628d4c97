/**
 * Traces generated lazily and deterministically from the recorded ticks: `tracesPerTick` sampled requests
 * per tick enter at the gateway and fan out along the call graph; each span's own time is drawn around
 * the service's own mean in that tick, children run sequentially, and errors follow the tick's own error
 * ratio (a callee's error propagates with probability 0.8). A trace id encodes its tick and index, masked
 * by a hash, so `trace(id)` rebuilds exactly the trace a search returned.
 *
 * Code-level faults change the structure: a throwing span ends early with status error and without the
 * calls after the throw, and its caller retries it (spans with `retry.attempt`); a wrong return makes the
 * caller skip (empty) or repeat (inflated) its later calls. With background noise, a few calls fail
 * transiently and succeed on retry; with detailed telemetry, spans carry `k8s.pod.name` and `response.size`.
 */
import {
  EMPTY_CALLER_SIZE_FACTOR,
  INFLATED_CALLER_SIZE_FACTOR,
  INFLATED_CALL_FACTOR,
  INFLATED_FOLLOW_UPS,
  MAX_RETRIES,
  RETRY_BACKOFF_MS,
  WRONG_RETURN_SIZE_FACTOR,
  baseResponseBytes,
  followUpOperation,
  type CodeFaultOnOperation,
} from './codefaults.ts';
import { FAULT_BIT, type WrongReturnVariant } from './faults.ts';
import { hash32, hashHex, hashUnit } from './random.ts';
import { incomingOperations, type RecordedCluster } from './recorded.ts';
import { exceptionMessage } from './stacktraces.ts';
import type { ServiceRuntime } from './state.ts';
import type { TickField } from './timeline.ts';

export type SpanAttributeValue = string | number | boolean;

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  operation: string;
  startTimeUnixNano: string;
  durationNanos: number;
  status: 'ok' | 'error';
  /** OpenTelemetry-style attributes, when there are any (detailed telemetry, exceptions, retries). */
  attributes?: Record<string, SpanAttributeValue>;
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
/** With background noise: share of calls whose first attempt fails transiently and is retried. */
const TRANSIENT_FAILURE_RATE = 0.02;

const CODE_FAULT_MASK = FAULT_BIT.exception | FAULT_BIT.wrong_return;

interface SpanResult {
  durationMs: number;
  error: boolean;
  /** The span threw (an exception fault): its caller retries. */
  thrown: boolean;
  /** The span returned a wrong value. */
  wrong: WrongReturnVariant | undefined;
}

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
    const tickTimeMs = c.startTimeMs + tick * c.tickMs;
    const spans: SpanData[] = [];
    const rootOps = incomingOperations(c, entry);
    const codeFaults = new Map<string, CodeFaultOnOperation[]>();
    const codeFaultsOf = (st: ServiceRuntime): CodeFaultOnOperation[] => {
      const name = st.spec.name;
      let list = codeFaults.get(name);
      if (!list) {
        list = (st.timeline.value(tick, 'faultMask') & CODE_FAULT_MASK) !== 0 ? c.codeFaultsAt(name, tickTimeMs) : [];
        codeFaults.set(name, list);
      }
      return list;
    };
    let spanCount = 0;
    const pushSpan = (span: SpanData): number => {
      spans.push(span);
      spanCount++;
      return spans.length - 1;
    };
    const build = (
      st: ServiceRuntime,
      operation: string,
      parentSpanId: string,
      startMs: number,
      path: string,
      depth: number,
      retryAttempt = 0
    ): SpanResult => {
      const name = st.spec.name;
      const spanId = hashHex(16, seed, 'span', traceId, path);
      const mySpan = pushSpan({
        traceId,
        spanId,
        parentSpanId,
        service: name,
        operation,
        startTimeUnixNano: '',
        durationNanos: 0,
        status: 'ok',
      });
      const v = (f: TickField): number => st.timeline.value(tick, f);
      const code = codeFaultsOf(st).filter((f) => f.operation === operation);
      const exception = code.find((f) => f.type === 'exception');
      const wrongReturn = code.find((f) => f.type === 'wrong_return');
      // Where an exception is thrown: before call `throwAt` (calls.length: after the last call).
      const throwAt =
        exception && hashUnit(seed, 'exc', traceId, path) < exception.ratio
          ? Math.floor(hashUnit(seed, 'exc-at', traceId, path) * (st.spec.calls.length + 1))
          : Infinity;
      const thrown = throwAt !== Infinity;
      const wrong =
        !thrown && wrongReturn && hashUnit(seed, 'wrong', traceId, path) < wrongReturn.ratio
          ? (wrongReturn.variant as WrongReturnVariant)
          : undefined;
      // Own time drawn around the own mean; children run sequentially after a share of it.
      const ownMean = v('ownMeanLatencyMs');
      const u = hashUnit(seed, 'own', traceId, path);
      const own = ownMean * Math.min(6, -Math.log(1 - u * 0.999)) * 0.9 + 0.1 * ownMean;
      let cursor = startMs + own * 0.3;
      let childError = false;
      let repeat = 1;
      let calleeReturned: WrongReturnVariant | undefined;
      calls: for (const [ci, call] of st.spec.calls.entries()) {
        if (ci >= throwAt) {
          break; // thrown before this call: the remaining calls are lost
        }
        const whole = Math.floor(call.callsPerRequest);
        const n =
          repeat * Math.min(3, whole + (hashUnit(seed, 'n', traceId, path, ci) < call.callsPerRequest - whole ? 1 : 0));
        for (let j = 0; j < n && spanCount < MAX_SPANS && depth < MAX_DEPTH; j++) {
          const callee = c.service(call.to);
          const childPath = `${path}.${ci}-${j}`;
          let attempt = 0;
          if (c.backgroundNoise && hashUnit(seed, 'transient', traceId, childPath) < TRANSIENT_FAILURE_RATE) {
            cursor += this.transientFailure(pushSpan, traceId, callee, call.operation, spanId, cursor, childPath);
            attempt = 1;
            cursor += RETRY_BACKOFF_MS;
          }
          let r = build(callee, call.operation, spanId, cursor, childPath, depth + 1, attempt);
          cursor += r.durationMs;
          for (let k = 1; r.thrown && k <= MAX_RETRIES && spanCount < MAX_SPANS; k++) {
            cursor += k * RETRY_BACKOFF_MS;
            r = build(callee, call.operation, spanId, cursor, `${childPath}.r${k}`, depth + 1, attempt + k);
            cursor += r.durationMs;
          }
          if (r.error && hashUnit(seed, 'prop', traceId, path, ci, j) < 0.8) {
            childError = true;
          }
          if (r.wrong === 'empty') {
            calleeReturned = 'empty';
            break calls; // nothing to work on: the later calls are skipped
          }
          if (r.wrong === 'inflated') {
            calleeReturned = 'inflated';
            repeat = INFLATED_CALL_FACTOR; // one call per (wrong) item
            // Look the extra items up.
            const op = followUpOperation(incomingOperations(c, callee), call.operation);
            for (let k = 0; k < INFLATED_FOLLOW_UPS && spanCount < MAX_SPANS; k++) {
              const f = build(callee, op, spanId, cursor, `${childPath}.f${k}`, depth + 1);
              cursor += f.durationMs;
            }
          }
        }
      }
      const durationMs = thrown
        ? Math.min(st.spec.timeoutMs, cursor - startMs + own * 0.1)
        : Math.min(st.spec.timeoutMs, cursor - startMs + own * 0.7);
      // The tick's own error ratio includes the thrown share: draw the rest.
      const excShare = v('exceptionRatio');
      const ownErrorRatio =
        excShare > 0 ? 1 - (1 - v('ownErrorRatio')) / Math.max(1e-12, 1 - excShare) : v('ownErrorRatio');
      const ownError = thrown || hashUnit(seed, 'err', traceId, path) < ownErrorRatio;
      const error = ownError || childError;
      const span = spans[mySpan] as SpanData;
      span.startTimeUnixNano = (BigInt(Math.round(startMs * 1000)) * 1000n).toString();
      span.durationNanos = Math.round(durationMs * 1e6);
      span.status = error ? 'error' : 'ok';
      const attributes: Record<string, SpanAttributeValue> = {};
      if (c.detailedTelemetry) {
        const pods = st.timeline.podsAt(tick);
        if (pods.length > 0) {
          attributes['k8s.pod.name'] = pods[hash32(seed, 'span-pod', traceId, path) % pods.length] as string;
        }
        let size = baseResponseBytes(st.spec) * (0.75 + 0.5 * hashUnit(seed, 'size', traceId, path));
        if (thrown) {
          size = 180 + 120 * hashUnit(seed, 'size', traceId, path); // an error body
        } else if (wrong) {
          size *= WRONG_RETURN_SIZE_FACTOR[wrong];
        }
        if (!thrown && calleeReturned) {
          size *= calleeReturned === 'empty' ? EMPTY_CALLER_SIZE_FACTOR : INFLATED_CALLER_SIZE_FACTOR;
        }
        attributes['response.size'] = Math.round(size);
      }
      if (retryAttempt > 0) {
        attributes['retry.attempt'] = retryAttempt;
      }
      if (thrown && exception) {
        attributes['exception.type'] = exception.variant;
        attributes['exception.message'] = exceptionMessage(exception.variant, name, operation);
      }
      if (Object.keys(attributes).length > 0) {
        span.attributes = attributes;
      }
      return { durationMs, error, thrown, wrong };
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

  /** A first attempt that failed at once (connection reset), before the retry that succeeds; returns its ms. */
  private transientFailure(
    pushSpan: (span: SpanData) => number,
    traceId: string,
    callee: ServiceRuntime,
    operation: string,
    parentSpanId: string,
    startMs: number,
    path: string
  ): number {
    const seed = this.cluster.seed;
    const durationMs = 0.5 + 3 * hashUnit(seed, 'transient-ms', traceId, path);
    pushSpan({
      traceId,
      spanId: hashHex(16, seed, 'span', traceId, `${path}t`),
      parentSpanId,
      service: callee.spec.name,
      operation,
      startTimeUnixNano: (BigInt(Math.round(startMs * 1000)) * 1000n).toString(),
      durationNanos: Math.round(durationMs * 1e6),
      status: 'error',
      attributes: { 'error.type': 'UNAVAILABLE', 'exception.message': 'connection reset by peer' },
    });
    return durationMs;
  }
}
