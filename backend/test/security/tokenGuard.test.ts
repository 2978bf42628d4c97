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
