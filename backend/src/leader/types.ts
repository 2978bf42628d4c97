/**
 * Leader election between sidecar replicas: every replica serves reads, exactly one (the leader) runs the
 * action loop. An elector campaigns until stopped and tells its owner when it starts and stops leading.
 */

export interface LeadershipCallbacks {
  /** Called once each time this replica becomes the leader. */
  onStartedLeading(): void | Promise<void>;
  /** Called once each time it stops leading (lost the lease or lock, or stop()). */
  onStoppedLeading(): void | Promise<void>;
}

export interface LeaderElector {
  readonly kind: 'kubernetes-lease' | 'postgres-advisory-lock' | 'single-replica';
  /** This replica's identity (the Lease's holderIdentity). */
  readonly identity: string;
  isLeader(): boolean;
  /** Campaigns in the background until stop(). */
  start(callbacks: LeadershipCallbacks): void;
  /** Stops campaigning and gives leadership up at once (the next replica need not wait for expiry). */
  stop(): Promise<void>;
}

export interface ElectionTiming {
  /** How long a leader's claim holds without renewal; followers take over after it (ms). */
  leaseDurationMs: number;
  /** A leader that could not renew for this long stops acting; shorter than the lease duration (ms). */
  renewDeadlineMs: number;
  /** The period of renewals and of followers' attempts (ms). */
  retryPeriodMs: number;
}

/** client-go's leader-election defaults. */
export const DEFAULT_ELECTION_TIMING: ElectionTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export function checkTiming(t: ElectionTiming): void {
  if (!(t.retryPeriodMs > 0)) {
    throw new Error(`leader election: retryPeriod must be > 0, got ${t.retryPeriodMs} ms`);
  }
  if (!(t.renewDeadlineMs > t.retryPeriodMs)) {
    throw new Error(
      `leader election: renewDeadline (${t.renewDeadlineMs} ms) must be longer than retryPeriod (${t.retryPeriodMs} ms)`
    );
  }
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) {
    throw new Error(
      `leader election: leaseDuration (${t.leaseDurationMs} ms) must be longer than renewDeadline (${t.renewDeadlineMs} ms)`
    );
  }
}

/** Sleeps `ms`, or less when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The promise's value, or `fallback` when it has not settled within `ms` (the promise itself runs on). */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
