/**
 * The simulator's mirror of a real kube-apiserver's Deployments (sim/kubeMirror.ts), with kube-controller-manager
 * creating the pods: the first list, scale changes through the watch (also after the server ended a watch and it
 * was resumed), the kubelet-like pod status that moves the Deployment's readyReplicas, a deleted Deployment, a
 * token without the rights (the error is kept, nothing changes), and the release on stop.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedCluster, SimulationRunner } from '../../src/sim/index.ts';
import { KubeMirror } from '../../src/sim/kubeMirror.ts';
import { flat, smallTopology } from '../sim/helpers.ts';
import { kubeControlPlaneMissing, startKubeControlPlane, type KubeControlPlane } from '../helpers/kubeControlPlane.ts';
import { seedWorkload, stored } from './fixtures.ts';

const NS = 'mirror';
const skip = kubeControlPlaneMissing();
const STARTUP_SECONDS = 3;

async function until<T>(what: string, read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

describe('the simulator mirrors a real API server’s Deployments', { skip }, () => {
  let cp: KubeControlPlane;
  let cluster: SimulatedCluster;
  let runner: SimulationRunner;
  let mirror: KubeMirror;
  const errors: string[] = [];

  before(async () => {
    cp = await startKubeControlPlane({ controllerManager: true });
    await cp.createNamespace(NS);
    // The simulated api service: 2 replicas, its own HPA, pods ready 3 s after they are created.
    cluster = new SimulatedCluster({
      seed: 11,
      topology: smallTopology({
        podStartupSeconds: STARTUP_SECONDS,
        hpa: { minReplicas: 2, maxReplicas: 8, targetCpuUtilization: 0.5 },
      }),
      workload: flat,
      peakRps: 100,
      startTimeMs: Math.floor(Date.now() / 5000) * 5000,
      tickSeconds: 1,
    });
    runner = new SimulationRunner(cluster, { mode: 'realtime', speed: 1, intervalMs: 200 });
    runner.start();
    await seedWorkload(cp, { namespace: NS, name: 'api', replicas: 3 });
    mirror = new KubeMirror({
      cluster,
      kubeConfig: cp.admin,
      namespace: NS,
      podStatus: true,
      podStatusEveryMs: 250,
      retryMs: 250,
      // Short watches, so the test sees the server end one and the mirror resume it.
      watchTimeoutSeconds: 2,
      onError: (what, err) => errors.push(`${what}: ${(err as Error).message}`),
    });
    await mirror.start();
  });
  after(async () => {
    await mirror?.stop();
    runner?.stop();
    await cp?.stop();
  });

  const sim = () => cluster.getDeployment('api');
  const readyOnServer = async () => (await stored(cp, { service: 'api', namespace: NS, deployment: 'api' })).deployment;

  it('the first list sets the replicas; the pods come up after the start-up delay and are reported Ready', async () => {
    assert.equal(mirror.status().connected, true, JSON.stringify(mirror.status()));
    assert.deepEqual(
      mirror.status().mirrored.map((m) => [m.deployment, m.replicas]),
      [['api', 3]]
    );
    assert.equal(sim().replicas, 3);
    await until('the simulator’s pods are ready', sim, (d) => d.readyReplicas === 3, 15_000);
    const d = await until(
      'the Deployment’s readyReplicas (pods/status written by the mirror)',
      readyOnServer,
      (x) => (x.status?.readyReplicas as number | undefined) === 3
    );
    assert.equal(d.status?.replicas, 3);
  });

  it('a scale through the API server reaches the simulator through the watch, also after the watch was resumed', async () => {
    await new Promise((r) => setTimeout(r, 2500)); // longer than one watch: the server ended it at least once
    const changedAt = Date.now();
    await cp.adminApps.replaceNamespacedDeploymentScale({
      namespace: NS,
      name: 'api',
      body: { metadata: { name: 'api', namespace: NS }, spec: { replicas: 6 } },
    });
    await until('the simulator follows the scale', sim, (d) => d.replicas === 6, 10_000);
    const followedMs = Date.now() - changedAt;
    assert.ok(sim().readyReplicas < 6, 'the new pods are still starting');
    await until('the new pods are ready', sim, (d) => d.readyReplicas === 6, 15_000);
    await until(
      'readyReplicas on the server',
      readyOnServer,
      (x) => (x.status?.readyReplicas as number | undefined) === 6
    );
    // Scale down: the simulator drops pods at once, and the server's ready count follows.
    await cp.adminApps.replaceNamespacedDeploymentScale({
      namespace: NS,
      name: 'api',
      body: { metadata: { name: 'api', namespace: NS }, spec: { replicas: 2 } },
    });
    await until('the simulator scales down', sim, (d) => d.replicas === 2 && d.readyReplicas === 2, 10_000);
    await until(
      'readyReplicas on the server',
      readyOnServer,
      (x) => (x.status?.readyReplicas as number | undefined) === 2
    );
    assert.ok(followedMs < 5000, `followed in ${followedMs} ms`);
  });

  it('the simulator’s own HPA does not touch the mirrored service', async () => {
    // 2 replicas at this load is what the simulated HPA would keep anyway: set 5 and watch it stay.
    await cp.adminApps.replaceNamespacedDeploymentScale({
      namespace: NS,
      name: 'api',
      body: { metadata: { name: 'api', namespace: NS }, spec: { replicas: 5 } },
    });
    await until('5 replicas', sim, (d) => d.replicas === 5, 10_000);
    const events = cluster.events({ service: 'api' }).filter((e) => e.type === 'scale');
    assert.ok(
      events.every((e) => /deployment mirror\/api/.test(e.message)),
      events.map((e) => e.message).join('\n')
    );
  });

  it('a deleted Deployment takes its pods: the simulated service goes to 0', async () => {
    await cp.adminApps.deleteNamespacedDeployment({ namespace: NS, name: 'api' });
    await until('0 replicas', sim, (d) => d.replicas === 0, 10_000);
    assert.deepEqual(mirror.status().mirrored, []);
  });

  it('a token without the rights: the error is kept and retried, the simulator is left as it is', async () => {
    const sa = 'no-rights';
    await cp.adminCore.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: sa } } });
    const token = await cp.serviceAccountToken(NS, sa);
    const other = new SimulatedCluster({ seed: 1, topology: smallTopology(), workload: flat, peakRps: 100 });
    const denied = new KubeMirror({
      cluster: other,
      kubeConfig: cp.kubeConfigForToken(token),
      namespace: NS,
      retryMs: 100,
    });
    await denied.start();
    const status = denied.status();
    await denied.stop();
    assert.equal(status.connected, false);
    assert.match(status.lastError?.message ?? '', /list\/watch deployments: .*403|forbidden/i);
    assert.equal(other.getDeployment('api').replicas, 2);
  });

  it('stop() hands the services back to the simulator’s autoscaler', async () => {
    await seedWorkload(cp, { namespace: NS, name: 'api', replicas: 4 });
    await until('4 replicas', sim, (d) => d.replicas === 4, 10_000);
    await mirror.stop();
    assert.deepEqual(mirror.status().mirrored, []);
    assert.deepEqual(
      errors.filter((e) => !/aborted/i.test(e)),
      [],
      'no errors while mirroring'
    );
  });
});
