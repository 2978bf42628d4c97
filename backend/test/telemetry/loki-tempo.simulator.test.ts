/**
 * End to end: the sidecar runs the demo cluster, and the Loki and Tempo connectors read its
 * Loki-/Tempo-shaped simulator endpoints over real HTTP, exactly as they would read Loki/Tempo.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/config.ts';
import { startSidecar } from '../../src/server.ts';
import type { RunningSidecar } from '../../src/server.ts';
import { LokiClient } from '../../src/telemetry/loki.ts';
import { TempoClient } from '../../src/telemetry/tempo.ts';
import { TelemetryError } from '../../src/telemetry/types.ts';

let sidecar: RunningSidecar;
let loki: LokiClient;
let tempo: TempoClient;

before(async () => {
  const config = loadConfig({
    env: {},
    overrides: {
      mode: 'demo',
      'server.port': 0,
      logLevel: 'silent',
      'simulator.workload': 'synthetic',
      'simulator.randomFaults': 0,
    },
  });
  sidecar = await startSidecar(config, { logger: false });
  // Real Loki serves `/loki/api/v1/...`; the simulator serves `/sim/loki/api/v1/...`, i.e. it is a
  // Loki whose base URL is `${url}/sim` (with base `${url}/sim/loki` the path would be /sim/loki/loki/...).
  loki = new LokiClient({ baseUrl: `${sidecar.url}/sim`, timeoutMs: 5000, retries: 0 });
  tempo = new TempoClient({ baseUrl: `${sidecar.url}/sim/tempo`, timeoutMs: 5000, retries: 0 });
});

after(async () => {
  await sidecar?.close();
});

describe('connectors against the embedded simulator', () => {
  it("LokiClient reads one service's logs as streams", async () => {
    const cluster = sidecar.demo!.cluster;
    const service = cluster.topology.services[1]?.name ?? cluster.topology.entry;
    const endMs = cluster.now();
    const r = await loki.queryRange({
      query: `{service="${service}"}`,
      startMs: endMs - 3600_000,
      endMs,
      limit: 200,
      direction: 'backward',
    });
    assert.equal(r.resultType, 'streams');
    if (r.resultType !== 'streams') {
      return;
    }
    assert.ok(r.streams.length > 0, 'some streams');
    const entries = r.streams.flatMap((s) => s.entries);
    assert.ok(entries.length > 0 && entries.length <= 200, `got ${entries.length} entries`);
    for (const s of r.streams) {
      assert.equal(s.labels.service, service);
      assert.ok(s.labels.pod && s.labels.level, 'pod and level labels');
      for (const e of s.entries) {
        assert.match(e.timestampNs, /^\d{19}$/);
        assert.ok(e.timeMs >= endMs - 3600_000 && e.timeMs <= endMs, 'entry inside the range');
        assert.ok(e.line.length > 0);
      }
    }
    // Level filter via the stream selector.
    const errs = await loki.queryRange({
      query: `{service="${service}", level="error"}`,
      startMs: endMs - 3600_000,
      endMs,
      limit: 50,
    });
    if (errs.resultType === 'streams') {
      for (const s of errs.streams) {
        assert.equal(s.labels.level, 'error');
      }
    }
  });

  it("LokiClient maps the simulator's 400 for an unsupported query to bad_query quoting its message", async () => {
    const endMs = sidecar.demo!.cluster.now();
    await assert.rejects(
      loki.queryRange({ query: 'rate({service="cart"}[1m])', startMs: endMs - 60_000, endMs }),
      (e: unknown) => {
        assert.ok(e instanceof TelemetryError);
        assert.equal(e.kind, 'bad_query');
        assert.equal(e.status, 400);
        assert.match(e.upstreamMessage ?? '', /stream selectors only/);
        return true;
      }
    );
  });

  it('TempoClient: search → traceById gives parent/child spans across services; unknown id → undefined', async () => {
    const cluster = sidecar.demo!.cluster;
    const endMs = cluster.now();
    const found = await tempo.search({ startMs: endMs - 900_000, endMs, limit: 20 });
    assert.ok(found.length > 0, 'search found traces');
    for (const t of found) {
      assert.match(t.traceId, /^[0-9a-f]{32}$/);
      assert.equal(t.rootServiceName, cluster.topology.entry);
      assert.ok(t.rootTraceName);
      assert.ok(t.startMs >= endMs - 900_000 - 1000 && t.startMs <= endMs + 1000);
      assert.ok(t.durationMs >= 1);
    }
    // The trace with the most services makes the strongest check.
    let best: Awaited<ReturnType<TempoClient['traceById']>>;
    for (const t of found.slice(0, 10)) {
      const trace = await tempo.traceById(t.traceId);
      assert.ok(trace, `trace ${t.traceId} from search is readable`);
      assert.equal(trace.traceId, t.traceId);
      if (!best || new Set(trace.spans.map((s) => s.service)).size > new Set(best.spans.map((s) => s.service)).size) {
        best = trace;
      }
    }
    assert.ok(best);
    const spans = best.spans;
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    assert.equal(roots.length, 1, 'one root span');
    assert.equal(roots[0]!.service, cluster.topology.entry);
    const crossService = spans.filter(
      (s) => s.parentSpanId !== undefined && byId.get(s.parentSpanId)?.service !== s.service
    );
    assert.ok(crossService.length > 0, 'some child span is in another service than its parent');
    for (const s of spans) {
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
      if (s.parentSpanId !== undefined) {
        const parent = byId.get(s.parentSpanId);
        assert.ok(parent, `parent ${s.parentSpanId} of ${s.spanId} is in the trace`);
        assert.ok(BigInt(s.startNs) >= BigInt(parent.startNs), 'a child starts after its parent');
      }
      assert.ok(BigInt(s.endNs) >= BigInt(s.startNs));
      assert.ok(['unset', 'error'].includes(s.statusCode));
    }
    // The same trace by its base64 id, and an unknown id.
    const b64 = Buffer.from(best.traceId, 'hex').toString('base64');
    assert.equal((await tempo.traceById(b64))?.spans.length, spans.length);
    assert.equal(await tempo.traceById('0123456789abcdef0123456789abcdef'), undefined);
  });

  it('readiness: the simulator serves no /ready under its Loki/Tempo prefixes, so health reads degraded', async () => {
    const [l, t] = await Promise.all([loki.health(), tempo.health()]);
    for (const h of [l, t]) {
      assert.equal(h.state, 'degraded');
      assert.match(h.detail ?? '', /not ready \(HTTP 404\)/);
    }
  });
});
