/**
 * The Kubernetes API double itself: the patch semantics (RFC 7386, RFC 6902) and the API server
 * behaviour the actuator's contract tests rely on, checked with plain fetch so a bug in the double
 * cannot hide behind the client.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, applyMergePatch, useKubeApiDouble } from '../helpers/kubeApiDouble.ts';

describe('patch semantics', () => {
  it('merge patch follows the RFC 7386 examples', () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [
        ['a', 'b'],
        ['c', 'd'],
        ['c', 'd'],
      ],
      [{ a: 'foo' }, null, null],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, expected] of cases) {
      assert.deepEqual(applyMergePatch(target, patch), expected, JSON.stringify({ target, patch }));
    }
  });

  it('JSON patch applies RFC 6902 operations and fails a failed test', () => {
    const doc = { spec: { replicas: 2, list: ['a', 'b'] } };
    const out = applyJsonPatch(doc, [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/spec/list/-', value: 'c' },
      { op: 'remove', path: '/spec/list/0' },
      { op: 'copy', from: '/spec/replicas', path: '/spec/copied' },
      { op: 'test', path: '/spec/copied', value: 5 },
    ]);
    assert.deepEqual(out, { spec: { replicas: 5, list: ['b', 'c'], copied: 5 } });
    assert.deepEqual(doc.spec.replicas, 2, 'the input is not modified');
    assert.throws(() => applyJsonPatch(doc, [{ op: 'test', path: '/spec/replicas', value: 9 }]), /test failed/);
    assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/nothing', value: 1 }]), /does not exist/);
  });
});

/** The fields of objects and Status bodies these tests look at. */
interface Answer {
  kind?: string;
  reason?: string;
  message: string;
  metadata: { resourceVersion: string };
  spec: { replicas: number };
  details: { causes: Array<{ field: string }> };
}

describe('KubeApiDouble', () => {
  const api = useKubeApiDouble();
  const url = (suffix = ''): string => `${api.baseUrl}/apis/apps/v1/namespaces/ns/deployments/web${suffix}`;
  const send = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    token = api.token
  ) => {
    const res = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };

  it('serves the scale subresource with the Deployment resourceVersion, and bumps it on a write', async () => {
    api.addDeployment({ namespace: 'ns', name: 'web', replicas: 2 });
    const scale = await send('GET', url('/scale'));
    assert.equal(scale.status, 200);
    assert.equal(scale.body.kind, 'Scale');
    const version = scale.body.metadata.resourceVersion;
    assert.equal((api.deployment('ns', 'web')?.metadata as { resourceVersion: string }).resourceVersion, version);
    const put = await send('PUT', url('/scale'), {
      metadata: { name: 'web', resourceVersion: version },
      spec: { replicas: 4 },
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.spec.replicas, 4);
    assert.notEqual(put.body.metadata.resourceVersion, version);
    // The same write again carries a stale resourceVersion now.
    const stale = await send('PUT', url('/scale'), {
      metadata: { name: 'web', resourceVersion: version },
      spec: { replicas: 5 },
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
  });

  it('does not bump resourceVersion for a write that changes nothing', async () => {
    api.addDeployment({ namespace: 'ns', name: 'web', replicas: 2 });
    const before = (api.deployment('ns', 'web')?.metadata as { resourceVersion: string }).resourceVersion;
    const res = await send('PATCH', url(), { spec: { replicas: 2 } }, 'application/merge-patch+json');
    assert.equal(res.status, 200);
    assert.equal(res.body.metadata.resourceVersion, before);
  });

  it('refuses patch types it does not model with 415, and JSON patches by RFC 6902', async () => {
    api.addDeployment({ namespace: 'ns', name: 'web', replicas: 2 });
    const strategic = await send('PATCH', url(), { spec: { replicas: 3 } }, 'application/strategic-merge-patch+json');
    assert.equal(strategic.status, 415);
    // A merge-patch body sent as a JSON patch is not a list of operations.
    const wrongType = await send('PATCH', url(), { spec: { replicas: 3 } }, 'application/json-patch+json');
    assert.equal(wrongType.status, 422);
    const jsonPatch = await send(
      'PATCH',
      url(),
      [{ op: 'replace', path: '/spec/replicas', value: 3 }],
      'application/json-patch+json'
    );
    assert.equal(jsonPatch.status, 200);
    assert.equal(jsonPatch.body.spec.replicas, 3);
  });

  it('answers 422 with causes, 400 for a bad dryRun, 404, 401 and 403 as the API server does', async () => {
    api.addDeployment({ namespace: 'ns', name: 'web', replicas: 2 });
    api.addHpa({ namespace: 'ns', name: 'web', minReplicas: 1, maxReplicas: 5 });
    const hpaUrl = `${api.baseUrl}/apis/autoscaling/v2/namespaces/ns/horizontalpodautoscalers/web`;
    const invalid = await send('PATCH', hpaUrl, { spec: { minReplicas: 6 } }, 'application/merge-patch+json');
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.reason, 'Invalid');
    assert.deepEqual(
      invalid.body.details.causes.map((c) => c.field),
      ['spec.maxReplicas']
    );
    assert.equal((api.hpa('ns', 'web')?.spec as { minReplicas: number }).minReplicas, 1);
    assert.equal(
      (await send('PATCH', `${url()}?dryRun=Yes`, { spec: { replicas: 3 } }, 'application/merge-patch+json')).status,
      400
    );
    assert.equal((await send('GET', `${api.baseUrl}/apis/apps/v1/namespaces/ns/deployments/other`)).status, 404);
    assert.equal((await send('GET', url(), undefined, 'application/json', 'wrong')).status, 401);
    api.forbid('get', 'deployments');
    const forbidden = await send('GET', url());
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body.message, /cannot get resource "deployments"/);
  });

  it('dry run answers the would-be object and persists nothing', async () => {
    api.addDeployment({ namespace: 'ns', name: 'web', replicas: 2 });
    const stored = api.deployment('ns', 'web');
    const res = await send('PATCH', `${url()}?dryRun=All`, { spec: { replicas: 9 } }, 'application/merge-patch+json');
    assert.equal(res.status, 200);
    assert.equal(res.body.spec.replicas, 9);
    assert.deepEqual(api.deployment('ns', 'web'), stored);
  });
});
