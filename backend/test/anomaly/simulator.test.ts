/**
 * On the embedded demo cluster: injected faults are detected through the anomaly API within minutes,
 * and the fault-free stretch before them raises nothing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

const START = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const cluster = new SimulatedCluster({
  seed: 11,
  topology: defaultTopology(),
  workload: syntheticDiurnalTrace({ days: 1 }),
  tickSeconds: 5,
  startTimeMs: START,
  historyRetentionSeconds: 12 * 3600,
});
const faults = [
  {
    service: 'payment',
    type: 'latency' as const,
    startMs: START + 7 * HOUR,
    endMs: START + 7.5 * HOUR,
    intensity: 2,
    query: 'aidpe_sim_latency_seconds{quantile="0.95",service="payment"}',
  },
  {
    service: 'cart',
    type: 'error_burst' as const,
    startMs: START + 8 * HOUR,
    endMs: START + 8.5 * HOUR,
    intensity: 2,
    query: 'aidpe_sim_error_ratio{service="cart"}',
  },
];
for (const f of faults) {
  cluster.injectFault({ service: f.service, type: f.type, startMs: f.startMs, endMs: f.endMs, intensity: f.intensity });
}
cluster.advance(9 * 3600);
const wallNow = () => cluster.now();
const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } });
const app = await buildApp({
  config,
  telemetry: new SimulatorSource(cluster, { wallNow }),
  cluster,
  logger: false,
  now: wallNow,
});
after(() => app.close());

for (const f of faults) {
  test(`a ${f.type} fault on ${f.service} is found within 5 minutes, with no region in the two fault-free hours before`, async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/anomalies',
      payload: { query: f.query, start: f.startMs - 2 * HOUR, end: f.endMs, stepSeconds: 60 },
    });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json().series[0];
    assert.equal(s.status, 'ok', s.reason);
    const before = s.regions.filter((r: { startMs: number }) => r.startMs < f.startMs);
    assert.deepEqual(before, [], 'false positives on the fault-free stretch');
    const hit = s.regions.find((r: { startMs: number }) => r.startMs >= f.startMs);
    assert.ok(hit, `no region after the fault start: ${JSON.stringify(s.regions)}`);
    const delayMinutes = (hit.startMs - f.startMs) / 60_000;
    assert.ok(delayMinutes <= 5, `detected after ${delayMinutes} min`);
  });
}
