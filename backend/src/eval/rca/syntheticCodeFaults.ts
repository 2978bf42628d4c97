/**
 * Synthetic code-level faults on real traffic: the Nezha day's fault-free spans and log lines (the part of each
 * fault window before its injection) with an exception or a wrong return injected into one service's busiest
 * controller operation, the fault-free `construct_data` minute as the baseline. The signatures follow how a Java
 * microservice fails (and are the specification the simulator's code-level faults must meet; see the README):
 *
 * exception in service S, operation O (every call of O from the injection on):
 * - S's O span ends early: its child calls after the throw point (a random fraction of its duration) and their
 *   subtrees vanish; the server span around it ends with it;
 * - S logs one ERROR line for the request (Spring's `Servlet.service() … threw exception [Request processing
 *   failed; nested exception is <exception>] with root cause`), sometimes followed by stack-trace lines naming
 *   its own classes; its log lines after the throw vanish;
 * - each caller up the chain receives a 500: it propagates the failure (probability 0.7; its later calls and log
 *   lines vanish, and it logs an ERROR that names the callee's path: `HttpServerErrorException$InternalServerError:
 *   500 … "path":"/api/v1/<callee>/…"`) or catches it (logs the same ERROR, continues as before);
 * - S's and its callers' success rate drops by the share of failed requests.
 * wrong return in S, operation O: S's log lines after the return point vanish and, half the time, its later child
 * calls too (the early return skips them); no error in S. Its direct caller takes another branch with probability
 * 0.6: its later calls vanish and it logs a new WARN line of its own (naming no service).
 * background noise, in every case: a healthy service logs a routine error template at the same rate before and
 * during the incident, and (half the cases) another healthy service has a burst of a new error template.
 * Metrics are the real series shifted five minutes later, so the incident window shows fault-free data.
 */
import { Rng, hash32 } from '../../sim/random.ts';
import type { EvalCase } from './evalCore.ts';
import type { NezhaCase, NezhaLogLine, NezhaSpan } from './nezhaData.ts';
import { nezhaEvalCase } from './nezhaEval.ts';
import { forEachNezhaCase, type Progress } from './suites.ts';

export type CodeFaultType = 'exception' | 'return';

const EXCEPTIONS = [
  'java.lang.RuntimeException: chaosblade-mock-exception',
  'java.lang.NullPointerException: null',
  'java.lang.IllegalStateException: unexpected state',
  'java.lang.IllegalArgumentException: invalid argument',
];
const METRIC_SHIFT_MS = 5 * 60_000;

interface Source {
  window: NezhaCase;
  /** Fault-free traffic: spans and lines before the real injection. */
  spans: NezhaSpan[];
  logs: NezhaLogLine[];
  startMs: number;
}

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 23);
const line = (ms: number, level: string, logger: string, traceId: string, spanId: string, text: string) =>
  `${clock(ms)} ${level.padEnd(5)} ${logger} TraceID: ${traceId} SpanID: ${spanId} ${text}`;

/** The class-like name a service's code would carry (`ts-basic-service` → `BasicServiceImpl`). */
const implOf = (service: string): string =>
  `${service
    .replace(/^ts-|-service$/g, '')
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}ServiceImpl`;

export interface SyntheticFault {
  service: string;
  operation: string;
  type: CodeFaultType;
  injectMs: number;
  affectedSpans: number;
}

/** One synthetic case: a copy of the source's fault-free traffic with the fault applied (see the header). */
export function synthesiseCase(
  src: Source,
  type: CodeFaultType,
  rng: Rng,
  id: string
): { case: NezhaCase; fault: SyntheticFault } | undefined {
  const spans = src.spans.map((s) => ({ ...s }));
  const logs = src.logs.map((l) => ({ ...l }));
  const injectMs = src.startMs + 5_000;
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const children = new Map<string, NezhaSpan[]>();
  for (const s of spans) {
    if (s.parentSpanId) {
      const k = `${s.traceId}/${s.parentSpanId}`;
      children.set(k, [...(children.get(k) ?? []), s]);
    }
  }
  const parentOf = (s: NezhaSpan) => (s.parentSpanId ? byId.get(`${s.traceId}/${s.parentSpanId}`) : undefined);
  // Candidate operations: controller-level spans (a server span's child in the same service) with children.
  const counts = new Map<string, number>();
  for (const s of spans) {
    const p = parentOf(s);
    if (
      s.startMs >= injectMs &&
      p &&
      p.service === s.service &&
      parentOf(p)?.service !== s.service &&
      children.has(`${s.traceId}/${s.spanId}`)
    ) {
      const k = `${s.service}\u0000${s.operation}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  // Not the entry service (the symptom: code faults are injected behind it, as in Nezha).
  const rootCounts = new Map<string, number>();
  for (const s of spans) {
    if (!s.parentSpanId) {
      rootCounts.set(s.service, (rootCounts.get(s.service) ?? 0) + 1);
    }
  }
  const entry = [...rootCounts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const eligible = [...counts]
    .filter(([k, n]) => n >= 8 && k.split('\u0000')[0] !== entry)
    .sort((a, b) => a[0].localeCompare(b[0]));
  if (eligible.length === 0) {
    return undefined;
  }
  const [service, operation] = rng.pick(eligible)[0].split('\u0000') as [string, string];
  const removed = new Set<string>();
  const removeSubtree = (s: NezhaSpan) => {
    removed.add(`${s.traceId}/${s.spanId}`);
    for (const c of children.get(`${s.traceId}/${s.spanId}`) ?? []) {
      removeSubtree(c);
    }
  };
  const dropLogsAfter = new Map<string, number>(); // traceId/spanId → ms after which its lines vanish
  const added: NezhaLogLine[] = [];
  const podOf = new Map(spans.map((s) => [s.service, s.pod]));
  const addLog = (service: string, ms: number, s: NezhaSpan, text: string) =>
    added.push({
      timeMs: ms,
      pod: podOf.get(service) ?? service,
      service,
      traceId: s.traceId,
      spanId: s.spanId,
      message: text,
    });
  /** Cut a span at `cutMs`: later children vanish with their subtrees, it ends there. */
  const cut = (s: NezhaSpan, cutMs: number) => {
    for (const c of children.get(`${s.traceId}/${s.spanId}`) ?? []) {
      if (c.startMs > cutMs) {
        removeSubtree(c);
      }
    }
    const keptEnd = Math.max(
      cutMs,
      ...(children.get(`${s.traceId}/${s.spanId}`) ?? [])
        .filter((c) => !removed.has(`${c.traceId}/${c.spanId}`))
        .map((c) => c.startMs + c.durationMs)
    );
    s.durationMs = Math.max(0.1, Math.min(s.durationMs, keptEnd + 0.5 - s.startMs));
    dropLogsAfter.set(`${s.traceId}/${s.spanId}`, cutMs);
  };
  const exception = rng.pick(EXCEPTIONS);
  const failed = new Map<string, number>(); // service → failed requests
  let affected = 0;
  for (const s of spans) {
    if (
      s.service !== service ||
      s.operation !== operation ||
      s.startMs < injectMs ||
      removed.has(`${s.traceId}/${s.spanId}`)
    ) {
      continue;
    }
    affected++;
    const cutMs = s.startMs + rng.uniform(0.05, 0.6) * s.durationMs;
    if (type === 'exception') {
      cut(s, cutMs);
      addLog(
        service,
        cutMs,
        s,
        line(
          cutMs,
          'ERROR',
          'o.a.c.c.C.[.[.[.[dispatcherServlet]#175',
          s.traceId,
          s.spanId,
          `Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed; nested exception is ${exception}] with root cause`
        )
      );
      if (rng.next() < 0.5) {
        addLog(service, cutMs, s, exception);
        addLog(
          service,
          cutMs,
          s,
          `\tat ${implOf(service)}.${operation.split('.').pop()}(${implOf(service)}.java:${100 + (hash32(0, service) % 300)})`
        );
      }
      failed.set(service, (failed.get(service) ?? 0) + 1);
      // Up the chain: each enclosing span in S ends with it; each caller propagates (0.7) or catches.
      let child: NezhaSpan = s;
      let p = parentOf(s);
      let calleePath = p && p.service === service ? p.operation : operation;
      while (p) {
        const end = child.startMs + child.durationMs;
        if (p.service === child.service) {
          cut(p, end);
        } else {
          // p is the caller's client span: it ends as the answer arrives (its wire time kept).
          const wire = Math.max(0, p.durationMs - (child.startMs - p.startMs) - child.durationMs);
          p.durationMs = Math.max(0.1, end + wire - p.startMs);
          const errMs = p.startMs + p.durationMs;
          const callerSpan = parentOf(p) ?? p;
          addLog(
            p.service,
            errMs,
            callerSpan,
            line(
              errMs,
              'ERROR',
              'o.a.c.c.C.[.[.[.[dispatcherServlet]#175',
              p.traceId,
              callerSpan.spanId,
              `Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed; nested exception is org.springframework.web.client.HttpServerErrorException$InternalServerError: 500 : [{"timestamp":"${new Date(errMs).toISOString()}","status":500,"error":"Internal Server Error","path":"${calleePath}"}]] with root cause`
            )
          );
          failed.set(p.service, (failed.get(p.service) ?? 0) + 1);
          if (rng.next() >= 0.7) {
            break; // caught: the caller goes on as before
          }
          const server = (() => {
            let q: NezhaSpan | undefined = p;
            while (q && parentOf(q)?.service === p!.service) {
              q = parentOf(q);
            }
            return q;
          })();
          calleePath = server?.operation ?? p.operation;
        }
        child = p;
        p = parentOf(p);
      }
    } else {
      // Wrong return: S's later lines vanish; half the time its later calls too.
      dropLogsAfter.set(`${s.traceId}/${s.spanId}`, cutMs);
      if (rng.next() < 0.5) {
        cut(s, cutMs);
      }
      const client = parentOf(parentOf(s) ?? s);
      const caller = client && client.service !== service ? parentOf(client) : undefined;
      if (caller && rng.next() < 0.6) {
        const afterMs = client!.startMs + client!.durationMs;
        cut(caller, afterMs);
        addLog(
          caller.service,
          afterMs,
          caller,
          line(
            afterMs,
            'WARN',
            `${caller.service.replace(/^ts-/, '').charAt(0)}.s.${implOf(caller.service)}#${60 + (hash32(1, service) % 200)}`,
            caller.traceId,
            caller.spanId,
            `[${caller.operation.split('.').pop()}][Step ${1 + (hash32(2, service) % 4)}][Check result failed][result is not valid]`
          )
        );
      }
    }
  }
  if (affected === 0) {
    return undefined;
  }
  // Lines of cut spans (and their removed subtrees) after the cut vanish.
  const keptLogs = logs.filter((l) => {
    const key = `${l.traceId}/${l.spanId}`;
    if (removed.has(key)) {
      return false;
    }
    const after = dropLogsAfter.get(key);
    return after === undefined || l.timeMs <= after;
  });
  // Background noise: a routine error source (before and during), and half the time a burst elsewhere.
  const healthy = [...new Set(spans.map((s) => s.service))].filter((s) => s !== service).sort();
  const baselineLogs = src.window.baselineLogs.map((l) => ({ ...l }));
  const routine = rng.pick(healthy);
  const routineText = (ms: number) =>
    line(
      ms,
      'ERROR',
      `${routine.charAt(3)}.s.${implOf(routine)}#${300 + (hash32(3, routine) % 90)}`,
      '-',
      '-',
      `[handle][Remote call failed][retrying]`
    );
  const lo = Math.min(...baselineLogs.map((l) => l.timeMs));
  const hi = Math.max(...baselineLogs.map((l) => l.timeMs));
  const rate = rng.uniform(5, 30) / 60_000; // lines per ms
  for (let t = lo; t < hi; t += 1 / rate) {
    baselineLogs.push({
      timeMs: t,
      pod: podOf.get(routine) ?? routine,
      service: routine,
      traceId: '',
      spanId: '',
      message: routineText(t),
    });
  }
  const incEnd = Math.max(...spans.map((s) => s.startMs));
  for (let t = injectMs; t < incEnd; t += 1 / rate) {
    added.push({
      timeMs: t,
      pod: podOf.get(routine) ?? routine,
      service: routine,
      traceId: '',
      spanId: '',
      message: routineText(t),
    });
  }
  if (rng.next() < 0.5) {
    const burst = rng.pick(healthy.filter((h) => h !== routine));
    const n = Math.max(
      3,
      Math.round(rng.uniform(0.2, 0.6) * Math.max(3, added.filter((a) => a.service === service).length))
    );
    for (let k = 0; k < n; k++) {
      const t = rng.uniform(injectMs, incEnd);
      added.push({
        timeMs: t,
        pod: podOf.get(burst) ?? burst,
        service: burst,
        traceId: '',
        spanId: '',
        message: line(
          t,
          'ERROR',
          `${burst.charAt(3)}.c.Controller#${40 + (k % 3)}`,
          '-',
          '-',
          `[query][Cache refresh failed][entry expired]`
        ),
      });
    }
  }
  // Metrics: shifted later (fault-free data in the incident window); an exception lowers success rates.
  const total = new Map<string, number>();
  for (const s of spans) {
    if (s.startMs >= injectMs && (!s.parentSpanId || parentOf(s)?.service !== s.service)) {
      total.set(s.service, (total.get(s.service) ?? 0) + 1);
    }
  }
  const metrics = src.window.metrics.map((m) => {
    const times = m.times.map((t) => t + METRIC_SHIFT_MS / 1000);
    const share = Math.min(1, (failed.get(m.service) ?? 0) / Math.max(1, total.get(m.service) ?? 0));
    const columns = Object.fromEntries(
      Object.entries(m.columns).map(([name, values]) => [
        name,
        /SuccessRate/.test(name) && share > 0
          ? values.map((v, i) =>
              times[i]! * 1000 >= injectMs && times[i]! * 1000 < injectMs + 4 * 60_000 ? v * (1 - share) : v
            )
          : values,
      ])
    );
    return { ...m, times, columns };
  });
  const spanOut = spans.filter((s) => !removed.has(`${s.traceId}/${s.spanId}`));
  const fault: SyntheticFault = { service, operation, type, injectMs, affectedSpans: affected };
  return {
    fault,
    case: {
      fault: {
        id,
        date: src.window.fault.date,
        injectMs,
        injectTime: new Date(injectMs).toISOString(),
        timestampSkewHours: undefined,
        pod: podOf.get(service) ?? service,
        service,
        type,
      },
      spans: spanOut,
      logs: [...keptLogs, ...added].sort((a, b) => a.timeMs - b.timeMs),
      baselineSpans: src.window.baselineSpans,
      baselineLogs,
      metrics,
      minutes: src.window.minutes,
      counts: src.window.counts,
    },
  };
}

/** The synthetic suite: `count` cases, exception and return alternating, sources and targets drawn from `seed`. */
export function syntheticCases(path: string, opts: { count: number; seed: number }, progress?: Progress): EvalCase[] {
  const sources: Source[] = [];
  forEachNezhaCase(path, undefined, (window) => {
    const spans = window.spans.filter((s) => s.startMs < window.fault.injectMs);
    if (spans.length === 0) {
      return;
    }
    sources.push({
      window: { ...window, spans: [], logs: [] },
      spans,
      logs: window.logs.filter((l) => l.timeMs < window.fault.injectMs),
      startMs: Math.min(...spans.map((s) => s.startMs)),
    });
  });
  const out: EvalCase[] = [];
  for (let tries = 0; out.length < opts.count && tries < opts.count * 5; tries++) {
    const rng = new Rng(hash32(opts.seed, 'rca-synthetic', tries));
    const type: CodeFaultType = out.length % 2 === 0 ? 'exception' : 'return';
    const src = sources[tries % sources.length]!;
    const made = synthesiseCase(src, type, rng, `synthetic#${String(out.length).padStart(2, '0')}`);
    if (!made) {
      continue;
    }
    const c = nezhaEvalCase(made.case);
    out.push({ ...c, dataset: 'synthetic', group: `seed ${opts.seed}`, kind: type });
    progress?.(out.length, opts.count);
  }
  return out;
}
