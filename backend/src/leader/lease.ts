/**
 * Leader election on a coordination.k8s.io/v1 Lease, the way client-go's leaderelection does it:
 * - a follower reads the Lease each retry period and takes it (a JSON merge patch carrying the read
 *   resourceVersion, so of two contenders exactly one wins; the other gets 409) once the holder has not
 *   renewed for leaseDuration — measured on this replica's own clock from when it last saw the Lease
 *   change, so clocks that disagree between nodes do not matter;
 * - the leader renews each retry period and stops acting when it could not renew for renewDeadline,
 *   which is shorter than leaseDuration: it has stopped before anyone else may start;
 * - stop() releases the Lease (empty holder), so a successor need not wait for it to expire.
 */
import { ApiException, CoordinationV1Api, PatchStrategy, V1MicroTime, setHeaderOptions } from '@kubernetes/client-node';
import type { ConfigurationOptions, KubeConfig, V1Lease } from '@kubernetes/client-node';
import { timeoutMiddleware } from '../automation/kubernetesActuator.ts';
import {
  checkTiming,
  DEFAULT_ELECTION_TIMING,
  sleep,
  within,
  type ElectionTiming,
  type LeaderElector,
  type LeadershipCallbacks,
} from './types.ts';

export interface LeaseElectorOptions extends Partial<ElectionTiming> {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The Lease's name (default `aidpe-action-loop`, the name deploy/rbac/leader-election.yaml allows). */
  name?: string;
  identity: string;
  /** Time limit of each API call (default: the retry period). */
  requestTimeoutMs?: number;
  /** Told about failed API calls (the elector keeps campaigning). */
  onError?: (err: unknown) => void;
  now?: () => number;
}

export const DEFAULT_LEASE_NAME = 'aidpe-action-loop';

type Round = 'holding' | 'held_by_other' | 'failed';

/** What this replica last saw of the Lease, and when (on its own clock). */
interface Observation {
  holder: string;
  renewTime: string;
  resourceVersion: string;
  observedAtMs: number;
}

function microTime(ms: number): V1MicroTime {
  return new V1MicroTime(ms);
}

function timeText(t: unknown): string {
  return t instanceof Date ? t.toISOString() : String(t ?? '');
}

export class LeaseElector implements LeaderElector {
  readonly kind = 'kubernetes-lease' as const;
  readonly identity: string;
  readonly name: string;
  readonly namespace: string;
  private readonly timing: ElectionTiming;
  private readonly api: CoordinationV1Api;
  private readonly options: ConfigurationOptions;
  private readonly mergePatch: ConfigurationOptions;
  private readonly onError: (err: unknown) => void;
  private readonly now: () => number;
  private readonly requestTimeoutMs: number;
  private observed: Observation | undefined;
  private leading = false;
  private lastRenewMs = 0;
  private abort: AbortController | undefined;
  private campaign: Promise<void> | undefined;
  private callbacks: LeadershipCallbacks | undefined;

  constructor(o: LeaseElectorOptions) {
    this.timing = {
      leaseDurationMs: o.leaseDurationMs ?? DEFAULT_ELECTION_TIMING.leaseDurationMs,
      renewDeadlineMs: o.renewDeadlineMs ?? DEFAULT_ELECTION_TIMING.renewDeadlineMs,
      retryPeriodMs: o.retryPeriodMs ?? DEFAULT_ELECTION_TIMING.retryPeriodMs,
    };
    checkTiming(this.timing);
    if (this.timing.leaseDurationMs % 1000 !== 0) {
      throw new Error(
        `leader election: the Lease stores whole seconds; got leaseDuration ${this.timing.leaseDurationMs} ms`
      );
    }
    this.identity = o.identity;
    this.name = o.name ?? DEFAULT_LEASE_NAME;
    this.namespace = o.namespace;
    this.onError = o.onError ?? (() => undefined);
    this.now = o.now ?? Date.now;
    this.api = o.kubeConfig.makeApiClient(CoordinationV1Api);
    this.requestTimeoutMs = o.requestTimeoutMs ?? this.timing.retryPeriodMs;
    this.options = { middleware: [timeoutMiddleware(this.requestTimeoutMs)], middlewareMergeStrategy: 'append' };
    // The generated client would send PATCH as application/json-patch+json; the body here is a merge patch.
    this.mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch, this.options);
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
    await this.release();
    await this.stepDown();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // A round is two requests; one that hangs anyway (before its own timeout applies) counts as failed.
      const round = await within(this.tryAcquireOrRenew(), 2 * this.requestTimeoutMs, 'failed' as Round);
      if (signal.aborted) {
        return; // stop() releases the Lease and steps down itself
      }
      if (round === 'holding') {
        this.lastRenewMs = this.now();
        if (!this.leading) {
          this.leading = true;
          await this.safely(() => this.callbacks?.onStartedLeading());
        }
      } else if (
        this.leading &&
        (round === 'held_by_other' || this.now() - this.lastRenewMs >= this.timing.renewDeadlineMs)
      ) {
        await this.stepDown();
      }
      // Followers add jitter so that contenders do not retry in lockstep.
      const jitter = this.leading ? 0 : Math.random() * 0.2 * this.timing.retryPeriodMs;
      await sleep(this.timing.retryPeriodMs + jitter, signal);
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

  /** One round: whether this replica holds the Lease afterwards, another one does, or the API failed. */
  async tryAcquireOrRenew(): Promise<Round> {
    const nowMs = this.now();
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace }, this.options);
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) {
        return this.create(nowMs);
      }
      this.onError(err);
      return 'failed';
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const seen: Observation = {
      holder,
      renewTime: timeText(spec.renewTime),
      resourceVersion: lease.metadata?.resourceVersion ?? '',
      observedAtMs: nowMs,
    };
    if (
      !this.observed ||
      this.observed.holder !== seen.holder ||
      this.observed.renewTime !== seen.renewTime ||
      this.observed.resourceVersion !== seen.resourceVersion
    ) {
      this.observed = seen;
    }
    const durationMs = (spec.leaseDurationSeconds ?? this.timing.leaseDurationMs / 1000) * 1000;
    if (holder !== '' && holder !== this.identity && this.observed.observedAtMs + durationMs > nowMs) {
      return 'held_by_other'; // renewed within the lease duration
    }
    const takingOver = holder !== this.identity;
    const patch = {
      metadata: { resourceVersion: seen.resourceVersion },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: this.timing.leaseDurationMs / 1000,
        renewTime: microTime(nowMs),
        ...(takingOver
          ? { acquireTime: microTime(nowMs), leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === '' ? 0 : 1) }
          : {}),
      },
    };
    try {
      const updated = await this.api.patchNamespacedLease(
        { name: this.name, namespace: this.namespace, body: JSON.parse(JSON.stringify(patch)) },
        this.mergePatch
      );
      this.observed = {
        holder: this.identity,
        renewTime: timeText(updated.spec?.renewTime),
        resourceVersion: updated.metadata?.resourceVersion ?? '',
        observedAtMs: nowMs,
      };
      return 'holding';
    } catch (err) {
      // 409: another replica wrote the Lease since it was read; it won this round.
      if (err instanceof ApiException && err.code === 409) {
        return 'held_by_other';
      }
      this.onError(err);
      return 'failed';
    }
  }

  private async create(nowMs: number): Promise<Round> {
    try {
      const created = await this.api.createNamespacedLease(
        {
          namespace: this.namespace,
          body: {
            metadata: { name: this.name, namespace: this.namespace },
            spec: {
              holderIdentity: this.identity,
              leaseDurationSeconds: this.timing.leaseDurationMs / 1000,
              acquireTime: microTime(nowMs),
              renewTime: microTime(nowMs),
              leaseTransitions: 0,
            },
          },
        },
        this.options
      );
      this.observed = {
        holder: this.identity,
        renewTime: timeText(created.spec?.renewTime),
        resourceVersion: created.metadata?.resourceVersion ?? '',
        observedAtMs: nowMs,
      };
      return 'holding';
    } catch (err) {
      // 409 AlreadyExists: another replica created it first.
      if (err instanceof ApiException && err.code === 409) {
        return 'held_by_other';
      }
      this.onError(err);
      return 'failed';
    }
  }

  /** Gives the Lease up (empty holder, as client-go's ReleaseOnCancel), if this replica still holds it. */
  private async release(): Promise<void> {
    if (!this.observed || this.observed.holder !== this.identity) {
      return;
    }
    try {
      await this.api.patchNamespacedLease(
        {
          name: this.name,
          namespace: this.namespace,
          body: {
            metadata: { resourceVersion: this.observed.resourceVersion },
            spec: { holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(this.now()) },
          },
        },
        this.mergePatch
      );
    } catch (err) {
      this.onError(err); // it expires by itself
    }
  }
}
