/**
 * Two sidecar processes (`aidpe serve`, live mode) against a real kube-apiserver, a real PostgreSQL store
 * they share and a real Prometheus: both serve reads, exactly one (the Lease holder) runs the action loop
 * and acts, the other takes over within the lease duration when the leader is killed (SIGKILL), and no
 * action is applied twice.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { DEFAULT_LEASE_NAME } from '../../src/leader/lease.ts';
import { ACTION_ID_ANNOTATION } from '../../src/automation/kubernetesActuator.ts';
import { kubeControlPlaneMissing, startKubeControlPlane, type KubeControlPlane } from '../helpers/kubeControlPlane.ts';
import { startPostgres, type RunningPostgres } from '../helpers/postgresServer.ts';
import { freePort, startPrometheus, type RunningPrometheus } from '../helpers/prometheusServer.ts';
import { cpuMetric, installSidecarRbac, seedWorkload, SIDECAR_NAMESPACE, stored } from './fixtures.ts';

const skip = kubeControlPlaneMissing();
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/aidpe.mjs');
const LEASE_SECONDS = 4;
const RETRY_SECONDS = 0.5;

/** Six hours of steady telemetry, one sample a minute up to now, as OpenMetrics for promtool's backfill. */
function steadyHistory(nowS: number): string {
  const families: Array<[string, string, number]> = [
    ['aidpe_test_rps', '{service="checkout"}', 120],
    ['aidpe_test_latency_p95_seconds', '{namespace="shop"}', 0.12],
    ['aidpe_test_error_ratio', '', 0],
    ['aidpe_test_cpu_utilization', '{deployment="checkout"}', 0.5],
    ['aidpe_test_ready_replicas', '{deployment="checkout"}', 3],
  ];
  const lines: string[] = [];
  for (const [name, labels, value] of families) {
    lines.push(`# TYPE ${name} gauge`);
    for (let t = nowS - 6 * 3600; t <= nowS; t += 60) {
      lines.push(`${name}${labels} ${value * (1 + 0.05 * Math.sin((t * 1000) / 600_000))} ${t}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

interface Replica {
  name: string;
  url: string;
  child: ChildProcess;
  log: () => string;
}

describe('two sidecar replicas against a real kube-apiserver and PostgreSQL', { skip }, () => {
  let cp: KubeControlPlane;
  let db: RunningPostgres;
  let prom: RunningPrometheus;
  const replicas: Replica[] = [];

  before(async () => {
    [cp, db, prom] = await Promise.all([
      startKubeControlPlane({ controllerManager: false }),
      startPostgres(),
      startPrometheus({ backfillOpenMetrics: steadyHistory(Math.floor(Date.now() / 1000) - 30) }),
    ]);
  });
  after(async () => {
    for (const r of replicas) {
      r.child.kill('SIGKILL');
    }
    await Promise.all([cp?.stop(), db?.stop(), prom?.stop()]);
  });

  async function startReplica(name: string, kubeconfig: string): Promise<Replica> {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...process.env,
        AIDPE_MODE: 'live',
        AIDPE_HOST: '127.0.0.1',
        AIDPE_PORT: String(port),
        AIDPE_LOG_LEVEL: 'warn',
        AIDPE_PROMETHEUS_URL: prom.url,
        AIDPE_KUBECONFIG: kubeconfig,
        AIDPE_STORE_URL: db.url,
        AIDPE_AUTOMATION_SERVICES: 'checkout=shop/checkout/checkout-hpa',
        AIDPE_QUERY_REQUEST_RATE: 'aidpe_test_rps{service="$service"}',
        AIDPE_QUERY_SLI_LATENCY_P95: 'aidpe_test_latency_p95_seconds{namespace="$namespace"}',
        AIDPE_QUERY_SLI_ERROR_RATIO: 'aidpe_test_error_ratio',
        AIDPE_QUERY_CPU_UTILIZATION: 'aidpe_test_cpu_utilization{deployment="$deployment"}',
        AIDPE_QUERY_READY_REPLICAS: 'aidpe_test_ready_replicas{deployment="$deployment"}',
        AIDPE_DEFAULT_ACTION_MODE: 'autonomous',
        AIDPE_AUTOMATION_INTERVAL_SECONDS: '5',
        AIDPE_LEADER_NAMESPACE: SIDECAR_NAMESPACE,
        AIDPE_LEADER_IDENTITY: name,
        AIDPE_LEADER_LEASE_SECONDS: String(LEASE_SECONDS),
        AIDPE_LEADER_RENEW_DEADLINE_SECONDS: '3',
        AIDPE_LEADER_RETRY_SECONDS: String(RETRY_SECONDS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const keep = (b: Buffer) => (log = (log + b.toString()).slice(-8000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const replica: Replica = { name, url: `http://127.0.0.1:${port}`, child, log: () => log };
    replicas.push(replica);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`${name} exited (${child.exitCode}):\n${log}`);
      }
      const ok = await fetch(`${replica.url}/api/v1/health`).then(
        (r) => r.status < 500,
        () => false
      );
      if (ok) {
        return replica;
      }
      if (Date.now() > deadline) {
        throw new Error(`${name} did not answer within 60 s:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const get = async <T>(r: Replica, path: string): Promise<T> => {
    const res = await fetch(`${r.url}${path}`);
    assert.equal(res.status, 200, `${r.name} ${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };
  const holder = async (): Promise<string | undefined> =>
    (
      await cp.admin
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: DEFAULT_LEASE_NAME, namespace: SIDECAR_NAMESPACE })
        .catch(() => undefined)
    )?.spec?.holderIdentity ?? undefined;
  const until = async <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> => {
    const deadline = Date.now() + ms;
    let v = await read();
    while (!ok(v)) {
      if (Date.now() > deadline) {
        throw new Error(
          `${what}: not within ${ms} ms (last: ${JSON.stringify(v)})\n${replicas.map((r) => `--- ${r.name}\n${r.log()}`).join('\n')}`
        );
      }
      await new Promise((r) => setTimeout(r, 100));
      v = await read();
    }
    return v;
  };
  interface Action {
    id: string;
    status: string;
  }
  const actionsOf = async (r: Replica): Promise<Action[]> =>
    (await get<{ actions: Action[] }>(r, '/api/v1/actions')).actions;

  it('exactly one acts, both serve reads, the other takes over within the lease duration, nothing applied twice', async (t) => {
    const token = await installSidecarRbac(cp, ['shop']);
    const target = await seedWorkload(cp, {
      namespace: 'shop',
      name: 'checkout',
      replicas: 3,
      hpa: { minReplicas: 2, maxReplicas: 10, metrics: [cpuMetric(70)] },
    });
    const kubeconfig = cp.writeKubeconfig(token, 'aidpe-sidecar');
    const [a, b] = await Promise.all([startReplica('replica-a', kubeconfig), startReplica('replica-b', kubeconfig)]);

    const first = await until('a leader', holder, (h) => h === 'replica-a' || h === 'replica-b');
    const leader = first === 'replica-a' ? a! : b!;
    const follower = leader === a ? b! : a!;
    const status = async (r: Replica) => get<{ running: boolean; lastRunAt?: string }>(r, '/api/v1/automation');
    await until(
      'the leader runs the loop',
      () => status(leader),
      (s) => s.running
    );
    assert.equal((await status(follower)).running, false, 'the follower does not run the loop');

    // The leader's loop acts: an action is applied to the workload, with its id on the HPA.
    const applied = await until(
      'an applied action',
      () => actionsOf(follower),
      (as) => as.some((x) => x.status === 'applied'),
      60_000
    );
    const action = applied.find((x) => x.status === 'applied')!;
    const onServer = await stored(cp, target);
    assert.equal(onServer.deployment.metadata.annotations?.[ACTION_ID_ANNOTATION], action.id);
    // Both serve reads, from the shared store.
    assert.deepEqual(
      (await actionsOf(leader)).map((x) => x.id),
      (await actionsOf(follower)).map((x) => x.id)
    );

    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await until('the follower holds the Lease', holder, (h) => h === follower.name, 15_000);
    const takeoverMs = Date.now() - killedAt;
    t.diagnostic(`the follower held the Lease ${takeoverMs} ms after the leader was killed (lease ${LEASE_SECONDS} s)`);
    assert.ok(
      takeoverMs <= (LEASE_SECONDS + 3 * RETRY_SECONDS) * 1000 + 1000,
      `taken over ${takeoverMs} ms after the kill (lease ${LEASE_SECONDS} s)`
    );
    await until(
      'the new leader runs the loop',
      () => status(follower),
      (s) => s.running
    );
    const ranAt = (await status(follower)).lastRunAt;
    await until(
      'the new leader ticks',
      () => status(follower),
      (s) => s.lastRunAt !== undefined && s.lastRunAt !== ranAt,
      20_000
    );

    // No action applied twice: one `action.applied` audit entry per action, and the workload's tag is an applied one.
    const audit = await get<{ entries: Array<{ action: string; subject: string }> }>(
      follower,
      '/api/v1/audit?limit=500'
    );
    const appliedEntries = audit.entries.filter((e) => e.action === 'action.applied').map((e) => e.subject);
    assert.equal(new Set(appliedEntries).size, appliedEntries.length, JSON.stringify(appliedEntries));
    assert.ok(appliedEntries.includes(action.id));
    const tag = (await stored(cp, target)).deployment.metadata.annotations?.[ACTION_ID_ANNOTATION];
    assert.ok(tag && appliedEntries.includes(tag), `the workload's last action ${tag} is recorded as applied`);
  });
});
