/**
 * LokiClient against a loopback HTTP test double: recorded payloads in Loki's documented formats,
 * error mapping (400 text/plain, 5xx, truncated, malformed), retries, timeouts, auth/tenant, health.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LokiClient } from '../../src/telemetry/loki.ts';
import type { LokiClientOptions } from '../../src/telemetry/loki.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';
import { TelemetryError } from '../../src/telemetry/types.ts';
import type { TelemetryErrorKind } from '../../src/telemetry/types.ts';
import { json, rejectsWithTelemetryError, text, useHttpDouble } from '../helpers/httpDouble.ts';
import { freePort } from '../helpers/prometheusServer.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../helpers/fixtures/loki/${name}`, import.meta.url), 'utf8');

const double = useHttpDouble((_req, res) => text(res, 500, 'no handler'));

const sleeps: number[] = [];
function client(extra: Partial<LokiClientOptions> = {}): LokiClient {
  sleeps.length = 0;
  return new LokiClient({
    baseUrl: double.baseUrl,
    timeoutMs: 2000,
    retries: 2,
    random: seededRandom(1),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

const rejectsKind = (p: Promise<unknown>, kind: TelemetryErrorKind, check?: (e: TelemetryError) => void) =>
  rejectsWithTelemetryError(p, kind, 'loki', check);

const T0 = 1_700_000_000_000;
const range = { query: '{service_name="cart"} |= "error"', startMs: T0, endMs: T0 + 600_000 };

describe('LokiClient.queryRange', () => {
  it('sends the documented parameters (ns timestamps) and headers, and parses streams', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('query-range-streams.json'));
    const c = client({ bearerToken: 'tok', tenant: 'team-a', baseUrl: `${double.baseUrl}/` });
    const r = await c.queryRange({ ...range, limit: 50, direction: 'backward' });
    const req = double.seen[0]!;
    assert.equal(req.path, '/loki/api/v1/query_range');
    assert.equal(req.query.get('query'), range.query);
    assert.equal(req.query.get('start'), '1700000000000000000');
    assert.equal(req.query.get('end'), '1700000600000000000');
    assert.equal(req.query.get('limit'), '50');
    assert.equal(req.query.get('direction'), 'backward');
    assert.equal(req.headers.authorization, 'Bearer tok');
    assert.equal(req.headers['x-scope-orgid'], 'team-a');
    assert.equal(req.headers['x-loki-response-encoding-flags'], undefined);
    assert.equal(r.resultType, 'streams');
    if (r.resultType !== 'streams') {
      return;
    }
    assert.equal(r.streams.length, 2);
    assert.deepEqual(r.streams[0]!.labels, {
      service_name: 'cart',
      namespace: 'shop',
      pod: 'cart-6b7f9c5d8-qwz4t',
      level: 'error',
    });
    const e0 = r.streams[0]!.entries[0]!;
    assert.equal(e0.timestampNs, '1700000000350123456'); // exact, beyond float precision
    assert.equal(e0.timeMs, 1700000000350);
    assert.match(e0.line, /GetCart failed/);
    assert.equal(e0.structuredMetadata, undefined);
    assert.equal(r.streams[1]!.entries.length, 1);
    assert.deepEqual(r.warnings, []);
  });

  it('reads per-entry structured metadata and parsed labels (categorize-labels)', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('query-range-categorized.json'));
    const r = await client({ categorizeLabels: true }).queryRange(range);
    assert.equal(double.seen[0]!.headers['x-loki-response-encoding-flags'], 'categorize-labels');
    assert.equal(r.resultType, 'streams');
    if (r.resultType !== 'streams') {
      return;
    }
    const [a, b, c] = r.streams[0]!.entries;
    assert.deepEqual(a!.structuredMetadata, {
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      pod: 'cart-6b7f9c5d8-qwz4t',
    });
    assert.deepEqual(a!.parsed, { msg: 'slow query', ms: '812' });
    assert.deepEqual(b!.structuredMetadata, { pod: 'cart-6b7f9c5d8-qwz4t' });
    assert.equal(b!.parsed, undefined);
    assert.equal(c!.structuredMetadata, undefined);
  });

  it('parses metric queries (matrix) into series and passes step', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('query-range-matrix.json'));
    const r = await client().queryRange({
      query: 'sum by (service_name, level) (count_over_time({level="error"}[1m]))',
      startMs: T0,
      endMs: T0 + 120_000,
      stepSeconds: 60,
    });
    assert.equal(double.seen[0]!.query.get('step'), '60');
    assert.equal(r.resultType, 'matrix');
    if (r.resultType !== 'matrix') {
      return;
    }
    assert.deepEqual(r.series[0], {
      labels: { level: 'error', service_name: 'cart' },
      samples: [
        [1700000000, 3],
        [1700000060, 7],
        [1700000120, 0],
      ],
    });
    assert.equal(r.series.length, 2);
  });

  it("maps 400 with Loki's text/plain message to bad_query, naming the query, without retrying", async () => {
    const msg = 'parse error at line 1, col 6: syntax error: unexpected IDENTIFIER';
    double.handler = (_req, res) => text(res, 400, `${msg}\n`);
    const c = client();
    await rejectsKind(c.queryRange({ ...range, query: '{app=x}' }), 'bad_query', (e) => {
      assert.equal(e.status, 400);
      assert.equal(e.upstreamMessage, msg);
      assert.equal(e.query, '{app=x}');
      assert.match(e.message, /Loki rejected query "\{app=x\}": parse error at line 1, col 6/);
    });
    assert.equal(double.seen.length, 1);
    double.handler = (_req, res) => text(res, 200, 'ready\n');
    assert.equal((await c.health()).state, 'up', 'a rejected query says nothing about Loki health');
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    double.handler = (_req, res, n) =>
      n < 3 ? text(res, 503, 'too many outstanding requests') : json(res, 200, fixture('query-range-streams.json'));
    const r = await client().queryRange(range);
    assert.equal(r.resultType, 'streams');
    assert.equal(double.seen.length, 3);
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[1]! > sleeps[0]! * 0.9);
  });

  it('gives up on persistent 5xx as upstream quoting the body, and health turns degraded', async () => {
    double.handler = (req, res) =>
      req.path === '/ready'
        ? text(res, 200, 'ready')
        : text(res, 500, 'rpc error: code = Internal desc = failed to get chunk');
    const c = client();
    await rejectsKind(c.queryRange(range), 'upstream', (e) => {
      assert.equal(e.status, 500);
      assert.match(e.message, /HTTP 500.*failed to get chunk/);
      assert.match(e.message, /service_name/);
    });
    assert.equal(double.seen.length, 3);
    const h = await c.health();
    assert.equal(h.state, 'degraded');
    assert.match(h.lastError?.message ?? '', /failed to get chunk/);
  });

  it('times out a slow answer (AbortSignal) and retries it', async () => {
    double.handler = (_req, res) => {
      setTimeout(() => {
        if (!res.destroyed) {
          json(res, 200, fixture('query-range-streams.json'));
        }
      }, 1500);
    };
    const started = Date.now();
    await rejectsKind(client({ timeoutMs: 100, retries: 1 }).queryRange(range), 'timeout', (e) =>
      assert.match(e.message, /within 100 ms/)
    );
    assert.equal(double.seen.length, 2);
    assert.ok(Date.now() - started < 1400);
  });

  it('maps a body cut off mid-transfer to upstream (and retries it)', async () => {
    double.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '5000' });
      res.write(fixture('query-range-streams.json').slice(0, 200));
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await rejectsKind(client({ retries: 1 }).queryRange(range), 'upstream', (e) =>
      assert.match(e.message, /closed the connection/)
    );
    assert.equal(double.seen.length, 2);
  });

  it('maps a complete but truncated/invalid JSON body to upstream without retrying', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('query-range-streams.json').slice(0, 300));
    await rejectsKind(client().queryRange(range), 'upstream', (e) =>
      assert.match(e.message, /not valid JSON \(truncated\?\)/)
    );
    assert.equal(double.seen.length, 1);
  });

  it('maps a wrong shape to upstream naming the problem', async () => {
    double.handler = (_req, res) =>
      json(res, 200, {
        status: 'success',
        data: { resultType: 'streams', result: [{ stream: { a: 'b' }, values: [[1700000000, 'x']] }] },
      });
    await rejectsKind(client().queryRange(range), 'upstream', (e) =>
      assert.match(e.message, /unexpected shape: .*timestamp 1700000000 is not unix nanoseconds/)
    );
    double.handler = (_req, res) => json(res, 200, { status: 'error', error: 'boom' });
    await rejectsKind(client().queryRange(range), 'upstream', (e) => assert.match(e.message, /boom/));
  });

  it('rejects bad input before sending anything', async () => {
    const c = client();
    await rejectsKind(c.queryRange({ ...range, startMs: range.endMs }), 'bad_query');
    await rejectsKind(c.queryRange({ ...range, query: '  ' }), 'bad_query');
    await rejectsKind(c.queryRange({ ...range, limit: 0 }), 'bad_query');
    assert.equal(double.seen.length, 0);
  });
});

describe('LokiClient label values and patterns', () => {
  it('labelValues hits /label/<name>/values with ns range and selector', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('label-values.json'));
    const v = await client().labelValues('service_name', {
      startMs: T0,
      endMs: T0 + 1000,
      query: '{namespace="shop"}',
    });
    assert.deepEqual(v, ['cart', 'checkout', 'frontend', 'payments']);
    assert.equal(double.seen[0]!.path, '/loki/api/v1/label/service_name/values');
    assert.equal(double.seen[0]!.query.get('start'), '1700000000000000000');
    assert.equal(double.seen[0]!.query.get('query'), '{namespace="shop"}');
    double.handler = (_req, res) => json(res, 200, { status: 'success' });
    assert.deepEqual(await client().labelValues('nothing'), []);
  });

  it('patterns parses {pattern, level?, samples:[[sec, count]]}', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('patterns.json'));
    const p = await client().patterns({
      query: '{service_name="cart"}',
      startMs: T0,
      endMs: T0 + 180_000,
      stepSeconds: 60,
    });
    assert.equal(double.seen[0]!.path, '/loki/api/v1/patterns');
    assert.equal(double.seen[0]!.query.get('step'), '60s');
    assert.equal(p.length, 2);
    assert.equal(p[0]!.level, 'error');
    assert.deepEqual(p[0]!.samples, [
      [1700000000, 2],
      [1700000060, 4],
      [1700000120, 1],
    ]);
    assert.equal(p[0]!.total, 7);
    assert.equal(p[1]!.level, undefined);
    assert.equal(p[1]!.total, 251);
  });

  it('a 404 (pattern ingester disabled) is an upstream error, not retried', async () => {
    double.handler = (_req, res) => text(res, 404, '404 page not found');
    await rejectsKind(client().patterns({ query: '{a="b"}', startMs: T0, endMs: T0 + 1 }), 'upstream', (e) =>
      assert.match(e.message, /failed patterns query .*\(HTTP 404\): 404 page not found/)
    );
    assert.equal(double.seen.length, 1);
  });
});

describe('LokiClient readiness and health', () => {
  it('ready() and health() up / degraded', async () => {
    double.handler = (req, res) => (req.path === '/ready' ? text(res, 200, 'ready\n') : text(res, 404, ''));
    const c = client({ tenant: 't1' });
    assert.deepEqual({ ...(await c.ready()), latencyMs: 0 }, { ready: true, status: 200, body: 'ready', latencyMs: 0 });
    const up = await c.health();
    assert.equal(up.name, 'loki');
    assert.equal(up.state, 'up');
    assert.equal(up.lastError, undefined);
    double.handler = (_req, res) => text(res, 503, 'Ingester not ready: waiting for 15s after being ready');
    const h = await c.health();
    assert.equal(h.state, 'degraded');
    assert.match(h.lastError?.message ?? '', /Ingester not ready/);
    assert.equal(double.seen.length, 3);
  });

  it('connection refused is unreachable, and health is down', async () => {
    const port = await freePort(); // nothing listens there
    const c = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 });
    await rejectsKind(c.queryRange(range), 'unreachable', (e) =>
      assert.match(e.message, /unreachable \(ECONNREFUSED\)/)
    );
    assert.equal(sleeps.length, 1, 'unreachable is retried');
    const h = await c.health();
    assert.equal(h.state, 'down');
    assert.match(h.detail ?? '', /unreachable/);
    assert.match(h.lastError?.message ?? '', /ECONNREFUSED/);
  });
});
