import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp, bearerCredential } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';

async function appWithToken() {
  const config = loadConfig({
    env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1', AIDPE_API_TOKEN: 'tok' },
  });
  return buildApp({ config, telemetry: new ScriptedTelemetry(), logger: false, now: () => 1_700_000_000_000 });
}

test('token bypass: a percent-encoded path is judged by the route it matches, not the raw URL', async (t) => {
  const app = await appWithToken();
  t.after(() => app.close());
  for (const url of ['/%61pi/v1/audit', '/api/v1/%61udit', '/%61%70%69/v1/actions', '/api/v1/audit']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 401, url);
    assert.equal(res.headers['www-authenticate'], 'Bearer');
  }
  const put = await app.inject({
    method: 'PUT',
    url: '/%61pi/v1/automation/services/cart',
    payload: { mode: 'autonomous' },
  });
  assert.equal(put.statusCode, 401);
});

test('token bypass: unmatched paths, /docs and the OpenAPI JSON need the token; health and scrape targets do not', async (t) => {
  const app = await appWithToken();
  t.after(() => app.close());
  assert.equal((await app.inject({ method: 'GET', url: '/no/such/route' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/docs/' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/%61pi/v1/health' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
  assert.notEqual((await app.inject({ method: 'GET', url: '/api/v1/ready' })).statusCode, 401, 'probes need no token');
  const withToken = await app.inject({ method: 'GET', url: '/docs/json', headers: { authorization: 'Bearer tok' } });
  assert.equal(withToken.statusCode, 200);
});

test('token scheme is case-insensitive (RFC 7235) and a wrong or longer token is refused', async (t) => {
  const app = await appWithToken();
  t.after(() => app.close());
  const payload = { query: 'up' };
  for (const [authorization, status] of [
    ['bearer tok', 200],
    ['BEARER tok', 200],
    ['Bearer  tok ', 200],
    ['Bearer tok2', 401],
    ['Bearer to', 401],
    ['Basic tok', 401],
    ['tok', 401],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/query/instant', payload, headers: { authorization } });
    assert.equal(res.statusCode, status, authorization);
  }
  assert.equal(bearerCredential(undefined), undefined);
  assert.equal(bearerCredential('Bearer a b'), undefined);
});

test('no rate limiting: repeated wrong tokens from one client are refused with 429 and Retry-After', async (t) => {
  const app = await appWithToken();
  t.after(() => app.close());
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: { authorization: `Bearer guess${i}` },
    });
    statuses.push(res.statusCode);
  }
  assert.equal(statuses.filter((s) => s === 401).length, 30);
  assert.equal(statuses.at(-1), 429);
  const blocked = await app.inject({ method: 'GET', url: '/api/v1/audit', headers: { authorization: 'Bearer tok' } });
  assert.equal(blocked.statusCode, 429, 'even the right token waits until the window passes');
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  const other = await app.inject({
    method: 'GET',
    url: '/api/v1/health',
    remoteAddress: '10.0.0.9',
  });
  assert.equal(other.statusCode, 200);
});

test('no rate limiting: changes are limited per client; reads through POST are not', async (t) => {
  const app = await appWithToken();
  t.after(() => app.close());
  const headers = { authorization: 'Bearer tok', 'x-grafana-user': 'ana' };
  let last = 0;
  for (let i = 0; i < 61; i++) {
    last = (
      await app.inject({
        method: 'PUT',
        url: '/api/v1/automation/services/cart',
        payload: { mode: 'approve' },
        headers,
      })
    ).statusCode;
  }
  assert.equal(last, 429);
  const bob = await app.inject({
    method: 'PUT',
    url: '/api/v1/automation/services/cart',
    payload: { mode: 'approve' },
    headers: { ...headers, 'x-grafana-user': 'bob' },
  });
  assert.notEqual(bob.statusCode, 429, 'another user behind the same Grafana has their own budget');
  for (let i = 0; i < 70; i++) {
    const q = await app.inject({ method: 'POST', url: '/api/v1/query/instant', payload: { query: 'up' }, headers });
    assert.equal(q.statusCode, 200);
  }
});

test('no security headers: answers carry helmet headers', async (t) => {
  const app = await appWithToken();
  t.after(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
  assert.ok(res.headers['strict-transport-security']);
});
