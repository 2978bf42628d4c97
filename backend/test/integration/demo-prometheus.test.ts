/**
 * The whole foundation loop against a real Prometheus: the sidecar runs the demo cluster on a
 * paced clock, Prometheus scrapes its /sim/metrics, and the Prometheus connector reads back what
 * the simulator exposed.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/config.ts';
import { startSidecar, type RunningSidecar } from '../../src/server.ts';
import { PrometheusSource } from '../../src/telemetry/prometheus.ts';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheusServer.ts';
import { settledHealth } from '../helpers/health.ts';

let sidecar: RunningSidecar;
let prom: RunningPrometheus;
let source: PrometheusSource;

before(async () => {
  const config = loadConfig({
    env: {},
    overrides: {
      mode: 'demo',
      'server.port': 0,
      logLevel: 'silent',
      'simulator.speed': 20,
      'simulator.workload': 'azure-10',
      'simulator.randomFaults': 0,
    },
  });
  sidecar = await startSidecar(config, { logger: false });
  const target = new URL(sidecar.url).host;
  prom = await startPrometheus({ scrapeTargets: [target], metricsPath: '/sim/metrics', scrapeIntervalSeconds: 1 });
  source = new PrometheusSource({ baseUrl: prom.url, timeoutMs: 5000, retries: 1 });
  // Wait (bounded) until a few scrapes have landed.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await source.queryInstant('count_over_time(aidpe_sim_replicas{service="frontend"}[1m])');
    if ((r.series[0]?.samples[0]?.[1] ?? 0) >= 3) {
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(`Prometheus did not scrape the demo cluster in time:\n${prom.logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
});

after(async () => {
  await prom?.stop();
  await sidecar?.close();
});

test('Prometheus scrapes every demo-cluster service and the connector reads them back', async () => {
  const services = await source.labelValues('service');
  const expected = sidecar.demo!.cluster.topology.services.map((s) => s.name).sort();
  assert.deepEqual([...services].sort(), expected);
  const up = await source.queryInstant('up{job="aidpe_test"}');
  assert.equal(up.series[0]?.samples[0]?.[1], 1);
});

test('scraped replicas match the simulator, and the scale API shows up in Prometheus', async () => {
  const cluster = sidecar.demo!.cluster;
  const before = await source.queryInstant('aidpe_sim_replicas{service="cart"}');
  assert.equal(before.series[0]?.samples[0]?.[1], cluster.getDeployment('cart').replicas);
  const res = await sidecar.app.inject({
    method: 'PUT',
    url: '/api/v1/sim/deployments/cart/replicas',
    payload: { replicas: 7 },
  });
  assert.equal(res.statusCode, 200);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const now = await source.queryInstant('aidpe_sim_replicas_desired{service="cart"}');
    if (now.series[0]?.samples[0]?.[1] === 7) {
      break;
    }
    assert.ok(Date.now() < deadline, 'desired replicas never reached Prometheus');
    await new Promise((r) => setTimeout(r, 500));
  }
});

test('range queries and rate() over scraped simulator counters are sane', async () => {
  const endMs = Date.now();
  const range = await source.queryRange({
    query: 'aidpe_sim_request_rate{service="frontend"}',
    startMs: endMs - 60_000,
    endMs,
    stepSeconds: 1,
  });
  assert.equal(range.series.length, 1);
  const values = range.series[0]!.samples.map(([, v]) => v);
  assert.ok(values.length >= 3);
  assert.ok(values.every((v) => Number.isFinite(v) && v >= 0));
  const rate = await source.queryInstant('rate(aidpe_sim_requests_total{service="frontend"}[10s])');
  const perWallSecond = rate.series[0]?.samples[0]?.[1];
  assert.ok(perWallSecond !== undefined && perWallSecond > 0, 'the counter increases between scrapes');
});

test('the sidecar health reports the simulator up and Prometheus-less dependencies as disabled', async () => {
  const body = await settledHealth(sidecar.app);
  assert.equal(body.mode, 'demo');
  const sim = body.dependencies.find((d: { name: string }) => d.name === 'simulator');
  assert.equal(sim.state, 'up');
  const k8s = body.dependencies.find((d: { name: string }) => d.name === 'kubernetes');
  assert.equal(k8s.state, 'disabled');
});
