/**
 * The service graph from Tempo's service-graph metrics against a REAL Prometheus backfilled (promtool) with
 * OpenMetrics of `traces_service_graph_*` series for a small hand-made graph with known rates, error rates and
 * latency buckets; and the not-present answers (no series in the window; a source that cannot run PromQL).
 *
 * Set AIDPE_SKIP_PROMETHEUS_TESTS=1 to skip this file where Prometheus is not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PrometheusSource } from '../../src/telemetry/prometheus.ts';
import { SERVICE_GRAPH_METRICS, tempoServiceGraph } from '../../src/telemetry/tempoServiceGraph.ts';
import { TelemetryError, type TelemetrySource } from '../../src/telemetry/types.ts';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheusServer.ts';

const skip = process.env.AIDPE_SKIP_PROMETHEUS_TESTS === '1' ? 'AIDPE_SKIP_PROMETHEUS_TESTS=1' : false;

/** Upper bounds (s) of the histogram buckets, and per edge: calls/s, failed share, share of calls at or below each bound. */
const BOUNDS = [0.05, 0.1, 0.25, 0.5] as const;
interface EdgeSpec {
  client: string;
  server: string;
  perSecond: number;
  failedShare: number;
  cumulativeShare: [number, number, number, number];
}
const EDGES: EdgeSpec[] = [
  { client: 'user', server: 'frontend', perSecond: 10, failedShare: 0.1, cumulativeShare: [0.1, 0.3, 0.9, 1] },
  { client: 'frontend', server: 'cart', perSecond: 6, failedShare: 0.1, cumulativeShare: [0.5, 0.8, 1, 1] },
  { client: 'frontend', server: 'ad', perSecond: 4, failedShare: 0, cumulativeShare: [0.9, 1, 1, 1] },
  { client: 'cart', server: 'redis', perSecond: 6, failedShare: 0.5, cumulativeShare: [1, 1, 1, 1] },
];
const STEP_S = 15;
const POINTS = 161; // 40 minutes
const endSec = Math.floor((Date.now() / 1000 - 6 * 3600) / STEP_S) * STEP_S;
const startSec = endSec - (POINTS - 1) * STEP_S;

function serviceGraphOpenMetrics(): string {
  const lines: string[] = [];
  const labels = (e: EdgeSpec) => `client="${e.client}",server="${e.server}"`;
  const counter = (family: string, value: (e: EdgeSpec, t: number) => number) => {
    lines.push(`# TYPE ${family} counter`);
    for (const e of EDGES) {
      for (let i = 0; i < POINTS; i++) {
        lines.push(`${family}_total{${labels(e)}} ${value(e, i * STEP_S)} ${startSec + i * STEP_S}`);
      }
    }
  };
  counter('traces_service_graph_request', (e, t) => e.perSecond * t);
  counter('traces_service_graph_request_failed', (e, t) => e.perSecond * e.failedShare * t);
  const family = 'traces_service_graph_request_server_seconds';
  lines.push(`# TYPE ${family} histogram`);
  for (const e of EDGES) {
    for (let i = 0; i < POINTS; i++) {
      const n = e.perSecond * i * STEP_S;
      const ts = startSec + i * STEP_S;
      BOUNDS.forEach((le, k) =>
        lines.push(`${family}_bucket{${labels(e)},le="${le}"} ${n * e.cumulativeShare[k]!} ${ts}`)
      );
      lines.push(
        `${family}_bucket{${labels(e)},le="+Inf"} ${n} ${ts}`,
        `${family}_count{${labels(e)}} ${n} ${ts}`,
        `${family}_sum{${labels(e)}} ${n * 0.05} ${ts}`
      );
    }
  }
  lines.push('# EOF');
  return lines.join('\n');
}

/** histogram_quantile's linear interpolation inside the bucket holding rank q, for one edge's shares. */
function expectedQuantileMs(shares: readonly number[], q: number): number {
  let lower = 0;
  let below = 0;
  for (const [k, bound] of BOUNDS.entries()) {
    if (shares[k]! >= q) {
      return 1000 * (lower + (bound - lower) * ((q - below) / (shares[k]! - below)));
    }
    lower = bound;
    below = shares[k]!;
  }
  return Number.NaN;
}

describe('Tempo service-graph metrics in a real Prometheus', { skip }, () => {
  let prom: RunningPrometheus | undefined;
  let source: PrometheusSource;
  // A 20-minute window well inside the backfilled 40 minutes.
  const windowStartMs = (startSec + 600) * 1000;
  const windowEndMs = (startSec + 1800) * 1000;

  before(async () => {
    prom = await startPrometheus({ backfillOpenMetrics: serviceGraphOpenMetrics() });
    source = new PrometheusSource({ baseUrl: prom.url, timeoutMs: 5000, retries: 1 });
  });
  after(async () => {
    await prom?.stop();
  });

  it('builds the graph: edges, calls, error rates, p50/p95 from the histograms; the virtual user makes frontend the entry', async () => {
    const result = await tempoServiceGraph(source, windowStartMs, windowEndMs);
    assert.equal(result.state, 'present', result.state === 'not-present' ? result.reason : '');
    if (result.state !== 'present') {
      return;
    }
    const { graph } = result;
    assert.equal(graph.source, 'tempo-service-graph-metrics');
    assert.deepEqual(
      graph.edges.map((e) => e.id),
      ['cart->redis', 'frontend->ad', 'frontend->cart'],
      'the virtual user edge is not a call edge'
    );
    assert.deepEqual(
      graph.nodes.map((n) => n.id),
      ['ad', 'cart', 'frontend', 'redis']
    );
    assert.deepEqual(
      graph.nodes.filter((n) => n.entry).map((n) => n.id),
      ['frontend']
    );
    const windowS = (windowEndMs - windowStartMs) / 1000;
    for (const spec of EDGES.filter((e) => e.client !== 'user')) {
      const edge = graph.edges.find((e) => e.id === `${spec.client}->${spec.server}`)!;
      // increase() extrapolates to the window edges; with a sample every 15 s it is within a few percent.
      assert.ok(
        Math.abs(edge.calls / (spec.perSecond * windowS) - 1) < 0.03,
        `${edge.id} calls ${edge.calls} vs ${spec.perSecond * windowS}`
      );
      assert.ok(Math.abs(edge.errorRate - spec.failedShare) < 1e-9, `${edge.id} error rate ${edge.errorRate}`);
      assert.ok(
        Math.abs(edge.p95Ms - expectedQuantileMs(spec.cumulativeShare, 0.95)) < 1e-6,
        `${edge.id} p95 ${edge.p95Ms} vs ${expectedQuantileMs(spec.cumulativeShare, 0.95)}`
      );
      assert.ok(
        Math.abs(edge.p50Ms - expectedQuantileMs(spec.cumulativeShare, 0.5)) < 1e-6,
        `${edge.id} p50 ${edge.p50Ms}`
      );
    }
    // frontend->cart: p95 falls in (0.1, 0.25] s: 0.1 + 0.15 × (0.95 − 0.8) / 0.2 = 0.2125 s.
    assert.ok(Math.abs(graph.edges.find((e) => e.id === 'frontend->cart')!.p95Ms - 212.5) < 1e-6);
    const redis = graph.nodes.find((n) => n.id === 'redis')!;
    assert.ok(Math.abs(redis.errorRate - 0.5) < 1e-9, `redis error rate ${redis.errorRate}`);
    const frontend = graph.nodes.find((n) => n.id === 'frontend')!;
    assert.ok(
      Math.abs(frontend.p95Ms - expectedQuantileMs(EDGES[0]!.cumulativeShare, 0.95)) < 1e-6,
      `frontend p95 ${frontend.p95Ms}`
    );
    assert.ok(Math.abs(frontend.rate - 10) < 0.3, `frontend rate ${frontend.rate}`);
    // Self time is not in these series: unknown, and said so.
    assert.ok(graph.nodes.every((n) => Number.isNaN(n.selfMsMean) && Number.isNaN(n.downstreamMsMean)));
    assert.match(graph.notes!.join(' '), /self time and time waiting on callees are unknown/);
    assert.ok(
      result.queries.some(
        (q) => q.includes(SERVICE_GRAPH_METRICS.serverSecondsBucket) && q.startsWith('histogram_quantile(0.95')
      )
    );
  });

  it('answers not-present for a window without the series', async () => {
    const result = await tempoServiceGraph(source, (endSec + 7200) * 1000, (endSec + 7800) * 1000);
    assert.equal(result.state, 'not-present');
    if (result.state === 'not-present') {
      assert.match(result.reason, /no traces_service_graph_request_total series/);
    }
  });
});

describe('tempoServiceGraph without Prometheus', () => {
  it('a source that cannot run PromQL (the simulator) means not present; a bad window names the field', async () => {
    const unsupported = {
      kind: 'simulator',
      queryInstant: async () => {
        throw new TelemetryError({ kind: 'unsupported', source: 'simulator', message: 'only simple selectors' });
      },
    } as unknown as TelemetrySource;
    const result = await tempoServiceGraph(unsupported, 0, 60_000);
    assert.equal(result.state, 'not-present');
    await assert.rejects(tempoServiceGraph(unsupported, 10, 10), /startMs: must be before endMs/);
    const down = {
      kind: 'prometheus',
      queryInstant: async () =>
        Promise.reject(
          new TelemetryError({ kind: 'unreachable', source: 'prometheus', message: 'connection refused' })
        ),
    } as unknown as TelemetrySource;
    await assert.rejects(
      tempoServiceGraph(down, 0, 60_000),
      /connection refused/,
      'an unreachable Prometheus is an error, not "not present"'
    );
  });
});
