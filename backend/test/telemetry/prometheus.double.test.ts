/**
 * PrometheusClient / PrometheusSource against a loopback HTTP test double: error mapping,
 * retries (with a seeded jitter and a recording sleep), timeouts, malformed bodies, auth, health.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { PrometheusClient, PrometheusSource, parseSampleValue } from '../../src/telemetry/prometheus.ts';
import type { PrometheusClientOptions } from '../../src/telemetry/prometheus.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';
import { TelemetryError } from '../../src/telemetry/types.ts';
import type { TelemetryErrorKind } from '../../src/telemetry/types.ts';
import { rejectsWithTelemetryError, useHttpDouble } from '../helpers/httpDouble.ts';
import { freePort } from '../helpers/prometheusServer.ts';

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const ok = (data: unknown, extra: Record<string, unknown> = {}) => ({ status: 'success', data, ...extra });

const vector1 = ok({
  resultType: 'vector',
  result: [{ metric: { __name__: 'up', job: 'x' }, value: [1700000000.5, '1'] }],
});

const double = useHttpDouble((_req, res) => json(res, 200, vector1));

function client(extra: Partial<PrometheusClientOptions> = {}): { c: PrometheusClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const c = new PrometheusClient({
    baseUrl: double.baseUrl,
    timeoutMs: 2000,
    retries: 2,
    retryBaseDelayMs: 100,
    random: seededRandom(7),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { c, sleeps };
}

const rejectsWith = (p: Promise<unknown>, kind: TelemetryErrorKind, check?: (e: TelemetryError) => void) =>
  rejectsWithTelemetryError(p, kind, 'prometheus', check);

describe('PrometheusClient request encoding', () => {
  it('sends query_range as a form-encoded POST with start/end/step/timeout', async () => {
    double.handler = (_r, res) => json(res, 200, ok({ resultType: 'matrix', result: [] }));
    const { c } = client({ timeoutMs: 1500 });
    const long = `sum by (service) (rate(http_requests_total{path=~"${'/x'.repeat(3000)}"}[5m]))`;
    const r = await c.queryRange({
      query: long,
      startMs: 1_700_000_000_000,
      endMs: 1_700_000_600_123,
      stepSeconds: 15,
    });
    assert.deepEqual(r, { resultType: 'matrix', series: [], warnings: [] });
    const req = double.seen[0];
    assert.ok(req);
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/api/v1/query_range');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(req.form.get('query'), long);
    assert.equal(req.form.get('start'), '1700000000.000');
    assert.equal(req.form.get('end'), '1700000600.123');
    assert.equal(req.form.get('step'), '15');
    assert.equal(req.form.get('timeout'), '1500ms');
  });

  it('instant query with time; series with match[]; label values via GET; path prefix kept', async () => {
    double.handler = (r, res) => {
      if (r.path.endsWith('/api/v1/query')) {
        return json(res, 200, vector1);
      }
      if (r.path.endsWith('/api/v1/series')) {
        return json(res, 200, ok([{ __name__: 'up', job: 'a' }]));
      }
      if (r.path.endsWith('/values')) {
        return json(res, 200, ok(['a', 'b']));
      }
      json(res, 404, { status: 'error', errorType: 'not_found', error: 'nope' });
    };
    const { c } = client({ baseUrl: `${double.baseUrl}/prom/` });
    const q = await c.query('up', { timeMs: 1_700_000_000_500 });
    assert.deepEqual(q.series, [{ labels: { __name__: 'up', job: 'x' }, samples: [[1700000000.5, 1]] }]);
    assert.equal(double.seen[0]?.path, '/prom/api/v1/query');
    assert.equal(double.seen[0]?.form.get('time'), '1700000000.500');

    assert.deepEqual(await c.series(['up', 'node_load1{job="n"}'], { startMs: 1000, endMs: 2000 }), [
      { __name__: 'up', job: 'a' },
    ]);
    assert.deepEqual(double.seen[1]?.form.getAll('match[]'), ['up', 'node_load1{job="n"}']);
    assert.equal(double.seen[1]?.form.get('start'), '1.000');

    assert.deepEqual(await c.labelValues('job', { matchers: ['up'] }), ['a', 'b']);
    assert.equal(double.seen[2]?.method, 'GET');
    assert.equal(double.seen[2]?.path, '/prom/api/v1/label/job/values');
    assert.deepEqual(double.seen[2]?.query.getAll('match[]'), ['up']);

    await c.labelValues('service.name');
    assert.equal(double.seen[3]?.path, '/prom/api/v1/label/U__service_2e_name/values');
  });

  it('sends bearer token, basic auth and extra headers', async () => {
    await client({ bearerToken: 's3cret', headers: { 'X-Scope-OrgID': 'team-a' } }).c.query('up');
    assert.equal(double.seen[0]?.headers.authorization, 'Bearer s3cret');
    assert.equal(double.seen[0]?.headers['x-scope-orgid'], 'team-a');
    await client({ basicAuth: { username: 'u', password: 'p:w' } }).c.query('up');
    assert.equal(double.seen[1]?.headers.authorization, `Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });

  it('uses an injected fetch', async () => {
    const urls: string[] = [];
    const fake: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(JSON.stringify(ok({ resultType: 'scalar', result: [1, '+Inf'] })), { status: 200 });
    };
    const r = await new PrometheusClient({ baseUrl: 'http://prom.invalid:9090', fetch: fake }).query('1/0');
    assert.deepEqual(r.series, [{ labels: {}, samples: [[1, Infinity]] }]);
    assert.deepEqual(urls, ['http://prom.invalid:9090/api/v1/query']);
    assert.equal(double.seen.length, 0);
  });
});

describe('PrometheusClient parsing', () => {
  it('parses NaN/+Inf/-Inf exactly and rejects non-numbers', () => {
    assert.ok(Number.isNaN(parseSampleValue('NaN')));
    assert.equal(parseSampleValue('+Inf'), Infinity);
    assert.equal(parseSampleValue('-Inf'), -Infinity);
    assert.equal(parseSampleValue('1e-7'), 1e-7);
    assert.equal(parseSampleValue('-0.5'), -0.5);
    assert.equal(parseSampleValue('51.846000000000004'), 51.846000000000004);
    for (const bad of ['', ' 1', 'abc', 'nan', undefined, 1]) {
      assert.equal(parseSampleValue(bad), undefined, String(bad));
    }
  });

  it('maps matrix samples, sorts them, and passes warnings and infos on', async () => {
    double.handler = (_r, res) =>
      json(
        res,
        200,
        ok(
          {
            resultType: 'matrix',
            result: [
              {
                metric: { a: '1' },
                values: [
                  [20, 'NaN'],
                  [10, '-Inf'],
                  [30, '2.5'],
                ],
              },
            ],
          },
          { warnings: ['PromQL warning: too many series'], infos: ['PromQL info: metric might not be a counter'] }
        )
      );
    const r = await client().c.queryRange({ query: 'x', startMs: 10_000, endMs: 30_000, stepSeconds: 10 });
    const s = r.series[0];
    assert.ok(s);
    assert.deepEqual(
      s.samples.map(([t]) => t),
      [10, 20, 30]
    );
    assert.equal(s.samples[0]?.[1], -Infinity);
    assert.ok(Number.isNaN(s.samples[1]?.[1]));
    assert.equal(s.samples[2]?.[1], 2.5);
    assert.deepEqual(r.warnings, ['PromQL warning: too many series', 'PromQL info: metric might not be a counter']);
  });
});

describe('PrometheusClient errors and retries', () => {
  it('422 bad_data → bad_query quoting upstream, never retried', async () => {
    double.handler = (_r, res) =>
      json(res, 422, { status: 'error', errorType: 'bad_data', error: '1:12: parse error: unclosed left parenthesis' });
    const { c, sleeps } = client();
    await rejectsWith(c.query('rate(x[5m]'), 'bad_query', (e) => {
      assert.equal(e.message, 'Prometheus rejected query "rate(x[5m]": 1:12: parse error: unclosed left parenthesis');
      assert.equal(e.upstreamMessage, '1:12: parse error: unclosed left parenthesis');
      assert.equal(e.status, 422);
      assert.equal(e.query, 'rate(x[5m]');
    });
    assert.equal(double.seen.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('no retry on other 4xx (400 non-JSON, 401, 404)', async () => {
    for (const [status, body, kind] of [
      [400, 'bad request', 'bad_query'],
      [401, 'unauthorized', 'upstream'],
      [404, '404 page not found', 'upstream'],
    ] as const) {
      double.seen = [];
      double.handler = (_r, res) => res.writeHead(status, { 'Content-Type': 'text/plain' }).end(body);
      await rejectsWith(client().c.query('up'), kind, (e) => {
        assert.equal(e.status, status);
        assert.ok(e.message.includes(body), e.message);
      });
      assert.equal(double.seen.length, 1, `HTTP ${status} retried`);
    }
    for (const [status, errorType] of [
      [400, 'bad_data'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [429, 'too_many_requests'],
    ] as const) {
      double.seen = [];
      double.handler = (_r, res) => json(res, status, { status: 'error', errorType, error: `nope ${status}` });
      await rejectsWith(client().c.query('up'), status === 400 ? 'bad_query' : 'upstream', (e) =>
        assert.equal(e.upstreamMessage, `nope ${status}`)
      );
      assert.equal(double.seen.length, 1, `HTTP ${status} ${errorType} retried`);
    }
  });

  it('503 then success: retried with backoff, attempts counted', async () => {
    double.handler = (_r, res, n) =>
      n < 3
        ? json(res, 503, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' })
        : json(res, 200, vector1);
    const retries: number[] = [];
    const { c, sleeps } = client({ onRetry: (i) => retries.push(i.attempt) });
    const r = await c.query('up');
    assert.equal(r.series.length, 1);
    assert.equal(double.seen.length, 3);
    assert.deepEqual(retries, [1, 2]);
    // Equal jitter: retry k waits in [base·2^k / 2, base·2^k].
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[0]! >= 50 && sleeps[0]! <= 100, String(sleeps));
    assert.ok(sleeps[1]! >= 100 && sleeps[1]! <= 200, String(sleeps));
    // Same seed, same delays.
    double.seen = [];
    const again = client();
    await again.c.query('up');
    assert.deepEqual(again.sleeps, sleeps);
  });

  it('persistent 5xx → upstream after retries+1 attempts; Retry-After respected', async () => {
    double.handler = (_r, res) =>
      res.writeHead(502, { 'Content-Type': 'text/html', 'Retry-After': '1' }).end('<html>Bad Gateway</html>');
    const { c, sleeps } = client({ retryMaxDelayMs: 3000 });
    await rejectsWith(c.query('up'), 'upstream', (e) => {
      assert.equal(e.status, 502);
      assert.match(e.message, /HTTP 502.*Bad Gateway/);
    });
    assert.equal(double.seen.length, 3);
    assert.deepEqual(sleeps, [1000, 1000]);
  });

  it('a slow answer → timeout kind (and is retried)', async () => {
    double.handler = (_r, res) => {
      setTimeout(() => {
        if (!res.destroyed) {
          json(res, 200, vector1);
        }
      }, 1500).unref();
    };
    const { c, sleeps } = client({ timeoutMs: 150, retries: 1 });
    const t0 = performance.now();
    await rejectsWith(c.query('up'), 'timeout', (e) => assert.match(e.message, /within 150 ms/));
    assert.ok(performance.now() - t0 < 1400);
    assert.equal(double.seen.length, 2);
    assert.equal(sleeps.length, 1);
    assert.equal(double.seen[0]?.form.get('timeout'), '150ms');
  });

  it("Prometheus's own timeout (503 errorType timeout) → timeout kind", async () => {
    double.handler = (_r, res) =>
      json(res, 503, { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' });
    await rejectsWith(client({ retries: 0 }).c.query('up'), 'timeout', (e) =>
      assert.match(e.message, /query timed out in expression evaluation/)
    );
  });

  it('422 execution error → bad_query', async () => {
    double.handler = (_r, res) =>
      json(res, 422, { status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' });
    await rejectsWith(client().c.query('a * b'), 'bad_query');
    assert.equal(double.seen.length, 1);
  });

  it('connection refused → unreachable (retried), health down', async () => {
    const port = await freePort();
    const { c, sleeps } = client({ baseUrl: `http://127.0.0.1:${port}` });
    await rejectsWith(c.query('up'), 'unreachable', (e) => assert.match(e.message, /ECONNREFUSED/));
    assert.equal(sleeps.length, 2);
    const src = new PrometheusSource({ baseUrl: `http://127.0.0.1:${port}`, retries: 0 });
    await assert.rejects(src.queryInstant('up'));
    const h = await src.health();
    assert.equal(h.state, 'down');
    assert.equal(h.name, 'prometheus');
    assert.match(h.lastError?.message ?? '', /unreachable/);
    assert.ok(h.lastError && !Number.isNaN(Date.parse(h.lastError.at)));
  });

  it('unknown host → unreachable', async () => {
    await rejectsWith(
      client({ baseUrl: 'http://aidpe-no-such-host.invalid:9090', retries: 0 }).c.query('up'),
      'unreachable'
    );
  });

  it('truncated JSON body → upstream, not retried', async () => {
    double.handler = (_r, res) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"success","data":{"resultType":"vec');
    await rejectsWith(client().c.query('up'), 'upstream', (e) => assert.match(e.message, /not valid JSON/));
    assert.equal(double.seen.length, 1);
  });

  it('connection dropped mid-body → upstream, retried', async () => {
    double.handler = (_r, res, n) => {
      if (n > 1) {
        return json(res, 200, vector1);
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
      res.write('{"status":"success","data":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const r = await client().c.query('up');
    assert.equal(r.series.length, 1);
    assert.equal(double.seen.length, 2);
  });

  it('unexpected shapes → upstream', async () => {
    const bodies: unknown[] = [
      ok({ resultType: 'matrix', result: 'nope' }),
      ok({ resultType: 'vector', result: [{ metric: {}, value: [1, 'twelve'] }] }),
      ok({ resultType: 'histogramz', result: [] }),
      ok(null),
      { hello: 'world' },
      [1, 2, 3],
      { status: 'success' },
    ];
    for (const body of bodies) {
      double.seen = [];
      double.handler = (_r, res) => json(res, 200, body);
      await rejectsWith(client().c.query('up'), 'upstream', (e) =>
        assert.match(e.message, /unexpected shape/, JSON.stringify(body))
      );
      assert.equal(double.seen.length, 1);
    }
    double.handler = (_r, res) => json(res, 200, ok({ resultType: 'vector', result: [] }));
    await rejectsWith(
      client().c.queryRange({ query: 'up', startMs: 0, endMs: 60_000, stepSeconds: 15 }),
      'upstream',
      (e) => assert.match(e.message, /expected "matrix"/)
    );
    double.handler = (_r, res) => json(res, 200, ok({ a: 1 }));
    await rejectsWith(client().c.series(['up']), 'upstream');
    await rejectsWith(client().c.labelValues('job'), 'upstream');
  });

  it('validates inputs before sending anything', async () => {
    const { c } = client();
    const now = 1_700_000_000_000;
    await rejectsWith(c.queryRange({ query: 'up', startMs: now, endMs: now, stepSeconds: 15 }), 'bad_query', (e) =>
      assert.match(e.message, /must be before end/)
    );
    await rejectsWith(c.queryRange({ query: 'up', startMs: now, endMs: now - 1, stepSeconds: 15 }), 'bad_query');
    await rejectsWith(
      c.queryRange({ query: 'up', startMs: now - 60_000, endMs: now, stepSeconds: 0 }),
      'bad_query',
      (e) => assert.match(e.message, /step/)
    );
    await rejectsWith(c.queryRange({ query: 'up', startMs: now - 60_000, endMs: now, stepSeconds: -5 }), 'bad_query');
    await rejectsWith(c.queryRange({ query: 'up', startMs: NaN, endMs: now, stepSeconds: 5 }), 'bad_query');
    await rejectsWith(
      c.queryRange({ query: 'up', startMs: now - 7 * 86_400_000, endMs: now, stepSeconds: 15 }),
      'bad_query',
      (e) =>
        assert.match(
          e.message,
          /40321 points per series exceeds Prometheus's limit of 11000; use a step of at least 55s/
        )
    );
    await rejectsWith(c.query('  '), 'bad_query');
    await rejectsWith(c.series([]), 'bad_query');
    await rejectsWith(c.labelValues(''), 'bad_query');
    assert.equal(double.seen.length, 0);
    // Exactly at the limit is allowed (Prometheus checks (end - start) / step > 11000).
    double.handler = (_r, res) => json(res, 200, ok({ resultType: 'matrix', result: [] }));
    await c.queryRange({ query: 'up', startMs: now - 11_000_000, endMs: now, stepSeconds: 1 });
    assert.equal(double.seen.length, 1);
  });
});

describe('PrometheusSource health', () => {
  it('up with the version, degraded when not ready, degraded after failing queries, up again after success', async () => {
    let ready = true;
    let failQueries = false;
    double.handler = (r, res) => {
      if (r.path === '/-/ready') {
        return ready
          ? res.writeHead(200).end('Prometheus Server is Ready.\n')
          : res.writeHead(503).end('Service Unavailable');
      }
      if (r.path === '/api/v1/status/buildinfo') {
        return json(res, 200, ok({ version: '2.42.0', revision: 'abc' }));
      }
      if (failQueries) {
        return json(res, 500, { status: 'error', errorType: 'internal', error: 'boom' });
      }
      json(res, 200, vector1);
    };
    let now = Date.parse('2026-01-01T00:00:00Z');
    const src = new PrometheusSource({ baseUrl: double.baseUrl, retries: 0, now: () => now, degradedWindowMs: 60_000 });
    assert.equal(src.kind, 'prometheus');

    let h = await src.health();
    assert.equal(h.state, 'up');
    assert.equal(h.detail, `Prometheus 2.42.0 at ${double.baseUrl}`);
    assert.equal(h.checkedAt, '2026-01-01T00:00:00.000Z');
    assert.equal(h.lastError, undefined);

    ready = false;
    h = await src.health();
    assert.equal(h.state, 'degraded');
    assert.match(h.detail ?? '', /not ready \(HTTP 503\)/);
    ready = true;

    failQueries = true;
    now += 1000;
    await rejectsWith(src.queryInstant('up'), 'upstream');
    h = await src.health();
    assert.equal(h.state, 'degraded');
    assert.match(h.detail ?? '', /queries failing/);
    assert.deepEqual(h.lastError, {
      message: 'Prometheus failed query "up" (HTTP 500 internal): boom',
      at: '2026-01-01T00:00:01.000Z',
    });

    // A bad query is the caller's fault: it does not count against health.
    double.handler = (r, res) =>
      r.path.startsWith('/api/v1/query')
        ? json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error' })
        : r.path === '/-/ready'
          ? res.writeHead(200).end('ok')
          : json(res, 200, ok({ version: '2.42.0' }));
    now += 120_000; // past the degraded window
    await rejectsWith(src.queryInstant('up{'), 'bad_query');
    h = await src.health();
    assert.equal(h.state, 'up');
    assert.ok(h.lastError, 'the last real error is still reported');

    // A failure then a success: up again.
    double.handler = (r, res, n) =>
      r.path.startsWith('/api/v1/query')
        ? json(res, n % 2 ? 500 : 200, n % 2 ? { status: 'error', error: 'x' } : vector1)
        : res.writeHead(200).end('ok');
    double.seen = [];
    await src.queryInstant('up').catch(() => undefined);
    await src.queryInstant('up');
    h = await src.health();
    assert.equal(h.state, 'up');
    assert.match(h.detail ?? '', /version unknown/);
  });
});
