/**
 * TempoClient against a loopback HTTP test double: recorded OTLP JSON traces (batches/scopeSpans
 * and the older resourceSpans/instrumentationLibrarySpans), search answers, id normalisation,
 * 404 → undefined, error mapping, retries, timeouts, health.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TempoClient, encodeTags, normalizeSpanId, normalizeTraceId } from '../../src/telemetry/tempo.ts';
import type { TempoClientOptions } from '../../src/telemetry/tempo.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';
import { TelemetryError } from '../../src/telemetry/types.ts';
import type { TelemetryErrorKind } from '../../src/telemetry/types.ts';
import { json, rejectsWithTelemetryError, text, useHttpDouble } from '../helpers/httpDouble.ts';
import { freePort } from '../helpers/prometheusServer.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../helpers/fixtures/tempo/${name}`, import.meta.url), 'utf8');

const double = useHttpDouble((_req, res) => text(res, 500, 'no handler'));

const sleeps: number[] = [];
function client(extra: Partial<TempoClientOptions> = {}): TempoClient {
  sleeps.length = 0;
  return new TempoClient({
    baseUrl: double.baseUrl,
    timeoutMs: 2000,
    retries: 2,
    random: seededRandom(7),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

const rejectsKind = (p: Promise<unknown>, kind: TelemetryErrorKind, check?: (e: TelemetryError) => void) =>
  rejectsWithTelemetryError(p, kind, 'tempo', check);

const TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('trace and span id normalisation', () => {
  it('accepts hex of any case (left-padding short ids) and base64 / base64url', () => {
    assert.equal(normalizeTraceId('0AF7651916CD43DD8448EB211C80319C'), TRACE);
    assert.equal(normalizeTraceId('CvdlGRbNQ92ESOshHIAxnA=='), TRACE);
    assert.equal(normalizeTraceId('CvdlGRbNQ92ESOshHIAxnA'), TRACE);
    assert.equal(normalizeTraceId('8b3c7a4c5b2f1e'), '0000000000000000008b3c7a4c5b2f1e');
    assert.equal(normalizeSpanId('t61rcWkgMzE='), 'b7ad6b7169203331');
    assert.equal(normalizeSpanId('00f067aa0ba902b7'), '00f067aa0ba902b7');
    assert.equal(normalizeTraceId(''), undefined);
    assert.equal(normalizeTraceId('not a trace id!'), undefined);
    assert.equal(normalizeTraceId('0af7651916cd43dd8448eb211c80319c00'), undefined, 'more than 16 bytes');
  });

  it('encodes tags as logfmt', () => {
    assert.equal(encodeTags({ 'service.name': 'cart', 'http.url': '/a b' }), 'service.name=cart http.url="/a b"');
  });
});

describe('TempoClient.traceById', () => {
  it('reads a Tempo 2.x trace (batches/scopeSpans, base64 ids) into flat spans with hex ids', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('trace-batches.json'));
    const t = await client({ tenant: 'team-a', bearerToken: 'tok' }).traceById('CvdlGRbNQ92ESOshHIAxnA==');
    assert.equal(double.seen[0]!.path, `/api/traces/${TRACE}`);
    assert.equal(double.seen[0]!.headers['x-scope-orgid'], 'team-a');
    assert.equal(double.seen[0]!.headers.authorization, 'Bearer tok');
    assert.equal(double.seen[0]!.headers.accept, 'application/json');
    assert.ok(t);
    assert.equal(t.traceId, TRACE);
    assert.deepEqual(
      t.spans.map((s) => [s.service, s.name, s.spanId, s.parentSpanId ?? null]),
      [
        ['frontend', 'GET /api/cart', 'b7ad6b7169203331', null],
        ['cart', 'CartService/GetCart', '00f067aa0ba902b7', 'b7ad6b7169203331'],
        ['cart', 'SELECT carts', '5fb397be34d26b51', '00f067aa0ba902b7'],
        ['frontend', 'POST /pay', 'a2fb4a1d1a96d312', 'b7ad6b7169203331'],
      ]
    );
    const root = t.spans[0]!;
    assert.equal(root.traceId, TRACE);
    assert.equal(root.kind, 'server');
    assert.equal(root.startNs, '1700000000100000000');
    assert.equal(root.endNs, '1700000000350123456');
    assert.equal(root.durationNs, '250123456');
    assert.equal(root.durationMs, 250.123456);
    assert.equal(root.startMs, 1700000000100);
    assert.equal(root.statusCode, 'error');
    assert.equal(root.statusMessage, 'upstream cart failed');
    assert.deepEqual(root.attributes, {
      'http.method': 'GET',
      'http.status_code': 500,
      'http.retry': true,
      'sampling.ratio': 0.25,
      'http.route.parts': ['api', 'cart'],
    });
    assert.equal(root.resourceAttributes['k8s.pod.name'], 'frontend-7d9c8b6f4-x2kqp');
    assert.deepEqual(
      t.spans.map((s) => s.statusCode),
      ['error', 'error', 'ok', 'unset']
    );
    assert.equal(t.spans[3]!.kind, 'client');
  });

  it('reads the older resourceSpans/instrumentationLibrarySpans shape with hex ids and numeric enums', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('trace-resourcespans-ils.json'));
    const t = await client().traceById('4bf92f3577b34da6');
    assert.equal(double.seen[0]!.path, '/api/traces/00000000000000004bf92f3577b34da6');
    assert.ok(t);
    assert.equal(t.spans.length, 2);
    assert.deepEqual(
      t.spans.map((s) => [s.service, s.name, s.kind, s.statusCode, s.parentSpanId ?? null]),
      [
        ['checkout', 'checkout', 'server', 'unset', null],
        ['checkout', 'charge', 'client', 'error', '00f067aa0ba902b7'],
      ]
    );
  });

  it('a 404 is undefined (not an error) and does not degrade health', async () => {
    double.handler = (req, res) =>
      req.path === '/ready' ? text(res, 200, 'ready') : text(res, 404, 'trace not found');
    const c = client();
    assert.equal(await c.traceById(TRACE), undefined);
    assert.equal(double.seen.length, 1);
    assert.equal((await c.health()).state, 'up');
  });

  it('rejects an id that is neither hex nor base64 before sending', async () => {
    await rejectsKind(client().traceById('zz-top!'), 'bad_query', (e) => assert.match(e.message, /trace "zz-top!"/));
    assert.equal(double.seen.length, 0);
  });

  it('spans from another trace or broken ids are an upstream shape error', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('trace-batches.json'));
    await rejectsKind(client().traceById('ffffffffffffffffffffffffffffffff'), 'upstream', (e) =>
      assert.match(e.message, /belongs to trace 0af7/)
    );
    double.handler = (_req, res) =>
      json(res, 200, {
        batches: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: '???', startTimeUnixNano: '1' }] }] }],
      });
    await rejectsKind(client().traceById(TRACE), 'upstream', (e) => assert.match(e.message, /spanId "\?\?\?"/));
  });

  it('retries 5xx, then reports upstream quoting the body', async () => {
    double.handler = (_req, res) => text(res, 500, 'error finding trace by id: context canceled');
    await rejectsKind(client().traceById(TRACE), 'upstream', (e) => {
      assert.equal(e.status, 500);
      assert.match(e.message, /Tempo failed trace "0af7.*HTTP 500.*context canceled/);
    });
    assert.equal(double.seen.length, 3);
    assert.equal(sleeps.length, 2);
  });

  it('truncated bodies: cut mid-transfer (retried) and incomplete JSON (not retried) are upstream', async () => {
    double.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '9999' });
      res.write(fixture('trace-batches.json').slice(0, 100));
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await rejectsKind(client({ retries: 1 }).traceById(TRACE), 'upstream');
    assert.equal(double.seen.length, 2);
    double.seen = [];
    double.handler = (_req, res) => json(res, 200, fixture('trace-batches.json').slice(0, 500));
    await rejectsKind(client().traceById(TRACE), 'upstream', (e) => assert.match(e.message, /not valid JSON/));
    assert.equal(double.seen.length, 1);
  });

  it('times out slow answers', async () => {
    double.handler = (_req, res) => {
      setTimeout(() => {
        if (!res.destroyed) {
          json(res, 200, '{}');
        }
      }, 1500);
    };
    await rejectsKind(client({ timeoutMs: 80, retries: 0 }).traceById(TRACE), 'timeout', (e) =>
      assert.match(e.message, /within 80 ms/)
    );
  });
});

describe('TempoClient.search', () => {
  it('sends q/start/end (unix seconds)/limit/minDuration and parses the documented answer', async () => {
    double.handler = (_req, res) => json(res, 200, fixture('search.json'));
    const q = '{ resource.service.name = "cart" && status = error }';
    const r = await client().search({
      q,
      startMs: 1_700_000_000_500,
      endMs: 1_700_000_900_200,
      limit: 20,
      minDurationMs: 100,
    });
    // A request the previous test abandoned (its 80 ms timeout) may reach the double late on a loaded machine.
    const p = double.seen.find((r) => r.path === '/api/search')!;
    assert.equal(p.path, '/api/search');
    assert.equal(p.query.get('q'), q);
    assert.equal(p.query.get('start'), '1700000000');
    assert.equal(p.query.get('end'), '1700000901');
    assert.equal(p.query.get('limit'), '20');
    assert.equal(p.query.get('minDuration'), '100ms');
    assert.equal(p.query.get('tags'), null);
    assert.deepEqual(r, [
      {
        traceId: '2f3e0cee77ae5dc9c17ade3689eb2e54',
        rootServiceName: 'frontend',
        rootTraceName: 'GET /api/cart',
        startMs: 1700000000100,
        durationMs: 250,
      },
      {
        traceId: '0000000000000000008b3c7a4c5b2f1e',
        rootServiceName: 'checkout',
        rootTraceName: 'POST /checkout',
        startMs: 1700000050000,
        durationMs: 1204,
      },
      {
        traceId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
        rootServiceName: undefined,
        rootTraceName: undefined,
        startMs: 1700000060000,
        durationMs: 0,
      },
    ]);
  });

  it('sends tags as logfmt and accepts an empty answer', async () => {
    double.handler = (_req, res) => json(res, 200, { traces: [], metrics: { totalBlocks: 0 } });
    assert.deepEqual(await client().search({ tags: { 'service.name': 'cart', error: 'true' } }), []);
    assert.equal(double.seen[0]!.query.get('tags'), 'service.name=cart error=true');
    await rejectsKind(client().search({ q: '{}', tags: { a: 'b' } }), 'bad_query');
  });

  it('maps a 400 TraceQL parse error (text/plain) to bad_query naming the query', async () => {
    const msg = 'invalid TraceQL query: parse error at line 1, col 3: syntax error: unexpected IDENTIFIER';
    double.handler = (_req, res) => text(res, 400, msg);
    await rejectsKind(client().search({ q: '{ foo }' }), 'bad_query', (e) => {
      assert.equal(e.upstreamMessage, msg);
      assert.equal(e.query, '{ foo }');
      assert.match(e.message, /Tempo rejected search "\{ foo \}": invalid TraceQL query/);
    });
    assert.equal(double.seen.length, 1);
  });

  it('connection refused → unreachable; health down; ready → up', async () => {
    const port = await freePort(); // nothing listens there
    const dead = client({ baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
    await rejectsKind(dead.search({ q: '{}' }), 'unreachable');
    const h = await dead.health();
    assert.equal(h.name, 'tempo');
    assert.equal(h.state, 'down');
    double.handler = (req, res) => (req.path === '/ready' ? text(res, 200, 'ready') : text(res, 500, 'x'));
    const live = client();
    assert.equal((await live.ready()).ready, true);
    assert.equal((await live.health()).state, 'up');
    await rejectsKind(live.search({ q: '{}' }), 'upstream');
    assert.equal((await live.health()).state, 'degraded');
  });
});
