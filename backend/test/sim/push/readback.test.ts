/**
 * The sidecar's Loki and Tempo readers (telemetry/loki.ts, telemetry/tempo.ts and the live sources built on
 * them) read back what the push clients wrote, through a loopback store that serves Loki's query_range and
 * Tempo's trace-by-id and search from what it received: the same lines, spans, statuses and attributes
 * the simulator generated, code-level fault signatures included.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_SUITE_TELEMETRY, SimulatedCluster } from '../../../src/sim/index.ts';
import { SimulatorPush } from '../../../src/sim/push/index.ts';
import { lokiLogLines, tempoSpans } from '../../../src/sources/live.ts';
import { simulatorSpans } from '../../../src/sources/simulator.ts';
import { LokiClient } from '../../../src/telemetry/loki.ts';
import { TempoClient } from '../../../src/telemetry/tempo.ts';
import { flat } from '../helpers.ts';
import { TelemetryStore } from './telemetryStore.ts';

const MIN = 60_000;
const store = new TelemetryStore();
const cluster = new SimulatedCluster({
  seed: 17,
  workload: flat,
  peakRps: 120,
  autoscaler: null,
  ...FAULT_SUITE_TELEMETRY,
});
let loki: LokiClient;
let tempo: TempoClient;
let startMs: number;
let endMs: number;

before(async () => {
  await store.start();
  const t0 = cluster.startTimeMs;
  cluster.injectFault({
    service: 'cart',
    type: 'exception',
    operation: 'GetCart',
    startMs: t0 + 5 * MIN,
    endMs: t0 + 9 * MIN,
    intensity: 2,
  });
  cluster.injectFault({
    service: 'catalog',
    type: 'wrong_return',
    variant: 'inflated',
    startMs: t0 + 5 * MIN,
    endMs: t0 + 9 * MIN,
  });
  cluster.advanceTo(t0 + 10 * MIN);
  const push = new SimulatorPush(cluster, {
    loki: { url: store.url },
    tempo: { url: store.url },
    backfillMs: 10 * MIN,
  });
  for (let i = 0; i < 20; i++) {
    push.collect();
    await push.flush();
  }
  assert.equal(push.stats().loki!.queued + push.stats().tempo!.queued, 0);
  startMs = t0;
  endMs = cluster.now() + 1;
  loki = new LokiClient({ baseUrl: store.url, timeoutMs: 5000, retries: 0 });
  tempo = new TempoClient({ baseUrl: store.url, timeoutMs: 5000, retries: 0 });
});
after(() => store.close());

test("LokiClient.queryRange reads a service's pushed lines back, labels and nanosecond times intact", async () => {
  const r = await loki.queryRange({ query: '{service="cart"}', startMs, endMs, limit: 100_000, direction: 'forward' });
  assert.equal(r.resultType, 'streams');
  if (r.resultType !== 'streams') {
    return;
  }
  const got = r.streams
    .flatMap((s) => s.entries.map((e) => [e.timestampNs, s.labels.pod, s.labels.level, e.line].join('|')))
    .sort();
  const want = cluster
    .logs({ startMs, endMs, service: 'cart', limit: 1_000_000 })
    .map((l) => [`${BigInt(l.timeMs) * 1_000_000n}`, l.pod, l.level, l.line].join('|'))
    .sort();
  assert.deepEqual(got, want);
  // The stack traces of the exception fault come back whole.
  const traces = r.streams
    .flatMap((s) => s.entries)
    .filter((e) => e.line.includes('unhandled exception in CartService.getCart'));
  assert.ok(traces.length > 5 && traces.every((e) => e.line.split('\n').length >= 6));
  // The evidence query shape: errors and warnings of one service.
  const errs = await loki.queryRange({
    query: '{service="frontend", level=~"error|warn"}',
    startMs,
    endMs,
    limit: 100_000,
  });
  assert.ok(errs.resultType === 'streams' && errs.streams.every((s) => ['error', 'warn'].includes(s.labels.level!)));
  const retries =
    errs.resultType === 'streams'
      ? errs.streams.flatMap((s) => s.entries).filter((e) => e.line.includes('call to cart failed'))
      : [];
  assert.ok(retries.length > 5, 'the callers retry logs are there');
});

test('the live log source (lokiLogLines) turns the pushed streams into the same lines the simulator source gives', async () => {
  const lines = await lokiLogLines(loki, '{service=~".+"}', 1_000_000)(startMs, endMs);
  const want = cluster.logs({ startMs, endMs, limit: 1_000_000 });
  assert.equal(lines.length, want.length);
  const key = (service: string, t: number, level: string | undefined, msg: unknown) =>
    `${service}|${t}|${level}|${String(msg)}`;
  assert.deepEqual(
    lines.map((l) => key(l.service, l.timeMs, l.level, l.message)).sort(),
    want.map((l) => key(l.service, l.timeMs, l.level, l.line)).sort()
  );
});

test('TempoClient.traceById reads a pushed trace back: ids, parents, services, names, times, status, attributes', async () => {
  const traces = cluster.traces({ startMs: startMs + 5 * MIN, endMs: startMs + 9 * MIN, limit: 100_000 });
  const withException = traces.find((t) => t.spans.some((s) => s.attributes?.['exception.type'] !== undefined));
  assert.ok(withException, 'a trace with a thrown span');
  for (const t of [traces[0]!, withException]) {
    const got = await tempo.traceById(t.traceId);
    assert.ok(got);
    assert.equal(got.traceId, t.traceId);
    assert.equal(got.spans.length, t.spans.length);
    const byId = new Map(got.spans.map((s) => [s.spanId, s]));
    for (const s of t.spans) {
      const r = byId.get(s.spanId);
      assert.ok(r, `span ${s.spanId}`);
      assert.equal(r.parentSpanId, s.parentSpanId || undefined);
      assert.equal(r.service, s.service);
      assert.equal(r.name, s.operation);
      assert.equal(r.kind, 'server');
      assert.equal(r.startNs, s.startTimeUnixNano);
      assert.equal(BigInt(r.durationNs), BigInt(s.durationNanos));
      assert.equal(r.statusCode, s.status === 'error' ? 'error' : 'unset');
      assert.deepEqual(r.attributes, s.attributes ?? {});
      assert.match(String(r.resourceAttributes['service.version']), /^\d+\.\d+\.\d+$/);
      if (s.attributes?.['exception.message'] !== undefined) {
        assert.equal(r.statusMessage, s.attributes['exception.message']);
      }
    }
  }
  assert.equal(await tempo.traceById('0123456789abcdef0123456789abcdef'), undefined, 'unknown trace: undefined');
});

test('TempoClient.search and the live trace source (tempoSpans) find the pushed traces as call-graph spans', async () => {
  const from = startMs + 6 * MIN;
  const to = startMs + 8 * MIN;
  const found = await tempo.search({ startMs: from, endMs: to, limit: 1000 });
  const want = cluster.traces({ startMs: from, endMs: to, limit: 100_000 });
  // Tempo's search is by whole seconds: the store may include traces of the edge seconds.
  const wantIds = new Set(want.map((t) => t.traceId));
  assert.ok(want.every((t) => found.some((f) => f.traceId === t.traceId)));
  assert.ok(found.every((f) => f.rootServiceName === 'frontend'));
  const spans = await tempoSpans(tempo, from, to, 1000);
  const fromSim = simulatorSpans(cluster, from - 1000, to + 1000, 100_000);
  const simById = new Map(fromSim.map((s) => [s.spanId, s]));
  let compared = 0;
  for (const s of spans.filter((x) => wantIds.has(x.traceId))) {
    const m = simById.get(s.spanId);
    assert.ok(m, `span ${s.spanId} is one of the simulator's`);
    assert.equal(s.service, m.service);
    assert.equal(s.parentSpanId, m.parentSpanId);
    assert.equal(s.error, m.error);
    assert.ok(Math.abs(s.durationMs - m.durationMs) < 1e-6);
    assert.ok(Math.abs(s.startMs - m.startMs) < 1e-3);
    compared++;
  }
  assert.equal(
    compared,
    want.reduce((n, t) => n + t.spans.length, 0)
  );
});
