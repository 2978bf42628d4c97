/**
 * Leader election against the real servers: the Lease elector against kube-apiserver (as the sidecar's
 * ServiceAccount, which the shipped RBAC allows exactly this Lease), and the advisory-lock elector against
 * a real PostgreSQL. Exactly one of two contenders leads; the other takes over when the leader stops
 * (at once: it releases), freezes (after the lease expires; the frozen one steps down first) or dies.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { AdvisoryLockElector } from '../../src/leader/advisoryLock.ts';
import { DEFAULT_LEASE_NAME, LeaseElector } from '../../src/leader/lease.ts';
import type { LeaderElector } from '../../src/leader/types.ts';
import {
  kubeControlPlaneMissing,
  startKubeControlPlane,
  type BeforeRequest,
  type KubeControlPlane,
} from '../helpers/kubeControlPlane.ts';
import { startPostgres, type RunningPostgres } from '../helpers/postgresServer.ts';
import pg from 'pg';
import { installSidecarRbac, SIDECAR_NAMESPACE } from './fixtures.ts';

const skip = kubeControlPlaneMissing();
const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };

/** Records each replica's leadership as a timeline, so the test can check that two never overlap. */
class Timeline {
  readonly events: Array<{ who: string; leading: boolean; atMs: number }> = [];
  callbacks(who: string) {
    return {
      onStartedLeading: () => void this.events.push({ who, leading: true, atMs: Date.now() }),
      onStoppedLeading: () => void this.events.push({ who, leading: false, atMs: Date.now() }),
    };
  }
  /** Never two leaders at once (as each replica itself believed). */
  assertNoOverlap(): void {
    const leading = new Set<string>();
    for (const e of this.events) {
      if (e.leading) {
        assert.equal(leading.size, 0, `${e.who} started leading while ${[...leading].join(',')} led`);
        leading.add(e.who);
      } else {
        leading.delete(e.who);
      }
    }
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  while (!(await ok())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

const leaderOf = (electors: LeaderElector[]): LeaderElector[] => electors.filter((e) => e.isLeader());

describe('leader election on a Lease (kube-apiserver)', { skip }, () => {
  let cp: KubeControlPlane;
  let token: string;
  before(async () => {
    cp = await startKubeControlPlane({ controllerManager: false });
    token = await installSidecarRbac(cp, []);
  });
  after(() => cp?.stop());

  /** Each test starts without the Lease (the shipped Role allows the sidecar this one name only). */
  const freshLease = async (): Promise<string> => {
    await cp.admin
      .makeApiClient(CoordinationV1Api)
      .deleteNamespacedLease({ name: DEFAULT_LEASE_NAME, namespace: SIDECAR_NAMESPACE })
      .catch(() => undefined);
    return DEFAULT_LEASE_NAME;
  };
  const elector = (identity: string, name: string, beforeRequest?: BeforeRequest): LeaseElector =>
    new LeaseElector({
      kubeConfig: cp.kubeConfigForToken(token, beforeRequest),
      namespace: SIDECAR_NAMESPACE,
      name,
      identity,
      ...TIMING,
    });

  it('the shipped RBAC allows the sidecar its own Lease and no other', async () => {
    const a = elector('a', await freshLease());
    a.start(new Timeline().callbacks('a'));
    await until('a leads', () => a.isLeader());
    await a.stop();
    const probe = (namespace: string, name: string, errors: unknown[]) =>
      new LeaseElector({
        kubeConfig: cp.kubeConfigForToken(token),
        namespace,
        name,
        identity: 'probe',
        onError: (e) => errors.push(e),
        ...TIMING,
      });
    // Another Lease in its namespace: reading it is refused (403, not 404), so it is never created either.
    const otherName: unknown[] = [];
    assert.equal(await probe(SIDECAR_NAMESPACE, 'someone-elses-lease', otherName).tryAcquireOrRenew(), 'failed');
    assert.equal((otherName[0] as { code?: number }).code, 403);
    // Any Lease in another namespace (here the controllers' own): refused outright.
    const otherNamespace: unknown[] = [];
    assert.equal(await probe('kube-system', 'kube-controller-manager', otherNamespace).tryAcquireOrRenew(), 'failed');
    assert.equal((otherNamespace[0] as { code?: number }).code, 403);
  });

  it('exactly one of two leads; stop() releases and the other takes over at once', async () => {
    const name = await freshLease();
    const timeline = new Timeline();
    const a = elector('a', name);
    const b = elector('b', name);
    a.start(timeline.callbacks('a'));
    b.start(timeline.callbacks('b'));
    await until('a leader', () => leaderOf([a, b]).length === 1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(leaderOf([a, b]).length, 1, 'still exactly one after several renewals');
    const [first] = leaderOf([a, b]);
    const second = first === a ? b : a;
    const stoppedAt = Date.now();
    await first!.stop();
    await until('the other takes over', () => second.isLeader());
    assert.ok(Date.now() - stoppedAt < TIMING.leaseDurationMs, 'a released lease is taken before it would expire');
    const lease = await cp.admin
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name, namespace: SIDECAR_NAMESPACE });
    assert.equal(lease.spec?.holderIdentity, second.identity);
    assert.equal(lease.spec?.leaseTransitions, 0, 'a release and a new holder: no forced transition');
    await second.stop();
    timeline.assertNoOverlap();
  });

  it('a frozen leader steps down within the renew deadline; the other takes over after the lease expires', async (t) => {
    const name = await freshLease();
    const timeline = new Timeline();
    let frozen = false;
    const hang: BeforeRequest = () => (frozen ? new Promise<void>(() => undefined) : Promise.resolve());
    const a = elector('a', name, hang);
    a.start(timeline.callbacks('a'));
    await until('a leads', () => a.isLeader());
    const b = elector('b', name);
    b.start(timeline.callbacks('b'));
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(a.isLeader() && !b.isLeader());
    frozen = true; // a's API calls now never answer (a partition, a stuck process)
    const frozenAt = Date.now();
    await until('b takes over', () => b.isLeader(), 10_000);
    const takeoverMs = Date.now() - frozenAt;
    t.diagnostic(`took over ${takeoverMs} ms after the leader froze (lease ${TIMING.leaseDurationMs} ms)`);
    const aStopped = timeline.events.find((e) => e.who === 'a' && !e.leading);
    const bStarted = timeline.events.find((e) => e.who === 'b' && e.leading);
    assert.ok(aStopped && bStarted && aStopped.atMs <= bStarted.atMs, JSON.stringify(timeline.events));
    assert.ok(
      takeoverMs <= TIMING.leaseDurationMs + 3 * TIMING.retryPeriodMs + 1000,
      `took over in ${takeoverMs} ms (lease ${TIMING.leaseDurationMs} ms)`
    );
    timeline.assertNoOverlap();
    await b.stop();
    frozen = false;
    await a.stop(); // its hung round gives up after the request timeout; then it campaigns no more
  });
});

describe('leader election on a PostgreSQL advisory lock', () => {
  let db: RunningPostgres;
  before(async () => {
    db = await startPostgres();
  });
  after(() => db?.stop());

  const elector = (identity: string): AdvisoryLockElector =>
    new AdvisoryLockElector({ url: db.url, identity, renewDeadlineMs: 1000, retryPeriodMs: 200 });

  it('exactly one of two leads; a killed leader process frees the lock and the other takes over', async (t) => {
    // The first contender is another process, so that it can be killed outright (SIGKILL, no cleanup).
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, '..', 'helpers', 'advisoryLockHolder.ts'), db.url],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      }
    );
    const leading = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('leading') && resolve());
      child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before leading`)));
    });
    await leading;
    const timeline = new Timeline();
    const b = elector('b');
    b.start(timeline.callbacks('b'));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(b.isLeader(), false, 'the lock is held by the other process');
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await until('b takes over', () => b.isLeader(), 10_000);
    const takeoverMs = Date.now() - killedAt;
    t.diagnostic(`took over ${takeoverMs} ms after the kill`);
    assert.ok(takeoverMs < 2000, `took over ${takeoverMs} ms after the kill`);
    await b.stop();
  });

  it('a leader whose session the server ends steps down; the other leads', async () => {
    const timeline = new Timeline();
    const a = elector('a');
    const b = elector('b');
    a.start(timeline.callbacks('a'));
    await until('a leads', () => a.isLeader());
    b.start(timeline.callbacks('b'));
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(a.isLeader() && !b.isLeader());
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'aidpe-leader a'"
    );
    await admin.end();
    await until('b takes over', () => b.isLeader() && !a.isLeader(), 5000);
    // The lock left with a's session, so b may get it before a's next check notices: a's belief lags by up
    // to one retry period (unlike a Lease, whose holder stops before it can expire).
    const aStopped = timeline.events.find((e) => e.who === 'a' && !e.leading);
    const bStarted = timeline.events.find((e) => e.who === 'b' && e.leading);
    assert.ok(aStopped && bStarted, JSON.stringify(timeline.events));
    assert.ok(aStopped.atMs - bStarted.atMs < 200 + 1000, JSON.stringify(timeline.events));
    await a.stop();
    await b.stop();
    await until('a campaigns no more', () => !a.isLeader());
  });
});
