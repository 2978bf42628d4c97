/**
 * A batching push client for one upstream (Loki's push API, an OTLP/HTTP trace endpoint): items wait in a
 * bounded queue (drop-oldest), each flush POSTs batches as JSON; a failure that may pass (no answer, a
 * timeout, 429, 5xx) puts the batch back and waits an exponential backoff before the next try, while an
 * answer that will not change (another 4xx) drops the batch as rejected. Counts everything for /metrics and
 * says how it is doing as a health entry.
 */
import type { DependencyHealth } from '../../telemetry/types.ts';
import { BoundedQueue } from './queue.ts';

export interface PusherOptions<T> {
  /** Health/metrics name, e.g. 'loki-push'. */
  name: string;
  /** What is pushed, for messages ("log lines", "traces"). */
  items: string;
  /** The endpoint URL the batches are POSTed to. */
  url: string;
  /** The JSON body of one batch. */
  body: (batch: readonly T[]) => unknown;
  /** Items per request. */
  batchSize: number;
  /** Items kept while the upstream is slow or down; beyond it the oldest are dropped. */
  capacity: number;
  timeoutMs: number;
  bearerToken?: string | undefined;
  /** Backoff after a failed attempt: initialMs, doubled per consecutive failure, at most maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  /** Requests one flush may make (so a backlog drains over several flushes). Default 20. */
  maxRequestsPerFlush?: number;
  now?: () => number;
  fetchImpl?: typeof fetch;
}

export interface PusherStats {
  queued: number;
  sent: number;
  /** Dropped because the queue was full (the upstream was down or slow for too long). */
  dropped: number;
  /** Dropped because the upstream refused the batch (a 4xx other than 429). */
  rejected: number;
  requests: number;
  failedRequests: number;
  consecutiveFailures: number;
  lastSuccessMs: number | undefined;
  lastError: { message: string; atMs: number } | undefined;
  /** When the next attempt may go out (after a failure). */
  nextAttemptMs: number | undefined;
}

/** Listener for counts as they change (the /metrics counters). */
export interface PusherListener {
  sent(n: number): void;
  dropped(n: number, reason: 'queue_full' | 'rejected'): void;
  request(ok: boolean): void;
}

const snippet = (text: string, max = 200): string => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
};

export class BatchPusher<T> {
  readonly name: string;
  readonly url: string;
  private readonly queue: BoundedQueue<T>;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly listeners: PusherListener[] = [];
  private stats: Omit<PusherStats, 'queued' | 'dropped'> = {
    sent: 0,
    rejected: 0,
    requests: 0,
    failedRequests: 0,
    consecutiveFailures: 0,
    lastSuccessMs: undefined,
    lastError: undefined,
    nextAttemptMs: undefined,
  };
  private flushing: Promise<void> | undefined;

  constructor(private readonly opts: PusherOptions<T>) {
    this.name = opts.name;
    this.url = opts.url;
    this.queue = new BoundedQueue<T>(opts.capacity);
    this.now = opts.now ?? Date.now;
    this.fetchImpl = opts.fetchImpl ?? fetch;
    this.backoff = opts.backoff ?? { initialMs: 1000, maxMs: 60_000 };
  }

  onCounts(listener: PusherListener): void {
    this.listeners.push(listener);
  }

  enqueue(items: readonly T[]): void {
    const dropped = this.queue.push(items);
    if (dropped > 0) {
      for (const l of this.listeners) {
        l.dropped(dropped, 'queue_full');
      }
    }
  }

  snapshot(): PusherStats {
    return { ...this.stats, queued: this.queue.size, dropped: this.queue.dropped };
  }

  /** Sends what is queued, batch by batch, unless backing off; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const maxRequests = this.opts.maxRequestsPerFlush ?? 20;
    for (let r = 0; r < maxRequests && this.queue.size > 0; r++) {
      if (this.stats.nextAttemptMs !== undefined && this.now() < this.stats.nextAttemptMs) {
        return;
      }
      const batch = this.queue.take(this.opts.batchSize);
      const outcome = await this.send(batch);
      if (outcome === 'retry') {
        const dropped = this.queue.requeue(batch);
        if (dropped > 0) {
          for (const l of this.listeners) {
            l.dropped(dropped, 'queue_full');
          }
        }
        return;
      }
    }
  }

  /** One request; 'retry' when the batch should be sent again later. */
  private async send(batch: readonly T[]): Promise<'done' | 'retry'> {
    this.stats.requests++;
    let failure: { message: string; retry: boolean };
    try {
      const res = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.opts.bearerToken ? { authorization: `Bearer ${this.opts.bearerToken}` } : {}),
        },
        body: JSON.stringify(this.opts.body(batch)),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const text = await res.text().catch(() => '');
      if (res.ok) {
        this.succeeded(batch.length);
        return 'done';
      }
      const retry = res.status === 429 || res.status >= 500;
      failure = { message: `${res.status} ${snippet(text) || res.statusText}`.trim(), retry };
    } catch (err) {
      const e = err as Error;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = e.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : (cause?.code ?? e.message);
      failure = { message: `unreachable: ${why}`, retry: true };
    }
    this.failed(failure.message);
    if (!failure.retry) {
      this.stats.rejected += batch.length;
      for (const l of this.listeners) {
        l.dropped(batch.length, 'rejected');
      }
      // A refused batch is not retried; the next one may go at once.
      this.stats.nextAttemptMs = undefined;
      return 'done';
    }
    return 'retry';
  }

  private succeeded(n: number): void {
    this.stats.sent += n;
    this.stats.consecutiveFailures = 0;
    this.stats.nextAttemptMs = undefined;
    this.stats.lastSuccessMs = this.now();
    for (const l of this.listeners) {
      l.request(true);
      l.sent(n);
    }
  }

  private failed(message: string): void {
    const now = this.now();
    this.stats.failedRequests++;
    this.stats.consecutiveFailures++;
    this.stats.lastError = { message, atMs: now };
    const wait = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (this.stats.consecutiveFailures - 1));
    this.stats.nextAttemptMs = now + wait;
    for (const l of this.listeners) {
      l.request(false);
    }
  }

  /**
   * Up while pushes succeed (or nothing failed yet); degraded while failing with the batch kept for a retry;
   * down once telemetry is being lost (the queue overflowed since the last success).
   */
  health(): DependencyHealth {
    const s = this.snapshot();
    const checkedAt = new Date().toISOString();
    const counts = `${s.sent} ${this.opts.items} pushed, ${s.queued} queued, ${s.dropped} dropped (queue full), ${s.rejected} rejected`;
    const lastError = s.lastError
      ? { message: s.lastError.message, at: new Date(s.lastError.atMs).toISOString() }
      : undefined;
    if (s.consecutiveFailures === 0) {
      return {
        name: this.name,
        state: 'up',
        detail: `${this.url}: ${counts}`,
        checkedAt,
        ...(lastError ? { lastError } : {}),
      };
    }
    const retryIn = s.nextAttemptMs !== undefined ? Math.max(0, Math.ceil((s.nextAttemptMs - this.now()) / 1000)) : 0;
    const losing = s.queued >= this.opts.capacity;
    return {
      name: this.name,
      state: losing ? 'down' : 'degraded',
      detail:
        `${this.url}: ${s.consecutiveFailures} failed attempt(s) in a row, retrying in ${retryIn} s` +
        `${losing ? '; the queue is full and the oldest are dropped' : ''}; ${counts}`,
      checkedAt,
      ...(lastError ? { lastError } : {}),
    };
  }
}
