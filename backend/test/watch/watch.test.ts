/**
 * The watchers from configuration: the plan (what and why, in demo and live mode), each query's step chosen from
 * the history available (and how long until ready), predictions published as Prometheus series with a cap, and
 * the whole service running in live mode over a Prometheus-shaped source.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config/config.ts';
import { buildWatchPlan } from '../../src/watch/plan.ts';
import { chooseResolution } from '../../src/watch/resolution.ts';
import { PredictionSeries } from '../../src/watch/predictions.ts';
import { WatchService } from '../../src/watch/service.ts';
import { sourcesFromParts } from '../../src/sources/index.ts';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../../src/sim/index.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';
import { loadForecastCandidates } from '../../src/models/forecastRegistry.ts';
import { buildApp } from '../../src/app.ts';

const live = (env: Record<string, string> = {}) =>
  loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:9', ...env } });

describe('watch plan', () => {
  it('demo: the simulator SLIs and request rate', () => {
    const plan = buildWatchPlan(loadConfig({ env: {} }), { simulatorSeries: true });
    assert.deepEqual(
      plan.anomalies.map((w) => w.query),
      ['aidpe_sim_latency_seconds{quantile="0.95"}', 'aidpe_sim_error_ratio']
    );
    assert.equal(plan.forecasts[0]!.query, 'aidpe_sim_request_rate');
    assert.deepEqual(
      plan.forecasts.map((w) => w.signal),
      ['request_rate', 'latency_p95_seconds']
    );
    assert.ok(plan.anomalies.every((w) => w.origin === 'simulator default'));
  });

  it('live: every managed service SLI and request rate from the templates, plus configured queries', () => {
    const plan = buildWatchPlan(
      live({
        AIDPE_AUTOMATION_SERVICES: 'cart=shop/cart,web=shop/frontend/frontend-hpa',
        AIDPE_QUERY_REQUEST_RATE: 'sum(rate(http_requests_total{deployment="$deployment"}[1m]))',
        AIDPE_QUERY_SLI_LATENCY_P95: 'histogram_quantile(0.95, sum by (le) (rate(lat_bucket{svc="$service"}[5m])))',
        AIDPE_QUERY_SLI_ERROR_RATIO: 'errors:ratio{svc="$service"}',
        AIDPE_WATCH_QUERIES: '["up", {"query": "node_load1", "stepSeconds": 30}]',
      }),
      { simulatorSeries: false }
    );
    assert.equal(plan.anomalies.length, 2 * 2 + 2);
    assert.ok(plan.anomalies.some((w) => w.query === 'errors:ratio{svc="web"}' && w.service === 'web'));
    assert.equal(plan.anomalies.find((w) => w.query === 'node_load1')!.stepSeconds, 30);
    assert.deepEqual(plan.forecasts.map((w) => [w.signal, w.query]).sort(), [
      ['latency_p95_seconds', 'histogram_quantile(0.95, sum by (le) (rate(lat_bucket{svc="cart"}[5m])))'],
      ['latency_p95_seconds', 'histogram_quantile(0.95, sum by (le) (rate(lat_bucket{svc="web"}[5m])))'],
      ['request_rate', 'sum(rate(http_requests_total{deployment="cart"}[1m]))'],
      ['request_rate', 'sum(rate(http_requests_total{deployment="frontend"}[1m]))'],
    ]);
    assert.deepEqual(plan.notes, []);
  });

  it('live without templates says what is missing instead of watching nothing silently', () => {
    const plan = buildWatchPlan(live({ AIDPE_AUTOMATION_SERVICES: 'cart=shop/cart' }), { simulatorSeries: false });
    assert.equal(plan.anomalies.length, 0);
    assert.match(plan.notes.join(' '), /sliLatencyP95Seconds is not set/);
    assert.match(plan.notes.join(' '), /requestRate is not set/);
    const none = buildWatchPlan(live(), { simulatorSeries: false });
    assert.match(none.notes[0]!, /nothing is watched by default/);
  });

  it('rejects malformed watch.queries naming the key', () => {
    assert.throws(() => live({ AIDPE_WATCH_QUERIES: '[{"query": "up", "step": 3}]' }), /watch\.queries/);
    assert.throws(() => live({ AIDPE_WATCH_FORECASTS: '[{"query": "up", "horizonSeconds": -1}]' }), /watch\.forecasts/);
  });
});

describe('resolution from the history available', () => {
  it('a young series is watched at the finest step and says how long until it is ready', () => {
    const r = chooseResolution({ availableSeconds: 3600, neededPoints: 288 });
    assert.equal(r.stepSeconds, 15);
    assert.equal(r.readyInSeconds, 288 * 15 - 3600);
    assert.match(r.why, /ready in about 12 min/);
  });

  it('with plenty of history the coarsest step that fits; a configured step is kept', () => {
    assert.equal(chooseResolution({ availableSeconds: 86_400, neededPoints: 288 }).stepSeconds, 60);
    assert.equal(chooseResolution({ availableSeconds: 8000, neededPoints: 288 }).stepSeconds, 15);
    assert.equal(chooseResolution({ availableSeconds: 12_000, neededPoints: 288 }).stepSeconds, 30);
    const fixed = chooseResolution({ availableSeconds: 100, neededPoints: 288, fixedStepSeconds: 60 });
    assert.equal(fixed.stepSeconds, 60);
    assert.ok(fixed.readyInSeconds > 0);
    assert.equal(chooseResolution({ availableSeconds: 1e6, neededPoints: 288 }).readyInSeconds, 0);
  });
});

describe('predictions as Prometheus series', () => {
  it('forecast quantiles at each lead time, anomaly score and open incidents; capped label sets', async () => {
    const registry = new Registry();
    const p = new PredictionSeries(registry, {
      leadTimesSeconds: [60, 180],
      maxSeries: 2,
      watchOf: () => ({ id: 'f1', signal: 'request_rate' }),
    });
    const t0 = 1_700_000_000;
    p.publishForecast({
      query: 'rate',
      labels: { service: 'cart', job: 'x' },
      issuedAtMs: t0 * 1000,
      stepSeconds: 60,
      timestamps: [t0 + 60, t0 + 120, t0 + 180],
      p50: [1, 2, 3],
      p10: [0.5, 1.5, 2.5],
      p90: [1.5, 2.5, 3.5],
    });
    p.publishScore({ query: 'lat', labels: { service: 'cart' }, timeMs: 0, score: 0.97, open: true });
    p.publishScore({ query: 'lat', labels: { service: 'web' }, timeMs: 0, score: 0.1, open: false });
    const text = await registry.metrics();
    assert.match(
      text,
      /aidpe_forecast\{watch_id="f1",signal="request_rate",service="cart",exported_job="x",quantile="0\.9",lead_seconds="180"\} 3\.5/
    );
    assert.match(text, /aidpe_forecast\{[^}]*quantile="0\.5",lead_seconds="60"\} 1\b/);
    assert.match(text, /aidpe_incident_open\{watch_id="f1",signal="request_rate",service="cart"\} 1/);
    assert.doesNotMatch(text, /service="web"/, 'the third label set is over the cap');
    assert.deepEqual(p.status(), { series: 2, maxSeries: 2, dropped: 1, capped: true });
  });
});

describe('the watch service in live mode (a Prometheus-shaped source over the simulator)', () => {
  it('resolves steps from the history, scores, publishes and shows it all at /api/v1/watch', async (t) => {
    const start = Date.UTC(2025, 0, 1);
    const cluster = new SimulatedCluster({
      seed: 3,
      topology: defaultTopology(),
      workload: syntheticDiurnalTrace({ days: 1 }),
      tickSeconds: 15,
      startTimeMs: start,
      historyRetentionSeconds: 8 * 3600,
    });
    cluster.advance(2 * 3600);
    const config = live({
      AIDPE_WATCH_QUERIES: '["aidpe_sim_error_ratio"]',
      AIDPE_WATCH_FORECASTS: '[{"query": "aidpe_sim_request_rate", "horizonSeconds": 1800}]',
    });
    // Live mode: no cluster in the Sources, only its metrics through the PromQL seam.
    const sources = sourcesFromParts({
      config,
      metrics: new SimulatorSource(cluster, { wallNow: () => cluster.now() }),
      now: () => cluster.now(),
    });
    const registry = new Registry();
    const watch = new WatchService({
      config,
      sources,
      store: undefined,
      models: () => loadForecastCandidates({ modelsDir: '/nonexistent' }),
      registry,
    });
    await watch.refresh();
    const status = watch.status();
    const errors = status.anomalies[0]!;
    assert.equal(errors.origin, 'configured');
    assert.equal(errors.stepSeconds, 15, '2 h of history: the finest step');
    assert.equal(errors.state, 'ready');
    assert.equal(status.forecasts[0]!.horizonSeconds, 1800);
    await watch.incidents.tick();
    await watch.accuracy.tick();
    const text = await registry.metrics();
    assert.match(text, /aidpe_anomaly_score\{watch_id="a[0-9a-f]{8}",[^}]*service="cart"/);
    assert.match(
      text,
      /aidpe_forecast\{watch_id="f[0-9a-f]{8}",signal="custom",[^}]*quantile="0\.9",lead_seconds="1800"\}/
    );
    assert.match(text, /aidpe_slo_latency_seconds(\{[^}]*\})? 0\.25/);

    const app = await buildApp({ config, sources, watch, logger: false });
    t.after(() => app.close());
    const res = await app.inject({ method: 'GET', url: '/api/v1/watch' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().mode, 'live');
    assert.equal(res.json().anomalies[0].query, 'aidpe_sim_error_ratio');
  });
});
