/**
 * Schemathesis (https://schemathesis.io) against the sidecar's own OpenAPI document, on a demo sidecar listening
 * on loopback: generated and boundary requests for every operation must get no 5xx, documented status codes and
 * content types, answers that match their response schemas, and 4xx for data the schema refuses.
 *
 * Schemathesis is a Python tool from PyPI: `scripts/bootstrap.sh test` (which .ci/run calls) installs a pinned
 * version into .cache/schemathesis; AIDPE_SCHEMATHESIS_BIN names another binary. The test never installs anything
 * itself: without the binary it is skipped, saying why and how to install it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoApp, type DemoApp } from '../helpers/demoApp.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = process.env.AIDPE_SCHEMATHESIS_BIN ?? join(ROOT, '.cache', 'schemathesis', 'bin', 'schemathesis');
const EXAMPLES = process.env.AIDPE_SCHEMATHESIS_EXAMPLES ?? '12';
const MISSING =
  `schemathesis is not installed at ${BIN}: run \`bash scripts/bootstrap.sh test\` ` +
  '(needs python3 with venv, and PyPI), or set AIDPE_SCHEMATHESIS_BIN';

let d: DemoApp;
let url: string;
const reports = mkdtempSync(join(tmpdir(), 'aidpe-schemathesis-'));
before(async () => {
  d = await demoApp({ 'server.changesPerMinute': 1_000_000, 'compute.workers': 1, 'compute.timeoutMs': 10_000 });
  await d.loop.tick();
  url = await d.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await d.close();
  rmSync(reports, { recursive: true, force: true });
});

test('schemathesis finds no server error, no undocumented answer and no schema mismatch', async (t) => {
  if (!existsSync(BIN)) {
    process.stdout.write(`# SKIPPED: ${MISSING}\n`);
    t.skip(MISSING);
    return;
  }
  const junit = join(reports, 'junit.xml');
  const args = [
    '--config-file',
    join(import.meta.dirname, 'schemathesis.toml'),
    'run',
    `${url}/api/v1/openapi.json`,
    '--url',
    url,
    '--checks',
    'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection',
    '--phases',
    'examples,coverage,fuzzing',
    '--max-examples',
    EXAMPLES,
    '--seed',
    '1',
    '--generation-database',
    'none',
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--no-color',
    '--suppress-health-check',
    'all',
    '--header',
    'x-grafana-user: schemathesis',
    '--report',
    'junit',
    '--report-junit-path',
    junit,
  ];
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(BIN, args, {
      // Its caches (.schemathesis/) land in the run's temporary folder, so no run replays an earlier one.
      cwd: reports,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
  const summary = result.output.split('\n').slice(-40).join('\n');
  process.stdout.write(`# schemathesis (${EXAMPLES} examples per operation):\n${summary.replace(/^/gm, '#   ')}\n`);
  assert.ok(existsSync(junit), 'schemathesis wrote its report');
  const failures = (readFileSync(junit, 'utf8').match(/<failure/g) ?? []).length;
  assert.equal(
    result.code,
    0,
    `schemathesis exited ${result.code} with ${failures} failing operations:\n${result.output.slice(-6000)}`
  );
});
