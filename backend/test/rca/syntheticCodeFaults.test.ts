/**
 * The synthetic code-level faults (the specification the simulator's exception and wrong-return faults must meet):
 * an exception truncates the faulty operation's spans and logs an error naming no other service, its callers
 * report the callee by path; a wrong return removes the service's later log lines and logs no error there; the
 * entry service is never the target; background noise is added; the case is deterministic for a seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synthesiseCase } from '../../src/eval/rca/syntheticCodeFaults.ts';
import type { NezhaCase, NezhaLogLine, NezhaSpan } from '../../src/eval/rca/nezhaData.ts';
import { Rng } from '../../src/sim/random.ts';

const T0 = Date.UTC(2023, 0, 30, 10, 0, 0);

function traffic(n: number, from: number, tag: string): { spans: NezhaSpan[]; logs: NezhaLogLine[] } {
  const spans: NezhaSpan[] = [];
  const logs: NezhaLogLine[] = [];
  for (let i = 0; i < n; i++) {
    const t = `${tag}${i}`;
    const at = from + i * 1000;
    const s = (
      spanId: string,
      parent: string | undefined,
      service: string,
      operation: string,
      dt: number,
      dur: number
    ): NezhaSpan => ({
      traceId: t,
      spanId,
      parentSpanId: parent,
      service,
      pod: `${service}-abc-1`,
      operation,
      startMs: at + dt,
      durationMs: dur,
      error: false,
    });
    spans.push(
      s('g', undefined, 'ts-gateway-service', '/*', 0, 30),
      s('gc', 'g', 'ts-gateway-service', 'FilteringWebHandler.handle', 0, 29),
      s('o1', 'gc', 'ts-order-service', '/api/v1/orderservice/order', 1, 27),
      s('o2', 'o1', 'ts-order-service', 'OrderController.get', 1, 26),
      s('oc', 'o2', 'ts-order-service', 'HTTP GET', 2, 20),
      s('o4', 'o2', 'ts-order-service', 'SELECT orders', 23, 2),
      s('p1', 'oc', 'ts-price-service', '/api/v1/priceservice/prices', 3, 18),
      s('p2', 'p1', 'ts-price-service', 'PriceController.query', 3, 17),
      s('p3', 'p2', 'ts-price-service', 'SELECT price', 4, 3),
      s('p4', 'p2', 'ts-price-service', 'SELECT route', 15, 3)
    );
    const log = (service: string, spanId: string, dt: number, text: string): NezhaLogLine => ({
      timeMs: at + dt,
      pod: `${service}-abc-1`,
      service,
      traceId: t,
      spanId,
      message: `10:00:00.000 INFO  ${text}`,
    });
    logs.push(
      log('ts-price-service', 'p2', 3.5, 'p.c.PriceController#46 [query][Query price start]'),
      log('ts-price-service', 'p2', 19, 'p.s.PriceServiceImpl#88 [query][Query price success]'),
      log('ts-order-service', 'o2', 25, 'o.c.OrderController#40 [get][Get order success]')
    );
  }
  return { spans, logs };
}

function source() {
  const base = traffic(20, T0 - 3_600_000, 'b');
  const now = traffic(30, T0, 'n');
  const window: NezhaCase = {
    fault: {
      id: 'x',
      date: '2023-01-30',
      injectMs: T0 + 60_000,
      injectTime: '',
      timestampSkewHours: undefined,
      pod: 'p',
      service: 'p',
      type: 'network_delay',
    },
    spans: [],
    logs: [],
    baselineSpans: base.spans,
    baselineLogs: base.logs,
    metrics: [],
    minutes: ['10_00'],
    counts: {
      traces: { rows: 0, skipped: 0, repaired: 0, sentinels: 0 },
      logs: { rows: 0, skipped: 0, repaired: 0, sentinels: 0 },
      metrics: { rows: 0, skipped: 0, repaired: 0, sentinels: 0 },
    },
  };
  return { window, spans: now.spans, logs: now.logs, startMs: T0 };
}

test('exception: the faulty operation ends early, logs an error of its own; callers report the callee by path', () => {
  let made;
  for (let seed = 1; !made || made.fault.service !== 'ts-price-service'; seed++) {
    made = synthesiseCase(source(), 'exception', new Rng(seed), 'syn');
    assert.ok(seed < 50);
  }
  const c = made.case;
  assert.notEqual(made.fault.service, 'ts-gateway-service', 'never the entry service');
  assert.ok(made.fault.affectedSpans > 20);
  const after = c.spans.filter((s) => s.startMs >= made.fault.injectMs);
  assert.ok(!after.some((s) => s.operation === 'SELECT route'), 'calls after the throw point are not made');
  const priceErrors = c.logs.filter((l) => l.service === 'ts-price-service' && /ERROR/.test(l.message));
  assert.ok(priceErrors.length >= 20 && priceErrors.every((l) => !/"path":/.test(l.message)));
  const orderErrors = c.logs.filter((l) => l.service === 'ts-order-service' && /InternalServerError/.test(l.message));
  assert.ok(orderErrors.length > 0 && orderErrors.every((l) => l.message.includes('/api/v1/priceservice/prices')));
  assert.ok(!c.logs.some((l) => l.timeMs >= made.fault.injectMs && /Query price success/.test(l.message)));
  assert.ok(
    c.baselineLogs.some((l) => /ERROR/.test(l.message)),
    'a routine error source is in the baseline too'
  );
  const again = synthesiseCase(source(), 'exception', new Rng(1), 'syn');
  assert.deepEqual(again, synthesiseCase(source(), 'exception', new Rng(1), 'syn'), 'deterministic for a seed');
});

test('wrong return: the service’s later lines vanish and it logs no error; the caller may take another branch', () => {
  let made;
  for (let seed = 1; !made || made.fault.service !== 'ts-price-service'; seed++) {
    made = synthesiseCase(source(), 'return', new Rng(seed), 'syn');
    assert.ok(seed < 50);
  }
  const c = made.case;
  const inc = c.logs.filter((l) => l.timeMs >= made.fault.injectMs);
  assert.ok(!inc.some((l) => /Query price success/.test(l.message)));
  assert.ok(!inc.some((l) => l.service === 'ts-price-service' && /ERROR/.test(l.message)));
  assert.ok(
    inc.some((l) => /Query price start/.test(l.message)),
    'the code before the return still logs'
  );
});
