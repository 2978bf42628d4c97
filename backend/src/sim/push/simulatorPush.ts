/**
 * Pushes the embedded cluster's telemetry to a real stack, so that Loki and Tempo hold what the demo
 * workload does: on a timer it reads the log lines and sampled traces produced since the last read (the
 * first read goes back `backfillMs`, in windows of at most `maxReadWindowMs`) and hands them to one batching
 * pusher per upstream — Loki's push API (`POST /loki/api/v1/push`, streams labelled service/level/pod) and
 * OTLP/HTTP JSON (`POST /v1/traces`, one resourceSpans per service). Counts go to /metrics, state to health.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DependencyHealth } from '../../telemetry/types.ts';
import type { SimulatedCluster } from '../cluster.ts';
import type { LogLine } from '../logs.ts';
import { toLokiPush, toOtlpTraceRequest } from '../shapes.ts';
import type { TraceData } from '../traces.ts';
import { BatchPusher, type PusherStats } from './pusher.ts';

export interface PushEndpoint {
  /** Base URL: Loki's (…:3100), or the OTLP/HTTP receiver's (…:4318). */
  url: string;
  bearerToken?: string | undefined;
  timeoutMs?: number;
}

export interface SimulatorPushOptions {
  loki?: PushEndpoint | undefined;
  tempo?: PushEndpoint | undefined;
  /** How often the cluster is read and the queues flushed. Default 2000. */
  intervalMs?: number;
  /** How far back the first read goes (the demo's pre-computed history). Default one hour. */
  backfillMs?: number;
  /** The most simulated time one read covers (a long backfill is read over several ticks). Default 5 min. */
  maxReadWindowMs?: number;
  /** Queue capacities (items). Defaults: 100 000 log lines, 10 000 traces. */
  logCapacity?: number;
  traceCapacity?: number;
  /** Items per request. Defaults: 2 000 log lines, 50 traces. */
  logBatchSize?: number;
  traceBatchSize?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** The sidecar's metrics registry, for the push counters. */
  registry?: Registry | undefined;
  fetchImpl?: typeof fetch;
  /** Wall clock, for backoff. */
  now?: () => number;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

export class SimulatorPush {
  readonly loki: BatchPusher<LogLine> | undefined;
  readonly tempo: BatchPusher<TraceData> | undefined;
  private readonly intervalMs: number;
  private readonly maxReadWindowMs: number;
  /** The last simulated time read (unix ms); the next read starts right after it. */
  private cursorMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: SimulatedCluster,
    opts: SimulatorPushOptions
  ) {
    this.intervalMs = opts.intervalMs ?? 2000;
    this.maxReadWindowMs = opts.maxReadWindowMs ?? 5 * 60_000;
    const backfillMs = opts.backfillMs ?? 3600_000;
    this.cursorMs = Math.max(cluster.historyRange().startMs, cluster.now() - backfillMs) - 1;
    const common = {
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
    };
    if (opts.loki) {
      this.loki = new BatchPusher<LogLine>({
        name: 'loki-push',
        items: 'log lines',
        url: `${trimSlash(opts.loki.url)}/loki/api/v1/push`,
        body: (batch) => toLokiPush(batch),
        batchSize: opts.logBatchSize ?? 2000,
        capacity: opts.logCapacity ?? 100_000,
        timeoutMs: opts.loki.timeoutMs ?? 10_000,
        bearerToken: opts.loki.bearerToken,
        ...common,
      });
    }
    if (opts.tempo) {
      this.tempo = new BatchPusher<TraceData>({
        name: 'tempo-push',
        items: 'traces',
        url: `${trimSlash(opts.tempo.url)}/v1/traces`,
        body: (batch) => toOtlpTraceRequest(batch, (service, timeMs) => cluster.versionAt(service, timeMs)),
        batchSize: opts.traceBatchSize ?? 50,
        capacity: opts.traceCapacity ?? 10_000,
        timeoutMs: opts.tempo.timeoutMs ?? 10_000,
        bearerToken: opts.tempo.bearerToken,
        ...common,
      });
    }
    if (opts.registry) {
      this.registerMetrics(opts.registry);
    }
  }

  /** Reads what the cluster produced since the last read (up to `maxWindows` windows) into the queues. */
  collect(maxWindows = 3): void {
    for (let w = 0; w < maxWindows; w++) {
      const now = this.cluster.now();
      if (this.cursorMs >= now) {
        return;
      }
      // Clamp to the retained history: what fell out of it while the reads were behind is gone.
      const startMs = Math.max(this.cursorMs + 1, this.cluster.historyRange().startMs);
      const endMs = Math.min(now, startMs + this.maxReadWindowMs);
      if (this.loki) {
        this.loki.enqueue(this.cluster.logs({ startMs, endMs, limit: Number.MAX_SAFE_INTEGER, direction: 'forward' }));
      }
      if (this.tempo) {
        this.tempo.enqueue(this.cluster.traces({ startMs, endMs, limit: Number.MAX_SAFE_INTEGER }));
      }
      this.cursorMs = endMs;
    }
  }

  /** Flushes both queues (each skips while backing off). */
  async flush(): Promise<void> {
    await Promise.all([this.loki?.flush(), this.tempo?.flush()]);
  }

  /** Reads and flushes every `intervalMs` until stopped. */
  start(onError?: (err: unknown) => void): void {
    if (this.timer) {
      return;
    }
    const tick = (): void => {
      try {
        this.collect();
      } catch (err) {
        onError?.(err);
      }
      this.flush().catch((err: unknown) => onError?.(err));
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    tick();
  }

  /** Stops the timer and tries one last flush, waiting at most `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.flush().catch(() => undefined),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, graceMs);
        timeout.unref();
      }),
    ]);
    clearTimeout(timeout);
  }

  stats(): { loki?: PusherStats; tempo?: PusherStats } {
    return {
      ...(this.loki ? { loki: this.loki.snapshot() } : {}),
      ...(this.tempo ? { tempo: this.tempo.snapshot() } : {}),
    };
  }

  /** Health entries, one per upstream ('loki-push', 'tempo-push'). */
  healthChecks(): Record<string, () => Promise<DependencyHealth>> {
    const out: Record<string, () => Promise<DependencyHealth>> = {};
    for (const p of [this.loki, this.tempo]) {
      if (p) {
        out[p.name] = async () => p.health();
      }
    }
    return out;
  }

  private registerMetrics(registry: Registry): void {
    const items = new Counter({
      name: 'aidpe_sim_push_items_total',
      help: "The embedded cluster's telemetry pushed to Loki/Tempo, by outcome (sent, dropped: queue full, rejected: a 4xx).",
      labelNames: ['target', 'outcome'] as const,
      registers: [registry],
    });
    const requests = new Counter({
      name: 'aidpe_sim_push_requests_total',
      help: 'Push requests to Loki/Tempo by result (ok, failed).',
      labelNames: ['target', 'result'] as const,
      registers: [registry],
    });
    const pushers = [this.loki, this.tempo].filter((p): p is BatchPusher<LogLine> | BatchPusher<TraceData> => !!p);
    new Gauge({
      name: 'aidpe_sim_push_queue_items',
      help: 'Items waiting in the push queue per target.',
      labelNames: ['target'] as const,
      registers: [registry],
      collect() {
        for (const p of pushers) {
          this.set({ target: p.name }, p.snapshot().queued);
        }
      },
    });
    for (const p of pushers) {
      const target = p.name;
      for (const outcome of ['sent', 'dropped', 'rejected']) {
        items.inc({ target, outcome }, 0);
      }
      p.onCounts({
        sent: (n) => items.inc({ target, outcome: 'sent' }, n),
        dropped: (n, reason) => items.inc({ target, outcome: reason === 'rejected' ? 'rejected' : 'dropped' }, n),
        request: (ok) => requests.inc({ target, result: ok ? 'ok' : 'failed' }),
      });
    }
  }
}
