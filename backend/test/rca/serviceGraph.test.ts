import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceGraph, toNodeGraphFrames, type GraphSpan } from '../../src/engines/rca/serviceGraph.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';

const span = (
  traceId: string,
  spanId: string,
  parent: string | undefined,
  service: string,
  startMs: number,
  durationMs: number,
  error = false
): GraphSpan => ({
  traceId,
  spanId,
  parentSpanId: parent,
  service,
  startMs,
  durationMs,
  error,
});

test('the graph has services as nodes and calls as edges, and splits time into self and waiting on callees', () => {
  const spans = [
    // frontend 100 ms, of which 70 ms waiting on cart (which waits 50 ms on redis)
    span('t1', 'a', undefined, 'frontend', 0, 100),
    span('t1', 'b', 'a', 'cart', 10, 70),
    span('t1', 'c', 'b', 'redis', 15, 50, true),
    span('t2', 'd', undefined, 'frontend', 1000, 20),
    span('t2', 'e', 'd', 'cart', 1005, 10),
  ];
  const g = buildServiceGraph(spans);
  assert.deepEqual(
    g.nodes.map((n) => n.id),
    ['cart', 'frontend', 'redis']
  );
  assert.deepEqual(
    g.edges.map((e) => e.id),
    ['cart->redis', 'frontend->cart']
  );
  const frontend = g.nodes.find((n) => n.id === 'frontend')!;
  assert.equal(frontend.entry, true);
  assert.equal(frontend.requests, 2);
  assert.equal(frontend.downstreamMsMean, (70 + 10) / 2);
  assert.equal(frontend.selfMsMean, (30 + 10) / 2);
  const cart = g.nodes.find((n) => n.id === 'cart')!;
  assert.equal(cart.selfMsMean, (20 + 10) / 2, 'cart waited 50 of its 70 ms on redis');
  const redis = g.nodes.find((n) => n.id === 'redis')!;
  assert.equal(redis.errorRate, 1);
  const edge = g.edges.find((e) => e.id === 'cart->redis')!;
  assert.equal(edge.calls, 1);
  assert.equal(edge.errorRate, 1);
  assert.equal(g.traces, 2);
  const frames = toNodeGraphFrames(g, { redis: 0.99 });
  const field = (name: string) => frames.nodes.fields.find((f) => f.name === name)!;
  assert.deepEqual(field('id').values, ['cart', 'frontend', 'redis']);
  field('arc__errors').values.forEach((v, i) =>
    assert.equal((v as number) + (field('arc__ok').values[i] as number), 1, 'arcs sum to 1')
  );
  assert.deepEqual(field('detail__anomaly_score').values, [null, null, 0.99]);
  assert.deepEqual(frames.edges.fields.find((f) => f.name === 'source')!.values, ['cart', 'frontend']);
  assert.equal(frames.nodes.meta['preferredVisualisationType'], 'nodeGraph');
});

const START = Date.UTC(2025, 0, 1);
const cluster = new SimulatedCluster({
  seed: 3,
  topology: defaultTopology(),
  workload: syntheticDiurnalTrace({ days: 1 }),
  tickSeconds: 5,
  startTimeMs: START,
});
cluster.advance(1800);
const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } });
const app = await buildApp({
  config,
  telemetry: new SimulatorSource(cluster, { wallNow: () => cluster.now() }),
  cluster,
  logger: false,
  now: () => cluster.now(),
});
after(() => app.close());

test("POST /api/v1/rca/graph builds the demo cluster's call graph from its traces", async () => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/rca/graph', payload: { start: 'now-15m', limit: 100 } });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.source, 'simulator');
  const ids = body.graph.nodes.map((n: { id: string }) => n.id);
  assert.ok(ids.includes('frontend') && ids.includes('checkout'), ids.join(','));
  const entry = body.graph.nodes.filter((n: { entry: boolean }) => n.entry).map((n: { id: string }) => n.id);
  assert.deepEqual(entry, ['frontend']);
  // Every edge follows the topology's call graph.
  const topology = new Map(defaultTopology().services.map((s) => [s.name, new Set(s.calls.map((c) => c.to))]));
  for (const e of body.graph.edges) {
    assert.ok(topology.get(e.source)?.has(e.target), `${e.source} → ${e.target} is not a call in the topology`);
  }
  assert.equal(body.frames.length, 2);
  const bad = await app.inject({ method: 'POST', url: '/api/v1/rca/graph', payload: { start: 'now', end: 'now-1h' } });
  assert.equal(bad.statusCode, 400);
});

test('without the simulator or Tempo the graph route says what is missing', async () => {
  const { ScriptedTelemetry } = await import('../helpers/fakeTelemetry.ts');
  const live = await buildApp({
    config: loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1' } }),
    telemetry: new ScriptedTelemetry(),
    logger: false,
  });
  const res = await live.inject({ method: 'POST', url: '/api/v1/rca/graph', payload: { start: 'now-15m' } });
  assert.equal(res.statusCode, 501);
  assert.match(res.json().message, /tempo/);
  await live.close();
});

test('live mode builds the graph from Tempo: search, then each trace by id (loopback double with recorded payloads)', async () => {
  const { readFileSync } = await import('node:fs');
  const { createServer } = await import('node:http');
  const { ScriptedTelemetry } = await import('../helpers/fakeTelemetry.ts');
  const fixture = (name: string): string =>
    readFileSync(new URL(`../helpers/fixtures/tempo/${name}`, import.meta.url), 'utf8');
  const search = JSON.parse(fixture('search.json'));
  search.traces = [{ ...search.traces[0], traceID: '0af7651916cd43dd8448eb211c80319c' }];
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(req.url?.startsWith('/api/search') ? JSON.stringify(search) : fixture('trace-batches.json'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const live = await buildApp({
    config: loadConfig({
      env: {
        AIDPE_MODE: 'live',
        AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1',
        AIDPE_TEMPO_URL: `http://127.0.0.1:${port}`,
      },
    }),
    telemetry: new ScriptedTelemetry(),
    logger: false,
  });
  try {
    const res = await live.inject({
      method: 'POST',
      url: '/api/v1/rca/graph',
      payload: { start: 'now-15m', limit: 10 },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.source, 'tempo');
    assert.deepEqual(
      body.graph.nodes.map((n: { id: string }) => n.id),
      ['cart', 'frontend']
    );
    assert.deepEqual(
      body.graph.edges.map((e: { id: string }) => e.id),
      ['frontend->cart']
    );
    assert.ok(
      seen[0]!.startsWith('/api/search') && seen[1]!.startsWith('/api/traces/0af7651916cd43dd8448eb211c80319c'),
      seen.join(' ')
    );
  } finally {
    await live.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
