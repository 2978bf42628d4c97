import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedCluster } from '../../src/sim/index.ts';
import { SimulatorSource, parseSelector } from '../../src/telemetry/simulatorSource.ts';
import { TelemetryError } from '../../src/telemetry/types.ts';
import { flat } from './helpers.ts';

const c = new SimulatedCluster({ seed: 51, workload: flat, peakRps: 300 });
c.advance(30 * 60);
const src = new SimulatorSource(c, { wallNow: () => 0 });

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TelemetryError, String(e));
    return e.kind;
  }
  return 'ok';
}

test('selector parser', () => {
  assert.deepEqual(parseSelector('aidpe_sim_request_rate'), { name: 'aidpe_sim_request_rate', matchers: [] });
  assert.deepEqual(parseSelector(' up { job = "a\\"b" , instance!=\'x\', path=~`a\\d+`, le!~"0.5|1",} '), {
    name: 'up',
    matchers: [
      { label: 'job', op: '=', value: 'a"b' },
      { label: 'instance', op: '!=', value: 'x' },
      { label: 'path', op: '=~', value: 'a\\d+' },
      { label: 'le', op: '!~', value: '0.5|1' },
    ],
  });
  assert.deepEqual(parseSelector('{__name__="x", service="cart"}').name, undefined);
  assert.deepEqual(parseSelector('ns:metric:rate5m{a="\\u00e9"}').matchers[0]!.value, 'é');
});

test('full PromQL is unsupported with a pointer to Prometheus', () => {
  for (const q of [
    'rate(aidpe_sim_requests_total[5m])',
    'sum(aidpe_sim_request_rate)',
    'sum by (service) (aidpe_sim_request_rate)',
    'aidpe_sim_request_rate + aidpe_sim_error_ratio',
    'aidpe_sim_request_rate{service="cart"}[5m]',
    'aidpe_sim_request_rate offset 5m',
    'aidpe_sim_request_rate > 3',
    '1',
    '-aidpe_sim_request_rate',
    '(aidpe_sim_request_rate)',
    'histogram_quantile(0.9, x)',
    'a and b',
  ]) {
    try {
      parseSelector(q);
      assert.fail(`accepted ${q}`);
    } catch (e) {
      assert.ok(e instanceof TelemetryError, String(e));
      assert.equal(e.kind, 'unsupported', `${q}: ${e.message}`);
      assert.match(e.message, /only PromQL instant-vector selectors.*configure Prometheus/);
      assert.equal(e.source, 'simulator');
    }
  }
});

test('malformed selectors are bad_query naming the position', () => {
  const cases: Array<[string, number]> = [
    ['x{service="a"', 14],
    ['x{service=a}', 11],
    ['x{="a"}', 3],
    ['x{service~"a"}', 10],
    ['x{service=~"("}', 12],
    ['{}', 1],
    ['{service=""}', 1],
    ['{service=~".*"}', 1],
    ['x{service="a"}}', 15],
    ['x{service="a\\q"}', 13],
    ['', 1],
    ['x y', 3],
  ];
  for (const [q, pos] of cases) {
    try {
      parseSelector(q);
      assert.fail(`accepted ${q}`);
    } catch (e) {
      assert.ok(e instanceof TelemetryError, String(e));
      assert.equal(e.kind, 'bad_query', `${q}: ${e.message}`);
      assert.match(e.message, new RegExp(`position ${pos}\\b`), `${q}: ${e.message}`);
    }
  }
  assert.equal(
    kindOf(() => parseSelector('x{service!~"cart"}')),
    'ok'
  );
});

test('queryRange returns samples at step resolution with lookback', async () => {
  const end = c.timeMs;
  const start = end - 10 * 60_000;
  const r = await src.queryRange({
    query: 'aidpe_sim_request_rate{service=~"cart|currency"}',
    startMs: start,
    endMs: end,
    stepSeconds: 60,
  });
  assert.equal(r.resultType, 'matrix');
  assert.deepEqual(r.series.map((s) => s.labels['service']).sort(), ['cart', 'currency']);
  for (const s of r.series) {
    assert.equal(s.labels['__name__'], 'aidpe_sim_request_rate');
    assert.equal(s.samples.length, 11);
    s.samples.forEach(([t], i) => assert.equal(t, start / 1000 + i * 60));
  }
  // Off-grid step: each point takes the last value at or before it.
  const raw = c.select(
    'aidpe_sim_request_rate',
    [{ label: 'service', op: '=', value: 'cart' }],
    start - 60_000,
    end
  )[0]!;
  const off = await src.queryRange({
    query: 'aidpe_sim_request_rate{service="cart"}',
    startMs: start + 2500,
    endMs: start + 2500,
    stepSeconds: 7,
  });
  const expected = raw.samples.filter(([t]) => t * 1000 <= start + 2500).at(-1)![1];
  assert.equal(off.series[0]!.samples[0]![1], expected);
  // Outside the lookback there is nothing.
  const old = await src.queryRange({
    query: 'aidpe_sim_request_rate',
    startMs: c.startTimeMs - 3600_000,
    endMs: c.startTimeMs - 600_000,
    stepSeconds: 60,
  });
  assert.equal(old.series.length, 0);
  const neg = await src.queryRange({
    query: 'aidpe_sim_latency_seconds{service!="cart",quantile="0.99"}',
    startMs: start,
    endMs: end,
    stepSeconds: 300,
  });
  assert.equal(neg.series.length, c.topology.services.length - 1);
  const nre = await src.queryRange({
    query: 'aidpe_sim_error_ratio{service!~"c.*"}',
    startMs: start,
    endMs: end,
    stepSeconds: 300,
  });
  assert.ok(nre.series.every((s) => !s.labels['service']!.startsWith('c')) && nre.series.length > 5);
  await assert.rejects(
    src.queryRange({ query: 'x', startMs: 0, endMs: 1e9, stepSeconds: 1 }),
    (e: TelemetryError) => e.kind === 'bad_query'
  );
  await assert.rejects(
    src.queryRange({ query: 'rate(x[1m])', startMs: start, endMs: end, stepSeconds: 60 }),
    (e: TelemetryError) => e.kind === 'unsupported'
  );
});

test('queryInstant, series, labelValues, health', async () => {
  const r = await src.queryInstant('aidpe_sim_replicas_desired{service="frontend"}');
  assert.equal(r.resultType, 'vector');
  assert.equal(r.series.length, 1);
  assert.deepEqual(r.series[0]!.samples[0], [c.timeMs / 1000, c.getDeployment('frontend').replicas]);
  const pods = await src.series(['aidpe_sim_memory_bytes{service="cart"}']);
  assert.equal(pods.length, c.getDeployment('cart').pods.length);
  assert.ok(pods.every((p) => p['__name__'] === 'aidpe_sim_memory_bytes' && p['pod']!.startsWith('cart-')));
  const services = await src.labelValues('service');
  assert.deepEqual(services, [...c.serviceNames()].sort());
  const names = await src.labelValues('__name__', ['{service="cart"}']);
  assert.ok(names.includes('aidpe_sim_request_rate') && names.includes('aidpe_sim_cpu_usage_cores'));
  const h = await src.health();
  assert.equal(h.state, 'up');
  assert.match(h.detail!, /seed 51/);
  assert.match(h.detail!, new RegExp(new Date(c.timeMs).toISOString()));
  assert.equal(src.kind, 'simulator');
});
