/**
 * The embedded cluster's push clients against a loopback receiver: the documented payloads (Loki's push
 * API JSON, OTLP/HTTP JSON), nothing lost or sent twice across reads, retries with backoff, drop-oldest
 * while the upstream is down, refused batches dropped, and the counts in /metrics and health.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { FAULT_SUITE_TELEMETRY, SimulatedCluster, type LogLine } from '../../../src/sim/index.ts';
import { SimulatorPush } from '../../../src/sim/push/index.ts';
import { flat } from '../helpers.ts';
import { TelemetryStore } from './telemetryStore.ts';

const MIN = 60_000;
const store = new TelemetryStore();
before(() => store.start());
after(() => store.close());

function newCluster(seed = 5): SimulatedCluster {
  const c = new SimulatedCluster({ seed, workload: flat, peakRps: 100, autoscaler: null, ...FAULT_SUITE_TELEMETRY });
  c.advance(10 * 60);
  return c;
}

/** Collects and flushes until everything read so far is sent (or `rounds` pass). */
async function drain(push: SimulatorPush, rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    push.collect();
    await push.flush();
    const s = push.stats();
    if ((s.loki?.queued ?? 0) === 0 && (s.tempo?.queued ?? 0) === 0) {
      return;
    }
  }
}

const lineKey = (service: string, pod: string, level: string, ns: string, line: string): string =>
  JSON.stringify([service, pod, level, ns, line]);
const logKey = (l: LogLine): string => lineKey(l.service, l.pod, l.level, `${BigInt(l.timeMs) * 1_000_000n}`, l.line);

test('Loki push: POST /loki/api/v1/push with {streams: [{stream: labels, values: [[ns, line]]}]}, every line once', async () => {
  store.requests.length = 0;
  store.streams.clear();
  const c = newCluster();
  const push = new SimulatorPush(c, {
    loki: { url: `${store.url}/`, bearerToken: 'tok' },
    backfillMs: 10 * MIN,
    maxReadWindowMs: 2 * MIN,
    logBatchSize: 500,
  });
  await drain(push);
  c.advance(120); // more telemetry after the first reads: sent once, too
  await drain(push);
  const pushes = store.requests.filter((r) => r.path === '/loki/api/v1/push');
  assert.ok(pushes.length > 3, `batched into ${pushes.length} requests`);
  const received: string[] = [];
  for (const r of pushes) {
    assert.equal(r.method, 'POST');
    assert.equal(r.contentType, 'application/json');
    assert.equal(r.authorization, 'Bearer tok');
    const body = r.body as { streams: Array<{ stream: Record<string, string>; values: unknown[] }> };
    assert.deepEqual(Object.keys(body), ['streams']);
    for (const s of body.streams) {
      assert.deepEqual(Object.keys(s.stream).sort(), ['job', 'level', 'pod', 'service']);
      assert.match(s.stream.pod!, new RegExp(`^${s.stream.service}-`));
      assert.ok(['debug', 'info', 'warn', 'error'].includes(s.stream.level!));
      let last = 0n;
      for (const v of s.values) {
        assert.ok(Array.isArray(v) && v.length === 2);
        const [ns, line] = v as [string, string];
        assert.match(ns, /^\d{19}$/, 'unix nanoseconds as a string');
        assert.equal(typeof line, 'string');
        assert.ok(BigInt(ns) >= last, 'values oldest first within a stream');
        last = BigInt(ns);
        received.push(lineKey(s.stream.service!, s.stream.pod!, s.stream.level!, ns, line));
      }
    }
  }
  const expected = c.logs({ startMs: c.now() - 12 * MIN + 1, endMs: c.now(), limit: 1_000_000 }).map(logKey);
  assert.equal(received.length, expected.length, 'no line sent twice or lost');
  assert.deepEqual([...received].sort(), [...expected].sort());
  assert.ok(
    received.some((k) => k.includes('\\n')),
    'multi-line entries (stack traces) travel as one entry'
  );
});

test('OTLP push: POST /v1/traces with resourceSpans per service, hex ids, numeric kind and status', async () => {
  store.requests.length = 0;
  store.traces.clear();
  const c = newCluster(8);
  c.injectFault({ service: 'cart', type: 'exception', startMs: c.now() - 5 * MIN, endMs: c.now() + MIN, intensity: 2 });
  c.advance(60);
  const push = new SimulatorPush(c, { tempo: { url: store.url }, backfillMs: 10 * MIN, traceBatchSize: 20 });
  await drain(push);
  const pushes = store.requests.filter((r) => r.path === '/v1/traces');
  assert.ok(pushes.length > 5);
  let spans = 0;
  const traceIds = new Set<string>();
  for (const r of pushes) {
    assert.equal(r.contentType, 'application/json');
    const body = r.body as { resourceSpans: Array<Record<string, unknown>> };
    assert.deepEqual(Object.keys(body), ['resourceSpans']);
    for (const rs of body.resourceSpans as Array<{
      resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
      scopeSpans: Array<{ scope: { name: string }; spans: Array<Record<string, unknown>> }>;
    }>) {
      const attrs = Object.fromEntries(rs.resource.attributes.map((a) => [a.key, a.value]));
      assert.equal(typeof attrs['service.name']?.stringValue, 'string');
      assert.match(String(attrs['service.version']?.stringValue), /^\d+\.\d+\.\d+$/);
      for (const ss of rs.scopeSpans) {
        assert.equal(ss.scope.name, 'aidpe-sim');
        for (const s of ss.spans) {
          spans++;
          assert.match(String(s.traceId), /^[0-9a-f]{32}$/);
          assert.match(String(s.spanId), /^[0-9a-f]{16}$/);
          if (s.parentSpanId !== undefined) {
            assert.match(String(s.parentSpanId), /^[0-9a-f]{16}$/);
          }
          traceIds.add(String(s.traceId));
          assert.equal(s.kind, 2, 'SPAN_KIND_SERVER as its enum number');
          assert.match(String(s.startTimeUnixNano), /^\d{19}$/);
          assert.ok(BigInt(String(s.endTimeUnixNano)) >= BigInt(String(s.startTimeUnixNano)));
          const status = s.status as { code: number; message?: string };
          assert.ok(status.code === 0 || status.code === 2);
          for (const a of (s.attributes ?? []) as Array<{ key: string; value: Record<string, unknown> }>) {
            if (a.key === 'response.size' || a.key === 'retry.attempt') {
              assert.match(String(a.value.intValue), /^\d+$/, `${a.key} as an int64 string`);
            }
          }
          if (s.events !== undefined) {
            const [ev] = s.events as Array<{ name: string; attributes: Array<{ key: string }> }>;
            assert.equal(ev!.name, 'exception');
            assert.equal(status.code, 2);
            assert.ok(ev!.attributes.some((a) => a.key === 'exception.type'));
          }
        }
      }
    }
  }
  const expected = c.traces({ startMs: c.now() - 10 * MIN, endMs: c.now(), limit: 100_000 });
  assert.equal(traceIds.size, expected.length, 'every trace pushed');
  assert.equal(
    spans,
    expected.reduce((n, t) => n + t.spans.length, 0),
    'every span pushed once'
  );
});

test('a failing upstream: retries with exponential backoff, nothing lost once it answers again', async () => {
  store.requests.length = 0;
  store.streams.clear();
  let now = 1_000_000;
  const c = newCluster(12);
  const registry = new Registry();
  const push = new SimulatorPush(c, {
    loki: { url: store.url },
    backfillMs: 2 * MIN,
    backoff: { initialMs: 1000, maxMs: 8000 },
    now: () => now,
    registry,
  });
  store.failNext = { count: 2, status: 503 };
  push.collect();
  const total = push.stats().loki!.queued;
  await push.flush();
  let s = push.stats().loki!;
  assert.equal(s.consecutiveFailures, 1);
  assert.equal(s.queued, total, 'the batch went back to the queue');
  assert.equal(s.nextAttemptMs! - now, 1000);
  assert.equal(push.loki!.health().state, 'degraded');
  assert.match(push.loki!.health().lastError!.message, /^503 upstream unavailable/);
  const before = store.requests.length;
  await push.flush();
  assert.equal(store.requests.length, before, 'no request while backing off');
  now += 1000;
  await push.flush();
  s = push.stats().loki!;
  assert.equal(s.consecutiveFailures, 2);
  assert.equal(s.nextAttemptMs! - now, 2000, 'the backoff doubles');
  now += 2000;
  await push.flush();
  s = push.stats().loki!;
  assert.equal(s.consecutiveFailures, 0);
  assert.equal(s.sent, total);
  assert.equal(store.lineCount(), total);
  assert.equal(push.loki!.health().state, 'up');
  const text = await registry.metrics();
  assert.match(text, /aidpe_sim_push_requests_total\{target="loki-push",result="failed"\} 2/);
  assert.match(text, new RegExp(`aidpe_sim_push_items_total\\{target="loki-push",outcome="sent"\\} ${total}`));
  assert.match(text, /aidpe_sim_push_queue_items\{target="loki-push"\} 0/);
});

test('upstream down: the queue keeps the newest lines, drops the oldest, and says so', async () => {
  store.requests.length = 0;
  store.streams.clear();
  let now = 0;
  const c = newCluster(13);
  const registry = new Registry();
  const capacity = 300;
  const push = new SimulatorPush(c, {
    loki: { url: store.url },
    backfillMs: 5 * MIN,
    logCapacity: capacity,
    logBatchSize: 100,
    backoff: { initialMs: 1000, maxMs: 1000 },
    now: () => now,
    registry,
  });
  store.failNext = { count: 1_000_000, status: 502 };
  for (let i = 0; i < 5; i++) {
    push.collect();
    await push.flush();
    now += 1000;
  }
  const all = c.logs({ startMs: c.now() - 5 * MIN, endMs: c.now(), limit: 1_000_000 });
  const s = push.stats().loki!;
  assert.ok(all.length > capacity);
  assert.equal(s.queued, capacity);
  assert.equal(s.dropped, all.length - capacity);
  const health = push.loki!.health();
  assert.equal(health.state, 'down');
  assert.match(health.detail!, /the queue is full and the oldest are dropped/);
  assert.match(await registry.metrics(), new RegExp(`outcome="dropped"\\} ${all.length - capacity}`));
  // Back up: exactly the newest `capacity` lines arrive.
  store.failNext = { count: 0, status: 503 };
  now += 1000;
  await drain(push);
  const got = [...store.streams.values()].flatMap((st) =>
    st.entries.map((e) => lineKey(st.labels.service!, st.labels.pod!, st.labels.level!, e.ns.toString(), e.line))
  );
  assert.deepEqual(got.sort(), all.slice(-capacity).map(logKey).sort());
});

test('a refused batch (4xx) is dropped as rejected, not retried; the next one goes', async () => {
  store.requests.length = 0;
  store.streams.clear();
  const c = newCluster(14);
  const registry = new Registry();
  const push = new SimulatorPush(c, { loki: { url: store.url }, backfillMs: 2 * MIN, logBatchSize: 50, registry });
  store.failNext = { count: 1, status: 400 };
  push.collect();
  const total = push.stats().loki!.queued;
  await push.flush(); // a flush makes at most 20 requests
  await push.flush();
  const s = push.stats().loki!;
  assert.equal(s.queued, 0);
  assert.equal(s.rejected, 50);
  assert.equal(s.sent, total - 50);
  assert.equal(store.lineCount(), total - 50);
  assert.match(await registry.metrics(), /outcome="rejected"\} 50/);
});
