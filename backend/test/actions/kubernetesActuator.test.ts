/**
 * The Kubernetes actuator: its pure parts (HPA spec ↔ fields, patch bodies, status → error code), and its
 * contract against the loopback Kubernetes API double (scale subresource, merge patches, optimistic
 * concurrency with retry, dry run, idempotency, rollback, error mapping, timeouts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V2HorizontalPodAutoscalerSpec } from '@kubernetes/client-node';
import {
  ACTION_ID_ANNOTATION,
  KubernetesActuator,
  KubernetesActuatorError,
  annotationMergePatch,
  changeProblem,
  classifyError,
  desiredState,
  errorCodeForStatus,
  hpaFieldsFromSpec,
  hpaMergePatch,
  scaleBody,
  statusMessage,
} from '../../src/actions/kubernetesActuator.ts';
import type { KubernetesActuatorOptions } from '../../src/actions/kubernetesActuator.ts';
import type { ScaleTarget } from '../../src/actions/types.ts';
import { kubeConfigFor, useKubeApiDouble } from '../helpers/kubeApiDouble.ts';

const NS = 'shop';
const target: ScaleTarget = { service: 'checkout', namespace: NS, deployment: 'checkout', hpa: 'checkout-hpa' };
const targetWithoutHpa: ScaleTarget = { service: 'checkout', namespace: NS, deployment: 'checkout' };

const memoryMetric = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } },
};
const cpuMetric = (averageUtilization: number) => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
});
const podsMetric = {
  type: 'Pods',
  pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } },
};

describe('pure parts', () => {
  it('maps HTTP statuses to actuation error codes', () => {
    const table: Array<[number, string]> = [
      [401, 'forbidden'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [409, 'conflict'],
      [400, 'invalid'],
      [415, 'invalid'],
      [422, 'invalid'],
      [504, 'timeout'],
      [429, 'unavailable'],
      [500, 'unavailable'],
      [503, 'unavailable'],
      [418, 'unknown'],
    ];
    for (const [status, code] of table) {
      assert.equal(errorCodeForStatus(status), code, `HTTP ${status}`);
    }
  });

  it('takes the message of a Status body, or a snippet of a non-JSON body', () => {
    assert.equal(
      statusMessage(JSON.stringify({ kind: 'Status', message: 'deployments.apps "x" not found' })),
      'deployments.apps "x" not found'
    );
    assert.equal(statusMessage('upstream   connect error'), 'upstream connect error');
    assert.equal(statusMessage(''), undefined);
    assert.equal(statusMessage(undefined), undefined);
  });

  it('classifies aborts as timeouts and refused connections as unavailable', () => {
    assert.equal(
      classifyError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 50).code,
      'timeout'
    );
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    assert.equal(classifyError(refused, 50).code, 'unavailable');
    assert.equal(classifyError(new Error('something odd'), 50).code, 'unknown');
  });

  it('reads HPA fields from an autoscaling/v2 spec', () => {
    const spec = {
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [memoryMetric, cpuMetric(70)],
    } as unknown as V2HorizontalPodAutoscalerSpec;
    assert.deepEqual(hpaFieldsFromSpec(spec), { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 });
    // Kubernetes defaults: minReplicas 1, and no metrics means 80% CPU.
    assert.deepEqual(hpaFieldsFromSpec({ maxReplicas: 4 } as V2HorizontalPodAutoscalerSpec), {
      minReplicas: 1,
      maxReplicas: 4,
      targetCpuUtilization: 0.8,
    });
    assert.throws(
      () =>
        hpaFieldsFromSpec(
          { maxReplicas: 4, metrics: [memoryMetric] } as unknown as V2HorizontalPodAutoscalerSpec,
          'HPA shop/x'
        ),
      (e: unknown) => e instanceof KubernetesActuatorError && e.code === 'invalid' && e.message.includes('HPA shop/x')
    );
  });

  it('patches only the bounds when the CPU target does not change', () => {
    const spec = {
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [cpuMetric(70)],
    } as unknown as V2HorizontalPodAutoscalerSpec;
    const patch = hpaMergePatch(spec, { minReplicas: 3, maxReplicas: 12, targetCpuUtilization: 0.7 }, 'a-1', '77');
    assert.deepEqual(patch, {
      metadata: { resourceVersion: '77', annotations: { [ACTION_ID_ANNOTATION]: 'a-1' } },
      spec: { minReplicas: 3, maxReplicas: 12 },
    });
  });

  it('sends the whole metrics list with only the CPU target rewritten (a merge patch replaces lists)', () => {
    const spec = {
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [memoryMetric, cpuMetric(70), podsMetric],
    } as unknown as V2HorizontalPodAutoscalerSpec;
    const patch = hpaMergePatch(
      spec,
      { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.634 },
      'a-2',
      undefined
    ) as { metadata: object; spec: { metrics: unknown[] } };
    assert.deepEqual(patch.spec.metrics, [memoryMetric, cpuMetric(63), podsMetric]);
    assert.deepEqual(patch.metadata, { annotations: { [ACTION_ID_ANNOTATION]: 'a-2' } });
    // The input spec is not modified.
    assert.deepEqual(spec.metrics?.[1], cpuMetric(70));
  });

  it('adds a CPU metric when the list has none, and writes one when the list was empty and the target moves off 80%', () => {
    const withoutCpu = { maxReplicas: 10, metrics: [memoryMetric] } as unknown as V2HorizontalPodAutoscalerSpec;
    const a = hpaMergePatch(
      withoutCpu,
      { minReplicas: 1, maxReplicas: 10, targetCpuUtilization: 0.5 },
      'a',
      undefined
    ) as { spec: { metrics: unknown[] } };
    assert.deepEqual(a.spec.metrics, [memoryMetric, cpuMetric(50)]);
    const empty = { maxReplicas: 10 } as V2HorizontalPodAutoscalerSpec;
    const b = hpaMergePatch(empty, { minReplicas: 1, maxReplicas: 10, targetCpuUtilization: 0.6 }, 'b', undefined) as {
      spec: { metrics?: unknown[] };
    };
    assert.deepEqual(b.spec.metrics, [cpuMetric(60)]);
    const c = hpaMergePatch(empty, { minReplicas: 1, maxReplicas: 10, targetCpuUtilization: 0.8 }, 'c', undefined) as {
      spec: { metrics?: unknown[] };
    };
    assert.equal(c.spec.metrics, undefined);
  });

  it('builds the scale and annotation bodies with resourceVersion as the precondition', () => {
    assert.deepEqual(scaleBody(target, 4, '12'), {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'checkout', namespace: NS, resourceVersion: '12' },
      spec: { replicas: 4 },
    });
    assert.deepEqual(annotationMergePatch('id-9', '13'), {
      metadata: { resourceVersion: '13', annotations: { [ACTION_ID_ANNOTATION]: 'id-9' } },
    });
  });

  it('keeps HPA fields the change does not name', () => {
    const current = { replicas: 3, hpa: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 } };
    assert.deepEqual(desiredState(current, { hpa: { maxReplicas: 14 } }), {
      replicas: 3,
      hpa: { minReplicas: 2, maxReplicas: 14, targetCpuUtilization: 0.7 },
    });
    assert.deepEqual(desiredState(current, { replicas: 6 }), { replicas: 6, hpa: current.hpa });
  });

  it('names the field of a change that cannot be sent', () => {
    assert.match(changeProblem(target, {}) ?? '', /neither replicas nor hpa/);
    assert.match(changeProblem(target, { replicas: -1 }) ?? '', /change\.replicas/);
    assert.match(changeProblem(target, { replicas: 2.5 }) ?? '', /change\.replicas/);
    assert.match(changeProblem(targetWithoutHpa, { hpa: { maxReplicas: 3 } }) ?? '', /target\.hpa/);
    assert.match(changeProblem(target, { hpa: { minReplicas: 1.5 } }) ?? '', /change\.hpa\.minReplicas/);
    assert.equal(changeProblem(target, { replicas: 0 }), undefined);
  });
});

describe('KubernetesActuator against the Kubernetes API double', () => {
  const api = useKubeApiDouble();

  const actuator = (options: Partial<KubernetesActuatorOptions> = {}): KubernetesActuator =>
    new KubernetesActuator({
      kubeConfig: kubeConfigFor(api.baseUrl, api.token),
      requestTimeoutMs: 5000,
      retryBackoffMs: 1,
      ...options,
    });

  const seed = (annotations?: Record<string, string>): void => {
    api.addDeployment({ namespace: NS, name: 'checkout', replicas: 3, ...(annotations ? { annotations } : {}) });
    api.addHpa({
      namespace: NS,
      name: 'checkout-hpa',
      deployment: 'checkout',
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [memoryMetric, cpuMetric(70), podsMetric],
    });
  };

  const storedReplicas = (): unknown => (api.deployment(NS, 'checkout')?.spec as { replicas: number }).replicas;
  const storedHpaSpec = (): Record<string, unknown> => api.hpa(NS, 'checkout-hpa')?.spec as Record<string, unknown>;
  const storedAnnotations = (o: Record<string, unknown> | undefined): Record<string, string> | undefined =>
    (o?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations;

  it('reads replicas, HPA fields, resourceVersions and the last action id', async () => {
    seed({ [ACTION_ID_ANNOTATION]: 'earlier-action' });
    const state = await actuator().read(target);
    assert.equal(state.replicas, 3);
    assert.deepEqual(state.hpa, { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 });
    assert.equal(state.lastActionId, 'earlier-action');
    assert.equal(
      state.resourceVersions?.scale,
      (api.deployment(NS, 'checkout')?.metadata as { resourceVersion: string }).resourceVersion
    );
    assert.equal(
      state.resourceVersions?.hpa,
      (api.hpa(NS, 'checkout-hpa')?.metadata as { resourceVersion: string }).resourceVersion
    );
    assert.ok(
      api.requests.some((r) => r.method === 'GET' && r.resource === 'deployments/scale'),
      'replicas come from the scale subresource'
    );
    const withoutHpa = await actuator().read(targetWithoutHpa);
    assert.equal(withoutHpa.hpa, undefined);
  });

  it('applies replicas through the scale subresource with the read resourceVersion, then tags the Deployment', async () => {
    seed();
    const result = await actuator().apply({
      actionId: 'act-1',
      target: targetWithoutHpa,
      change: { replicas: 5 },
      dryRun: false,
    });
    assert.equal(result.status, 'applied', JSON.stringify(result.error));
    assert.equal(result.attempts, 1);
    assert.equal(result.before?.replicas, 3);
    assert.equal(result.after?.replicas, 5);
    assert.equal(result.after?.lastActionId, 'act-1');
    assert.equal(storedReplicas(), 5);
    assert.equal(storedAnnotations(api.deployment(NS, 'checkout'))?.[ACTION_ID_ANNOTATION], 'act-1');

    const writes = api.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.resource}`),
      ['PUT deployments/scale', 'PATCH deployments']
    );
    const [scaleWrite, tagWrite] = writes;
    assert.deepEqual((scaleWrite?.body as { spec: unknown }).spec, { replicas: 5 });
    assert.equal(
      (scaleWrite?.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
      result.before?.resourceVersions?.scale
    );
    assert.equal(tagWrite?.contentType, 'application/merge-patch+json');
    assert.deepEqual(Object.keys(tagWrite?.body as object), ['metadata'], 'the tag patch touches metadata only');

    const reread = await actuator().read(targetWithoutHpa);
    assert.deepEqual(reread, result.after);
  });

  it('changes HPA fields with a JSON merge patch that keeps the other metrics', async () => {
    seed();
    const result = await actuator().apply({
      actionId: 'act-hpa',
      target,
      change: { hpa: { maxReplicas: 12, targetCpuUtilization: 0.55 } },
      dryRun: false,
    });
    assert.equal(result.status, 'applied', JSON.stringify(result.error));
    assert.deepEqual(result.before?.hpa, { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 });
    assert.deepEqual(result.after?.hpa, { minReplicas: 2, maxReplicas: 12, targetCpuUtilization: 0.55 });

    const hpaWrite = api.writes().find((w) => w.resource === 'horizontalpodautoscalers');
    assert.ok(hpaWrite, 'the HPA was written');
    assert.equal(hpaWrite.method, 'PATCH');
    assert.equal(hpaWrite.contentType, 'application/merge-patch+json');
    assert.equal(
      (hpaWrite.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
      result.before?.resourceVersions?.hpa
    );
    assert.ok(!api.writes().some((w) => w.resource === 'deployments/scale'), 'replicas were not touched');

    const spec = storedHpaSpec();
    assert.equal(spec.minReplicas, 2);
    assert.equal(spec.maxReplicas, 12);
    assert.deepEqual(spec.metrics, [memoryMetric, cpuMetric(55), podsMetric]);
    assert.deepEqual(spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' });
    assert.equal(storedAnnotations(api.hpa(NS, 'checkout-hpa'))?.[ACTION_ID_ANNOTATION], 'act-hpa');
    assert.equal(storedAnnotations(api.deployment(NS, 'checkout'))?.[ACTION_ID_ANNOTATION], 'act-hpa');
  });

  it('dry run validates every write on the server and persists nothing', async () => {
    seed();
    const deploymentBefore = api.deployment(NS, 'checkout');
    const hpaBefore = api.hpa(NS, 'checkout-hpa');
    const result = await actuator().apply({
      actionId: 'act-dry',
      target,
      change: { replicas: 7, hpa: { minReplicas: 3 } },
      dryRun: true,
    });
    assert.equal(result.status, 'dry_run', JSON.stringify(result.error));
    assert.equal(result.after?.replicas, 7, 'the would-be state');
    assert.equal(result.after?.hpa?.minReplicas, 3);
    const writes = api.writes();
    assert.equal(writes.length, 3);
    for (const w of writes) {
      assert.equal(w.query.get('dryRun'), 'All', `${w.method} ${w.resource}`);
    }
    assert.deepEqual(api.deployment(NS, 'checkout'), deploymentBefore);
    assert.deepEqual(api.hpa(NS, 'checkout-hpa'), hpaBefore);
  });

  it('dry run reports what the server would reject', async () => {
    seed();
    const result = await actuator().apply({
      actionId: 'act-dry-bad',
      target,
      change: { hpa: { minReplicas: 20 } },
      dryRun: true,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'invalid');
    assert.deepEqual(storedHpaSpec().minReplicas, 2);
  });

  it('re-reads and retries after a 409 Conflict from a concurrent writer', async () => {
    seed();
    api.concurrentWriter('deployments', NS, 'checkout', 1);
    const result = await actuator().apply({
      actionId: 'act-retry',
      target: targetWithoutHpa,
      change: { replicas: 6 },
      dryRun: false,
    });
    assert.equal(result.status, 'applied', JSON.stringify(result.error));
    assert.equal(result.attempts, 2);
    assert.deepEqual(
      api.writes().map((w) => `${w.resource} ${w.status}`),
      ['deployments/scale 409', 'deployments/scale 200', 'deployments 200']
    );
    const [first, second] = api.writes();
    assert.notEqual(
      (first?.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
      (second?.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
      'the retry carries the re-read resourceVersion'
    );
    assert.equal(storedReplicas(), 6);
    // The merge patch kept the other writer's annotation.
    assert.ok(storedAnnotations(api.deployment(NS, 'checkout'))?.['example.com/other-writer']);
  });

  it('reports conflict when every attempt meets a concurrent writer', async () => {
    seed();
    api.concurrentWriter('horizontalpodautoscalers', NS, 'checkout-hpa', Infinity);
    const result = await actuator({ maxAttempts: 3 }).apply({
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
    assert.equal(storedHpaSpec().maxReplicas, 10);
  });

  it('maps 403 Forbidden to forbidden with the API message', async () => {
    seed();
    api.forbid('update', 'deployments/scale');
    const result = await actuator().apply({
      actionId: 'act-403',
      target: targetWithoutHpa,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'forbidden');
    assert.equal(result.error?.httpStatus, 403);
    assert.match(result.error?.message ?? '', /cannot update resource "deployments\/scale"/);
    assert.equal(result.before?.replicas, 3);
    assert.equal(storedReplicas(), 3);
  });

  it('maps a rejected token (401) to forbidden', async () => {
    seed();
    const result = await new KubernetesActuator({
      kubeConfig: kubeConfigFor(api.baseUrl, 'not-the-token'),
      requestTimeoutMs: 5000,
    }).apply({
      actionId: 'act-401',
      target: targetWithoutHpa,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'forbidden');
    assert.equal(result.error?.httpStatus, 401);
  });

  it('maps 404 to not_found; read throws a typed error', async () => {
    seed();
    const missing: ScaleTarget = { ...targetWithoutHpa, deployment: 'nope' };
    const result = await actuator().apply({
      actionId: 'act-404',
      target: missing,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'not_found');
    assert.equal(result.error?.httpStatus, 404);
    assert.match(result.error?.message ?? '', /deployments\.apps "nope" not found/);
    await assert.rejects(
      actuator().read({ ...target, hpa: 'no-hpa' }),
      (e: unknown) => e instanceof KubernetesActuatorError && e.code === 'not_found' && e.message.includes('"no-hpa"')
    );
  });

  it('maps 422 to invalid with the API server message naming the field', async () => {
    seed();
    const result = await actuator().apply({
      actionId: 'act-422',
      target,
      change: { hpa: { minReplicas: 8, maxReplicas: 4 } },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'invalid');
    assert.equal(result.error?.httpStatus, 422);
    assert.match(
      result.error?.message ?? '',
      /spec\.maxReplicas: Invalid value: 4: must be greater than or equal to `minReplicas`/
    );
    const zeroTarget = await actuator().apply({
      actionId: 'act-422b',
      target,
      change: { hpa: { targetCpuUtilization: 0 } },
      dryRun: false,
    });
    assert.equal(zeroTarget.error?.code, 'invalid');
    assert.match(zeroTarget.error?.message ?? '', /averageUtilization/);
    assert.deepEqual(storedHpaSpec().metrics, [memoryMetric, cpuMetric(70), podsMetric]);
  });

  it('rejects a change it cannot send before calling the API', async () => {
    seed();
    const result = await actuator().apply({ actionId: 'act-neg', target, change: { replicas: -2 }, dryRun: false });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'invalid');
    assert.equal(result.attempts, 0);
    assert.equal(api.requests.length, 0);
  });

  it('gives up on a slow API server with timeout', async () => {
    seed();
    api.delayMs = 2000;
    const result = await actuator({ requestTimeoutMs: 100 }).apply({
      actionId: 'act-slow',
      target: targetWithoutHpa,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'timeout');
    await assert.rejects(
      actuator({ requestTimeoutMs: 100 }).read(targetWithoutHpa),
      (e: unknown) => e instanceof KubernetesActuatorError && e.code === 'timeout'
    );
  });

  it('maps a refused connection to unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const result = await new KubernetesActuator({
      kubeConfig: kubeConfigFor(`http://127.0.0.1:${port}`, api.token),
      requestTimeoutMs: 5000,
    }).apply({
      actionId: 'act-down',
      target: targetWithoutHpa,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'unavailable');
    assert.equal(result.before, undefined);
  });

  it('applies an action id once: the second apply is already_applied and writes nothing', async () => {
    seed();
    const first = await actuator().apply({
      actionId: 'act-once',
      target: targetWithoutHpa,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(first.status, 'applied');
    const writesAfterFirst = api.writes().length;
    const version = (api.deployment(NS, 'checkout')?.metadata as { resourceVersion: string }).resourceVersion;
    const second = await actuator().apply({
      actionId: 'act-once',
      target: targetWithoutHpa,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(second.status, 'already_applied');
    assert.equal(second.attempts, 0);
    assert.equal(second.after?.lastActionId, 'act-once');
    assert.equal(api.writes().length, writesAfterFirst);
    assert.equal((api.deployment(NS, 'checkout')?.metadata as { resourceVersion: string }).resourceVersion, version);
    // A different id with the same change does go through (and converges without rewriting replicas).
    const third = await actuator().apply({
      actionId: 'act-twice',
      target: targetWithoutHpa,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(third.status, 'applied');
    assert.equal(api.writes().filter((w) => w.resource === 'deployments/scale').length, 1);
  });

  it('rolls back to the before-state exactly (replicas and HPA fields), tagged with the rollback id', async () => {
    seed();
    const applied = await actuator().apply({
      actionId: 'act-change',
      target,
      change: { replicas: 8, hpa: { minReplicas: 4, maxReplicas: 16, targetCpuUtilization: 0.45 } },
      dryRun: false,
    });
    assert.equal(applied.status, 'applied', JSON.stringify(applied.error));
    assert.equal(storedReplicas(), 8);
    assert.ok(applied.before);

    const rolledBack = await actuator().restore('rollback-of-act-change', target, applied.before);
    assert.equal(rolledBack.status, 'applied', JSON.stringify(rolledBack.error));
    assert.equal(rolledBack.before?.replicas, 8);
    const now = await actuator().read(target);
    assert.equal(now.replicas, applied.before.replicas);
    assert.deepEqual(now.hpa, applied.before.hpa);
    assert.equal(now.lastActionId, 'rollback-of-act-change');
    assert.deepEqual(storedHpaSpec().metrics, [memoryMetric, cpuMetric(70), podsMetric]);
    // Restoring again with the same id is idempotent.
    const again = await actuator().restore('rollback-of-act-change', target, applied.before);
    assert.equal(again.status, 'already_applied');
  });

  it("rolls back only the HPA when that is all the action changed: the replicas stay the HPA's", async () => {
    seed();
    const applied = await actuator().apply({
      actionId: 'act-hpa',
      target,
      change: { hpa: { minReplicas: 5 } },
      dryRun: false,
    });
    assert.equal(applied.status, 'applied', JSON.stringify(applied.error));
    const replicasBefore = storedReplicas();
    const rolledBack = await actuator().restore('rollback-of-act-hpa', target, { hpa: applied.before!.hpa! });
    assert.equal(rolledBack.status, 'applied', JSON.stringify(rolledBack.error));
    assert.deepEqual((await actuator().read(target)).hpa, applied.before!.hpa);
    assert.equal(storedReplicas(), replicasBefore);
    assert.equal(api.writes().filter((w) => w.resource === 'deployments/scale').length, 0, 'no scale write');
  });
});
