import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quietEvidence } from '../helpers/rcaEvidence.ts';
import { rankRootCauses, type ServiceEvidence } from '../../src/engines/rca/rank.ts';
import { buildServiceGraph } from '../../src/engines/rca/serviceGraph.ts';
import { simEvalCase } from '../../src/eval/rca/simEval.ts';
import { evaluateCase, summariseRanks } from '../../src/eval/rca/evalCore.ts';
import { evidenceQueriesFor, withServiceMatcher } from '../../src/usecases/rca/evidence.ts';
import { main } from '../../src/cli/main.ts';
import { quiet } from '../helpers/quiet.ts';

const ev = quietEvidence;

test('the callee whose own time rose outranks the callers it slowed down, and the answer says why', () => {
  const span = (id: string, parent: string | undefined, service: string) => ({
    traceId: 't',
    spanId: id,
    parentSpanId: parent,
    service,
    startMs: 0,
    durationMs: 10,
    error: false,
  });
  const graph = buildServiceGraph([
    span('a', undefined, 'frontend'),
    span('b', 'a', 'cart'),
    span('c', 'b', 'redis'),
    span('d', 'a', 'ad'),
  ]);
  const ranking = rankRootCauses('frontend', graph, [
    ev('frontend', { latencyScore: 1, latencyOnsetMs: 1000 }),
    ev('cart', { latencyScore: 1, latencyOnsetMs: 1000 }),
    ev('redis', { latencyScore: 0.99, latencyOnsetMs: 1000, selfMsIncident: 80 }),
    ev('ad', { latencyScore: 0.2 }),
  ]);
  assert.deepEqual(
    ranking.candidates.map((c) => c.service),
    ['redis', 'cart', 'frontend']
  );
  assert.equal(ranking.tier, 'CONFIRMED');
  assert.deepEqual(ranking.candidates[0]!.path, ['frontend', 'cart', 'redis']);
  assert.match(ranking.candidates[0]!.evidence.join(' '), /self time 10.0 → 80.0 ms/);
  assert.match(ranking.candidates[1]!.whyLower!, /callee redis is anomalous/);
  assert.match(ranking.explanation, /^CONFIRMED: redis \(frontend → cart → redis\)/);
  const none = rankRootCauses('frontend', graph, [ev('frontend')]);
  assert.equal(none.tier, 'INCONCLUSIVE');
  assert.equal(none.candidates.length, 0);
});

test('evidence queries are narrowed to the service: a selector gets a matcher, other PromQL is kept whole', () => {
  assert.equal(withServiceMatcher('aidpe_sim_error_ratio', 'cart'), 'aidpe_sim_error_ratio{service="cart"}');
  assert.equal(withServiceMatcher('up{job="a",}', 'cart'), 'up{job="a", service="cart"}');
  assert.equal(withServiceMatcher('{__name__="up"}', 'x"y'), '{__name__="up", service="x\\"y"}');
  assert.equal(
    withServiceMatcher('up{service="api"}', 'cart'),
    'up{service="api"}',
    'an explicit service matcher is left alone'
  );
  const expr = 'histogram_quantile(0.95, sum by (service, le) (rate(http_seconds_bucket[5m])))';
  assert.equal(withServiceMatcher(expr, 'cart'), expr);
  const queries = evidenceQueriesFor(
    'cart',
    { latency: 'lat', errors: expr, stepSeconds: 30 },
    { startMs: 1000, endMs: 2000 }
  );
  assert.deepEqual(
    queries.map((q) => [q.signal, q.language, q.query]),
    [
      ['latency', 'promql', 'lat{service="cart"}'],
      ['errors', 'promql', expr],
      ['logs', 'logql', '{service="cart", level=~"error|warn"}'],
      ['traces', 'traceql', '{ resource.service.name = "cart" && (status = error || duration > 500ms) }'],
    ]
  );
  assert.ok(queries.every((q) => q.startMs === 1000 && q.endMs === 2000));
  assert.equal(queries[0]!.stepSeconds, 30);
});

test('AC@k counts ranks at or above k; a missing root cause counts as a miss', () => {
  assert.deepEqual(summariseRanks([1, 2, undefined, 4]), {
    cases: 4,
    ac1: 0.25,
    ac3: 0.5,
    ac5: 0.75,
    avg5: (0.25 + 0.5 + 0.5 + 0.75 + 0.75) / 5,
  });
});

test('simulator suite: injected faults of different types are localised to the faulted service', async () => {
  // Cases 3 (bad deploy), 6 (error burst) and 7 (CPU contention) of seed 1.
  for (const index of [3, 6, 7]) {
    const r = evaluateCase(await simEvalCase(index, 1));
    assert.equal(r.ranks.aidpe, 1, `${r.kind} on ${r.truth}: top was ${r.top5[0]?.service}`);
  }
});

test('aidpe rca-eval --nezha with a missing folder is a usage error naming the flag', async () => {
  const r = await quiet(() => main(['rca-eval', '--nezha', '/nonexistent/aidpe-nezha', '--out', '/tmp/y.json']));
  assert.equal(r.value, 2);
  assert.match(r.out, /--nezha: \/nonexistent\/aidpe-nezha does not exist/);
});

test('POST /api/v1/rca on the demo cluster names the faulted service first, with evidence and graph frames', async () => {
  const { buildApp } = await import('../../src/app.ts');
  const { loadConfig } = await import('../../src/config/config.ts');
  const { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } = await import('../../src/sim/index.ts');
  const { SimulatorSource } = await import('../../src/telemetry/simulatorSource.ts');
  const start = Date.UTC(2025, 0, 1);
  const cluster = new SimulatedCluster({
    seed: 5,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: start,
    historyRetentionSeconds: 8 * 3600,
  });
  const injectAt = start + 6 * 3_600_000;
  cluster.injectFault({
    service: 'cart',
    type: 'cpu_contention',
    startMs: injectAt,
    endMs: injectAt + 30 * 60_000,
    intensity: 1.5,
  });
  cluster.advance(6 * 3600 + 600);
  const app = await buildApp({
    config: loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } }),
    telemetry: new SimulatorSource(cluster, { wallNow: () => cluster.now() }),
    cluster,
    logger: false,
    now: () => cluster.now(),
  });
  try {
    const res = await app.inject({ method: 'POST', url: '/api/v1/rca', payload: { start: injectAt - 5 * 60_000 } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.symptom, 'frontend');
    assert.equal(body.candidates[0].service, 'cart', body.explanation);
    assert.equal(body.candidates[0].path[0], 'frontend');
    assert.ok(body.candidates[0].evidence.length > 0);
    assert.equal(body.frames.length, 2);
    assert.ok(
      body.graph.edges.some((e: { id: string }) => e.id === 'frontend->cart'),
      'the plain graph comes with the frames'
    );
    // Every candidate carries the exact queries behind its evidence, over baseline start … window end.
    assert.deepEqual(body.window, {
      startMs: injectAt - 5 * 60_000,
      endMs: cluster.now(),
      baselineStartMs: injectAt - 35 * 60_000,
    });
    const cartQueries = body.candidates[0].evidenceQueries;
    assert.deepEqual(
      cartQueries.map((q: { language: string }) => q.language),
      ['promql', 'promql', 'logql', 'traceql']
    );
    assert.equal(cartQueries[0].query, 'aidpe_sim_latency_seconds{quantile="0.95", service="cart"}');
    assert.equal(cartQueries[0].startMs, body.window.baselineStartMs);
    assert.equal(cartQueries[0].endMs, body.window.endMs);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/rca', payload: { start: 'now', end: 'now-1h' } });
    assert.equal(bad.statusCode, 400);
  } finally {
    await app.close();
  }
});
