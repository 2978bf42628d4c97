/** Prometheus-shaped metadata routes for completion, over the simulator: metric names, label values, series. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

test('completion metadata: metric names, label values narrowed by match[], and series label sets', async (t) => {
  const cluster = new SimulatedCluster({
    seed: 1,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 15,
    startTimeMs: Date.UTC(2025, 0, 1),
  });
  cluster.advance(600);
  const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } });
  const app = await buildApp({ config, telemetry: new SimulatorSource(cluster), cluster, logger: false });
  t.after(() => app.close());
  const names = (await app.inject({ method: 'GET', url: '/api/v1/label/__name__/values' })).json();
  assert.equal(names.status, 'success');
  assert.ok(names.data.includes('aidpe_sim_request_rate'));
  const services = await app.inject({
    method: 'GET',
    url: '/api/v1/label/service/values?match[]=aidpe_sim_request_rate',
  });
  assert.ok(services.json().data.includes('frontend'));
  const series = await app.inject({ method: 'GET', url: '/api/v1/series?match[]=aidpe_sim_replicas{service="cart"}' });
  assert.equal(series.statusCode, 200);
  assert.deepEqual(Object.keys(series.json().data[0]).sort(), ['__name__', 'service']);
  const missing = await app.inject({ method: 'GET', url: '/api/v1/series' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.json().message, /match\[\]/);
  const badName = await app.inject({ method: 'GET', url: '/api/v1/label/not-a-label/values' });
  assert.equal(badName.statusCode, 400);
});
