/**
 * Log lines generated lazily and deterministically from the recorded ticks (a stable hash of seed,
 * service, tick and line index, never a random stream): request lines drawn from the tick's latency and
 * error ratios, warnings for slow ticks and high memory, errors split between injected faults, timeouts
 * and failed callees, and lines for the tick's events (OOM kills, rollouts, scale-ups). logfmt, one line
 * per entry, except stack traces (one multi-line entry, as a log shipper's multiline stage joins them).
 * Code-level faults and background noise add the lines of `applogs.ts`.
 */
import { callerFaultLines, exceptionEntry, noiseLines, type TickLogContext } from './applogs.ts';
import type { CodeFaultOnOperation } from './codefaults.ts';
import { FAULT_BIT } from './faults.ts';
import { hash32, hashHex, hashUnit } from './random.ts';
import { incomingOperations, type RecordedCluster } from './recorded.ts';
import type { ServiceRuntime } from './state.ts';
import type { TickField } from './timeline.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogQuery {
  startMs: number;
  endMs: number;
  service?: string;
  /** 'debug' | 'info' | 'warn' | 'error'. */
  level?: LogLevel | string;
  /** Default 1000. */
  limit?: number;
  /** Default 'forward' (oldest first); 'backward' returns the newest first like Loki. */
  direction?: 'forward' | 'backward';
}

export interface LogLine {
  timeMs: number;
  service: string;
  pod: string;
  level: LogLevel;
  line: string;
  traceId?: string;
}

const CODE_FAULT_MASK = FAULT_BIT.exception | FAULT_BIT.wrong_return;

/** Exception messages by tier, for errors an injected fault causes. */
const EXCEPTIONS: Record<string, string[]> = {
  gateway: [
    'Error: upstream connect error or disconnect/reset before headers',
    "TypeError: Cannot read properties of undefined (reading 'items')",
  ],
  mid: [
    'java.lang.NullPointerException',
    'io.grpc.StatusRuntimeException: INTERNAL',
    'java.lang.IllegalStateException: invalid currency code',
    'RuntimeError: unexpected response',
  ],
  data: [
    'ERROR: could not serialize access due to concurrent update',
    'ERR max number of clients reached',
    'FATAL: remaining connection slots are reserved',
  ],
};

/** A duration drawn from the tick's latency quantiles (piecewise-linear inverse CDF). */
function sampleLatency(u: number, p50: number, p95: number, p99: number): number {
  if (u < 0.5) {
    return p50 * (0.35 + 1.3 * u);
  }
  if (u < 0.95) {
    return p50 + ((p95 - p50) * (u - 0.5)) / 0.45;
  }
  if (u < 0.99) {
    return p95 + ((p99 - p95) * (u - 0.95)) / 0.04;
  }
  return p99 * (1 + (u - 0.99) * 30);
}

const iso = (t: number): string => new Date(t).toISOString();

/** One logfmt line from its fields. */
const logfmt = (...fields: string[]): string => fields.join(' ');

export class LogGenerator {
  constructor(private readonly cluster: RecordedCluster) {}

  /** Deterministic, lazily generated log lines for the retained history. */
  logs(q: LogQuery): LogLine[] {
    const c = this.cluster;
    const limit = q.limit ?? 1000;
    const backward = q.direction === 'backward';
    const services = q.service !== undefined ? [c.service(q.service)] : c.order.map((n) => c.service(n));
    // A tick covers (t − tick, t]: include ticks whose interval overlaps the range.
    const [from, to] = c.tickRange(q.startMs, q.endMs + c.tickMs);
    const out: LogLine[] = [];
    for (let step = 0; step <= to - from; step++) {
      const k = backward ? to - step : from + step;
      const batch: LogLine[] = [];
      for (const st of services) {
        for (const line of this.logsForTick(st, k)) {
          if (line.timeMs < q.startMs || line.timeMs > q.endMs) {
            continue;
          }
          if (q.level !== undefined && line.level !== q.level) {
            continue;
          }
          batch.push(line);
        }
      }
      batch.sort(
        (a, b) =>
          a.timeMs - b.timeMs ||
          (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) ||
          (a.line < b.line ? -1 : 1)
      );
      if (backward) {
        batch.reverse();
      }
      for (const l of batch) {
        out.push(l);
        if (out.length >= limit) {
          return out;
        }
      }
    }
    return out;
  }

  private logsForTick(st: ServiceRuntime, tick: number): LogLine[] {
    const c = this.cluster;
    const out: LogLine[] = [];
    const name = st.spec.name;
    const seed = c.seed;
    const tEnd = c.startTimeMs + tick * c.tickMs;
    const tStart = tEnd - c.tickMs;
    const pods = st.timeline.podsAt(tick);
    const v = (f: TickField): number => st.timeline.value(tick, f);
    const thr = v('throughputRps');
    const err = v('errorRatio');
    const p50 = v('latencyP50Ms');
    const p95 = v('latencyP95Ms');
    const p99 = v('latencyP99Ms');
    const mask = v('faultMask');
    const ops = incomingOperations(c, st);
    const tier = st.spec.tier;
    const version = st.timeline.versionAt(tEnd);
    const pickPod = (...k: Array<string | number>): string =>
      pods.length > 0 ? (pods[hash32(seed, 'lp', name, tick, ...k) % pods.length] as string) : `${name}-unknown`;
    const at = (...k: Array<string | number>): number =>
      Math.floor(tStart + hashUnit(seed, 'lt', name, tick, ...k) * c.tickMs);
    const tickCtx: TickLogContext = { seed, st, tick, version, throughputRps: v('throughputRps'), pickPod, at };
    const codeFaults = (s: ServiceRuntime): readonly CodeFaultOnOperation[] =>
      (s.timeline.value(tick, 'faultMask') & CODE_FAULT_MASK) !== 0 ? c.codeFaultsAt(s.spec.name, tEnd) : [];

    // Events of this tick.
    for (const e of c.events()) {
      if (e.service !== name || e.timeMs <= tStart || e.timeMs > tEnd) {
        continue;
      }
      if (e.type === 'oom_kill') {
        out.push({
          timeMs: e.timeMs,
          service: name,
          pod: e.pod ?? pickPod('oom'),
          level: 'error',
          line: logfmt(
            `ts=${iso(e.timeMs)} level=error msg="fatal error: runtime: out of memory"`,
            `container=${name} reason=OOMKilled limit_bytes=${st.spec.memoryLimitBytes}`
          ),
        });
      } else if (e.type === 'deploy' || e.type === 'rollback') {
        out.push({
          timeMs: e.timeMs,
          service: name,
          pod: pickPod('deploy'),
          level: 'info',
          line: logfmt(
            `ts=${iso(e.timeMs)} level=info msg="starting ${name}"`,
            `version=${String(e.to)} previous_version=${String(e.from)} reason=${e.type}`
          ),
        });
      } else if (e.type === 'scale' && typeof e.to === 'number' && typeof e.from === 'number' && e.to > e.from) {
        out.push({
          timeMs: e.timeMs,
          service: name,
          pod: pickPod('scale'),
          level: 'info',
          line: `ts=${iso(e.timeMs)} level=info msg="server listening" addr=:8080 version=${version}`,
        });
      }
    }

    if (thr > 0) {
      const nInfo = Math.min(3, 1 + Math.floor(Math.log10(1 + thr)));
      for (let i = 0; i < nInfo; i++) {
        const t = at('info', i);
        const op = ops[hash32(seed, 'op', name, tick, i) % ops.length] as string;
        const isErr = hashUnit(seed, 'ie', name, tick, i) < err;
        const dur = sampleLatency(hashUnit(seed, 'id', name, tick, i), p50, p95, p99);
        const traceId = hashHex(32, seed, 'ltr', name, tick, i);
        let line: string;
        if (tier === 'gateway') {
          const status = isErr ? (v('timeoutRatio') > 0.5 * err ? 504 : 500) : 200;
          line = logfmt(
            `ts=${iso(t)} level=info msg="request completed"`,
            `http.method=${op.split(' ')[0] ?? 'GET'} http.route=${op.split(' ')[1] ?? '/'} http.status=${status}`,
            `duration_ms=${dur.toFixed(1)} trace_id=${traceId} version=${version}`
          );
        } else if (tier === 'data') {
          const rows = 1 + (hash32(seed, 'rows', name, tick, i) % 40);
          line = logfmt(
            `ts=${iso(t)} level=info msg="statement complete" statement="${op}"`,
            `duration_ms=${dur.toFixed(2)} rows=${rows} trace_id=${traceId}`
          );
        } else {
          line = logfmt(
            `ts=${iso(t)} level=info msg="finished call" grpc.method=${op} grpc.code=${isErr ? 'Unavailable' : 'OK'}`,
            `duration_ms=${dur.toFixed(1)} trace_id=${traceId} version=${version}`
          );
        }
        out.push({ timeMs: t, service: name, pod: pickPod('info', i), level: 'info', line, traceId });
      }
      const own50 = st.spec.baseLatencyMs + (1000 * st.spec.concurrencyPerReplica) / st.spec.serviceRatePerReplica;
      if (
        p95 > Math.max(4 * own50 + 50, 0.5 * st.spec.timeoutMs) ||
        (mask & (FAULT_BIT.latency | FAULT_BIT.cpu_contention)) !== 0
      ) {
        const slowCallee = st.spec.calls.length > 0 ? this.slowestCallee(st, tick) : undefined;
        const t = at('warn');
        out.push({
          timeMs: t,
          service: name,
          pod: pickPod('warn'),
          level: 'warn',
          line: slowCallee
            ? logfmt(
                `ts=${iso(t)} level=warn msg="slow downstream call" callee=${slowCallee}`,
                `duration_ms=${p95.toFixed(1)} threshold_ms=${(4 * own50 + 50).toFixed(0)}`
              )
            : logfmt(
                `ts=${iso(t)} level=warn msg="slow request" duration_ms=${p95.toFixed(1)} p99_ms=${p99.toFixed(1)}`,
                `cpu_utilization=${v('cpuUtilization').toFixed(2)}`
              ),
        });
      }
      const memFrac = v('peakMemoryFraction');
      if (memFrac > 0.85) {
        const t = at('mem');
        out.push({
          timeMs: t,
          service: name,
          pod: pickPod('mem'),
          level: 'warn',
          line: logfmt(
            `ts=${iso(t)} level=warn msg="memory usage high"`,
            `used_ratio=${memFrac.toFixed(3)} limit_bytes=${st.spec.memoryLimitBytes}`
          ),
        });
      }
      const expected = err * 10;
      const nErr = Math.min(
        5,
        Math.floor(expected) + (hashUnit(seed, 'ne', name, tick) < expected - Math.floor(expected) ? 1 : 0)
      );
      const faultErr = v('faultErrorRatio');
      const timeout = v('timeoutRatio');
      const downErr = v('downstreamErrorRatio');
      const thrown = v('exceptionRatio');
      const plain = faultErr + timeout + downErr + 1e-12;
      const exceptions = thrown > 0 ? codeFaults(st).filter((f) => f.type === 'exception') : [];
      for (let i = 0; i < nErr; i++) {
        const t = at('err', i);
        const u = hashUnit(seed, 'ek', name, tick, i) * (exceptions.length > 0 ? plain + thrown : plain);
        const traceId = hashHex(32, seed, 'etr', name, tick, i);
        let line: string;
        if (exceptions.length > 0 && u >= plain) {
          const fault = exceptions[
            hash32(seed, 'which-exc', name, tick, i) % exceptions.length
          ] as CodeFaultOnOperation;
          line = exceptionEntry(tickCtx, fault, t, traceId);
        } else if (u < faultErr) {
          const list = EXCEPTIONS[tier] as string[];
          const exc = list[hash32(seed, 'ex', name, tick, i) % list.length] as string;
          line = logfmt(
            `ts=${iso(t)} level=error msg="unhandled exception" exception="${exc}"`,
            `version=${version} trace_id=${traceId}`
          );
        } else if (u < faultErr + timeout) {
          line = logfmt(
            `ts=${iso(t)} level=error msg="request timed out" error="context deadline exceeded"`,
            `timeout_ms=${st.spec.timeoutMs} trace_id=${traceId}`
          );
        } else {
          const callee = st.spec.calls.length > 0 ? this.worstCallee(st, tick) : 'unknown';
          line = logfmt(
            `ts=${iso(t)} level=error msg="downstream call failed" callee=${callee}`,
            `error="rpc error: code = Unavailable desc = upstream ${callee} failed" trace_id=${traceId}`
          );
        }
        out.push({ timeMs: t, service: name, pod: pickPod('err', i), level: 'error', line, traceId });
      }
      const calleeFaults = st.spec.calls.some((call) => codeFaults(c.service(call.to)).length > 0);
      if (calleeFaults) {
        for (const l of callerFaultLines(tickCtx, (callee) => codeFaults(c.service(callee)))) {
          out.push({ ...l, service: name });
        }
      }
      if (c.backgroundNoise) {
        for (const l of noiseLines(tickCtx)) {
          out.push({ ...l, service: name });
        }
      }
    }
    return out;
  }

  /** The callee with the largest mean time per request in the tick. */
  private slowestCallee(st: ServiceRuntime, tick: number): string {
    let best = '';
    let bestV = -1;
    for (const c of st.spec.calls) {
      const m = c.callsPerRequest * this.cluster.service(c.to).timeline.value(tick, 'meanLatencyMs');
      if (m > bestV) {
        [best, bestV] = [c.to, m];
      }
    }
    return best;
  }

  /** The callee contributing the most errors in the tick. */
  private worstCallee(st: ServiceRuntime, tick: number): string {
    let best = st.spec.calls[0]?.to ?? 'unknown';
    let bestV = -1;
    for (const c of st.spec.calls) {
      const m = Math.min(1, c.callsPerRequest) * this.cluster.service(c.to).timeline.value(tick, 'errorRatio');
      if (m > bestV) {
        [best, bestV] = [c.to, m];
      }
    }
    return best;
  }
}
