/**
 * /health from cached probe results, /ready, circuit state in health and /metrics, and no
 * filesystem paths in health (issue 20, items 7 and 8: /health took 5 s and said 200 when a
 * dependency hung; it printed the store's and the models' paths to anyone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { HealthRegistry, NOT_CHECKED_YET, withoutFilesystemPaths } from '../../src/health/registry.ts';
import { PrometheusSource } from '../../src/telemetry/prometheus.ts';
import type { DependencyHealth, TelemetrySource } from '../../src/telemetry/types.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';
import { startBlackHole } from '../helpers/blackHole.ts';
import { settledHealth, type HealthBody } from '../helpers/health.ts';

async function appWith(telemetry: TelemetrySource, extra: { env?: Record<string, string>; storeError?: string } = {}) {
  const config = loadConfig({
    env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1', ...extra.env },
  });
  return buildApp({
    config,
    telemetry,
    logger: false,
    now: () => 1_700_000_000_000,
    ...(extra.storeError ? { storeError: extra.storeError } : {}),
  });
}

async function health(app: FastifyInstance): Promise<HealthBody> {
  const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
  assert.equal(res.statusCode, 200);
  return res.json() as HealthBody;
}

const dep = (b: HealthBody, name: string) => b.dependencies.find((d) => d.name === name)!;

test('/health answers from the cache while a dependency never answers: the handler does not await the probe', async (t) => {
  const telemetry = new ScriptedTelemetry();
  let probes = 0;
  telemetry.health = () => {
    probes += 1;
    return new Promise<DependencyHealth>(() => {}); // accepts and never answers
  };
  const app = await appWith(telemetry);
  t.after(() => app.close());
  await app.ready();
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const body = await health(app);
    latencies.push(performance.now() - started);
    // The answer was made before the probe could finish: it cannot know the result yet.
    assert.equal(dep(body, 'prometheus').detail, NOT_CHECKED_YET);
    assert.equal(dep(body, 'prometheus').state, 'degraded');
  }
  assert.equal(probes, 1, 'a probe still running is not started again');
  const ready = await app.inject({ method: 'GET', url: '/api/v1/ready' });
  assert.equal(ready.statusCode, 503);
  assert.ok(Number(ready.headers['retry-after']) >= 1);
  assert.deepEqual(ready.json().failing, [{ name: 'prometheus', state: 'unchecked', reason: NOT_CHECKED_YET }]);
  latencies.sort((a, b) => a - b);
  t.diagnostic(
    `/health while the dependency hangs: p50 ${latencies[10]!.toFixed(1)} ms, max ${latencies[19]!.toFixed(1)} ms`
  );
});

test('/api/v1/ready is 503 while a required dependency is down; /api/v1/health stays 200 and says down', async (t) => {
  const telemetry = new ScriptedTelemetry();
  telemetry.healthState = 'down';
  const app = await appWith(telemetry);
  t.after(() => app.close());
  let body = await settledHealth(app);
  assert.equal(body.status, 'down');
  let ready = await app.inject({ method: 'GET', url: '/api/v1/ready' });
  assert.equal(ready.statusCode, 503);
  assert.deepEqual(
    ready.json().failing.map((f: { name: string; state: string }) => [f.name, f.state]),
    [['prometheus', 'down']]
  );
  telemetry.healthState = 'up';
  body = await settledHealth(app, (b) => dep(b, 'prometheus').state === 'up');
  ready = await app.inject({ method: 'GET', url: '/api/v1/ready' });
  assert.equal(ready.statusCode, 200, JSON.stringify(ready.json()));
  assert.equal(ready.json().ready, true);
  assert.notEqual(body.status, 'down');
});

test('health reveals no filesystem paths: the store and the models are named by kind, not path', async (t) => {
  const app = await appWith(new ScriptedTelemetry(), {
    env: { AIDPE_MODELS_DIR: '/srv/secret-layout/aidpe/models' },
    storeError: 'cannot open /var/lib/secret-layout/aidpe.db: EACCES: permission denied',
  });
  t.after(() => app.close());
  const body = await settledHealth(app);
  const text = JSON.stringify(body);
  assert.doesNotMatch(text, /secret-layout/);
  assert.equal(dep(body, 'models').state, 'down');
  assert.match(dep(body, 'store').lastError!.message, /cannot open aidpe\.db: EACCES/);
});

test('an open circuit answers 503 with Retry-After at once for 20 concurrent requests; health and /metrics show it open', async (t) => {
  const hole = await startBlackHole();
  t.after(() => hole.close());
  const telemetry = new PrometheusSource({
    baseUrl: hole.baseUrl,
    timeoutMs: 150,
    retries: 0,
    circuitBreaker: { failureThreshold: 2, openMs: 60_000 },
  });
  const app = await appWith(telemetry);
  t.after(() => app.close());
  const instant = () => app.inject({ method: 'POST', url: '/api/v1/query/instant', payload: { query: 'up' } });
  for (let i = 0; i < 2; i++) {
    assert.equal((await instant()).statusCode, 504);
  }
  const connections = hole.connections;
  const answers = await Promise.all(Array.from({ length: 20 }, instant));
  for (const res of answers) {
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().error, 'unavailable');
    assert.match(res.json().message, /circuit is open after 2 consecutive failures \(last: Prometheus did not answer/);
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 60, String(res.headers['retry-after']));
  }
  assert.equal(hole.connections, connections, 'none of the 20 reached the dependency');

  const body = await settledHealth(app, (b) => dep(b, 'prometheus').circuit?.state === 'open');
  assert.equal(dep(body, 'prometheus').state, 'down');
  assert.match(dep(body, 'prometheus').detail!, /circuit open after 2 consecutive failures/);
  assert.equal(body.status, 'down');
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.match(metrics.body, /aidpe_dependency_circuit_state\{[^}]*dependency="prometheus"[^}]*\} 2/);
});

test('HealthRegistry: snapshot() is synchronous, a hung check times out to down, and stale results refresh in the background', async () => {
  let now = 0;
  let calls = 0;
  let answer: (() => Promise<DependencyHealth>) | undefined;
  const registry = new HealthRegistry({
    checkTimeoutMs: 50,
    maxAgeMs: 1_000,
    refreshIntervalMs: 3_600_000,
    now: () => now,
  });
  registry.register('dep', () => {
    calls += 1;
    return answer ? answer() : new Promise<DependencyHealth>(() => {});
  });
  const first = registry.snapshot();
  assert.ok(Array.isArray(first), 'an array, not a promise');
  assert.equal(first[0]!.detail, NOT_CHECKED_YET);
  assert.deepEqual(registry.pending(), ['dep']);
  const keepAlive = setInterval(() => {}, 1_000); // the registry's own timers do not hold the process open
  await registry.refresh(); // waits for the time limit
  clearInterval(keepAlive);
  assert.equal(registry.snapshot()[0]!.state, 'down');
  assert.match(registry.snapshot()[0]!.lastError!.message, /timed out after 50 ms/);
  assert.equal(calls, 1, 'the hung call is still running: not started twice');
  answer = async () => ({ name: 'dep', state: 'up', checkedAt: new Date(0).toISOString() });
  now += 1_000;
  registry.snapshot(); // stale: starts a refresh, does not wait for it
  assert.equal(calls, 1, 'the first call still hangs, so it is not duplicated');
  registry.stop();
});

test('withoutFilesystemPaths keeps URLs, PromQL and relative names; absolute paths become their last segment', () => {
  assert.equal(withoutFilesystemPaths('sqlite /var/lib/aidpe/aidpe.db'), 'sqlite aidpe.db');
  assert.equal(withoutFilesystemPaths("ENOENT: open '/srv/models/forecast/lstm.onnx'"), "ENOENT: open 'lstm.onnx'");
  assert.equal(withoutFilesystemPaths('C:\\aidpe\\data\\x.db is locked'), 'x.db is locked');
  for (const keep of [
    'Prometheus 2.53.0 at http://prometheus:9090/prom/api',
    'Loki unreachable at https://host/loki (ECONNREFUSED)',
    'rate(a[5m]) / rate(b[5m])',
    'sum(x)/sum(y)',
    'no forecasting models in forecast/',
    'postgres://aidpe@db:5432/aidpe',
  ]) {
    assert.equal(withoutFilesystemPaths(keep), keep);
  }
});
