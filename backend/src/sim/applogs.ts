/**
 * Application log lines beyond the request/latency/error lines of `logs.ts`: what code-level faults make
 * services print (the faulty service's stack traces, its callers' retries, failures and validation
 * warnings) and the background noise that healthy services print all the time (timeouts retried
 * successfully, cache misses, deprecated-API warnings, caught exceptions). All drawn from the stable hash of
 * (seed, service, tick, line), like every generated line.
 */
import { MAX_RETRIES, RETRY_BACKOFF_MS, type CodeFaultOnOperation } from './codefaults.ts';
import { hash32, hashHex, hashUnit } from './random.ts';
import { benignStackTrace, exceptionMessage, faultyMethod, stackTrace } from './stacktraces.ts';
import type { ServiceRuntime } from './state.ts';

/** One service's tick, as the log generator sees it. */
export interface TickLogContext {
  seed: number;
  st: ServiceRuntime;
  tick: number;
  version: string;
  throughputRps: number;
  /** A pod of the tick, drawn from the keys. */
  pickPod(...k: Array<string | number>): string;
  /** A time inside the tick, drawn from the keys. */
  at(...k: Array<string | number>): number;
}

export interface AppLogLine {
  timeMs: number;
  pod: string;
  level: 'info' | 'warn' | 'error';
  line: string;
  traceId?: string;
}

const iso = (t: number): string => new Date(t).toISOString();

/** floor(expected) lines plus one more with probability of the fraction, at most `max`. */
function lineCount(expected: number, max: number, seed: number, ...k: Array<string | number>): number {
  const whole = Math.floor(expected);
  return Math.min(max, whole + (hashUnit(seed, 'n-lines', ...k) < expected - whole ? 1 : 0));
}

/** The faulty service's log entry for one thrown exception: a logfmt header and the stack trace. */
export function exceptionEntry(
  ctx: TickLogContext,
  fault: CodeFaultOnOperation,
  timeMs: number,
  traceId: string
): string {
  const { st, version } = ctx;
  const name = st.spec.name;
  return (
    [
      `ts=${iso(timeMs)} level=error msg="unhandled exception in ${faultyMethod(name, fault.operation)}"`,
      `exception="${fault.variant}" operation="${fault.operation}" version=${version} trace_id=${traceId}`,
    ].join(' ') + `\n${stackTrace(st.spec.tier, name, version, fault.operation, fault.variant)}`
  );
}

/**
 * What a caller logs about its callees' code-level faults in a tick: retries and failed calls for a
 * throwing operation, "unexpected response" / validation warnings for a wrong return.
 */
export function callerFaultLines(
  ctx: TickLogContext,
  calleeFaults: (callee: string) => readonly CodeFaultOnOperation[]
): AppLogLine[] {
  const { seed, st, tick } = ctx;
  const name = st.spec.name;
  const out: AppLogLine[] = [];
  for (const [ci, call] of st.spec.calls.entries()) {
    for (const f of calleeFaults(call.to)) {
      if (f.operation !== call.operation) {
        continue;
      }
      const reach = Math.min(1, call.callsPerRequest);
      if (f.type === 'exception') {
        const detail = `INTERNAL: ${f.variant}: ${exceptionMessage(f.variant, call.to, call.operation)}`;
        const nRetry = lineCount(10 * reach * f.ratio, 3, seed, 'retry', name, tick, ci);
        for (let i = 0; i < nRetry; i++) {
          const attempt = 1 + (hash32(seed, 'retry-attempt', name, tick, ci, i) % MAX_RETRIES);
          const t = ctx.at('retry', ci, i);
          out.push({
            timeMs: t,
            pod: ctx.pickPod('retry', ci, i),
            level: 'warn',
            line:
              `ts=${iso(t)} level=warn msg="call to ${call.to} failed, retrying" operation="${call.operation}"` +
              ` attempt=${attempt} backoff_ms=${attempt * RETRY_BACKOFF_MS} error="${detail}"`,
          });
        }
        const exhausted = Math.pow(f.ratio, MAX_RETRIES + 1);
        const nFail = lineCount(10 * reach * exhausted, 3, seed, 'exhausted', name, tick, ci);
        for (let i = 0; i < nFail; i++) {
          const t = ctx.at('exhausted', ci, i);
          const traceId = hashHex(32, seed, 'xtr', name, tick, ci, i);
          out.push({
            timeMs: t,
            pod: ctx.pickPod('exhausted', ci, i),
            level: 'error',
            line:
              `ts=${iso(t)} level=error msg="call to ${call.to} failed" operation="${call.operation}"` +
              ` attempts=${MAX_RETRIES + 1} error="${detail}" trace_id=${traceId}`,
            traceId,
          });
        }
      } else {
        // Only some code paths validate what they got back.
        const nWarn = lineCount(6 * reach * f.ratio, 3, seed, 'unexpected', name, tick, ci);
        for (let i = 0; i < nWarn; i++) {
          const t = ctx.at('unexpected', ci, i);
          const line =
            f.variant === 'inflated'
              ? `ts=${iso(t)} level=warn msg="response validation failed" source=${call.to}` +
                ` operation="${call.operation}" field=items error="${60 + (hash32(seed, 'items', name, tick, ci, i) % 400)} items exceeds limit 50"`
              : `ts=${iso(t)} level=warn msg="unexpected response from ${call.to}" operation="${call.operation}"` +
                ` reason="empty result" action="continuing with defaults"`;
          out.push({ timeMs: t, pod: ctx.pickPod('unexpected', ci, i), level: 'warn', line });
        }
      }
    }
  }
  return out;
}

type NoiseTemplate = (ctx: TickLogContext, i: number, t: number) => AppLogLine | undefined;

const ENTITIES = ['product', 'user', 'order', 'cart', 'session', 'quote'];

/** Benign lines healthy services print routinely; undefined where a template does not fit the service. */
const NOISE_TEMPLATES: readonly NoiseTemplate[] = [
  // A timeout retried successfully: an error line, then the retry's success.
  (ctx, i, t) => {
    const calls = ctx.st.spec.calls;
    if (calls.length === 0) {
      return undefined;
    }
    const call = calls[hash32(ctx.seed, 'noise-callee', ctx.st.spec.name, ctx.tick, i) % calls.length]!;
    return {
      timeMs: t,
      pod: ctx.pickPod('noise', i),
      level: 'error',
      line:
        `ts=${iso(t)} level=error msg="call to ${call.to} timed out, retrying" operation="${call.operation}"` +
        ` attempt=1 timeout_ms=${Math.round(ctx.st.spec.timeoutMs / 4)} retry=true`,
    };
  },
  (ctx, i, t) => {
    if (ctx.st.spec.calls.length === 0) {
      return undefined;
    }
    const call =
      ctx.st.spec.calls[hash32(ctx.seed, 'noise-callee', ctx.st.spec.name, ctx.tick, i) % ctx.st.spec.calls.length]!;
    return {
      timeMs: t,
      pod: ctx.pickPod('noise', i),
      level: 'info',
      line: `ts=${iso(t)} level=info msg="retry succeeded" callee=${call.to} attempt=2`,
    };
  },
  (ctx, i, t) => {
    if (ctx.st.spec.tier === 'data') {
      return undefined;
    }
    const entity = ENTITIES[hash32(ctx.seed, 'noise-entity', ctx.st.spec.name, ctx.tick, i) % ENTITIES.length]!;
    return {
      timeMs: t,
      pod: ctx.pickPod('noise', i),
      level: 'warn',
      line:
        `ts=${iso(t)} level=warn msg="cache miss" cache=local key=${entity}:${hash32(ctx.seed, 'noise-key', ctx.tick, i) % 100000}` +
        ' fallback=origin',
    };
  },
  (ctx, i, t) => {
    const entity = ENTITIES[hash32(ctx.seed, 'noise-entity', ctx.st.spec.name, ctx.tick, i) % ENTITIES.length]!;
    return {
      timeMs: t,
      pod: ctx.pickPod('noise', i),
      level: 'warn',
      line:
        `ts=${iso(t)} level=warn msg="deprecated API called" api="/v1/${entity}s"` +
        ` replacement="/v2/${entity}s" client=${ctx.st.callers[0] ?? 'web'}`,
    };
  },
  (ctx, i, t) => {
    if (ctx.st.spec.tier === 'data') {
      return undefined;
    }
    return {
      timeMs: t,
      pod: ctx.pickPod('noise', i),
      level: 'error',
      line:
        `ts=${iso(t)} level=error msg="connection reset, reconnecting" pool=upstream retry_in_ms=100\n` +
        benignStackTrace(ctx.st.spec.tier, ctx.st.spec.name),
    };
  },
  (ctx, i, t) => {
    const tier = ctx.st.spec.tier;
    const line =
      tier === 'gateway'
        ? `ts=${iso(t)} level=error msg="client disconnected before response" status=499`
        : tier === 'data'
          ? `ts=${iso(t)} level=error msg="canceling statement due to user request"`
          : `ts=${iso(t)} level=error msg="failed to export metrics batch, will retry" error="context deadline exceeded"`;
    return { timeMs: t, pod: ctx.pickPod('noise', i), level: 'error', line };
  },
];

/**
 * Background noise of one service in one tick: a steady, service-specific rate of benign warnings and
 * errors (some services are much noisier than others), each service favouring a few templates.
 */
export function noiseLines(ctx: TickLogContext): AppLogLine[] {
  const { seed, st, tick } = ctx;
  const name = st.spec.name;
  if (ctx.throughputRps <= 0) {
    return [];
  }
  const u = hashUnit(seed, 'noisiness', name);
  const expected = (0.05 + 2.5 * u * u) * Math.min(1, ctx.throughputRps / 5);
  const n = lineCount(expected, 4, seed, 'noise', name, tick);
  const weights = NOISE_TEMPLATES.map((_, k) => Math.pow(hashUnit(seed, 'noise-weight', name, k), 3));
  const total = weights.reduce((a, b) => a + b, 0);
  const out: AppLogLine[] = [];
  for (let i = 0; i < n; i++) {
    let r = hashUnit(seed, 'noise-template', name, tick, i) * total;
    let k = 0;
    while (k < weights.length - 1 && r >= (weights[k] as number)) {
      r -= weights[k] as number;
      k++;
    }
    const line = (NOISE_TEMPLATES[k] as NoiseTemplate)(ctx, i, ctx.at('noise', i));
    if (line) {
      out.push(line);
    }
  }
  return out;
}
