/**
 * PrometheusSource against a REAL Prometheus (Debian's `prometheus` + `promtool`), one instance
 * for the whole file: it scrapes a loopback exposition every second and also holds backfilled
 * history (the first 500 points of a NAB CloudWatch CSV, or a synthetic series without the data dir).
 *
 * Set AIDPE_SKIP_PROMETHEUS_TESTS=1 to skip this file where Prometheus is not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrometheusSource } from '../../src/telemetry/prometheus.ts';
import { TelemetryError } from '../../src/telemetry/types.ts';
import type { MetricSeries } from '../../src/telemetry/types.ts';
import { startMetricsTarget, startPrometheus } from '../helpers/prometheusServer.ts';
import type { MetricsTarget, RunningPrometheus } from '../helpers/prometheusServer.ts';

const skip = process.env.AIDPE_SKIP_PROMETHEUS_TESTS === '1' ? 'AIDPE_SKIP_PROMETHEUS_TESTS=1' : false;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA_DIR = process.env.AIDPE_DATA_DIR
  ? resolve(REPO_ROOT, process.env.AIDPE_DATA_DIR)
  : resolve(REPO_ROOT, '../shared/data');
const NAB_CSV = join(DATA_DIR, 'nab/data/realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv');

// ------------------------------------------------------------------------------------------------
// The scrape target: a small simulated exposition that changes on every scrape. The text comes
// from a function so the same test can later be pointed at the embedded simulator's /metrics.

interface Served {
  atSec: number;
  frontendRate: number;
}

function makeExposition(): { render: () => string; served: Served[] } {
  const served: Served[] = [];
  const t0 = Date.now();
  const render = (): string => {
    const nowMs = Date.now();
    const atSec = nowMs / 1000;
    const frontendRate = 100 + served.length * 0.5; // distinct on every scrape
    served.push({ atSec, frontendRate });
    const requests = ((nowMs - t0) / 1000) * 10; // counter growing exactly 10/s
    return [
      '# HELP aidpe_sim_request_rate Simulated request rate per service.',
      '# TYPE aidpe_sim_request_rate gauge',
      `aidpe_sim_request_rate{service="frontend"} ${frontendRate}`,
      'aidpe_sim_request_rate{service="checkout"} 42',
      '# HELP aidpe_sim_requests_total Simulated requests served.',
      '# TYPE aidpe_sim_requests_total counter',
      `aidpe_sim_requests_total{service="frontend"} ${requests.toFixed(3)}`,
      '# HELP aidpe_test_served_at_seconds When this exposition was rendered.',
      '# TYPE aidpe_test_served_at_seconds gauge',
      `aidpe_test_served_at_seconds ${atSec.toFixed(3)}`,
      '# HELP aidpe_test_special Non-finite values.',
      '# TYPE aidpe_test_special gauge',
      'aidpe_test_special{kind="nan"} NaN',
      'aidpe_test_special{kind="pos"} +Inf',
      'aidpe_test_special{kind="neg"} -Inf',
      '',
    ].join('\n');
  };
  return { render, served };
}

// ------------------------------------------------------------------------------------------------
// Backfilled history: 500 points, 5 min apart, ending on a 5-minute boundary at least 6 h ago
// (well clear of the head block the scrape writes into).

const BACKFILL_METRIC = 'aidpe_backfill_cpu_utilization';
const BACKFILL_STEP_S = 300;
const BACKFILL_POINTS = 500;

function loadHistory(): { values: number[]; text: string[]; origin: string } {
  if (existsSync(NAB_CSV)) {
    const rows = readFileSync(NAB_CSV, 'utf8')
      .trim()
      .split('\n')
      .slice(1, BACKFILL_POINTS + 1);
    const text = rows.map((r) => r.split(',')[1]?.trim() ?? '');
    assert.equal(text.length, BACKFILL_POINTS);
    return { values: text.map(Number), text, origin: 'nab' };
  }
  const values = Array.from({ length: BACKFILL_POINTS }, (_, i) => 50 + 25 * Math.sin(i / 12) + (i % 7) / 3);
  return { values, text: values.map(String), origin: 'synthetic' };
}

const history = loadHistory();
const backfillEndSec = Math.floor((Date.now() / 1000 - 6 * 3600) / BACKFILL_STEP_S) * BACKFILL_STEP_S;
const backfillStartSec = backfillEndSec - (BACKFILL_POINTS - 1) * BACKFILL_STEP_S;

function historyOpenMetrics(): string {
  const lines = [`# HELP ${BACKFILL_METRIC} Backfilled CPU utilisation.`, `# TYPE ${BACKFILL_METRIC} gauge`];
  history.text.forEach((v, i) =>
    lines.push(`${BACKFILL_METRIC}{origin="${history.origin}"} ${v} ${backfillStartSec + i * BACKFILL_STEP_S}`)
  );
  lines.push('# EOF');
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------------------

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) {
        return v;
      }
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function only(series: MetricSeries[], labels: Record<string, string>): MetricSeries {
  const hits = series.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.equal(
    hits.length,
    1,
    `expected exactly one series with ${JSON.stringify(labels)}, got ${JSON.stringify(series.map((s) => s.labels))}`
  );
  return hits[0] as MetricSeries;
}

describe('PrometheusSource against a real Prometheus', { skip }, () => {
  let prom: RunningPrometheus | undefined;
  let target: MetricsTarget | undefined;
  let source: PrometheusSource;
  const exposition = makeExposition();
  const startedAt = Date.now();

  before(async () => {
    target = await startMetricsTarget(exposition.render);
    prom = await startPrometheus({
      scrapeTargets: [target.target],
      scrapeIntervalSeconds: 1,
      backfillOpenMetrics: historyOpenMetrics(),
    });
    source = new PrometheusSource({ baseUrl: prom.url, timeoutMs: 5000, retries: 1 });
    // Enough scrapes for rate() and a multi-point range.
    await waitFor('5 scrapes to land in Prometheus', async () => {
      const r = await source.queryInstant('count_over_time(aidpe_test_served_at_seconds[1m])');
      const n = r.series[0]?.samples[0]?.[1];
      return n !== undefined && n >= 5 ? n : undefined;
    });
  });

  after(async () => {
    const log = prom?.logTail();
    await prom?.stop();
    await target?.close();
    if (process.env.AIDPE_DEBUG_PROMETHEUS && log) {
      console.error(log);
    }
  });

  it('queryInstant returns the scraped gauges with their labels', async () => {
    const r = await source.queryInstant('aidpe_sim_request_rate');
    assert.equal(r.resultType, 'vector');
    assert.equal(r.series.length, 2);
    const checkout = only(r.series, { service: 'checkout' });
    assert.equal(checkout.labels.__name__, 'aidpe_sim_request_rate');
    assert.equal(checkout.labels.job, 'aidpe_test');
    assert.equal(checkout.labels.instance, target?.target);
    assert.equal(checkout.samples.length, 1);
    assert.equal(checkout.samples[0]?.[1], 42);
    const frontend = only(r.series, { service: 'frontend' });
    const value = frontend.samples[0]?.[1];
    assert.ok(
      exposition.served.some((s) => s.frontendRate === value),
      `frontend value ${value} was never served`
    );
    const t = frontend.samples[0]?.[0] ?? 0;
    assert.ok(Math.abs(t * 1000 - Date.now()) < 10_000, `instant sample time ${t} is not now`);
  });

  it('queryInstant at an explicit time and scalar/string result types', async () => {
    const at = Date.now() - 500;
    const r = await source.queryInstant('scalar(aidpe_sim_request_rate{service="checkout"})', at);
    assert.equal(r.resultType, 'scalar');
    assert.deepEqual(r.series, [{ labels: {}, samples: [[at / 1000, 42]] }]);
    const s = await source.queryInstant('"hello"', at);
    assert.equal(s.resultType, 'string');
    assert.equal(s.series[0]?.labels.__value__, 'hello');
  });

  it('queryRange values and timestamps match what the target served', async () => {
    await waitFor('7 scrapes', async () => {
      const r = await source.queryInstant('count_over_time(aidpe_test_served_at_seconds[1m])');
      return (r.series[0]?.samples[0]?.[1] ?? 0) >= 7 ? true : undefined;
    });
    // End 2s in the past so no scrape is still being appended inside the window.
    const endMs = Math.floor(Date.now() / 1000) * 1000 - 2000;
    const startMs = Math.max(Math.ceil(startedAt / 1000) * 1000, endMs - 30_000);
    const [served, rate] = await Promise.all([
      source.queryRange({ query: 'aidpe_test_served_at_seconds', startMs, endMs, stepSeconds: 1 }),
      source.queryRange({ query: 'aidpe_sim_request_rate{service="frontend"}', startMs, endMs, stepSeconds: 1 }),
    ]);
    assert.equal(served.resultType, 'matrix');
    const servedAt = only(served.series, { job: 'aidpe_test' });
    assert.ok(servedAt.samples.length >= 3, `only ${servedAt.samples.length} points`);
    let prev = -Infinity;
    for (const [t, v] of servedAt.samples) {
      // Step-aligned, increasing timestamps.
      assert.ok(
        Number.isInteger(Math.round((t * 1000 - startMs) / 1000)) && Math.abs(((t * 1000 - startMs) / 1000) % 1) < 1e-9,
        `t=${t} not on step`
      );
      assert.ok(t > prev);
      prev = t;
      assert.ok(t * 1000 >= startMs && t * 1000 <= endMs);
      // The value at t is the latest scrape at or before t: rendered no later than t, and recently
      // (1s interval; 5s of slack for a loaded CI machine).
      assert.ok(v <= t + 0.25, `served at ${v}, after point ${t}`);
      assert.ok(v >= t - 5, `served at ${v}, stale at point ${t}`);
    }
    const frontend = only(rate.series, { service: 'frontend' });
    assert.equal(frontend.samples.length, servedAt.samples.length);
    for (const [t, v] of frontend.samples) {
      const hit = exposition.served.find((s) => s.frontendRate === v);
      assert.ok(hit, `value ${v} at ${t} was never served`);
      assert.ok(hit.atSec <= t + 0.25 && hit.atSec >= t - 5, `value ${v} served at ${hit.atSec}, returned at ${t}`);
    }
  });

  // A 3s window lies inside the ≥4s of scrapes the before() hook waited for, so no edge extrapolation.
  it('rate() over the counter is ~10/s', async () => {
    const r = await source.queryInstant('rate(aidpe_sim_requests_total[3s])');
    const s = only(r.series, { service: 'frontend' });
    const v = s.samples[0]?.[1] ?? NaN;
    assert.ok(Math.abs(v - 10) < 0.5, `rate ${v}`);
  });

  it('series and labelValues', async () => {
    const series = await source.series(
      ['aidpe_sim_request_rate', 'aidpe_test_special{kind="nan"}'],
      Date.now() - 60_000,
      Date.now()
    );
    const names = series.map((s) => `${s.__name__}/${s.service ?? s.kind}`).sort();
    assert.deepEqual(names, [
      'aidpe_sim_request_rate/checkout',
      'aidpe_sim_request_rate/frontend',
      'aidpe_test_special/nan',
    ]);
    assert.ok(series.every((s) => s.job === 'aidpe_test' && s.instance === target?.target));

    assert.deepEqual(await source.labelValues('service'), ['checkout', 'frontend']);
    assert.deepEqual(await source.labelValues('kind', ['aidpe_test_special']), ['nan', 'neg', 'pos']);
    const names2 = await source.labelValues('__name__');
    assert.ok(names2.includes(BACKFILL_METRIC) && names2.includes('aidpe_sim_requests_total'), names2.join(','));
    assert.deepEqual(await source.labelValues('service', ['aidpe_does_not_exist']), []);
  });

  it('backfilled history comes back exactly (promtool → query_range)', async () => {
    const r = await source.queryRange({
      query: BACKFILL_METRIC,
      startMs: backfillStartSec * 1000,
      endMs: backfillEndSec * 1000,
      stepSeconds: BACKFILL_STEP_S,
    });
    const s = only(r.series, { origin: history.origin });
    assert.equal(s.samples.length, BACKFILL_POINTS);
    s.samples.forEach(([t, v], i) => {
      assert.equal(t, backfillStartSec + i * BACKFILL_STEP_S);
      assert.equal(v, history.values[i], `point ${i}`);
    });
    // A window of the history through an aggregation, checked against the same numbers.
    const mid = backfillStartSec + 100 * BACKFILL_STEP_S;
    // 10 points: ${10 * step - 50}s so the window holds them whether its left end is open (Prometheus 3) or closed (2.x).
    const avg = await source.queryInstant(
      `avg_over_time(${BACKFILL_METRIC}[${10 * BACKFILL_STEP_S - 50}s])`,
      mid * 1000
    );
    const window = history.values.slice(91, 101);
    const expected = window.reduce((a, b) => a + b, 0) / window.length;
    const got = avg.series[0]?.samples[0]?.[1] ?? NaN;
    assert.ok(Math.abs(got - expected) < 1e-9, `avg_over_time ${got}, expected ${expected}`);
  });

  it('a PromQL syntax error is a bad_query TelemetryError quoting Prometheus', async () => {
    await assert.rejects(source.queryInstant('rate(x[5m]'), (err: unknown) => {
      assert.ok(err instanceof TelemetryError);
      assert.equal(err.kind, 'bad_query');
      assert.equal(err.status, 400);
      assert.equal(err.query, 'rate(x[5m]');
      assert.match(err.upstreamMessage ?? '', /parse error/);
      assert.equal(err.message, `Prometheus rejected query "rate(x[5m]": ${err.upstreamMessage}`);
      return true;
    });
    await assert.rejects(
      source.queryRange({ query: 'sum by (', startMs: Date.now() - 60_000, endMs: Date.now(), stepSeconds: 15 }),
      (err: unknown) => err instanceof TelemetryError && err.kind === 'bad_query' && /parse error/.test(err.message)
    );
  });

  it('an empty result is an empty series list, not an error', async () => {
    const i = await source.queryInstant('aidpe_does_not_exist');
    assert.deepEqual({ ...i, warnings: [] }, { resultType: 'vector', series: [], warnings: [] });
    const r = await source.queryRange({
      query: 'aidpe_does_not_exist',
      startMs: Date.now() - 60_000,
      endMs: Date.now(),
      stepSeconds: 5,
    });
    assert.equal(r.resultType, 'matrix');
    assert.deepEqual(r.series, []);
    assert.deepEqual(await source.series(['aidpe_does_not_exist']), []);
  });

  it('NaN and ±Inf samples come back as NaN and ±Infinity', async () => {
    const r = await source.queryInstant('aidpe_test_special');
    assert.ok(Number.isNaN(only(r.series, { kind: 'nan' }).samples[0]?.[1]));
    assert.equal(only(r.series, { kind: 'pos' }).samples[0]?.[1], Number.POSITIVE_INFINITY);
    assert.equal(only(r.series, { kind: 'neg' }).samples[0]?.[1], Number.NEGATIVE_INFINITY);
    const endMs = Date.now();
    const range = await source.queryRange({
      query: 'aidpe_test_special',
      startMs: endMs - 3000,
      endMs,
      stepSeconds: 1,
    });
    const pos = only(range.series, { kind: 'pos' });
    assert.ok(pos.samples.length >= 2);
    assert.ok(pos.samples.every(([, v]) => v === Number.POSITIVE_INFINITY));
    assert.ok(only(range.series, { kind: 'nan' }).samples.every(([, v]) => Number.isNaN(v)));
  });

  it('health is up and names the version and URL', async () => {
    const h = await source.health();
    assert.equal(h.name, 'prometheus');
    assert.equal(h.state, 'up');
    const info = await source.client.buildInfo();
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.ok(h.detail?.includes(info.version) && h.detail.includes(prom?.url ?? '?'), h.detail);
    assert.ok(typeof h.latencyMs === 'number' && h.latencyMs >= 0 && h.latencyMs < 5000);
    assert.ok(!Number.isNaN(Date.parse(h.checkedAt)));
  });
});
