/**
 * Dependency budgets and circuit breakers in the shared HTTP core (issue 20, item 7: "a dependency
 * that accepts and never answers" cost 30.4 s while the message said "within 10000 ms", and 20
 * concurrent requests all waited). Every connector (Prometheus, Loki, Tempo) goes through the core.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PrometheusClient, PrometheusSource } from '../../src/telemetry/prometheus.ts';
import { LokiClient } from '../../src/telemetry/loki.ts';
import { TempoClient } from '../../src/telemetry/tempo.ts';
import { DEFAULT_BUDGET_MS, type HttpConnectorOptions } from '../../src/telemetry/http/connector.ts';
import { TelemetryError } from '../../src/telemetry/types.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';
import { startBlackHole, type BlackHole } from '../helpers/blackHole.ts';
import { json, rejectsWithTelemetryError, text, useHttpDouble } from '../helpers/httpDouble.ts';
import { freePort } from '../helpers/prometheusServer.ts';

const double = useHttpDouble((_req, res) => text(res, 500, 'no handler'));

let hole: BlackHole;
before(async () => {
  hole = await startBlackHole();
});
after(() => hole.close());

const vector1 = { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }] } };
const T0 = 1_700_000_000_000;

/** One call per connector, so each defect is checked on all three. */
const connectors = {
  prometheus: (opts: Partial<HttpConnectorOptions>) => {
    const c = new PrometheusClient({ baseUrl: hole.baseUrl, ...opts });
    return { http: c.http, call: () => c.query('up') };
  },
  loki: (opts: Partial<HttpConnectorOptions>) => {
    const c = new LokiClient({ baseUrl: hole.baseUrl, ...opts });
    return { http: c.http, call: () => c.queryRange({ query: '{app="x"}', startMs: T0, endMs: T0 + 60_000 }) };
  },
  tempo: (opts: Partial<HttpConnectorOptions>) => {
    const c = new TempoClient({ baseUrl: hole.baseUrl, ...opts });
    return { http: c.http, call: () => c.search({ q: '{}' }) };
  },
};

describe('a black-hole upstream (accepts the connection, never answers)', () => {
  for (const [name, make] of Object.entries(connectors)) {
    it(`${name}: answers within the total budget, and the message states the budget`, async () => {
      const before = hole.connections;
      // Without a budget this is 6 attempts × 400 ms plus backoff ≈ 2.9 s; the budget is 1 s.
      const { call } = make({ timeoutMs: 400, budgetMs: 1_000, retries: 5, retryBaseDelayMs: 50 });
      const started = performance.now();
      await rejectsWithTelemetryError(call(), 'timeout', name, (e) => {
        assert.match(e.message, /did not answer .* within its 1000 ms budget/);
        assert.match(e.message, /per-attempt timeout 400 ms/);
        assert.doesNotMatch(e.message, /within 400 ms/, 'the message names the budget, not one attempt');
      });
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 400, `gave up after ${elapsed} ms, before one attempt could time out`);
      assert.ok(elapsed < 2_400, `took ${Math.round(elapsed)} ms for a 1000 ms budget`);
      const attempts = hole.connections - before;
      assert.ok(attempts >= 2 && attempts <= 3, `${attempts} attempts fit in 1000 ms at 400 ms each`);
    });
  }

  it('the default budget fits under Grafana’s 30 s proxy timeout, retries included', () => {
    const { http } = new PrometheusClient({ baseUrl: hole.baseUrl });
    assert.equal(http.budgetMs, DEFAULT_BUDGET_MS);
    assert.ok(http.budgetMs < 30_000);
    assert.equal(http.timeoutMs, 10_000);
    assert.equal(http.retries, 2, 'retries still default to 2; the budget decides how many fit');
    // An explicit per-attempt timeout longer than the default budget still gets one whole attempt.
    assert.equal(new LokiClient({ baseUrl: hole.baseUrl, timeoutMs: 25_000 }).http.budgetMs, 25_000);
  });
});

describe('dependency faults answer within the budget with the right kind', () => {
  const fast = {
    timeoutMs: 300,
    budgetMs: 1_000,
    retries: 2,
    retryBaseDelayMs: 20,
    random: seededRandom(3),
    circuitBreaker: false as const,
  };

  it('refused → unreachable; 5xx → upstream after retries; truncated body → upstream "closed the connection"', async () => {
    const port = await freePort();
    const cases: Array<{ fault: string; baseUrl: () => string; handler?: Parameters<typeof useHttpDouble>[0] }> = [
      { fault: 'refused', baseUrl: () => `http://127.0.0.1:${port}` },
      { fault: '5xx', baseUrl: () => double.baseUrl, handler: (_r, res) => json(res, 503, { status: 'error' }) },
      {
        fault: 'truncated',
        baseUrl: () => double.baseUrl,
        handler: (_r, res) => {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
          res.write('{"status":"success","data":');
          setTimeout(() => res.socket?.destroy(), 10);
        },
      },
    ];
    const expected = { refused: 'unreachable', '5xx': 'upstream', truncated: 'upstream' } as const;
    for (const c of cases) {
      double.seen = [];
      if (c.handler) {
        double.handler = c.handler;
      }
      const client = new PrometheusClient({ ...fast, baseUrl: c.baseUrl() });
      const started = performance.now();
      await rejectsWithTelemetryError(
        client.query('up'),
        expected[c.fault as keyof typeof expected],
        'prometheus',
        (e) => {
          if (c.fault === 'refused') {
            assert.match(e.message, /ECONNREFUSED/);
          } else if (c.fault === 'truncated') {
            assert.match(e.message, /closed the connection/);
          } else {
            assert.match(e.message, /HTTP 503/);
          }
        }
      );
      assert.ok(performance.now() - started < 2_400, `${c.fault} exceeded its budget`);
      if (c.fault !== 'refused') {
        assert.equal(double.seen.length, 3, `${c.fault}: retried while the budget allowed`);
      }
    }
  });

  it('no retry when the upstream asks to wait longer than the budget has left', async () => {
    double.handler = (_r, res) => res.writeHead(503, { 'Retry-After': '30' }).end('overloaded');
    const sleeps: number[] = [];
    const client = new LokiClient({
      baseUrl: double.baseUrl,
      budgetMs: 2_000,
      retries: 3,
      retryMaxDelayMs: 60_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    await rejectsWithTelemetryError(
      client.queryRange({ query: '{a="b"}', startMs: T0, endMs: T0 + 1 }),
      'upstream',
      'loki'
    );
    assert.equal(double.seen.length, 1);
    assert.deepEqual(sleeps, []);
  });
});

describe('circuit breaker per connector', () => {
  it('20 concurrent requests to an open breaker fail fast: 503-mapped "unavailable" naming the cause and when it retries', async () => {
    let now = T0;
    const source = new PrometheusSource({
      baseUrl: hole.baseUrl,
      timeoutMs: 150,
      retries: 0,
      circuitBreaker: { failureThreshold: 2, openMs: 30_000 },
      now: () => now,
    });
    for (let i = 0; i < 2; i++) {
      await rejectsWithTelemetryError(source.queryInstant('up'), 'timeout', 'prometheus');
    }
    const connectionsWhenOpen = hole.connections;
    now += 1_000;

    let ioHappened = false;
    setImmediate(() => {
      ioHappened = true;
    });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => source.queryInstant('up')));
    assert.equal(ioHappened, false, 'all 20 settled before the event loop could do any I/O');
    assert.equal(hole.connections, connectionsWhenOpen, 'nothing reached the upstream');
    for (const s of settled) {
      assert.equal(s.status, 'rejected');
      const e = (s as PromiseRejectedResult).reason as TelemetryError;
      assert.ok(e instanceof TelemetryError);
      assert.equal(e.kind, 'unavailable');
      assert.match(e.message, /circuit is open after 2 consecutive failures/);
      assert.match(e.message, /did not answer query "up" within 150 ms/, 'names the cause');
      assert.match(e.message, /next try in 29 s/);
      assert.equal(e.retryAfterMs, 29_000);
    }

    const h = await source.health();
    assert.equal(h.state, 'down');
    assert.match(h.detail ?? '', /circuit open after 2 consecutive failures; next probe at 2023-11-14T22:13:50\.000Z/);
    assert.deepEqual(h.circuit, { state: 'open', consecutiveFailures: 2, retryAt: '2023-11-14T22:13:50.000Z' });
    assert.match(h.lastError?.message ?? '', /^Prometheus did not answer/, 'the last error stays the real cause');
    assert.equal(hole.connections, connectionsWhenOpen, 'an open circuit is not probed before its time');
  });

  it('half-opens after openMs, lets one probe through, reopens on failure and closes when the upstream recovers', async () => {
    let now = T0;
    let upstreamDown = true;
    double.handler = (_r, res) => (upstreamDown ? res.socket?.destroy() : json(res, 200, vector1));
    const changes: string[] = [];
    const client = new PrometheusClient({
      baseUrl: double.baseUrl,
      retries: 0,
      circuitBreaker: { failureThreshold: 3, openMs: 10_000 },
      now: () => now,
      onCircuitChange: (s) => changes.push(s.state),
    });
    for (let i = 0; i < 3; i++) {
      await rejectsWithTelemetryError(client.query('up'), 'unreachable', 'prometheus');
    }
    await rejectsWithTelemetryError(client.query('up'), 'unavailable', 'prometheus');
    assert.equal(double.seen.length, 3);

    // After openMs one probe goes through; while it is in flight the others still fail fast.
    now += 10_000;
    assert.equal(client.http.breaker?.snapshot().state, 'half_open');
    const probe = client.query('up');
    await rejectsWithTelemetryError(client.query('up'), 'unavailable', 'prometheus', (e) =>
      assert.match(e.message, /a probe is checking whether it is back/)
    );
    await rejectsWithTelemetryError(probe, 'unreachable', 'prometheus');
    assert.equal(client.http.breaker?.snapshot().state, 'open', 'a failed probe opens it again');
    assert.equal(double.seen.length, 4);

    // The upstream recovers: the next probe closes the circuit and calls flow again.
    upstreamDown = false;
    now += 10_000;
    assert.equal((await client.query('up')).series.length, 1);
    assert.equal(client.http.breaker?.snapshot().state, 'closed');
    assert.equal((await client.query('up')).series.length, 1);
    assert.deepEqual(changes, ['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('a health probe is the half-open probe, so recovery needs no user traffic; an HTTP error still counts as an answer', async () => {
    let now = T0;
    let mode: 'drop' | 'ready' | 'error' = 'drop';
    double.handler = (r, res) => {
      if (mode === 'drop') {
        return res.socket?.destroy();
      }
      if (mode === 'error') {
        return text(res, 500, 'boom');
      }
      return r.path === '/ready' ? text(res, 200, 'ready') : text(res, 500, 'boom');
    };
    const tempo = new TempoClient({
      baseUrl: double.baseUrl,
      retries: 0,
      circuitBreaker: { failureThreshold: 2, openMs: 5_000 },
      now: () => now,
    });
    await rejectsWithTelemetryError(tempo.search({ q: '{}' }), 'unreachable', 'tempo');
    assert.equal((await tempo.health()).circuit?.state, 'open', 'the failed health probe was the second failure');
    mode = 'ready';
    now += 5_000;
    const h = await tempo.health();
    assert.equal(h.circuit?.state, 'closed');
    assert.equal(h.state, 'degraded', 'closed again, but the last search failed');
    mode = 'error';
    for (let i = 0; i < 4; i++) {
      await rejectsWithTelemetryError(tempo.search({ q: '{}' }), 'upstream', 'tempo');
    }
    assert.equal(tempo.http.breaker?.snapshot().state, 'closed', '5xx answers do not open the circuit');
  });

  it('circuitBreaker: false turns it off', async () => {
    const port = await freePort();
    const client = new LokiClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0, circuitBreaker: false });
    for (let i = 0; i < 7; i++) {
      await rejectsWithTelemetryError(
        client.queryRange({ query: '{a="b"}', startMs: T0, endMs: T0 + 1 }),
        'unreachable',
        'loki'
      );
    }
    assert.equal(client.http.breaker, undefined);
  });
});
