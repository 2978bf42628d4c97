import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { TelemetryError } from '../../src/telemetry/types.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';
import { settledHealth } from '../helpers/health.ts';

async function appWith(env: Record<string, string> = {}) {
  const telemetry = new ScriptedTelemetry();
  const config = loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1', ...env } });
  const app = await buildApp({ config, telemetry, logger: false, now: () => 1_700_000_000_000 });
  return { app, telemetry };
}

test('health lists every dependency and degrades, not fails, when one is down', async (t) => {
  const { app, telemetry } = await appWith({ AIDPE_LOKI_URL: 'http://127.0.0.1:9' });
  t.after(() => app.close());
  await settledHealth(app); // health answers from cached checks: wait for the first round
  let res = await app.inject({ method: 'GET', url: '/api/v1/health' });
  assert.equal(res.statusCode, 200);
  let body = res.json();
  assert.deepEqual(body.dependencies.map((d: { name: string }) => d.name).sort(), [
    'kubernetes',
    'loki',
    'models',
    'prometheus',
    'store',
    'tempo',
  ]);
  const loki = body.dependencies.find((d: { name: string }) => d.name === 'loki');
  assert.equal(loki.state, 'down', 'nothing listens on port 9');
  assert.ok(loki.lastError.message.length > 0);
  assert.equal(body.status, 'degraded');
  telemetry.healthState = 'down';
  await settledHealth(app, (b) => b.status === 'down'); // the next background check sees it
  res = await app.inject({ method: 'GET', url: '/api/v1/health' });
  body = res.json();
  assert.equal(body.status, 'down', 'the telemetry source is required');
});

test('/metrics exposes request latency after a request, and the OpenAPI document lists the routes', async (t) => {
  const { app } = await appWith();
  t.after(() => app.close());
  await app.inject({ method: 'GET', url: '/api/v1/health' });
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /aidpe_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/health"/);
  assert.match(metrics.body, /aidpe_dependency_up\{dependency="prometheus"/);
  const openapi = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  assert.equal(openapi.statusCode, 200);
  const doc = openapi.json();
  assert.equal(doc.openapi.startsWith('3.'), true);
  assert.ok(doc.paths['/api/v1/health']);
  assert.ok(doc.paths['/api/v1/query/range']);
  const ui = await app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(ui.statusCode, 200);
});

test('query route validates its body and names the field', async (t) => {
  const { app, telemetry } = await appWith();
  t.after(() => app.close());
  let res = await app.inject({ method: 'POST', url: '/api/v1/query/range', payload: { query: 'up', start: 'now-1h' } });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().message, /stepSeconds/);
  res = await app.inject({
    method: 'POST',
    url: '/api/v1/query/range',
    payload: { query: 'up', start: 'now', end: 'now-1h', stepSeconds: 60 },
  });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().message, /^start: must be before end/);
  res = await app.inject({
    method: 'POST',
    url: '/api/v1/query/range',
    payload: { query: 'up', start: 'yesterday-ish', stepSeconds: 60 },
  });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().message, /^start: cannot parse time/);
  assert.equal(telemetry.rangeCalls.length, 0, 'nothing reached the telemetry source');
});

test('query route answers with series, NaN/Inf encoded as Prometheus does', async (t) => {
  const { app, telemetry } = await appWith();
  t.after(() => app.close());
  telemetry.next = async () => ({
    resultType: 'matrix',
    series: [
      {
        labels: { __name__: 'up' },
        samples: [
          [1, 1],
          [2, Number.NaN],
          [3, Number.POSITIVE_INFINITY],
          [4, Number.NEGATIVE_INFINITY],
        ],
      },
    ],
    warnings: [],
  });
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/query/range',
    payload: { query: 'up', start: 'now-1h', stepSeconds: 60 },
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json().series[0].samples, [
    [1, 1],
    [2, 'NaN'],
    [3, '+Inf'],
    [4, '-Inf'],
  ]);
  assert.equal(telemetry.rangeCalls[0]!.startMs, 1_700_000_000_000 - 3_600_000);
});

test('telemetry failures map to 400/501/502/504 with the query and upstream message', async (t) => {
  const { app, telemetry } = await appWith();
  t.after(() => app.close());
  const cases: Array<[TelemetryError['kind'], number]> = [
    ['bad_query', 400],
    ['unsupported', 501],
    ['unreachable', 502],
    ['upstream', 502],
    ['timeout', 504],
  ];
  for (const [kind, status] of cases) {
    telemetry.next = async () => {
      throw new TelemetryError({
        kind,
        source: 'prometheus',
        message: `boom ${kind}`,
        query: 'rate(x[5m]',
        upstreamMessage: 'parse error',
      });
    };
    const res = await app.inject({ method: 'POST', url: '/api/v1/query/instant', payload: { query: 'rate(x[5m]' } });
    assert.equal(res.statusCode, status, kind);
    assert.equal(res.json().query, 'rate(x[5m]');
    assert.equal(res.json().upstreamMessage, 'parse error');
  }
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.match(metrics.body, /aidpe_errors_total\{component="telemetry:prometheus",kind="timeout"/);
});

test('with an API token, /api/v1 needs it but health stays open', async (t) => {
  const { app } = await appWith({ AIDPE_API_TOKEN: 'tok' });
  t.after(() => app.close());
  const payload = { query: 'up' };
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/query/instant', payload })).statusCode, 401);
  assert.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/v1/query/instant',
        payload,
        headers: { authorization: 'Bearer wrong' },
      })
    ).statusCode,
    401
  );
  assert.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/v1/query/instant',
        payload,
        headers: { authorization: 'Bearer tok' },
      })
    ).statusCode,
    200
  );
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode, 200);
});
