/**
 * The sidecar wiring: with loki.url and tempo.url (or tempo.otlpUrl) set, the demo cluster's telemetry is
 * pushed on a timer; the push shows in /api/v1/health (loki-push, tempo-push) and in /metrics; without the
 * URLs, or with simulator.push off, nothing is pushed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/config.ts';
import { startSidecar, type RunningSidecar } from '../../../src/server.ts';
import { startSimulatorPush } from '../../../src/sim/push/index.ts';
import { TelemetryStore } from './telemetryStore.ts';

const store = new TelemetryStore();
const otlp = new TelemetryStore();
const dir = mkdtempSync(join(tmpdir(), 'aidpe-push-'));
let sidecar: RunningSidecar;

before(async () => {
  await store.start();
  await otlp.start();
  const config = loadConfig({
    env: { AIDPE_LOKI_URL: store.url, AIDPE_TEMPO_URL: store.url, AIDPE_TEMPO_OTLP_URL: otlp.url },
    overrides: {
      mode: 'demo',
      'server.port': 0,
      logLevel: 'silent',
      storePath: join(dir, 'store.db'),
      'simulator.workload': 'synthetic',
      'simulator.randomFaults': 0,
      'simulator.warmupSeconds': 300,
      'simulator.pushIntervalSeconds': 0.2,
    },
  });
  sidecar = await startSidecar(config, { logger: false });
});

after(async () => {
  await sidecar?.close();
  await store.close();
  await otlp.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the demo cluster pushes logs to loki.url and traces to tempo.otlpUrl; health and /metrics show it', async () => {
  const deadline = Date.now() + 20_000;
  while ((store.lineCount() === 0 || otlp.traces.size === 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(store.lineCount() > 100, `lines pushed: ${store.lineCount()}`);
  assert.ok(otlp.traces.size > 10, `traces pushed: ${otlp.traces.size}`);
  assert.equal(store.traces.size, 0, 'traces go to the OTLP URL, not the query URL');
  assert.ok(otlp.requests.every((r) => r.path === '/v1/traces' || r.path === '/ready'));
  let deps: Array<{ name: string; state: string; detail?: string }> = [];
  while (Date.now() < deadline) {
    const health = await sidecar.app.inject({ method: 'GET', url: '/api/v1/health' });
    deps = health.json().dependencies;
    if (
      deps.some((d) => d.name === 'loki-push' && d.state === 'up' && !/^.*: 0 log lines pushed/.test(d.detail ?? ''))
    ) {
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const lokiPush = deps.find((d) => d.name === 'loki-push');
  const tempoPush = deps.find((d) => d.name === 'tempo-push');
  assert.equal(lokiPush?.state, 'up', JSON.stringify(deps));
  assert.match(lokiPush!.detail!, new RegExp(`^${store.url}/loki/api/v1/push: \\d+ log lines pushed`));
  assert.equal(tempoPush?.state, 'up');
  assert.match(tempoPush!.detail!, new RegExp(`^${otlp.url}/v1/traces: \\d+ traces pushed`));
  const metrics = (await sidecar.app.inject({ method: 'GET', url: '/metrics' })).body;
  const sent = /aidpe_sim_push_items_total\{target="loki-push",outcome="sent"(?:,app="aidpe-sidecar")?\} (\d+)/.exec(
    metrics
  );
  assert.ok(sent && Number(sent[1]) > 0, 'sent lines counted in /metrics');
  assert.match(metrics, /aidpe_sim_push_queue_items\{target="tempo-push"/);
});

test('startSimulatorPush is off without URLs or with simulator.push false', () => {
  const cluster = sidecar.demo!.cluster;
  const base = loadConfig({ env: {}, overrides: { mode: 'demo' } });
  assert.equal(startSimulatorPush(base, cluster, undefined), undefined);
  const off = loadConfig({ env: { AIDPE_LOKI_URL: store.url, AIDPE_SIM_PUSH: 'false' }, overrides: { mode: 'demo' } });
  assert.equal(startSimulatorPush(off, cluster, undefined), undefined);
});
