import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/aidpe.mjs', import.meta.url));
const run = (args: string[], timeout = 60_000) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout, env: { ...process.env, AIDPE_PORT: '' } });

test('aidpe demo starts, prints its URL and a live summary, and stops after --duration', () => {
  const r = run([
    'demo',
    '--port',
    '0',
    '--duration',
    '3',
    '--summary-every',
    '1',
    '--speed',
    '60',
    '--workload',
    'synthetic',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(r.stdout, /health\s+http:\/\/.*\/api\/v1\/health/);
  assert.match(r.stdout, /^\[sim \d\d:\d\d:\d\d\] load \d+ rps \| p95 \d+ ms/m);
  assert.match(r.stdout, /stopped/);
});

test('clean start: aidpe demo prints no experimental or npm configuration warnings', () => {
  const r = run(['demo', '--port', '0', '--duration', '1', '--workload', 'synthetic']);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /ExperimentalWarning|npm warn|Unknown (project|user) config/i);
});

test('bad flags and bad config are clear errors with exit code 2, not crashes', () => {
  let r = run(['demo', '--port', 'eighty']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /server\.port \(command line\): expected an integer between 0 and 65535, got "eighty"/);
  r = run(['demo', '--no-such-flag']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Unknown option '--no-such-flag'/);
  r = run(['serve']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /prometheus\.url: required in live mode/);
  r = run(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
});

test('aidpe serve against an unreachable Prometheus starts and reports it down, not crashing', () => {
  const r = run([
    'serve',
    '--prometheus',
    'http://127.0.0.1:9',
    '--port',
    '0',
    '--duration',
    '2',
    '--log-level',
    'silent',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /live mode/);
});
