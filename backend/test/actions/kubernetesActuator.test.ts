/**
 * The Kubernetes actuator: its pure parts (HPA spec ↔ fields, patch bodies, status → error code), and the
 * faults a real API server cannot be made to produce on demand (a slow server, 5xx, a truncated body, a
 * reset connection), against the loopback fault double. Its contract with the API server itself (scale
 * subresource, merge patches, 409 and retry, dry run, RBAC, 404/422, idempotency, rollback) is tested
 * against a real kube-apiserver in test/kube/actuator.real.test.ts.
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
} from '../../src/automation/kubernetesActuator.ts';
import type { KubernetesActuatorOptions } from '../../src/automation/kubernetesActuator.ts';
import type { ScaleTarget } from '../../src/automation/types.ts';
import { DEPLOYMENT, HPA, NAMESPACE, kubeConfigFor, useKubeApiDouble } from '../helpers/kubeApiDouble.ts';

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

describe('KubernetesActuator when the API server fails', () => {
  const api = useKubeApiDouble();
  const target: ScaleTarget = { service: 'checkout', namespace: NAMESPACE, deployment: DEPLOYMENT, hpa: HPA };
  const replicasOnly: ScaleTarget = { service: 'checkout', namespace: NAMESPACE, deployment: DEPLOYMENT };

  const actuator = (options: Partial<KubernetesActuatorOptions> = {}): KubernetesActuator =>
    new KubernetesActuator({
      kubeConfig: kubeConfigFor(api.baseUrl, api.token),
      requestTimeoutMs: 5000,
      retryBackoffMs: 1,
      ...options,
    });

  it('applies through the double when nothing fails (the fault tests below start from a working path)', async () => {
    const result = await actuator().apply({ actionId: 'ok', target, change: { replicas: 5 }, dryRun: false });
    assert.equal(result.status, 'applied', JSON.stringify(result.error));
    assert.equal(api.state().replicas, 5);
  });

  it('gives up on a slow API server with timeout, for writes and reads', async () => {
    // Generous against a loaded machine: the first request of a client also sets up its connection.
    api.inject({ method: 'PUT' }, { kind: 'delay', ms: 10_000 });
    const result = await actuator({ requestTimeoutMs: 1000 }).apply({
      actionId: 'act-slow',
      target: replicasOnly,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'timeout');
    assert.match(result.error?.message ?? '', /did not answer within 1000 ms/);
    assert.equal(result.before?.replicas, 3, 'the reads before it answered');
    api.inject({ method: 'GET' }, { kind: 'delay', ms: 10_000 });
    await assert.rejects(
      actuator({ requestTimeoutMs: 1000 }).read(replicasOnly),
      (e: unknown) => e instanceof KubernetesActuatorError && e.code === 'timeout'
    );
  });

  it('maps 5xx to unavailable with the Status message, or a snippet of a proxy page', async () => {
    api.inject(
      { method: 'PUT' },
      {
        kind: 'status',
        status: 503,
        body: JSON.stringify({ kind: 'Status', message: 'etcdserver: leader changed', code: 503 }),
      }
    );
    const status = await actuator().apply({
      actionId: 'a-503',
      target: replicasOnly,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(status.error?.code, 'unavailable');
    assert.equal(status.error?.httpStatus, 503);
    assert.match(status.error?.message ?? '', /etcdserver: leader changed/);
    api.reset();
    // On the scale read only: the Deployment read of the same apply may still be on its way.
    api.inject(
      { method: 'GET', path: '/scale' },
      { kind: 'status', status: 502, body: '<html>502 Bad Gateway</html>', contentType: 'text/html' },
      1
    );
    const proxy = await actuator().apply({
      actionId: 'a-502',
      target: replicasOnly,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(proxy.error?.code, 'unavailable');
    assert.match(proxy.error?.message ?? '', /502 Bad Gateway/);
    api.reset();
    api.inject({ method: 'GET', path: '/scale' }, { kind: 'status', status: 504, body: '' }, 1);
    const gateway = await actuator().apply({
      actionId: 'a-504',
      target: replicasOnly,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(gateway.error?.code, 'timeout');
    assert.equal(api.state().replicas, 3);
  });

  it('reports what it had already written when a later write fails', async () => {
    api.inject(
      { method: 'PUT', path: '/scale' },
      { kind: 'status', status: 500, body: '{"kind":"Status","message":"internal error","code":500}' }
    );
    const result = await actuator().apply({
      actionId: 'act-partial',
      target,
      change: { replicas: 6, hpa: { maxReplicas: 12 } },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'unavailable');
    assert.match(result.error?.message ?? '', /already written before the failure: HPA shop\/checkout-hpa/);
    assert.deepEqual(api.state(), { replicas: 3, minReplicas: 2, maxReplicas: 12 });
  });

  it('a body cut off mid-way is a failure with a message, not a crash', async () => {
    api.inject({ method: 'GET', path: '/scale' }, { kind: 'truncate' }, 1);
    const result = await actuator().apply({
      actionId: 'a-cut',
      target: replicasOnly,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(result.status, 'failed');
    assert.ok(['unavailable', 'unknown'].includes(result.error?.code ?? ''), JSON.stringify(result.error));
    assert.ok((result.error?.message ?? '').length > 0);
    assert.equal(api.state().replicas, 3, 'nothing written after a read it could not finish');
  });

  it('maps a reset connection and a refused one to unavailable', async () => {
    api.inject({ method: 'GET' }, { kind: 'reset' }, 3);
    const reset = await actuator().apply({
      actionId: 'a-reset',
      target: replicasOnly,
      change: { replicas: 4 },
      dryRun: false,
    });
    assert.equal(reset.error?.code, 'unavailable', JSON.stringify(reset.error));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await new KubernetesActuator({
      kubeConfig: kubeConfigFor(`http://127.0.0.1:${port}`, api.token),
      requestTimeoutMs: 5000,
    }).apply({ actionId: 'act-down', target: replicasOnly, change: { replicas: 4 }, dryRun: false });
    assert.equal(refused.error?.code, 'unavailable');
    assert.equal(refused.before, undefined);
  });
});
