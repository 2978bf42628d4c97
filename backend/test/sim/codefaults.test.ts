/**
 * Code-level faults (exception, wrong_return) and background noise: ground truth, the signatures each
 * fault leaves in metrics, logs and traces (at the faulty service and at its callers), recovery, and that
 * the noise is benign and steady and leaves the metrics alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAULT_SUITE_TELEMETRY,
  SimulatedCluster,
  type LogLine,
  type SpanData,
  type TraceData,
} from '../../src/sim/index.ts';
import { simulatorLogLines, simulatorSpans } from '../../src/sources/simulator.ts';
import { flat, mean } from './helpers.ts';

const MIN = 60_000;

function cluster(seed = 7, telemetry = true): SimulatedCluster {
  return new SimulatedCluster({
    seed,
    workload: flat,
    peakRps: 200,
    autoscaler: null,
    ...(telemetry ? FAULT_SUITE_TELEMETRY : {}),
  });
}

/** Mean of a snapshot field over ticks in [from, to). */
function sampleWindows(
  c: SimulatedCluster,
  untilMs: number,
  service: string
): Array<{ t: number; errorRatio: number; arrivalRps: number; p50: number }> {
  const rows: Array<{ t: number; errorRatio: number; arrivalRps: number; p50: number }> = [];
  while (c.timeMs < untilMs) {
    c.advance(c.tickSeconds);
    const s = c.serviceSnapshot(service);
    rows.push({ t: c.timeMs, errorRatio: s.errorRatio, arrivalRps: s.arrivalRps, p50: s.latencyP50Ms });
  }
  return rows;
}

const within = <T extends { t: number }>(rows: T[], from: number, to: number): T[] =>
  rows.filter((r) => r.t >= from && r.t < to);

function parentOf(t: TraceData, s: SpanData): SpanData | undefined {
  return t.spans.find((p) => p.spanId === s.parentSpanId);
}

const firstLine = (l: LogLine): string => l.line.split('\n')[0] as string;

test('code-level faults record their operation and variant; bad ones are refused naming the field', () => {
  const c = cluster();
  const t0 = c.startTimeMs;
  const exc = c.injectFault({ service: 'cart', type: 'exception', startMs: t0 + MIN, endMs: t0 + 2 * MIN });
  assert.ok(['GetCart', 'EmptyCart'].includes(exc.operation!), `operation ${exc.operation}`);
  assert.match(exc.variant!, /^java\.lang\.\w+Exception$/);
  const wr = c.injectFault({
    service: 'catalog',
    type: 'wrong_return',
    startMs: t0 + MIN,
    endMs: t0 + 2 * MIN,
    operation: 'ListProducts',
  });
  assert.equal(wr.operation, 'ListProducts');
  assert.ok(wr.variant === 'empty' || wr.variant === 'inflated');
  assert.deepEqual(c.faults().slice(-2), [exc, wr]);
  // Infrastructure faults keep their old record shape.
  const lat = c.injectFault({ service: 'cart', type: 'latency', startMs: t0 + MIN, endMs: t0 + 2 * MIN });
  assert.deepEqual(Object.keys(lat).sort(), ['endMs', 'id', 'intensity', 'service', 'startMs', 'type']);
  assert.throws(
    () => c.injectFault({ service: 'cart', type: 'exception', startMs: t0, endMs: t0 + MIN, operation: 'Nope' }),
    /operation "Nope" is not served by cart \(it serves: GetCart, EmptyCart\)/
  );
  assert.throws(
    () => c.injectFault({ service: 'cart', type: 'wrong_return', startMs: t0, endMs: t0 + MIN, variant: 'odd' }),
    /variant of wrong_return must be one of empty, inflated/
  );
  assert.throws(
    () => c.injectFault({ service: 'cart', type: 'latency', startMs: t0, endMs: t0 + MIN, operation: 'GetCart' }),
    /operation and variant apply to exception and wrong_return faults only/
  );
  // The default operation and variant follow from the seed: the same injection gives the same record.
  const again = cluster().injectFault({ service: 'cart', type: 'exception', startMs: t0 + MIN, endMs: t0 + 2 * MIN });
  assert.deepEqual(again, exc);
});

test('exception: stack traces in the faulty service, failing and retried calls at its callers, truncated spans', () => {
  const c = cluster();
  const t0 = c.startTimeMs;
  const fault = c.injectFault({
    service: 'cart',
    type: 'exception',
    operation: 'GetCart',
    variant: 'java.lang.NullPointerException',
    startMs: t0 + 20 * MIN,
    endMs: t0 + 35 * MIN,
    intensity: 1.5,
  });
  const cart = sampleWindows(c, t0 + 45 * MIN, 'cart');
  const before = [t0 + 5 * MIN, t0 + 20 * MIN] as const;
  const during = [t0 + 21 * MIN, t0 + 35 * MIN] as const;
  const after = [t0 + 37 * MIN, t0 + 45 * MIN] as const;
  const avg = (w: readonly [number, number], f: (r: (typeof cart)[number]) => number) =>
    mean(within(cart, w[0], w[1]).map(f));
  // Metrics: the faulty service's errors rise; its callers retry, so it receives more requests.
  assert.ok(avg(before, (r) => r.errorRatio) < 0.005, 'no errors before');
  assert.ok(avg(during, (r) => r.errorRatio) > 0.15, `cart errors during ${avg(during, (r) => r.errorRatio)}`);
  assert.ok(avg(during, (r) => r.arrivalRps) > 1.1 * avg(before, (r) => r.arrivalRps), 'retries add arrivals');
  assert.ok(avg(after, (r) => r.errorRatio) < 0.005, 'recovered');

  // Logs of the faulty service: one multi-line entry per exception, with the service's own names.
  const cartErrors = c.logs({ startMs: during[0], endMs: during[1], service: 'cart', level: 'error', limit: 10_000 });
  const traces = cartErrors.filter((l) => l.line.includes('unhandled exception in CartService.getCart'));
  assert.ok(traces.length > 30, `stack traces ${traces.length}`);
  const lines = traces[0]!.line.split('\n');
  assert.match(
    lines[1]!,
    /^java\.lang\.NullPointerException: Cannot invoke "CartEntity\.get\w*\(\)" because "cart" is null$/
  );
  assert.match(lines[2]!, /^\tat com\.aidpe\.shop\.cart\.CartService\.getCart\(CartService\.java:\d+\)$/);
  assert.ok(lines.length >= 6 && lines.slice(2).every((l) => l.startsWith('\tat ')));
  // One template: the line numbers are those of the build.
  assert.equal(new Set(traces.map((l) => l.line.split('\n').slice(1).join('\n'))).size, 1);
  // A tick's lines spread over the 5 s before its time: stop a tick short of the start.
  const beforeLogs = c.logs({ startMs: before[0], endMs: before[1] - 5000, limit: 100_000 });
  assert.ok(!beforeLogs.some((l) => l.line.includes('unhandled exception in')), 'no stack traces before');
  const afterLogs = c.logs({ startMs: after[0], endMs: after[1], limit: 100_000 });
  assert.ok(!afterLogs.some((l) => l.line.includes('CartService')), 'none after');

  // The caller (frontend calls GetCart) retries and logs failures naming cart.
  const fe = c.logs({ startMs: during[0], endMs: during[1], service: 'frontend', limit: 100_000 });
  const retries = fe.filter((l) => l.level === 'warn' && firstLine(l).includes('msg="call to cart failed, retrying"'));
  const failed = fe.filter((l) => l.level === 'error' && firstLine(l).includes('msg="call to cart failed"'));
  assert.ok(retries.length > 50, `retry warnings ${retries.length}`);
  assert.ok(failed.length > 5, `failed calls ${failed.length}`);
  assert.match(
    retries[0]!.line,
    /operation="GetCart" attempt=[12] backoff_ms=(50|100) error="INTERNAL: java\.lang\.NullPointerException/
  );

  // Traces: cart's GetCart spans that threw end early with status error and the exception, lose the calls
  // after the throw, and the caller retried them.
  const spans = c
    .traces({ startMs: during[0], endMs: during[1], limit: 100_000 })
    .flatMap((t) => t.spans.map((s) => ({ t, s })));
  const getCart = spans.filter(({ s }) => s.service === 'cart' && s.operation === 'GetCart');
  const thrown = getCart.filter(({ s }) => s.attributes?.['exception.type'] === 'java.lang.NullPointerException');
  const clean = getCart.filter(({ s }) => s.status === 'ok');
  assert.ok(thrown.length > 10 && clean.length > 10, `thrown ${thrown.length}, clean ${clean.length}`);
  assert.ok(thrown.every(({ s }) => s.status === 'error'));
  const children = (t: TraceData, s: SpanData) => t.spans.filter((x) => x.parentSpanId === s.spanId).length;
  assert.ok(
    mean(thrown.map(({ t, s }) => children(t, s))) < 0.7 * mean(clean.map(({ t, s }) => children(t, s))),
    'thrown spans lose child calls'
  );
  assert.ok(
    mean(thrown.map(({ s }) => s.durationNanos)) < mean(clean.map(({ s }) => s.durationNanos)),
    'thrown spans are shorter'
  );
  const retried = getCart.filter(({ s }) => Number(s.attributes?.['retry.attempt'] ?? 0) >= 1);
  assert.ok(retried.length > 5, `retry spans ${retried.length}`);
  assert.ok(retried.every(({ t, s }) => parentOf(t, s)?.service === 'frontend'));
  // EmptyCart (the other operation) does not throw.
  assert.ok(!spans.some(({ s }) => s.operation === 'EmptyCart' && s.attributes?.['exception.type'] !== undefined));
  assert.equal(fault.operation, 'GetCart');
});

test('wrong_return (empty): no errors anywhere, smaller responses, the caller skips its later calls', () => {
  const c = cluster(11);
  const t0 = c.startTimeMs;
  c.injectFault({
    service: 'cart',
    type: 'wrong_return',
    operation: 'GetCart',
    variant: 'empty',
    startMs: t0 + 20 * MIN,
    endMs: t0 + 40 * MIN,
    intensity: 1.5,
  });
  const ad = sampleWindows(c, t0 + 40 * MIN, 'ad');
  const before = [t0 + 5 * MIN, t0 + 20 * MIN] as const;
  const during = [t0 + 21 * MIN, t0 + 40 * MIN] as const;
  // frontend calls ad after cart: fewer ad calls.
  const adBefore = mean(within(ad, ...before).map((r) => r.arrivalRps));
  const adDuring = mean(within(ad, ...during).map((r) => r.arrivalRps));
  assert.ok(adDuring < 0.85 * adBefore, `ad arrivals ${adBefore} -> ${adDuring}`);
  for (const s of c.snapshot().services) {
    assert.ok(s.errorRatio < 0.01, `${s.service} has no errors (${s.errorRatio})`);
  }
  const logs = c.logs({ startMs: during[0], endMs: during[1], limit: 100_000 });
  assert.ok(!logs.some((l) => l.service === 'cart' && /unexpected|exception in/.test(l.line)), 'cart logs nothing odd');
  const warnings = logs.filter(
    (l) => l.service === 'frontend' && l.line.includes('msg="unexpected response from cart"')
  );
  assert.ok(warnings.length > 20, `frontend warnings ${warnings.length}`);
  // response.size of GetCart spans collapses; the metric follows.
  const sizes = (from: number, to: number) =>
    c
      .traces({ startMs: from, endMs: to, limit: 100_000 })
      .flatMap((t) => t.spans)
      .filter((s) => s.service === 'cart' && s.operation === 'GetCart')
      .map((s) => Number(s.attributes?.['response.size']))
      .filter((x) => Number.isFinite(x)) // transient failures (noise) carry no response
      .sort((a, b) => a - b);
  const median = (xs: number[]) => xs[xs.length >> 1]!;
  assert.ok(median(sizes(...during)) < 0.3 * median(sizes(...before)), 'GetCart responses shrink');
  const metric = c.select('aidpe_sim_response_size_bytes', [{ label: 'service', op: '=', value: 'cart' }], ...during);
  assert.equal(metric.length, 1);
  // Call paths: frontend traces that got an empty cart call nothing after it.
  const skipped = c
    .traces({ startMs: during[0], endMs: during[1], limit: 100_000 })
    .flatMap((t) =>
      t.spans
        .filter(
          (s) =>
            s.service === 'cart' &&
            Number(s.attributes?.['response.size']) < 400 &&
            parentOf(t, s)?.service === 'frontend'
        )
        .map(
          (s) =>
            t.spans.filter(
              (x) => x.parentSpanId === s.parentSpanId && BigInt(x.startTimeUnixNano) > BigInt(s.startTimeUnixNano)
            ).length
        )
    );
  assert.ok(skipped.length > 5 && skipped.every((n) => n === 0), 'no frontend calls after an empty GetCart');
});

test('wrong_return (inflated): the caller repeats later work and a new call path to the faulty service appears', () => {
  const c = cluster(5);
  const t0 = c.startTimeMs;
  c.injectFault({
    service: 'catalog',
    type: 'wrong_return',
    operation: 'ListProducts',
    variant: 'inflated',
    startMs: t0 + 20 * MIN,
    endMs: t0 + 40 * MIN,
    intensity: 1.5,
  });
  c.advanceTo(t0 + 40 * MIN);
  const edges = (from: number, to: number) => {
    const out = new Map<string, number>();
    for (const t of c.traces({ startMs: from, endMs: to, limit: 100_000 })) {
      for (const s of t.spans) {
        const k = `${parentOf(t, s)?.service ?? '-'}->${s.service}:${s.operation}`;
        out.set(k, (out.get(k) ?? 0) + 1);
      }
    }
    return out;
  };
  const before = edges(t0 + 5 * MIN, t0 + 20 * MIN);
  const during = edges(t0 + 21 * MIN, t0 + 40 * MIN);
  assert.equal(before.get('recommendation->catalog:GetProduct') ?? 0, 0);
  assert.ok((during.get('recommendation->catalog:GetProduct') ?? 0) > 20, 'follow-up lookups appear');
  const warn = c
    .logs({ startMs: t0 + 21 * MIN, endMs: t0 + 40 * MIN, service: 'recommendation', level: 'warn', limit: 10_000 })
    .filter((l) => l.line.includes('msg="response validation failed" source=catalog operation="ListProducts"'));
  assert.ok(warn.length > 20, `validation warnings ${warn.length}`);
});

test('background noise: benign, steady errors in healthy services; metrics and the plain lines unchanged', () => {
  const noisy = cluster(3, true);
  const quiet = new SimulatedCluster({
    seed: 3,
    workload: flat,
    peakRps: 200,
    autoscaler: null,
    backgroundNoise: true,
  });
  const plain = new SimulatedCluster({ seed: 3, workload: flat, peakRps: 200, autoscaler: null });
  const t0 = noisy.startTimeMs;
  for (const c of [noisy, quiet, plain]) {
    c.advanceTo(t0 + 40 * MIN);
  }
  assert.equal(quiet.exposition(), plain.exposition(), 'noise does not touch the metrics');
  const range = { startMs: t0 + 5 * MIN, endMs: t0 + 40 * MIN, limit: 1_000_000 };
  const withNoise = quiet.logs(range);
  const without = plain.logs(range);
  const key = (l: LogLine) => `${l.timeMs} ${l.service} ${l.line}`;
  const noiseKeys = new Set(withNoise.map(key));
  assert.ok(
    without.every((l) => noiseKeys.has(key(l))),
    'every plain line is still there'
  );
  const errorsPerService = new Map<string, number[]>();
  for (const l of withNoise) {
    if (l.level === 'error') {
      const half = l.timeMs < t0 + 22.5 * MIN ? 0 : 1;
      const v = errorsPerService.get(l.service) ?? [0, 0];
      v[half]!++;
      errorsPerService.set(l.service, v);
    }
  }
  const total = [...errorsPerService.values()].map(([a, b]) => a! + b!);
  assert.ok(errorsPerService.size >= 8, `services with routine errors: ${errorsPerService.size}`);
  assert.ok(Math.max(...total) > 5 * Math.min(...total), 'some services are much noisier than others');
  for (const [service, [a, b]] of errorsPerService) {
    if (a! + b! >= 60) {
      assert.ok(Math.abs(a! - b!) < 0.35 * (a! + b!), `${service} noise is steady (${a} vs ${b})`);
    }
  }
  assert.ok(!without.some((l) => l.level === 'error'), 'without noise a healthy cluster logs no errors');
  // Traces: a few transient failures retried successfully, in services without faults.
  const spans = noisy.traces({ startMs: range.startMs, endMs: range.endMs, limit: 100_000 }).flatMap((t) => t.spans);
  const transient = spans.filter((s) => s.attributes?.['error.type'] === 'UNAVAILABLE');
  assert.ok(transient.length > 5 && transient.every((s) => s.status === 'error'));
  assert.ok(spans.some((s) => s.attributes?.['retry.attempt'] === 1 && s.status === 'ok'));
});

test('the simulator source adapters carry operation, pod, attributes, and log pods', async () => {
  const c = cluster(9);
  const t0 = c.startTimeMs;
  c.advanceTo(t0 + 10 * MIN);
  const spans = simulatorSpans(c, t0 + 5 * MIN, t0 + 10 * MIN, 50);
  assert.ok(spans.length > 0);
  for (const s of spans) {
    assert.equal(typeof s.operation, 'string');
    if (s.attributes?.['error.type'] === undefined) {
      assert.match(s.pod ?? '', new RegExp(`^${s.service}-`));
      assert.ok(Number(s.attributes?.['response.size']) > 0);
    }
  }
  const lines = await simulatorLogLines(c, 100)(t0 + 5 * MIN, t0 + 10 * MIN);
  assert.ok(lines.length > 0 && lines.every((l) => l.pod.startsWith(l.service)));
});

test('code-level faults and noise are deterministic given the seed', () => {
  const run = () => {
    const c = cluster(21);
    const t0 = c.startTimeMs;
    c.injectFault({ service: 'checkout', type: 'exception', startMs: t0 + 5 * MIN, endMs: t0 + 15 * MIN });
    c.injectFault({ service: 'currency', type: 'wrong_return', startMs: t0 + 8 * MIN, endMs: t0 + 18 * MIN });
    c.advanceTo(t0 + 20 * MIN);
    return JSON.stringify([
      c.exposition(),
      c.logs({ startMs: t0, endMs: t0 + 20 * MIN, limit: 1_000_000 }),
      c.traces({ startMs: t0, endMs: t0 + 20 * MIN, limit: 100_000 }),
      c.faults(),
    ]);
  };
  assert.equal(run(), run());
});
