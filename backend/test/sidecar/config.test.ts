import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, redactConfig } from '../../src/config/config.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'aidpe-config-'));

test('defaults give a demo-mode sidecar on loopback', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.mode, 'demo');
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.server.port, 8080);
  assert.equal(config.prometheus.url, undefined);
});

test('file < environment < command line, with types coerced', () => {
  const dir = tmp();
  const file = join(dir, 'aidpe.yaml');
  writeFileSync(
    file,
    'server:\n  port: 9000\nprometheus:\n  url: http://prom:9090/\n  timeoutMs: 2000\nsimulator:\n  seed: 7\n'
  );
  const config = loadConfig({
    file,
    env: { AIDPE_PORT: '9100', AIDPE_SIM_SPEED: '30' },
    overrides: { 'simulator.seed': '11' },
  });
  assert.equal(config.server.port, 9100);
  assert.equal(config.prometheus.url, 'http://prom:9090', 'trailing slash removed');
  assert.equal(config.prometheus.timeoutMs, 2000);
  assert.equal(config.simulator.speed, 30);
  assert.equal(config.simulator.seed, 11);
});

test('every bad key is reported with where it came from and what was expected', () => {
  const dir = tmp();
  const file = join(dir, 'aidpe.json');
  writeFileSync(
    file,
    JSON.stringify({ server: { port: 'eighty' }, prometheus: { url: 'ftp://x' }, promethus: { url: 'http://x' } })
  );
  try {
    loadConfig({ file, env: { AIDPE_SIM_SPEED: '-1' } });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(
      text,
      /server\.port \(config file .*aidpe\.json\): expected an integer between 0 and 65535, got "eighty"/
    );
    assert.match(text, /prometheus\.url .*expected an http\(s\) URL/);
    assert.match(text, /promethus\.url .*unknown key/);
    assert.match(text, /simulator\.speed \(AIDPE_SIM_SPEED\): expected a number between/);
    assert.equal(err.problems.length, 4);
  }
});

test('live mode needs a Prometheus URL', () => {
  assert.throws(() => loadConfig({ env: { AIDPE_MODE: 'live' } }), /prometheus\.url: required in live mode/);
});

test('an unreadable or malformed config file is a clear error', () => {
  assert.throws(
    () => loadConfig({ file: '/nonexistent/aidpe.yaml', env: {} }),
    /config file \/nonexistent\/aidpe\.yaml: not found/
  );
  const dir = tmp();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'server: [port: 1\n  - ]]');
  assert.throws(() => loadConfig({ file, env: {} }), /cannot parse/);
  const list = join(dir, 'list.yaml');
  writeFileSync(list, '- a\n- b\n');
  assert.throws(() => loadConfig({ file: list, env: {} }), /mapping of keys/);
});

test('secrets are redacted when the config is shown', () => {
  const config = loadConfig({
    env: {
      AIDPE_API_TOKEN: 's3cret',
      AIDPE_PROMETHEUS_TOKEN: 'p',
      AIDPE_STORE_URL: 'postgres://aidpe:pgs3cret@db.example:5432/aidpe',
    },
  });
  const shown = JSON.stringify(redactConfig(config));
  assert.doesNotMatch(shown, /s3cret/);
  assert.match(shown, /<configured>/);
  assert.match(shown, /postgres:\/\/aidpe:\*\*\*@db\.example:5432\/aidpe/, 'the store URL stays, without its password');
});

test('no token beyond loopback: the sidecar refuses to listen on a public address without an API token', () => {
  assert.throws(
    () => loadConfig({ env: { AIDPE_HOST: '0.0.0.0' } }),
    (err: unknown) =>
      err instanceof ConfigError && /apiToken: required when the sidecar listens beyond loopback/.test(err.message)
  );
  assert.equal(loadConfig({ env: { AIDPE_HOST: '0.0.0.0', AIDPE_API_TOKEN: 's3cret' } }).server.host, '0.0.0.0');
  for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
    assert.equal(loadConfig({ env: { AIDPE_HOST: host } }).server.host, host);
  }
});
