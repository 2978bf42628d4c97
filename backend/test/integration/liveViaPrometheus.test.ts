/**
 * Live mode end to end on this machine: a real Prometheus scrapes the embedded cluster and the sidecar, and the
 * sidecar runs in live mode against it (`aidpe demo --via-prometheus`). A latency fault opens an incident through
 * PromQL within minutes and RCA names the faulted service; the forecast series reach Prometheus, and an alert
 * expression over them turns true while a load surge is still rising, before it peaks.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { startViaPrometheus, type ViaPrometheus } from '../../src/cli/viaPrometheus.ts';
import { PrometheusSource } from '../../src/telemetry/prometheus.ts';

const WARMUP_SECONDS = 2 * 3600;
/** The surge: flat, then a linear ramp to 4× over 3 minutes starting right after the warm-up, then a plateau. */
const RAMP_START_SECONDS = WARMUP_SECONDS + 60;
const RAMP_SECONDS = 180;
const PEAK_RPS = 300;
const FAULTED = 'payment';

let via: ViaPrometheus;
let prom: PrometheusSource;
let dir: string;
const base = () => via.sidecar.url;

function surgeWorkload(): string {
  const rows = ['timestamp,value'];
  const t0 = Date.UTC(2025, 0, 1) / 1000;
  for (let s = 0; s < WARMUP_SECONDS + 3 * 3600; s += 30) {
    const ramp = Math.min(1, Math.max(0, (s - RAMP_START_SECONDS) / RAMP_SECONDS));
    // A little deterministic wobble so the flat part is not constant.
    rows.push(`${t0 + s},${(100 * (1 + 3 * ramp) * (1 + 0.03 * Math.sin(s / 97))).toFixed(3)}`);
  }
  return rows.join('\n');
}

async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {}
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base()}${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

const scalar = async (query: string): Promise<number | undefined> =>
  (await prom.queryInstant(query)).series[0]?.samples[0]?.[1];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aidpe-via-prom-'));
  const workload = join(dir, 'surge.csv');
  writeFileSync(workload, surgeWorkload());
  const config = loadConfig({
    env: {},
    overrides: {
      mode: 'demo',
      'server.port': 0,
      logLevel: 'silent',
      storePath: join(dir, 'store.sqlite'),
      'simulator.speed': 1,
      'simulator.workload': workload,
      'simulator.peakRps': PEAK_RPS,
      'simulator.randomFaults': 0,
      'simulator.warmupSeconds': WARMUP_SECONDS,
      'watch.everySeconds': 5,
      'watch.forecastEverySeconds': 15,
      'watch.leadTimesSeconds': [600, 1800],
      'watch.forecasts': [{ query: 'aidpe_sim_request_rate{service="frontend"}', stepSeconds: 5, horizonSeconds: 600 }],
    },
  });
  via = await startViaPrometheus(config, { logger: false, scrapeIntervalSeconds: 1 });
  prom = new PrometheusSource({ baseUrl: via.prometheus.url, timeoutMs: 5000, retries: 1 });
});

after(async () => {
  await via?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the first test observed of the surge, for the alert test. */
let alertAt: { actual: number; predicted: number } | undefined;

test('live mode via a real Prometheus: forecasts through PromQL, an incident and its root cause, alert rules that run', async (t) => {
  // The forecast API answers through PromQL (it was 501 "configure Prometheus" with the demo in compose).
  const forecast = await api<{ series: unknown[] }>('/api/v1/forecast', {
    method: 'POST',
    body: { query: 'sum(aidpe_sim_request_rate)', start: 'now-2h', stepSeconds: 60, horizon: 10 },
  });
  assert.equal(forecast.status, 200, JSON.stringify(forecast.json));
  assert.equal(forecast.json.series.length, 1);

  const watch = await api<{ mode: string; anomalies: Array<{ state: string }> }>('/api/v1/watch');
  assert.equal(watch.json.mode, 'live');

  const faultStartMs = Date.now();
  const fault = await api('/api/v1/sim/faults', {
    method: 'POST',
    body: { service: FAULTED, type: 'latency', durationSeconds: 900, intensity: 4 },
  });
  assert.equal(fault.status, 201, JSON.stringify(fault.json));

  let incidentAfterMs: number | undefined;
  let peaked = false;
  const deadline = Date.now() + 6 * 60_000;
  // Until the incident opened and the alert fired or the surge reached its peak (then the alert came too late).
  while ((incidentAfterMs === undefined || (alertAt === undefined && !peaked)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5000));
    if (incidentAfterMs === undefined) {
      const incidents = await api<{ incidents: Array<{ labels: Record<string, string>; startMs: number }> }>(
        '/api/v1/incidents'
      );
      if (incidents.json.incidents.some((i) => i.labels['service'] === FAULTED && i.startMs >= faultStartMs - 60_000)) {
        incidentAfterMs = Date.now() - faultStartMs;
      }
    }
    if (alertAt === undefined) {
      // The provisioned Grafana rule's shape: the p90 forecast 10 minutes ahead above a capacity line (half the peak).
      const firing = await scalar(
        `max(aidpe_forecast{quantile="0.9",lead_seconds="600",service="frontend"}) > ${PEAK_RPS / 2}`
      );
      if (firing !== undefined) {
        alertAt = {
          predicted: firing,
          actual: (await scalar('max(aidpe_sim_request_rate{service="frontend"})')) ?? Number.NaN,
        };
      }
      peaked = ((await scalar('max(aidpe_sim_request_rate{service="frontend"})')) ?? 0) >= 0.95 * PEAK_RPS;
    }
  }
  t.diagnostic(
    `incident after ${incidentAfterMs} ms; alert with the load at ${alertAt?.actual} req/s (peak ${PEAK_RPS}), predicted ${alertAt?.predicted}`
  );
  assert.ok(incidentAfterMs !== undefined, 'an incident opened on the faulted service through PromQL');
  assert.ok(incidentAfterMs < 5 * 60_000, `the incident took ${incidentAfterMs} ms`);

  // Prometheus holds the published series the provisioned alert rules use, and every rule's query runs there.
  assert.ok((await prom.queryInstant('aidpe_anomaly_score')).series.length > 0);
  const rules = parseYaml(
    readFileSync(new URL('../../../provisioning/alerting/aidpe-alerts.yaml', import.meta.url), 'utf8')
  ) as {
    groups: Array<{ rules: Array<{ uid: string; data: Array<{ datasourceUid: string; model: { expr?: string } }> }> }>;
  };
  for (const rule of rules.groups.flatMap((g) => g.rules)) {
    for (const q of rule.data.filter((d) => d.datasourceUid === 'prometheus')) {
      const r = await prom.queryInstant(q.model.expr!);
      assert.ok(r.series.length > 0, `${rule.uid}: ${q.model.expr} returned no series`);
    }
  }

  const rca = await api<{ candidates: Array<{ service: string }> }>('/api/v1/rca', {
    method: 'POST',
    body: { start: faultStartMs - 60_000, end: Date.now() },
  });
  assert.equal(rca.status, 200, JSON.stringify(rca.json));
  assert.equal(rca.json.candidates[0]?.service, FAULTED);
});

test('the forecast alert expression turns true while the surge is still rising, before it peaks', () => {
  assert.ok(alertAt, 'the forecast alert expression turned true');
  assert.ok(alertAt.actual < 0.95 * PEAK_RPS, `the alert fired while the load (${alertAt.actual}) was below its peak`);
});
