/**
 * Which graph the RCA routes use in live mode: Tempo's service-graph metrics when Prometheus has them (no trace
 * search at all), else Tempo trace search, and the answer says which and why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import type {
  DependencyHealth,
  MetricSeries,
  QueryResult,
  RangeQuery,
  TelemetrySource,
} from '../../src/telemetry/types.ts';

/** Prometheus double: answers the service-graph queries of a two-edge graph when `withServiceGraph`, else nothing. */
class ServiceGraphTelemetry implements TelemetrySource {
  readonly kind = 'prometheus' as const;
  readonly instantQueries: string[] = [];
  constructor(private readonly withServiceGraph: boolean) {}
  async queryRange(_q: RangeQuery): Promise<QueryResult> {
    return { resultType: 'matrix', series: [], warnings: [] };
  }
  async queryInstant(query: string, timeMs?: number): Promise<QueryResult> {
    this.instantQueries.push(query);
    const at = (timeMs ?? 0) / 1000;
    const edge = (client: string, server: string, value: number): MetricSeries => ({
      labels: { client, server },
      samples: [[at, value]],
    });
    let series: MetricSeries[] = [];
    if (
      this.withServiceGraph &&
      query.startsWith('sum by (client, server) (increase(traces_service_graph_request_total[')
    ) {
      series = [edge('user', 'frontend', 900), edge('frontend', 'cart', 600), edge('cart', 'redis', 600)];
    } else if (
      this.withServiceGraph &&
      query.startsWith('sum by (client, server) (increase(traces_service_graph_request_failed_total')
    ) {
      series = [edge('cart', 'redis', 300)];
    } else if (this.withServiceGraph && query.startsWith('histogram_quantile(0.95, sum by (client, server, le)')) {
      series = [edge('frontend', 'cart', 0.2125)];
    }
    return { resultType: 'vector', series, warnings: [] };
  }
  async series(): Promise<Array<Record<string, string>>> {
    return [];
  }
  async labelValues(): Promise<string[]> {
    return [];
  }
  async health(): Promise<DependencyHealth> {
    return { name: 'prometheus', state: 'up', checkedAt: new Date().toISOString() };
  }
}

/** A Tempo double with no traces, recording what was asked. */
async function emptyTempo(): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ traces: [], metrics: { inspectedTraces: 0 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function liveApp(telemetry: TelemetrySource, tempoUrl: string | undefined) {
  return buildApp({
    config: loadConfig({
      env: {
        AIDPE_MODE: 'live',
        AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1',
        ...(tempoUrl ? { AIDPE_TEMPO_URL: tempoUrl } : {}),
      },
    }),
    telemetry,
    logger: false,
  });
}

test('the graph route prefers Tempo service-graph metrics when present and does not search traces', async () => {
  const tempo = await emptyTempo();
  const telemetry = new ServiceGraphTelemetry(true);
  const app = await liveApp(telemetry, tempo.url);
  try {
    const res = await app.inject({ method: 'POST', url: '/api/v1/rca/graph', payload: { start: 'now-15m' } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.source, 'tempo-service-graph-metrics');
    assert.match(body.sourceDetail, /service-graph metrics/);
    assert.deepEqual(
      body.graph.edges.map((e: { id: string }) => e.id),
      ['cart->redis', 'frontend->cart']
    );
    assert.equal(body.graph.edges[0].errorRate, 0.5);
    assert.equal(body.graph.edges[1].p95Ms, 212.5);
    assert.deepEqual(
      body.graph.nodes.filter((n: { entry: boolean }) => n.entry).map((n: { id: string }) => n.id),
      ['frontend']
    );
    assert.ok(
      body.warnings.some((w: string) => /self time .* unknown/.test(w)),
      'the answer says self time is unknown from these series'
    );
    assert.deepEqual(tempo.seen, [], 'no trace search when the metrics are present');
  } finally {
    await app.close();
    await tempo.close();
  }
});

test('without service-graph metrics the graph route falls back to Tempo trace search and says why', async () => {
  const tempo = await emptyTempo();
  const app = await liveApp(new ServiceGraphTelemetry(false), tempo.url);
  try {
    const res = await app.inject({ method: 'POST', url: '/api/v1/rca/graph', payload: { start: 'now-15m' } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.source, 'tempo');
    assert.match(body.sourceDetail, /Tempo trace search .* no traces_service_graph_request_total series/);
    assert.ok(
      tempo.seen.some((u) => u.startsWith('/api/search')),
      tempo.seen.join(' ')
    );
    assert.match(body.warnings.join(' '), /no traces between/);
  } finally {
    await app.close();
    await tempo.close();
  }
  // Neither Tempo nor the metrics: 501 naming both.
  const bare = await liveApp(new ServiceGraphTelemetry(false), undefined);
  const res = await bare.inject({ method: 'POST', url: '/api/v1/rca/graph', payload: { start: 'now-15m' } });
  assert.equal(res.statusCode, 501);
  assert.match(res.json().message, /tempo: not configured .* no service-graph metrics/);
  await bare.close();
});

test('the ranking in live mode walks the service-graph metrics graph, says so, and an empty trace window is explained', async () => {
  const tempo = await emptyTempo();
  const app = await liveApp(new ServiceGraphTelemetry(true), tempo.url);
  try {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/rca',
      payload: { start: 'now-15m', latencyQuery: 'lat', errorQuery: 'err' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.graphSource, 'tempo-service-graph-metrics');
    assert.equal(body.symptom, 'frontend', 'the entry from the virtual user edge is the default symptom');
    assert.deepEqual(
      body.graph.edges.map((e: { id: string }) => e.id),
      ['cart->redis', 'frontend->cart']
    );
    assert.equal(body.tier, 'INCONCLUSIVE');
    assert.match(body.explanation, /^INCONCLUSIVE: no service downstream of frontend shows an anomaly/);
    assert.match(body.notes.join(' '), /self time and time waiting on callees are unknown/);
  } finally {
    await app.close();
    await tempo.close();
  }
});
