/**
 * The ranking's propagation (personalised PageRank from the symptom) on hand-made graphs, and the bad inputs the
 * answer must handle and explain: cycles, missing parents, clock skew, an empty window.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quietEvidence } from '../helpers/rcaEvidence.ts';
import { personalisedPageRank, rankRootCauses, type ServiceEvidence } from '../../src/engines/rca/rank.ts';
import { buildServiceGraph, type GraphSpan, type ServiceGraph } from '../../src/engines/rca/serviceGraph.ts';

const ev = quietEvidence;

/** A graph with just the call edges (the ranking reads nodes and edges). */
function callGraph(edges: Array<[string, string]>): ServiceGraph {
  const ids = [...new Set(edges.flat())].sort();
  const stat = { calls: 1, errors: 0, errorRate: 0, rate: 1, p50Ms: 1, p95Ms: 1 };
  return {
    nodes: ids.map((id) => ({
      id,
      requests: 1,
      errors: 0,
      errorRate: 0,
      rate: 1,
      p50Ms: 1,
      p95Ms: 1,
      selfMsMean: 1,
      downstreamMsMean: 0,
      entry: id === edges[0]![0],
    })),
    edges: edges.map(([source, target]) => ({ id: `${source}->${target}`, source, target, ...stat })),
    windowSeconds: 60,
    spans: edges.length,
    traces: 1,
  };
}

const span = (
  traceId: string,
  spanId: string,
  parent: string | undefined,
  service: string,
  startMs: number,
  durationMs: number
): GraphSpan => ({ traceId, spanId, parentSpanId: parent, service, startMs, durationMs, error: false });

test('the walk is a distribution, deterministic, and a cycle neither loops nor blows up', () => {
  const edges = [
    { source: 'frontend', target: 'api' },
    { source: 'api', target: 'worker' },
    { source: 'worker', target: 'api' }, // cycle api ⇄ worker
  ];
  const anomaly = (s: string) => ({ frontend: 1, api: 0.9, worker: 0.95 })[s] ?? 0;
  const run = () => personalisedPageRank(['frontend', 'api', 'worker'], edges, anomaly, () => 0, 'frontend');
  const { rank, iterations } = run();
  const total = [...rank.values()].reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `mass ${total}`);
  assert.ok(iterations < 200, `converged in ${iterations} iterations`);
  assert.deepEqual([...run().rank], [...rank], 'same input, same answer');
  // Own evidence (a self-loop) holds the walk: the end of the cycle whose own time rose gets more of it.
  const withOwn = personalisedPageRank(
    ['frontend', 'api', 'worker'],
    edges,
    anomaly,
    (s) => (s === 'worker' ? 1.5 : 0),
    'frontend'
  ).rank;
  assert.ok(
    withOwn.get('worker')! > withOwn.get('api')!,
    `worker ${withOwn.get('worker')} vs api ${withOwn.get('api')}`
  );
  assert.ok(withOwn.get('worker')! > rank.get('worker')!);
  assert.equal(personalisedPageRank([], [], anomaly, () => 0, 'frontend').rank.size, 0);

  const ranking = rankRootCauses(
    'frontend',
    callGraph([
      ['frontend', 'api'],
      ['api', 'worker'],
      ['worker', 'api'],
    ]),
    [
      ev('frontend', { latencyScore: 1, latencyOnsetMs: 0 }),
      ev('api', { latencyScore: 0.9, latencyOnsetMs: 0 }),
      ev('worker', { latencyScore: 0.95, latencyOnsetMs: 0, selfMsIncident: 40 }),
    ]
  );
  assert.deepEqual(
    ranking.candidates.map((c) => c.service),
    ['worker', 'api', 'frontend']
  );
  assert.match(ranking.notes!.join(' '), /cycle \(api → worker → api\)/);
  assert.ok(ranking.candidates.every((c) => Number.isFinite(c.score) && c.pagerank! >= 0 && c.pagerank! <= 1));
});

test('fan-out: the anomalous leaf wins, and the walk (not the evidence) explains why an equally anomalous caller ranks lower', () => {
  // frontend fans out to search (a leaf) and checkout, which calls a mildly anomalous payment. search and checkout
  // have the same evidence; the walk settles on the leaf and leaks through checkout toward payment.
  const graph = callGraph([
    ['frontend', 'search'],
    ['frontend', 'checkout'],
    ['checkout', 'payment'],
    ['frontend', 'ads'],
  ]);
  const evidence = [
    ev('frontend', { latencyScore: 1, latencyOnsetMs: 0 }),
    ev('search', { latencyScore: 0.9, latencyOnsetMs: 0 }),
    ev('checkout', { latencyScore: 0.9, latencyOnsetMs: 0 }),
    ev('payment', { latencyScore: 0.6, latencyOnsetMs: 0 }),
    ev('ads', { latencyScore: 0.1 }),
  ];
  // The hand-set scoring (kept for comparison) shows the walk's role alone; the learned model weighs the walk too.
  const ranking = rankRootCauses('frontend', graph, evidence, { scorer: 'handset' });
  assert.equal(ranking.candidates[0]!.service, 'search');
  assert.equal(ranking.candidates[0]!.pagerank, 1, 'the leaf holds the largest share of the walk');
  const learned = rankRootCauses('frontend', graph, evidence);
  assert.equal(learned.candidates[0]!.service, 'search');
  assert.match(learned.candidates[1]!.whyLower!, /lower probability than search/);
  const checkout = ranking.candidates.find((c) => c.service === 'checkout')!;
  assert.equal(checkout.evidenceScore, ranking.candidates[0]!.evidenceScore, 'same evidence');
  assert.match(checkout.whyLower!, /random walk from frontend .* settles less on it than on search/);
  assert.ok(ranking.candidates.length >= 3);
  assert.ok(!ranking.candidates.some((c) => c.service === 'ads'), 'a quiet service is no candidate');
  // The ablation: without propagation the tie goes to the name, and nothing mentions the walk.
  const plain = rankRootCauses('frontend', graph, evidence, { propagationWeight: 0, scorer: 'handset' });
  assert.deepEqual(
    plain.candidates.slice(0, 2).map((c) => c.service),
    ['checkout', 'search']
  );
  assert.ok(plain.candidates.every((c) => !/random walk/.test(c.whyLower ?? '')));
});

test('chain: the upstream service is only a victim of its callee, with or without the walk', () => {
  const graph = callGraph([
    ['frontend', 'api'],
    ['api', 'db'],
  ]);
  const evidence = [
    ev('frontend', { latencyScore: 1, latencyOnsetMs: 60_000 }),
    ev('api', { latencyScore: 1, latencyOnsetMs: 60_000 }),
    ev('db', { latencyScore: 0.95, latencyOnsetMs: 0, selfMsIncident: 50 }),
  ];
  for (const propagationWeight of [0, 0.5, 2]) {
    const ranking = rankRootCauses('frontend', graph, evidence, { propagationWeight });
    assert.deepEqual(
      ranking.candidates.map((c) => c.service),
      ['db', 'api', 'frontend'],
      `weight ${propagationWeight}`
    );
    assert.deepEqual(ranking.candidates[0]!.path, ['frontend', 'api', 'db']);
    assert.match(
      ranking.candidates[1]!.whyLower!,
      /callee db is anomalous from the same time or earlier, and its own time and errors did not rise/
    );
    assert.equal(ranking.tier, 'CONFIRMED');
  }
  const walk = rankRootCauses('frontend', graph, evidence).candidates;
  assert.ok(walk[0]!.pagerank! > walk[1]!.pagerank!, 'the walk flows to the callee');
});

test('a chain without own-time or own-error evidence is flagged as inferred, not shown', () => {
  const ranking = rankRootCauses('frontend', callGraph([['frontend', 'api']]), [
    ev('frontend', { latencyScore: 0.6 }),
    ev('api', { latencyScore: 0.95 }),
  ]);
  assert.equal(ranking.candidates[0]!.service, 'api');
  assert.notEqual(ranking.tier, 'CONFIRMED');
  assert.match(ranking.explanation, /no own-time or own-error evidence: the chain frontend → api is inferred/);
});

test('missing parents and clock skew are counted, clamped and explained', () => {
  const spans = [
    span('t1', 'a', undefined, 'frontend', 0, 100),
    span('t1', 'b', 'a', 'cart', -20, 150), // starts before and ends after its parent: skew; child longer than parent
    span('t1', 'c', 'gone', 'cart', 10, 5), // parent not in the window
    span('t2', 'd', 'lost', 'redis', 0, 5),
  ];
  const graph = buildServiceGraph(spans);
  assert.deepEqual(graph.quality, { orphanSpans: 2, skewedSpans: 1, clampedSelfTimeSpans: 1 });
  const frontend = graph.nodes.find((n) => n.id === 'frontend')!;
  assert.equal(frontend.selfMsMean, 0, 'self time clamped to 0, never negative');
  assert.ok(graph.nodes.every((n) => n.selfMsMean >= 0));
  assert.deepEqual(
    graph.edges.map((e) => e.id),
    ['frontend->cart'],
    'an orphan adds no edge'
  );
  const ranking = rankRootCauses('frontend', graph, [
    ev('frontend', { latencyScore: 1 }),
    ev('cart', { latencyScore: 0.95, selfMsIncident: 30 }),
  ]);
  const notes = ranking.notes!.join(' ');
  assert.match(notes, /2 span\(s\) name a parent that is not in the window/);
  assert.match(notes, /1 span\(s\) start before or end after their parent \(clock skew/);
  assert.match(notes, /1 span\(s\) had children longer than themselves .* clamped to 0/);
  assert.equal(ranking.candidates[0]!.service, 'cart');
});

test('an empty window is INCONCLUSIVE and says why; a cycle in spans is reported', () => {
  const empty = rankRootCauses('frontend', buildServiceGraph([]), []);
  assert.equal(empty.tier, 'INCONCLUSIVE');
  assert.equal(empty.candidates.length, 0);
  assert.match(empty.explanation, /^INCONCLUSIVE: the window is empty — no traces and no metric evidence/);
  assert.match(empty.notes!.join(' '), /no call graph \(0 spans, 0 traces\)/);
  const onlyMetrics = rankRootCauses('frontend', buildServiceGraph([]), [ev('frontend')]);
  assert.match(onlyMetrics.explanation, /no traces, so there is no call graph to walk from frontend/);

  // a calls b in one trace and b calls a in another: a cycle in the call graph.
  const cyclic = buildServiceGraph([
    span('t1', '1', undefined, 'a', 0, 10),
    span('t1', '2', '1', 'b', 1, 5),
    span('t2', '3', undefined, 'b', 0, 10),
    span('t2', '4', '3', 'a', 1, 5),
  ]);
  const ranking = rankRootCauses('a', cyclic, [
    ev('a', { latencyScore: 1 }),
    ev('b', { latencyScore: 0.95, selfMsIncident: 30 }),
  ]);
  assert.match(ranking.notes!.join(' '), /cycle \(a → b → a\)/);
  assert.deepEqual(
    ranking.candidates.map((c) => c.service),
    ['b', 'a']
  );
});
