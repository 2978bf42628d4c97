/**
 * Live mode end to end without a cluster: the loop built from configuration (a kubeconfig file pointing at
 * the loopback Kubernetes-API double, the managed workloads, PromQL templates) reads state through the
 * telemetry seam, proposes, records, and applies through the real Kubernetes actuator; rollback restores
 * the HPA on the API double exactly. Missing settings are named instead of starting a blind loop.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupActionLoop } from '../../src/actions/setup.ts';
import { assembleSources } from '../../src/sources/index.ts';
import { parseManagedServices } from '../../src/actions/targets.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { DependencyHealth, QueryResult, RangeQuery, TelemetrySource } from '../../src/telemetry/types.ts';
import { useKubeApiDouble } from '../helpers/kubeApiDouble.ts';

/** Answers each templated query with a steady series, and records the queries it was asked. */
class SteadyTelemetry implements TelemetrySource {
  readonly kind = 'prometheus' as const;
  readonly asked: string[] = [];
  async queryRange(q: RangeQuery): Promise<QueryResult> {
    this.asked.push(q.query);
    const value = q.query.startsWith('rate_')
      ? 120
      : q.query.startsWith('latency_')
        ? 0.12
        : q.query.startsWith('errors_')
          ? 0
          : q.query.includes('container_cpu')
            ? 0.5
            : 3;
    const samples: Array<[number, number]> = [];
    for (let t = q.startMs; t <= q.endMs; t += q.stepSeconds * 1000) {
      samples.push([t / 1000, value * (1 + 0.05 * Math.sin(t / 600_000))]);
    }
    return { resultType: 'matrix', series: [{ labels: {}, samples }], warnings: [] };
  }
  async queryInstant(): Promise<QueryResult> {
    return { resultType: 'vector', series: [], warnings: [] };
  }
  async series(): Promise<Array<Record<string, string>>> {
    return [];
  }
  async labelValues(): Promise<string[]> {
    return [];
  }
  async health(): Promise<DependencyHealth> {
    return { name: 'prometheus', state: 'up', checkedAt: new Date().toISOString() };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'aidpe-live-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('live mode', () => {
  const api = useKubeApiDouble();

  it('names every missing setting instead of starting a loop', async () => {
    const store = new SqliteStore(':memory:');
    const config = loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:9' } });
    const setup = await setupActionLoop(config, {
      store,
      sources: await assembleSources({ config, metrics: new SteadyTelemetry() }),
    });
    assert.equal(setup.loop, undefined);
    for (const key of [
      'kubernetes.kubeconfig',
      'automation.services',
      'automation.queries.requestRate',
      'automation.queries.sliLatencyP95Seconds',
    ]) {
      assert.ok(setup.unavailable?.includes(key), `${key} in ${setup.unavailable}`);
    }
    await store.close();
  });

  it('parses managed workloads and refuses malformed ones', () => {
    assert.deepEqual(parseManagedServices('checkout=shop/checkout/checkout-hpa, cart', 'default'), [
      { service: 'checkout', namespace: 'shop', deployment: 'checkout', hpa: 'checkout-hpa' },
      { service: 'cart', namespace: 'default', deployment: 'cart' },
    ]);
    assert.throws(() => parseManagedServices('a=b/c/d/e', 'default'), /expected service=namespace\/deployment/);
    assert.throws(
      () => parseManagedServices('x=Shop/checkout', 'default'),
      /namespace "Shop" is not a valid Kubernetes name/
    );
  });

  it('runs the loop against the Kubernetes API through the configured kubeconfig, and rolls back exactly', async () => {
    api.addDeployment({ namespace: 'shop', name: 'checkout', replicas: 3 });
    api.addHpa({
      namespace: 'shop',
      name: 'checkout-hpa',
      deployment: 'checkout',
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    });
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: double, cluster: { server: "' + api.baseUrl + '", insecure-skip-tls-verify: true } }]',
        'users: [{ name: aidpe, user: { token: "' + api.token + '" } }]',
        'contexts: [{ name: double, context: { cluster: double, user: aidpe } }]',
        'current-context: double',
      ].join('\n')
    );
    const config = loadConfig({
      env: {
        AIDPE_MODE: 'live',
        AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:9',
        AIDPE_KUBECONFIG: kubeconfig,
        AIDPE_AUTOMATION_SERVICES: 'checkout=shop/checkout/checkout-hpa',
        AIDPE_QUERY_REQUEST_RATE: 'rate_of{service="$service"}',
        AIDPE_QUERY_SLI_LATENCY_P95: 'latency_p95{namespace="$namespace"}',
        AIDPE_QUERY_SLI_ERROR_RATIO: 'errors_ratio',
        AIDPE_DEFAULT_ACTION_MODE: 'autonomous',
      },
    });
    const store = new SqliteStore(':memory:');
    const telemetry = new SteadyTelemetry();
    const setup = await setupActionLoop(config, {
      store,
      sources: await assembleSources({ config, metrics: telemetry }),
    });
    assert.ok(setup.loop, setup.unavailable);
    assert.equal((await setup.kubernetesHealth!()).state, 'up');
    await setup.loop.tick();
    assert.equal(setup.loop.lastRun?.error, undefined);
    assert.ok(telemetry.asked.includes('rate_of{service="checkout"}'), 'templates are filled per workload');
    assert.ok(
      telemetry.asked.some((q) => q.includes('deployment="checkout"') && q.includes('namespace="shop"')),
      'the Kubernetes default queries are used for ready replicas'
    );
    const [action] = await store.listActions();
    assert.ok(action, 'the policy proposed a change');
    assert.equal(action.status, 'applied', action.error);
    const hpa = api.hpa('shop', 'checkout-hpa')!;
    assert.equal(
      (hpa.metadata as { annotations: Record<string, string> }).annotations['aidpe.io/action-id'],
      action.id
    );
    const rolled = await setup.loop.rollback(action.id, 'alice', undefined);
    assert.equal(rolled.action.status, 'rolled_back', rolled.rollback.error);
    const spec = api.hpa('shop', 'checkout-hpa')!.spec as {
      minReplicas: number;
      maxReplicas: number;
      metrics: Array<{ resource: { target: { averageUtilization: number } } }>;
    };
    assert.deepEqual(
      [spec.minReplicas, spec.maxReplicas, spec.metrics[0]!.resource.target.averageUtilization],
      [2, 10, 70]
    );
    await store.close();
  });
});
