import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';
import { anchoredRegex } from '../../src/sim/history.ts';

test('regex in PromQL hangs demo mode: catastrophic patterns match in linear time (RE2 semantics)', async (t) => {
  const cluster = new SimulatedCluster({
    seed: 1,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 15,
    startTimeMs: Date.UTC(2025, 0, 1),
  });
  cluster.advance(600);
  const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } });
  const app = await buildApp({ config, telemetry: new SimulatorSource(cluster), cluster, logger: false });
  t.after(() => app.close());
  for (const pattern of ['(.*.*)*X', '(a+)+$', '(x+x+)+y', '(.*){1,32000}[bc]']) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/query/instant',
      payload: { query: `{__name__=~${JSON.stringify(pattern)}}` },
    });
    // Answered at all (a backtracking engine never returns here): 200 with no series, or 400 naming the pattern.
    assert.ok([200, 400].includes(res.statusCode), `${pattern}: ${res.statusCode} ${res.body}`);
  }
  const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
  assert.equal(health.statusCode, 200);
});

test('label regexes keep Prometheus semantics: anchored, dot matches newline, invalid patterns throw', () => {
  assert.equal(anchoredRegex('fo+').test('foo'), true);
  assert.equal(anchoredRegex('fo+').test('xfoo'), false, 'fully anchored');
  assert.equal(anchoredRegex('a.b').test('a\nb'), true, '(?s) as in Prometheus');
  assert.equal(anchoredRegex('api|web').test('web'), true);
  assert.throws(() => anchoredRegex('(unclosed'));
  const long = 'a'.repeat(20_000);
  assert.equal(anchoredRegex('(.*.*)*X').test(long), false);
});
