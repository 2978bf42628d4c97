/**
 * The simulator as a data plane, without an API server: what a Deployment says is applied to the simulated
 * cluster (sim/kubeMirror.ts's DeploymentMirror), the run-time load surge (sim/surge.ts), the kubelet-like pod
 * readiness, and the configuration the mirror needs. The watch against a real kube-apiserver is tested in
 * test/kube/mirror.real.test.ts, the whole loop in test/kube/e2e.real.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { SimulatedCluster } from '../../src/sim/index.ts';
import {
  DeploymentMirror,
  podReadiness,
  SIMULATED_SERVICE_ANNOTATION,
  startKubeMirrorWhenConfigured,
} from '../../src/sim/kubeMirror.ts';
import { startSurge, surgeFactor } from '../../src/sim/surge.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { flat, mean, smallTopology } from './helpers.ts';

const HPA = { minReplicas: 2, maxReplicas: 8, targetCpuUtilization: 0.5 };

function cluster(peakRps = 150): SimulatedCluster {
  // api: 2 replicas of 100 req/s at 30 s start-up, with the simulator's HPA.
  return new SimulatedCluster({ seed: 7, topology: smallTopology({ hpa: HPA }), workload: flat, peakRps });
}

function deployment(name: string, replicas: number | undefined, annotations?: Record<string, string>): V1Deployment {
  return {
    metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: { app: name, tier: 'web' } },
      template: { metadata: { labels: { app: name, tier: 'web' } } },
    },
  };
}

test('a Deployment sets its service’s replicas; pods become ready after the start-up delay', () => {
  const c = cluster();
  const m = new DeploymentMirror(c, 'shop');
  m.upsert(deployment('api', 5));
  let api = c.getDeployment('api');
  assert.equal(api.replicas, 5);
  assert.equal(api.readyReplicas, 2, 'the new pods are starting');
  c.advance(25);
  assert.equal(c.getDeployment('api').readyReplicas, 2, 'still within the 30 s start-up delay');
  c.advance(10);
  api = c.getDeployment('api');
  assert.equal(api.readyReplicas, 5);
  assert.deepEqual(m.mirrored(), [{ deployment: 'api', service: 'api', replicas: 5, selector: 'app=api,tier=web' }]);
  assert.match(c.events({ service: 'api' }).at(-1)?.message ?? '', /from 2 to 5 replicas \(deployment shop\/api\)/);
});

test('the simulator’s own HPA leaves a mirrored service alone, and takes it back when the mirror is released', () => {
  // At this load 6 replicas are far more than the HPA wants (it would scale down after its 300 s window).
  const c = cluster(60);
  const m = new DeploymentMirror(c, 'shop');
  m.upsert(deployment('api', 6));
  c.advance(900);
  assert.equal(c.getDeployment('api').replicas, 6, 'the Deployment, not the simulated HPA, decides');
  m.release();
  assert.deepEqual(m.mirrored(), []);
  c.advance(900);
  assert.ok(c.getDeployment('api').replicas < 6, 'the simulator’s HPA scales it down again');

  const unmirrored = cluster(60);
  unmirrored.setReplicas('api', 6);
  unmirrored.advance(900);
  assert.ok(unmirrored.getDeployment('api').replicas < 6, 'without the mirror the HPA acts (the control)');
});

test('mapping: same name or the annotation; unknown names and a second Deployment for one service are ignored', () => {
  const c = cluster();
  const m = new DeploymentMirror(c, 'shop');
  m.upsert(deployment('web', 3, { [SIMULATED_SERVICE_ANNOTATION]: 'gateway' }));
  m.upsert(deployment('api', undefined));
  m.upsert(deployment('unrelated', 4));
  m.upsert(deployment('api-copy', 7, { [SIMULATED_SERVICE_ANNOTATION]: 'api' }));
  assert.equal(c.getDeployment('gateway').replicas, 3);
  assert.equal(c.getDeployment('api').replicas, 1, 'spec.replicas defaults to 1, as the API server defaults it');
  assert.deepEqual(
    m.mirrored().map((x) => [x.deployment, x.service]),
    [
      ['web', 'gateway'],
      ['api', 'api'],
    ]
  );
  assert.deepEqual(m.ignored(), ['api-copy', 'unrelated']);
});

test('a deleted Deployment takes its pods; a re-list drops what is gone and picks up what is new', () => {
  const c = cluster();
  const m = new DeploymentMirror(c, 'shop');
  m.resync([deployment('api', 4), deployment('db', 2), deployment('ghost', 1)]);
  assert.equal(c.getDeployment('db').replicas, 2);
  m.remove('db');
  assert.equal(c.getDeployment('db').replicas, 0);
  c.advance(600);
  assert.equal(c.getDeployment('db').replicas, 0, 'it stays at 0: no Deployment, no pods');
  m.resync([deployment('gateway', 2)]);
  assert.equal(c.getDeployment('api').replicas, 0, 'api vanished from the list: deleted');
  assert.deepEqual(
    m.mirrored().map((x) => x.deployment),
    ['gateway']
  );
  assert.deepEqual(m.ignored(), []);
});

test('a surge ramps the gateway load by its factor; without one the trace replays as before', () => {
  const f = surgeFactor({ from: 1, to: 3, rampSeconds: 60, startMs: 1000 });
  assert.deepEqual([f(0), f(1000), f(31_000), f(61_000), f(999_999)], [1, 1, 2, 3, 3]);
  assert.throws(() => surgeFactor({ from: 1, to: -1, rampSeconds: 0, startMs: 0 }), /must be finite and >= 0/);

  const rate = (c: SimulatedCluster) => {
    const xs: number[] = [];
    for (let i = 0; i < 24; i++) {
      c.advance(5);
      xs.push(c.serviceSnapshot('gateway').arrivalRps);
    }
    return mean(xs);
  };
  const base = cluster(100);
  const surged = cluster(100);
  startSurge(surged, { to: 2.5, rampSeconds: 0 });
  const ratio = rate(surged) / rate(base);
  assert.ok(ratio > 2.3 && ratio < 2.7, `load ratio ${ratio}`);
  // The next surge starts from the factor in force.
  const next = startSurge(surged, { to: 1, rampSeconds: 100 });
  assert.equal(next(surged.now()), 2.5);
  assert.equal(next(surged.now() + 50_000), 1.75);
});

test('pod readiness: the oldest pods are the ready ones; pods being deleted are left out', () => {
  const pod = (name: string, created: string, deleting = false): V1Pod => ({
    metadata: {
      name,
      creationTimestamp: new Date(created),
      ...(deleting ? { deletionTimestamp: new Date(created) } : {}),
    },
  });
  const pods = [
    pod('c', '2025-01-01T00:00:03Z'),
    pod('a', '2025-01-01T00:00:01Z'),
    pod('x', '2025-01-01T00:00:00Z', true),
    pod('b', '2025-01-01T00:00:01Z'),
  ];
  assert.deepEqual(
    podReadiness(pods, 2).map((p) => [p.pod.metadata?.name, p.ready]),
    [
      ['a', true],
      ['b', true],
      ['c', false],
    ]
  );
});

test('configuration: the mirror’s keys, its need of kubernetes.kubeconfig, the outcome delay', async () => {
  const config = loadConfig({
    env: {
      AIDPE_SIM_MIRROR_KUBECONFIG: '/k/admin.kubeconfig',
      AIDPE_SIM_MIRROR_NAMESPACE: 'shop',
      AIDPE_SIM_MIRROR_POD_STATUS: 'true',
      AIDPE_KUBECONFIG: '/k/sidecar.kubeconfig',
      AIDPE_AUTOMATION_OUTCOME_DELAY_SECONDS: '20',
    },
  });
  assert.deepEqual(config.simulator.mirror, {
    kubeconfig: '/k/admin.kubeconfig',
    context: undefined,
    namespace: 'shop',
    podStatus: true,
  });
  assert.equal(config.automation.outcomeDelaySeconds, 20);
  assert.equal(loadConfig({ env: {} }).automation.outcomeDelaySeconds, 300, 'the default is unchanged');
  assert.throws(
    () => loadConfig({ env: { AIDPE_SIM_MIRROR_KUBECONFIG: '/k/admin.kubeconfig' } }),
    (e: Error) => e instanceof ConfigError && /kubernetes\.kubeconfig: required with simulator\.mirror/.test(e.message)
  );
  assert.throws(
    () => loadConfig({ env: { AIDPE_AUTOMATION_OUTCOME_DELAY_SECONDS: '0' } }),
    /automation\.outcomeDelaySeconds .*between 1 and 86400/
  );
  // Only with the embedded cluster and the Kubernetes actuator: anything else would scale behind the mirror.
  await assert.rejects(
    startKubeMirrorWhenConfigured(config, cluster(), 'simulator'),
    /needs the embedded cluster with the Kubernetes actuator.*the actuator is simulator/
  );
  await assert.rejects(startKubeMirrorWhenConfigured(config, undefined, 'kubernetes'), /the cluster is absent/);
  assert.equal(await startKubeMirrorWhenConfigured(loadConfig({ env: {} }), cluster(), 'kubernetes'), undefined);
});
