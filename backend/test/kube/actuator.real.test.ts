/**
 * The Kubernetes actuator's contract against a real kube-apiserver (etcd behind it, the RBAC authorizer in
 * front), acting as the sidecar's ServiceAccount bound to the shipped RBAC (deploy/rbac): the scale
 * subresource with resourceVersion, autoscaling/v2 HPA changes as JSON merge patches, server-side dry run,
 * 409 from a stale resourceVersion and the re-read/retry, 403/401/404/422 mapping, the idempotency
 * annotation and an exact rollback. No controller manager runs here, so nothing but the test writes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, NetworkingV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ACTION_ID_ANNOTATION, KubernetesActuator } from '../../src/automation/kubernetesActuator.ts';
import type { KubernetesActuatorOptions } from '../../src/automation/kubernetesActuator.ts';
import type { ScaleTarget } from '../../src/automation/types.ts';
import {
  kubeControlPlaneMissing,
  startKubeControlPlane,
  type BeforeRequest,
  type KubeControlPlane,
} from '../helpers/kubeControlPlane.ts';
import {
  accountWithout,
  cpuMetric,
  deployManifest,
  installSidecarRbac,
  memoryMetric,
  podsMetric,
  seedWorkload,
  SIDECAR_NAMESPACE,
  stored,
  uniqueName,
} from './fixtures.ts';

const NS = 'shop';
/** Admin-side merge patches in these tests (the generated client would send a JSON patch). */
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const skip = kubeControlPlaneMissing();

describe('KubernetesActuator against a real kube-apiserver', { skip }, () => {
  let cp: KubeControlPlane;
  let sidecarToken: string;

  before(async () => {
    cp = await startKubeControlPlane({ controllerManager: false });
    sidecarToken = await installSidecarRbac(cp, [NS]);
  });
  after(() => cp?.stop());

  const actuator = (
    options: Partial<KubernetesActuatorOptions> & { token?: string; beforeRequest?: BeforeRequest } = {}
  ): KubernetesActuator => {
    const { token, beforeRequest, ...rest } = options;
    return new KubernetesActuator({
      kubeConfig: cp.kubeConfigForToken(token ?? sidecarToken, beforeRequest),
      requestTimeoutMs: 10_000,
      retryBackoffMs: 1,
      ...rest,
    });
  };

  const seed = (annotations?: Record<string, string>): Promise<ScaleTarget> =>
    seedWorkload(cp, {
      namespace: NS,
      name: uniqueName('checkout'),
      replicas: 3,
      ...(annotations ? { annotations } : {}),
      hpa: { minReplicas: 2, maxReplicas: 10, metrics: [memoryMetric, cpuMetric(70), podsMetric] },
    });
  const withoutHpa = (t: ScaleTarget): ScaleTarget => ({ ...t, hpa: undefined });

  it('reads replicas from the scale subresource, the HPA fields, resourceVersions and the last action id', async () => {
    const target = await seed({ [ACTION_ID_ANNOTATION]: 'earlier-action' });
    const state = await actuator().read(target);
    const { deployment, hpa } = await stored(cp, target);
    assert.equal(state.replicas, 3);
    assert.deepEqual(state.hpa, { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 });
    assert.equal(state.lastActionId, 'earlier-action');
    assert.equal(state.resourceVersions?.scale, deployment.metadata.resourceVersion);
    assert.equal(state.resourceVersions?.hpa, hpa?.metadata.resourceVersion);
    assert.equal((await actuator().read(withoutHpa(target))).hpa, undefined);
  });

  it('applies replicas through the scale subresource, then tags the Deployment', async () => {
    const target = withoutHpa(await seed());
    const sent: string[] = [];
    const result = await actuator({
      beforeRequest: async (m, url) => void sent.push(`${m} ${new URL(url).pathname}`),
    }).apply({
      actionId: 'act-1',
      target,
      change: { replicas: 5 },
      dryRun: false,
    });
    assert.equal(result.status, 'applied', JSON.stringify(result.error));
    assert.equal(result.attempts, 1);
    assert.equal(result.before?.replicas, 3);
    assert.equal(result.after?.replicas, 5);
    assert.equal(result.after?.lastActionId, 'act-1');
    const writes = sent.filter((s) => !s.startsWith('GET'));
    assert.deepEqual(writes, [
      `PUT /apis/apps/v1/namespaces/${NS}/deployments/${target.deployment}/scale`,
      `PATCH /apis/apps/v1/namespaces/${NS}/deployments/${target.deployment}`,
    ]);
    const { deployment } = await stored(cp, target);
    assert.equal(deployment.spec.replicas, 5);
    assert.equal(deployment.metadata.annotations?.[ACTION_ID_ANNOTATION], 'act-1');
    // The server recorded the writes under the sidecar's field manager, the scale one on the subresource.
    const managers = deployment.metadata.managedFields?.filter((f) => f.manager === 'aidpe') ?? [];
    assert.ok(
      managers.some((f) => f.subresource === 'scale'),
      JSON.stringify(deployment.metadata.managedFields)
    );
    assert.deepEqual(await actuator().read(target), result.after, 'what apply reports is what a re-read shows');
  });

  it('changes HPA fields with a JSON merge patch that keeps the other metrics', async () => {
    const target = await seed();
    const result = await actuator().apply({
      actionId: 'act-hpa',
      target,
      change: { hpa: { maxReplicas: 12, targetCpuUtilization: 0.55 } },
      dryRun: false,
    });
    assert.equal(result.status, 'applied', JSON.stringify(result.error));
    assert.deepEqual(result.before?.hpa, { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 });
    assert.deepEqual(result.after?.hpa, { minReplicas: 2, maxReplicas: 12, targetCpuUtilization: 0.55 });
    const { deployment, hpa } = await stored(cp, target);
    assert.equal(hpa?.spec.minReplicas, 2);
    assert.equal(hpa?.spec.maxReplicas, 12);
    assert.deepEqual(hpa?.spec.metrics, [memoryMetric, cpuMetric(55), podsMetric]);
    assert.deepEqual(hpa?.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: target.deployment });
    assert.equal(hpa?.metadata.annotations?.[ACTION_ID_ANNOTATION], 'act-hpa');
    assert.equal(deployment.metadata.annotations?.[ACTION_ID_ANNOTATION], 'act-hpa');
    assert.equal(deployment.spec.replicas, 3, 'replicas were not touched');
  });

  it('dry run is validated by the server and persists nothing', async () => {
    const target = await seed();
    const before = await stored(cp, target);
    const result = await actuator().apply({
      actionId: 'act-dry',
      target,
      change: { replicas: 7, hpa: { minReplicas: 3 } },
      dryRun: true,
    });
    assert.equal(result.status, 'dry_run', JSON.stringify(result.error));
    assert.equal(result.after?.replicas, 7, 'the would-be state, as the server answered it');
    assert.equal(result.after?.hpa?.minReplicas, 3);
    assert.deepEqual(await stored(cp, target), before, 'nothing persisted: same objects, same resourceVersions');

    const rejected = await actuator().apply({
      actionId: 'act-dry-bad',
      target,
      change: { hpa: { minReplicas: 20 } },
      dryRun: true,
    });
    assert.equal(rejected.status, 'failed');
    assert.equal(rejected.error?.code, 'invalid');
    assert.equal(rejected.error?.httpStatus, 422);
    assert.deepEqual(await stored(cp, target), before);
  });

  it('a write with a stale resourceVersion gets 409 from the server; the actuator re-reads and retries', async () => {
    const target = withoutHpa(await seed());
    let interfered = 0;
    // Another writer changes the Deployment between the actuator's read and its first scale write.
    const interfere: BeforeRequest = async (method, url) => {
      if (method === 'PUT' && url.includes('/scale') && interfered === 0) {
        interfered += 1;
        await cp.adminApps.patchNamespacedDeployment(
          {
            name: target.deployment,
            namespace: NS,
            body: { metadata: { annotations: { 'example.com/other-writer': 'was-here' } } },
          },
          mergePatch
        );
      }
    };
    const result = await actuator({ beforeRequest: interfere }).apply({
      actionId: 'act-retry',
      target,
      change: { replicas: 6 },
      dryRun: false,
    });
    assert.equal(interfered, 1);
    assert.equal(result.status, 'applied', JSON.stringify(result.error));
    assert.equal(result.attempts, 2, 'one 409, then a re-read and a successful retry');
    const { deployment } = await stored(cp, target);
    assert.equal(deployment.spec.replicas, 6);
    assert.equal(deployment.metadata.annotations?.['example.com/other-writer'], 'was-here', 'the other write kept');
    assert.equal(deployment.metadata.annotations?.[ACTION_ID_ANNOTATION], 'act-retry');
  });

  it('reports conflict when every attempt meets a concurrent writer, and leaves the HPA alone', async () => {
    const target = await seed();
    let n = 0;
    const alwaysInterfere: BeforeRequest = async (method, url) => {
      if (method === 'PATCH' && url.includes('horizontalpodautoscalers')) {
        n += 1;
        await cp.adminAutoscaling.patchNamespacedHorizontalPodAutoscaler(
          { name: target.hpa!, namespace: NS, body: { metadata: { labels: { bump: String(n) } } } },
          mergePatch
        );
      }
    };
    const result = await actuator({ maxAttempts: 3, beforeRequest: alwaysInterfere }).apply({
      actionId: 'act-busy',
      target,
      change: { hpa: { maxReplicas: 11 } },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.attempts, 3);
    assert.equal(result.error?.code, 'conflict');
    assert.equal(result.error?.httpStatus, 409);
    assert.match(result.error?.message ?? '', /the object has been modified/);
    assert.equal((await stored(cp, target)).hpa?.spec.maxReplicas, 10);
  });

  it('maps 404 to not_found with the server message; read throws a typed error', async () => {
    const target = await seed();
    const result = await actuator().apply({
      actionId: 'act-404',
      target: { ...withoutHpa(target), deployment: 'nope' },
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'not_found');
    assert.equal(result.error?.httpStatus, 404);
    assert.match(result.error?.message ?? '', /deployments\.apps "nope" not found/);
    await assert.rejects(actuator().read({ ...target, hpa: 'no-hpa' }), (e: unknown) => {
      const err = e as { code?: string; message: string };
      return err.code === 'not_found' && /horizontalpodautoscalers\.autoscaling "no-hpa" not found/.test(err.message);
    });
  });

  it('maps 422 to invalid with the server message naming the field', async () => {
    const target = await seed();
    const before = await stored(cp, target);
    const bounds = await actuator().apply({
      actionId: 'act-422',
      target,
      change: { hpa: { minReplicas: 8, maxReplicas: 4 } },
      dryRun: false,
    });
    assert.equal(bounds.status, 'failed');
    assert.equal(bounds.error?.code, 'invalid');
    assert.equal(bounds.error?.httpStatus, 422);
    assert.match(bounds.error?.message ?? '', /spec\.maxReplicas/);
    const zero = await actuator().apply({
      actionId: 'act-422b',
      target,
      change: { hpa: { targetCpuUtilization: 0 } },
      dryRun: false,
    });
    assert.equal(zero.error?.code, 'invalid');
    assert.match(zero.error?.message ?? '', /averageUtilization/);
    assert.deepEqual(await stored(cp, target), before);
  });

  it('maps 403 for an account whose Role lacks a verb to forbidden, with the server message', async () => {
    const target = withoutHpa(await seed());
    const token = await accountWithout(cp, NS, 'deployments/scale', 'update');
    const result = await actuator({ token }).apply({
      actionId: 'act-403',
      target,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'forbidden');
    assert.equal(result.error?.httpStatus, 403);
    assert.match(result.error?.message ?? '', /cannot update resource "deployments\/scale" in API group "apps"/);
    assert.equal(result.before?.replicas, 3, 'it could still read');
    assert.equal((await stored(cp, target)).deployment.spec.replicas, 3);
  });

  it('the shipped role grants nothing beyond what the actuator does; the shipped NetworkPolicy is valid', async () => {
    const target = await seed();
    const asSidecar = cp.kubeConfigForToken(sidecarToken);
    const apps = asSidecar.makeApiClient(AppsV1Api);
    const refused = async (what: string, call: () => Promise<unknown>): Promise<void> => {
      await assert.rejects(call, (e: unknown) => (e as { code?: number }).code === 403, what);
    };
    await refused('list deployments', () => apps.listNamespacedDeployment({ namespace: NS }));
    await refused('delete a deployment', () =>
      apps.deleteNamespacedDeployment({ name: target.deployment, namespace: NS })
    );
    await refused('replace a deployment', async () =>
      apps.replaceNamespacedDeployment({
        name: target.deployment,
        namespace: NS,
        body: await cp.adminApps.readNamespacedDeployment({ name: target.deployment, namespace: NS }),
      })
    );
    await refused('read a deployment in an unmanaged namespace', () =>
      apps.readNamespacedDeployment({ name: 'coredns', namespace: 'kube-system' })
    );
    await refused('read secrets', () => asSidecar.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: NS }));
    // The NetworkPolicy as shipped passes the API server's validation (created by the admin).
    await cp.createNamespace(SIDECAR_NAMESPACE);
    await cp.applyManifest(deployManifest('networkpolicy.yaml'), (o) => o);
    const policy = await cp.admin
      .makeApiClient(NetworkingV1Api)
      .readNamespacedNetworkPolicy({ name: 'aidpe-sidecar-from-grafana-only', namespace: SIDECAR_NAMESPACE });
    assert.deepEqual(policy.spec?.policyTypes, ['Ingress']);
  });

  it('maps a token the server does not know (401) to forbidden', async () => {
    const target = withoutHpa(await seed());
    const result = await actuator({ token: 'not-a-token' }).apply({
      actionId: 'act-401',
      target,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'forbidden');
    assert.equal(result.error?.httpStatus, 401);
  });

  it('applies an action id once: the second apply is already_applied and writes nothing', async () => {
    const target = withoutHpa(await seed());
    const first = await actuator().apply({ actionId: 'act-once', target, change: { replicas: 4 }, dryRun: false });
    assert.equal(first.status, 'applied', JSON.stringify(first.error));
    const version = (await stored(cp, target)).deployment.metadata.resourceVersion;
    const second = await actuator().apply({ actionId: 'act-once', target, change: { replicas: 4 }, dryRun: false });
    assert.equal(second.status, 'already_applied');
    assert.equal(second.attempts, 0);
    assert.equal(second.after?.lastActionId, 'act-once');
    assert.equal((await stored(cp, target)).deployment.metadata.resourceVersion, version, 'no write reached etcd');
    // A different id with the same change converges without rewriting replicas (only the tag moves).
    const sent: string[] = [];
    const third = await actuator({ beforeRequest: async (m, url) => void sent.push(`${m} ${url}`) }).apply({
      actionId: 'act-twice',
      target,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(third.status, 'applied');
    assert.ok(!sent.some((s) => s.startsWith('PUT')), sent.join('\n'));
  });

  it('rolls back to the before-state exactly: the HPA spec byte for byte, the replicas', async () => {
    const target = await seed();
    const original = await stored(cp, target);
    const applied = await actuator().apply({
      actionId: 'act-change',
      target,
      change: { replicas: 8, hpa: { minReplicas: 4, maxReplicas: 16, targetCpuUtilization: 0.45 } },
      dryRun: false,
    });
    assert.equal(applied.status, 'applied', JSON.stringify(applied.error));
    assert.equal((await stored(cp, target)).deployment.spec.replicas, 8);
    const rolledBack = await actuator().restore('rollback-of-act-change', target, applied.before!);
    assert.equal(rolledBack.status, 'applied', JSON.stringify(rolledBack.error));
    const now = await stored(cp, target);
    assert.equal(JSON.stringify(now.hpa?.spec), JSON.stringify(original.hpa?.spec));
    assert.equal(now.deployment.spec.replicas, original.deployment.spec.replicas);
    assert.equal(now.deployment.metadata.annotations?.[ACTION_ID_ANNOTATION], 'rollback-of-act-change');
    const again = await actuator().restore('rollback-of-act-change', target, applied.before!);
    assert.equal(again.status, 'already_applied');
  });

  it("rolls back only the HPA when that is all the action changed: the replicas stay the HPA's", async () => {
    const target = await seed();
    const original = await stored(cp, target);
    const applied = await actuator().apply({
      actionId: 'act-min',
      target,
      change: { hpa: { minReplicas: 5 } },
      dryRun: false,
    });
    assert.equal(applied.status, 'applied', JSON.stringify(applied.error));
    // Someone (the HPA controller, in a cluster) moves the replicas meanwhile; the rollback leaves them.
    await cp.adminApps.patchNamespacedDeployment(
      { name: target.deployment, namespace: NS, body: { spec: { replicas: 5 } } },
      mergePatch
    );
    const rolledBack = await actuator().restore('rollback-of-act-min', target, { hpa: applied.before!.hpa! });
    assert.equal(rolledBack.status, 'applied', JSON.stringify(rolledBack.error));
    const now = await stored(cp, target);
    assert.equal(JSON.stringify(now.hpa?.spec), JSON.stringify(original.hpa?.spec));
    assert.equal(now.deployment.spec.replicas, 5);
  });
});
