/**
 * Defect: X-Grafana-User was trusted unconditionally — with no token (the default) anyone who reached the port
 * decided as anyone — and anomaly feedback took `user` from the body. Now the forwarded user is believed only
 * with the API token (or, with none configured, only from loopback), the body cannot name a user, and the audit
 * records the credential beside the user.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { tokenLabel } from '../../src/routes/identity.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';
import { crashLoop, FileActuator } from '../actions/crash/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'aidpe-identity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function world(name: string, token: string | undefined) {
  const workload = join(dir, `${name}.json`);
  FileActuator.init(workload);
  const store = new SqliteStore(join(dir, `${name}.sqlite`));
  const config = loadConfig({
    env: {
      AIDPE_MODE: 'live',
      AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1',
      ...(token ? { AIDPE_API_TOKEN: token } : {}),
    },
    overrides: { logLevel: 'silent' },
  });
  const loop = crashLoop(store, new FileActuator(workload));
  const app = await buildApp({ config, telemetry: new ScriptedTelemetry(), store, actions: loop, logger: false });
  return { app, store };
}

const setMode = { method: 'PUT' as const, url: '/api/v1/automation/services/frontend', payload: { mode: 'approve' } };

test('X-Grafana-User trusted unconditionally: with a token, only a request carrying it decides, audited with its label', async () => {
  const { app, store } = await world('token', 's3cret-token');
  try {
    const spoofed = await app.inject({ ...setMode, headers: { 'x-grafana-user': 'admin' } });
    assert.equal(spoofed.statusCode, 401, 'the header alone decides nothing');
    const res = await app.inject({
      ...setMode,
      headers: { 'x-grafana-user': 'alice', authorization: 'Bearer s3cret-token' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const [entry] = await store.listAudit(1);
    assert.equal(entry!.actor, 'alice');
    assert.equal(entry!.details.credential, tokenLabel('s3cret-token'));
    assert.match(String(entry!.details.credential), /^grafana-proxy \(api token sha256:[0-9a-f]{8}\)$/);
    assert.ok(!JSON.stringify(entry).includes('s3cret-token'), 'the token itself is never logged');
  } finally {
    await app.close();
    await store.close();
  }
});

test('X-Grafana-User trusted unconditionally: with no token configured only loopback callers decide, and the audit says so', async () => {
  const { app, store } = await world('notoken', undefined);
  try {
    const remote = await app.inject({
      ...setMode,
      remoteAddress: '10.1.2.3',
      headers: { 'x-grafana-user': 'admin' },
    });
    assert.equal(remote.statusCode, 403);
    assert.match(
      remote.json().message,
      /^authorization: .*no token is configured, so only loopback callers may decide/
    );
    const local = await app.inject({ ...setMode, headers: { 'x-grafana-user': 'bob' } });
    assert.equal(local.statusCode, 200, local.body);
    const [entry] = await store.listAudit(1);
    assert.equal(entry!.actor, 'bob');
    assert.match(String(entry!.details.credential), /^loopback \(no API token configured/);
  } finally {
    await app.close();
    await store.close();
  }
});

test('anomaly feedback took user from the body: a body user is refused (400 naming it), the header is required', async () => {
  const { app, store } = await world('feedback', undefined);
  try {
    const url = '/api/v1/anomalies/an-00000000-1/feedback';
    const body = await app.inject({ method: 'POST', url, payload: { verdict: 'false_positive', user: 'mallory' } });
    assert.equal(body.statusCode, 400);
    assert.match(body.json().message, /user|additional/);
    const none = await app.inject({ method: 'POST', url, payload: { verdict: 'false_positive' } });
    assert.equal(none.statusCode, 401);
    assert.match(none.json().message, /^user: feedback needs the user Grafana forwards as X-Grafana-User/);
  } finally {
    await app.close();
    await store.close();
  }
});
