import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedCluster, syntheticDiurnalTrace } from '../../src/sim/index.ts';

function run(seed: number) {
  const c = new SimulatedCluster({ seed, workload: syntheticDiurnalTrace() });
  c.scheduleRandomFaults({
    count: 3,
    fromMs: c.startTimeMs,
    toMs: c.startTimeMs + 40 * 60_000,
    minDurationMs: 120_000,
    maxDurationMs: 600_000,
  });
  c.advance(45 * 60);
  const end = c.timeMs;
  return {
    snapshot: JSON.stringify(c.snapshot()),
    exposition: c.exposition(),
    logs: JSON.stringify(c.logs({ startMs: end - 10 * 60_000, endMs: end, limit: 2000 })),
    traces: JSON.stringify(c.traces({ startMs: end - 10 * 60_000, endMs: end, limit: 50 })),
    faults: JSON.stringify(c.faults()),
    events: JSON.stringify(c.events()),
  };
}

test('same seed → identical snapshots, exposition, logs, traces; another seed differs', () => {
  const a = run(11);
  const b = run(11);
  const other = run(12);
  for (const k of Object.keys(a) as Array<keyof typeof a>) {
    assert.equal(a[k], b[k], `${k} differs for the same seed`);
  }
  assert.notEqual(a.snapshot, other.snapshot);
  assert.notEqual(a.exposition, other.exposition);
  assert.notEqual(a.logs, other.logs);
  assert.notEqual(a.traces, other.traces);
  assert.notEqual(a.faults, other.faults);
  assert.ok(JSON.parse(a.logs).length > 100);
  assert.ok(JSON.parse(a.traces).length === 50);
});

test('trace ids round-trip to Tempo shapes', () => {
  const c = new SimulatedCluster({ seed: 13, workload: syntheticDiurnalTrace() });
  c.advance(600);
  const search = c.toTempoSearch({ startMs: c.timeMs - 300_000, endMs: c.timeMs, limit: 5 });
  assert.equal(search.traces.length, 5);
  for (const t of search.traces) {
    assert.match(t.traceID, /^[0-9a-f]{32}$/);
    assert.equal(t.rootServiceName, 'frontend');
    const full = c.toTempoTrace(t.traceID)!;
    assert.ok(full.batches.length >= 1);
    const spans = full.batches.flatMap((b) => b.scopeSpans.flatMap((s) => s.spans));
    assert.ok(spans.every((s) => BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano)));
    assert.equal(spans.filter((s) => s.parentSpanId === undefined).length, 1);
    const data = c.trace(t.traceID)!;
    for (const s of data.spans) {
      if (!s.parentSpanId) {
        continue;
      }
      const parent = data.spans.find((p) => p.spanId === s.parentSpanId)!;
      assert.ok(BigInt(s.startTimeUnixNano) >= BigInt(parent.startTimeUnixNano), 'child starts after parent');
    }
  }
  assert.equal(c.toTempoTrace('0'.repeat(32)), undefined);
  const loki = c.toLokiStreams({ startMs: c.timeMs - 60_000, endMs: c.timeMs, service: 'cart' });
  assert.equal(loki.status, 'success');
  assert.equal(loki.data.resultType, 'streams');
  assert.ok(
    loki.data.result.length > 0 &&
      loki.data.result.every((r) => r.stream['service'] === 'cart' && /^\d{19}$/.test(r.values[0]![0]))
  );
});
