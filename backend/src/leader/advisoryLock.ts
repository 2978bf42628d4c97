/**
 * Leader election on a PostgreSQL session-level advisory lock, for replicas that share a PostgreSQL store
 * but have no Kubernetes API (the simulator actuator, or a store-only deployment). The leader is the replica
 * whose own connection holds `pg_try_advisory_lock(key)`; PostgreSQL releases it when that session ends,
 * so a killed leader's lock is free as soon as the server sees its connection close. The leader checks its
 * session each retry period and stops acting when the check fails for renewDeadline (or at once when the
 * connection is gone: the lock went with it).
 */
import pg from 'pg';
import {
  checkTiming,
  DEFAULT_ELECTION_TIMING,
  sleep,
  type ElectionTiming,
  type LeaderElector,
  type LeadershipCallbacks,
} from './types.ts';

/** The lock's two-part key: (class, object). The store's schema migration uses pg_advisory_xact_lock(4242001). */
export const ACTION_LOOP_LOCK_KEY: readonly [number, number] = [4242, 2];

export interface AdvisoryLockElectorOptions extends Partial<Omit<ElectionTiming, 'leaseDurationMs'>> {
  /** postgres:// URL of the shared store. */
  url: string;
  identity: string;
  key?: readonly [number, number];
  onError?: (err: unknown) => void;
  now?: () => number;
}

export class AdvisoryLockElector implements LeaderElector {
  readonly kind = 'postgres-advisory-lock' as const;
  readonly identity: string;
  private readonly url: string;
  private readonly key: readonly [number, number];
  private readonly timing: Omit<ElectionTiming, 'leaseDurationMs'>;
  private readonly onError: (err: unknown) => void;
  private readonly now: () => number;
  private client: pg.Client | undefined;
  private clientBroken = false;
  private leading = false;
  private lastCheckMs = 0;
  private abort: AbortController | undefined;
  private campaign: Promise<void> | undefined;
  private callbacks: LeadershipCallbacks | undefined;

  constructor(o: AdvisoryLockElectorOptions) {
    this.timing = {
      renewDeadlineMs: o.renewDeadlineMs ?? DEFAULT_ELECTION_TIMING.renewDeadlineMs,
      retryPeriodMs: o.retryPeriodMs ?? DEFAULT_ELECTION_TIMING.retryPeriodMs,
    };
    checkTiming({ ...this.timing, leaseDurationMs: this.timing.renewDeadlineMs + 1 });
    this.url = o.url;
    this.identity = o.identity;
    this.key = o.key ?? ACTION_LOOP_LOCK_KEY;
    this.onError = o.onError ?? (() => undefined);
    this.now = o.now ?? Date.now;
  }

  isLeader(): boolean {
    return this.leading;
  }

  start(callbacks: LeadershipCallbacks): void {
    if (this.campaign) {
      throw new Error('leader election: already started');
    }
    this.callbacks = callbacks;
    this.abort = new AbortController();
    this.campaign = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    if (!this.campaign) {
      return;
    }
    this.abort?.abort();
    await this.campaign;
    this.campaign = undefined;
    // Closing the session releases the lock.
    await this.disconnect();
    await this.stepDown();
  }

  private async connect(): Promise<pg.Client> {
    if (this.client && !this.clientBroken) {
      return this.client;
    }
    await this.disconnect();
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.timing.retryPeriodMs,
      query_timeout: this.timing.retryPeriodMs,
      application_name: `aidpe-leader ${this.identity}`.slice(0, 63),
      keepAlive: true,
    });
    this.clientBroken = false;
    client.on('error', (err) => {
      this.clientBroken = true;
      this.onError(err);
    });
    client.on('end', () => {
      this.clientBroken = true;
    });
    this.client = client;
    await client.connect();
    return client;
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) {
      await c.end().catch(() => undefined);
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!this.leading) {
        if (await this.tryAcquire()) {
          this.leading = true;
          this.lastCheckMs = this.now();
          await this.safely(() => this.callbacks?.onStartedLeading());
        }
      } else {
        const check = await this.checkHeld();
        if (check === 'held') {
          this.lastCheckMs = this.now();
        } else if (check === 'lost' || this.now() - this.lastCheckMs >= this.timing.renewDeadlineMs) {
          // The session is gone (and the lock with it), or its state has been unknown too long.
          await this.disconnect();
          await this.stepDown();
        }
      }
      const jitter = this.leading ? 0 : Math.random() * 0.2 * this.timing.retryPeriodMs;
      await sleep(this.timing.retryPeriodMs + jitter, signal);
    }
  }

  private async tryAcquire(): Promise<boolean> {
    try {
      const client = await this.connect();
      const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
        this.key[0],
        this.key[1],
      ]);
      return r.rows[0]?.locked === true;
    } catch (err) {
      this.clientBroken = true;
      this.onError(err);
      return false;
    }
  }

  /** Whether this session still holds the lock (pg_locks shows it granted to this backend), or cannot tell. */
  private async checkHeld(): Promise<'held' | 'lost' | 'unknown'> {
    if (!this.client || this.clientBroken) {
      return 'lost';
    }
    try {
      const r = await this.client.query<{ held: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
           AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2) AS held`,
        [this.key[0], this.key[1]]
      );
      return r.rows[0]?.held === true ? 'held' : 'lost';
    } catch (err) {
      this.onError(err);
      return this.clientBroken ? 'lost' : 'unknown';
    }
  }

  private async stepDown(): Promise<void> {
    if (this.leading) {
      this.leading = false;
      await this.safely(() => this.callbacks?.onStoppedLeading());
    }
  }

  private async safely(fn: () => void | Promise<void> | undefined): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.onError(err);
    }
  }
}
