/**
 * Live mode's configuration: missing settings are named instead of starting a blind loop, and the managed
 * workloads are parsed strictly. The loop built from a kubeconfig and run against a real kube-apiserver is in
 * test/kube/loop.real.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setupActionLoop } from '../../src/automation/setup.ts';
import { assembleSources } from '../../src/sources/index.ts';
import { parseManagedServices } from '../../src/automation/targets.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { SteadyTelemetry } from '../helpers/steadyTelemetry.ts';

describe('live mode', () => {
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
});
