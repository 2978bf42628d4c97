/**
 * Runs the action loop on exactly one sidecar replica. Every replica builds the loop and serves reads (and
 * operator decisions, which the store's compare-and-set status changes keep single); only the elected
 * leader runs the loop's schedule: it reconciles what a previous leader left `applying`, then ticks. A
 * replica that loses leadership stops ticking; its successor starts only after the lease expired (or was
 * released), and the idempotency key on each workload keeps an action from being applied twice.
 *
 * Which election: a Lease when the loop drives Kubernetes; a PostgreSQL advisory lock when it does not but
 * the store is PostgreSQL (replicas share it); none when the store is a local SQLite file (one replica).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { AidpeConfig } from '../config/config.ts';
import type { ActionLoop } from '../automation/loop.ts';
import type { LeaderElector } from './types.ts';

const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** A replica that is always the leader: one sidecar with its own store. */
export class SingleReplica implements LeaderElector {
  readonly kind = 'single-replica' as const;
  readonly identity = 'single-replica';
  private leading = false;
  private callbacks: Parameters<LeaderElector['start']>[0] | undefined;
  isLeader(): boolean {
    return this.leading;
  }
  start(callbacks: Parameters<LeaderElector['start']>[0]): void {
    this.callbacks = callbacks;
    this.leading = true;
    void callbacks.onStartedLeading();
  }
  async stop(): Promise<void> {
    if (this.leading) {
      this.leading = false;
      await this.callbacks?.onStoppedLeading();
    }
  }
}

export function replicaIdentity(config: AidpeConfig): string {
  return config.leaderElection.identity ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The Lease's namespace: configured, else the pod's own (in-cluster), else kubernetes.namespace. */
export function leaseNamespace(config: AidpeConfig): string {
  if (config.leaderElection.namespace) {
    return config.leaderElection.namespace;
  }
  if (existsSync(IN_CLUSTER_NAMESPACE_FILE)) {
    return readFileSync(IN_CLUSTER_NAMESPACE_FILE, 'utf8').trim();
  }
  return config.kubernetes.namespace;
}

/** The elector for this configuration (see the module comment). */
export async function electorFor(
  config: AidpeConfig,
  actuatorKind: 'simulator' | 'kubernetes',
  onError: (err: unknown) => void
): Promise<LeaderElector> {
  const le = config.leaderElection;
  const timing = {
    leaseDurationMs: le.leaseDurationSeconds * 1000,
    renewDeadlineMs: le.renewDeadlineSeconds * 1000,
    retryPeriodMs: le.retryPeriodSeconds * 1000,
  };
  const identity = replicaIdentity(config);
  if (actuatorKind === 'kubernetes') {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const { LeaseElector } = await import('./lease.ts');
    const kubeConfig = new KubeConfig();
    if (config.kubernetes.kubeconfig) {
      kubeConfig.loadFromFile(config.kubernetes.kubeconfig);
    } else {
      kubeConfig.loadFromCluster();
    }
    if (config.kubernetes.context) {
      kubeConfig.setCurrentContext(config.kubernetes.context);
    }
    return new LeaseElector({ kubeConfig, namespace: leaseNamespace(config), identity, onError, ...timing });
  }
  if (config.storeUrl) {
    const { AdvisoryLockElector } = await import('./advisoryLock.ts');
    return new AdvisoryLockElector({
      url: config.storeUrl,
      identity,
      onError,
      renewDeadlineMs: timing.renewDeadlineMs,
      retryPeriodMs: timing.retryPeriodMs,
    });
  }
  return new SingleReplica();
}

/**
 * Starts the loop whenever this replica leads and stops it when it no longer does. Returns the function
 * that stops campaigning (and the loop), releasing leadership at once.
 */
export async function startActionLoopWhenLeading(
  config: AidpeConfig,
  loop: ActionLoop,
  onError: (err: unknown) => void,
  elector?: LeaderElector
): Promise<() => Promise<void>> {
  const { actuator } = await loop.status();
  const chosen = elector ?? (await electorFor(config, actuator, onError));
  loop.describeLeadership(() => ({ kind: chosen.kind, identity: chosen.identity, leading: chosen.isLeader() }));
  if (chosen.kind === 'single-replica') {
    // One replica: the loop starts before the sidecar answers, as without election.
    const stop = await loop.start(onError);
    return async () => stop();
  }
  let stopLoop: (() => void) | undefined;
  let retry: NodeJS.Timeout | undefined;
  const startLoop = async (): Promise<void> => {
    retry = undefined;
    if (!chosen.isLeader() || stopLoop) {
      return;
    }
    try {
      stopLoop = await loop.start(onError);
    } catch (err) {
      // Reconciling failed (the API or the store is down): try again while this replica still leads.
      onError(err);
      retry = setTimeout(() => void startLoop(), config.leaderElection.retryPeriodSeconds * 1000);
    }
  };
  chosen.start({
    onStartedLeading: startLoop,
    onStoppedLeading: () => {
      clearTimeout(retry);
      stopLoop?.();
      stopLoop = undefined;
    },
  });
  return async () => {
    clearTimeout(retry);
    await chosen.stop();
  };
}
