/**
 * Code-level evidence on hand-made spans and log lines: an exception that ends an operation's spans early shows
 * as new call signatures in that service (and as propagated ones in its caller, which the ranking's features
 * explain away); error lines that name a callee blame it; a wrong return shows as a new log path; background
 * errors a healthy service always writes are not new.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeEvidence } from '../../src/engines/rca/codeEvidence.ts';
import { namedServices, serviceKeys, type LogRecord } from '../../src/engines/rca/logTemplateEvidence.ts';
import { mannWhitney, signatureNovelty, spanEvidence, type OperationSpan } from '../../src/engines/rca/spanEvidence.ts';
import { featureVector, caseScale } from '../../src/engines/rca/evidenceModel.ts';
import { quietEvidence } from '../helpers/rcaEvidence.ts';

/**
 * One request: gateway → ts-order-service (controller: SELECT, then a call to ts-price-service) → price (controller:
 * SELECT). With `fault` the price controller throws after its first step: its SELECT vanishes, and order's
 * controller, receiving the 500, skips nothing it had not done yet but ends early too.
 */
function request(i: number, startMs: number, fault: boolean): { spans: OperationSpan[]; logs: LogRecord[] } {
  const t = `t${i}${fault ? 'f' : ''}`;
  const s = (
    spanId: string,
    parent: string | undefined,
    service: string,
    operation: string,
    at: number,
    dur: number
  ) => ({
    traceId: t,
    spanId,
    parentSpanId: parent,
    service,
    operation,
    startMs: startMs + at,
    durationMs: dur,
  });
  const spans = [
    s('g', undefined, 'ts-gateway-service', '/*', 0, 20),
    s('o1', 'g', 'ts-order-service', '/api/v1/orderservice/order', 1, 18),
    s('o2', 'o1', 'ts-order-service', 'OrderController.get', 1, 17),
    s('o3', 'o2', 'ts-order-service', 'SELECT orders', 2, 2),
    s('oc', 'o2', 'ts-order-service', 'HTTP GET', 5, 10),
    s('p1', 'oc', 'ts-price-service', '/api/v1/priceservice/prices', 6, 8),
    s('p2', 'p1', 'ts-price-service', 'PriceController.query', 6, 7),
    ...(fault ? [] : [s('p3', 'p2', 'ts-price-service', 'SELECT price', 8, 3)]),
  ];
  const log = (service: string, spanId: string, message: string, level = 'INFO') => ({
    service,
    timeMs: startMs + 5,
    message: `12:00:00.000 ${level} ${message}`,
    level,
    traceId: t,
    spanId,
  });
  const logs: LogRecord[] = [
    log('ts-order-service', 'o2', 'OrderController#40 [get][Get order][id: 1]'),
    log('ts-price-service', 'p2', 'PriceController#46 [query][Query price start]'),
    log(
      'ts-food-service',
      'x',
      'FoodServiceImpl#302 [getAllFood][Get Food Request Failed!][foodStoresListResult is null]',
      'ERROR'
    ),
  ];
  if (fault) {
    logs.push(
      log(
        'ts-price-service',
        'p2',
        'dispatcherServlet Servlet.service() threw exception [java.lang.RuntimeException: chaosblade-mock-exception]',
        'ERROR'
      ),
      log(
        'ts-order-service',
        'o2',
        'dispatcherServlet Servlet.service() threw exception [HttpServerErrorException: 500 "path":"/api/v1/priceservice/prices"]',
        'ERROR'
      )
    );
  } else {
    logs.push(log('ts-price-service', 'p2', 'PriceServiceImpl#52 [query][Query price success][route: 7]'));
  }
  return { spans, logs };
}

function window(fault: boolean, from: number, n: number) {
  const spans: OperationSpan[] = [];
  const logs: LogRecord[] = [];
  for (let i = 0; i < n; i++) {
    const r = request(i + from, from * 1000 + i * 100, fault);
    spans.push(...r.spans);
    logs.push(...r.logs);
  }
  return { spans, logs };
}

test('call signatures: truncated spans are new in the faulty operation; the baseline’s own variety is discounted', () => {
  const base = window(false, 0, 40);
  const inc = window(true, 100, 30);
  const ev = spanEvidence(base.spans, inc.spans);
  const price = ev.byService.get('ts-price-service')?.structure;
  assert.ok(price && price.change > 0.9, JSON.stringify(price));
  assert.match(price.line, /SELECT price 1\.00 → 0\.00 per span \(call path vanished\)/);
  assert.match(price.query, /resource\.service\.name = "ts-price-service" && name = "PriceController\.query"/);
  assert.equal(ev.byService.get('ts-order-service')?.structure, undefined, 'order still makes the same calls');
  const varied = signatureNovelty(['a', 'b', 'a', 'b', 'c', 'd'], ['e', 'a']);
  assert.ok(varied.expected > 0.3, 'a baseline that keeps making new signatures expects some');
  const mw = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(mw.auc, 1);
  assert.ok(mw.z > 2.5);
});

test('log templates: own new errors, blame for the named callee, a new log path; routine errors are not new', () => {
  const base = window(false, 0, 40);
  const inc = window(true, 100, 30);
  const services = ['ts-gateway-service', 'ts-order-service', 'ts-price-service', 'ts-food-service'];
  const code = codeEvidence({
    spans: { baseline: base.spans, incident: inc.spans },
    logs: { baseline: base.logs, incident: inc.logs },
    services,
  });
  const kinds = (svc: string) => (code.signals.get(svc) ?? []).map((s) => s.kind).sort();
  for (const kind of ['log-errors', 'log-named', 'log-path', 'log-vanished', 'span-structure'] as const) {
    assert.ok(kinds('ts-price-service').includes(kind), `${kind} in ${kinds('ts-price-service').join()}`);
  }
  assert.ok(!kinds('ts-order-service').includes('log-errors'), 'order’s error names its callee: not its own');
  assert.deepEqual(kinds('ts-food-service'), [], 'food logs the same error before and during');
  const priceLogs = code.logs!.byService.get('ts-price-service')!;
  assert.ok(priceLogs.ownErrorShare > 0.4 && priceLogs.namedShare > 0.4);
  assert.match(priceLogs.path!.line, /set of templates the fault-free window never had/);
  const q = code.signals.get('ts-price-service')!.find((s) => s.kind === 'log-errors')!.query!;
  assert.equal(q.language, 'logql');
  assert.match(q.query, /^\{service="ts-price-service"\} \|= "/);
});

test('a line names another service by its name’s distinctive words, not by an entity word', () => {
  const keys = serviceKeys([
    'ts-basic-service',
    'ts-order-service',
    'ts-travel-service',
    'ts-travel2-service',
    'ts-gateway-service',
  ]);
  assert.deepEqual(namedServices('No instances available for ts-travel-service', keys, 'ts-order-service'), [
    'ts-travel-service',
  ]);
  assert.deepEqual(namedServices('500 "path":"/api/v1/travel2service/trips"', keys, 'ts-order-service'), [
    'ts-travel2-service',
  ]);
  assert.deepEqual(namedServices('[getOrderById] failed', keys, 'ts-travel-service'), []);
  assert.deepEqual(
    namedServices('at fdse.basicservice.BasicServiceImpl.query', keys, 'ts-basic-service'),
    [],
    'itself'
  );
  assert.deepEqual([...serviceKeys(['frontend', 'cart', 'checkout']).keys()].sort(), ['cart', 'checkout', 'frontend']);
});

test('features: a caller’s code change is explained by its callee’s own evidence; the callee’s is not', () => {
  const strong = (kind: 'span-structure' | 'log-errors', s: number) => ({ kind, strength: s, line: kind });
  const price = quietEvidence('price', { signals: [strong('span-structure', 3), strong('log-errors', 2)] });
  const order = quietEvidence('order', { signals: [strong('span-structure', 1)] });
  const byService = new Map([
    ['price', price],
    ['order', order],
  ]);
  const ctx = { callees: new Map([['order', ['price']]]), walkShare: () => 0, ...caseScale([price, order]) };
  const fp = featureVector(price, byService, ctx);
  const fo = featureVector(order, byService, ctx);
  assert.ok(fp.codeBeyondCallees > 0.9 && fp.ownBeyondCallees > 0.9);
  assert.equal(fo.codeBeyondCallees, 0);
  assert.ok(fo.codeChange > 0.5, 'the caller’s change is still seen, only explained');
});
