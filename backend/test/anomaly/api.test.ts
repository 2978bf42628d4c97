import { test } from 'node:test';
import { seededRandom as rng } from '../../src/telemetry/retry.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import {
  extractRegions,
  severityOf,
  thresholdAfterFeedback,
  DEFAULT_THRESHOLD,
} from '../../src/engines/anomaly/regions.ts';
import { DEFAULT_DETECTOR, DETECTOR_THRESHOLDS } from '../../src/engines/anomaly/registry.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';
import { settledHealth } from '../helpers/health.ts';

/** 1,200 five-minute points: a daily cycle with noise and a level shift of `shift` at points 1000–1029. */
function shiftedSeries(shift: number): { timestamps: number[]; values: number[] } {
  const u = rng(3);
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < 1200; i++) {
    timestamps.push(1.7e9 + i * 300);
    values.push(50 + 10 * Math.sin((2 * Math.PI * i) / 288) + (u() - 0.5) * 4 + (i >= 1000 && i < 1030 ? shift : 0));
  }
  return { timestamps, values };
}

async function appWith(store: SqliteStore | undefined) {
  const telemetry = new ScriptedTelemetry();
  const config = loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1' } });
  const app = await buildApp({ config, telemetry, logger: false, store, now: () => 1_700_000_000_000 });
  return { app, telemetry };
}

test('regions merge nearby high points, carry severity and stable ids; feedback moves the threshold by halves', () => {
  const t = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((s) => s * 1000);
  const scores = [0, 0.99, 0.5, 0.999, 0, 0, 0, 0, 0, 0.995, 0, 0];
  const regions = extractRegions(t, scores, 'k', { threshold: 0.99, mergeGapPoints: 3 });
  assert.equal(regions.length, 2);
  assert.deepEqual(
    [regions[0]!.startMs, regions[0]!.endMs, regions[0]!.peakMs, regions[0]!.points],
    [1000, 3000, 3000, 3]
  );
  assert.equal(regions[1]!.startMs, 9000);
  assert.equal(regions[0]!.id, extractRegions(t, scores, 'k', { threshold: 0.99 })[0]!.id);
  assert.notEqual(regions[0]!.id, extractRegions(t, scores, 'other', { threshold: 0.99 })[0]!.id);
  assert.equal(severityOf(1, 0.99), 'critical');
  assert.equal(severityOf(0.991, 0.99), 'low');
  assert.ok(Math.abs(thresholdAfterFeedback(0.98, 'false_positive') - 0.99) < 1e-12);
  assert.ok(Math.abs(thresholdAfterFeedback(0.99, 'true_positive') - 0.98) < 1e-12);
  assert.equal(thresholdAfterFeedback(0.951, 'true_positive'), 0.95, 'bounded below');
});

test('POST /api/v1/anomalies finds a level shift as one region with an annotation, and stays quiet before it', async (t) => {
  const { app } = await appWith(undefined);
  t.after(() => app.close());
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/anomalies',
    payload: { series: [{ labels: { service: 'cart' }, ...shiftedSeries(20) }] },
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  const s = body.series[0];
  assert.equal(s.status, 'ok');
  assert.equal(s.detector, DEFAULT_DETECTOR);
  assert.equal(s.threshold, DETECTOR_THRESHOLDS[DEFAULT_DETECTOR].default);
  assert.equal(s.regions.length, 1, JSON.stringify(s.regions));
  const r = s.regions[0];
  const shiftStartMs = (1.7e9 + 1000 * 300) * 1000;
  assert.ok(
    r.startMs >= shiftStartMs && r.startMs <= shiftStartMs + 3 * 300_000,
    'detected within three points of the shift'
  );
  assert.ok(r.peakScore >= s.threshold);
  assert.deepEqual(
    s.frame.fields.map((f: { name: string }) => f.name),
    ['time', 'value', 'score']
  );
  const a = body.annotations[0];
  assert.equal(a.time, r.startMs);
  assert.equal(a.timeEnd, r.endMs);
  assert.match(a.title, /Anomaly \(\w+\) on \{service="cart"\}/);
  assert.ok(a.tags.includes('anomaly'));
  assert.equal(body.storeAvailable, false);
  const fb = await app.inject({
    method: 'POST',
    url: `/api/v1/anomalies/${r.id}/feedback`,
    headers: { 'x-grafana-user': 'ann' },
    payload: { verdict: 'false_positive' },
  });
  assert.equal(fb.statusCode, 503, 'no store: feedback is refused, not lost silently');
});

test('false-positive feedback is stored, audited and silences that borderline region on the next query', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-store-'));
  const path = join(dir, 'aidpe.sqlite');
  let store = new SqliteStore(path);
  const { app } = await appWith(store);
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  // Thresholds and feedback on residual-likelihood's scale (old name aidpe), whose key is the plain series key.
  const payload = { detector: 'aidpe', series: [{ labels: { service: 'cart' }, ...shiftedSeries(7.8) }] };
  let body = (await app.inject({ method: 'POST', url: '/api/v1/anomalies', payload })).json();
  const region = body.series[0].regions[0];
  assert.ok(region, 'a borderline region is reported at the default threshold');
  assert.ok(
    region.peakScore < thresholdAfterFeedback(DEFAULT_THRESHOLD, 'false_positive'),
    `peak ${region.peakScore} is borderline`
  );

  const noUser = await app.inject({
    method: 'POST',
    url: `/api/v1/anomalies/${region.id}/feedback`,
    payload: { verdict: 'false_positive' },
  });
  assert.equal(noUser.statusCode, 401);
  assert.match(noUser.json().message, /user/);
  const unknown = await app.inject({
    method: 'POST',
    url: '/api/v1/anomalies/an-00000000-1/feedback',
    headers: { 'x-grafana-user': 'ann' },
    payload: { verdict: 'false_positive' },
  });
  assert.equal(unknown.statusCode, 404);
  const badVerdict = await app.inject({
    method: 'POST',
    url: `/api/v1/anomalies/${region.id}/feedback`,
    headers: { 'x-grafana-user': 'ann' },
    payload: { verdict: 'maybe' },
  });
  assert.equal(badVerdict.statusCode, 400);
  assert.match(badVerdict.json().message, /verdict/);

  const fb = await app.inject({
    method: 'POST',
    url: `/api/v1/anomalies/${region.id}/feedback`,
    headers: { 'x-grafana-user': 'ann' },
    payload: { verdict: 'false_positive', reason: 'deploy, expected' },
  });
  assert.equal(fb.statusCode, 201, fb.body);
  assert.equal(fb.json().user, 'ann', 'the Grafana-forwarded user wins');
  assert.ok(fb.json().thresholdAfter > DEFAULT_THRESHOLD);

  body = (await app.inject({ method: 'POST', url: '/api/v1/anomalies', payload })).json();
  assert.equal(body.series[0].thresholdSource, 'feedback');
  assert.equal(body.series[0].regions.length, 0, 'the same stretch no longer raises a region');
  const listed = (await app.inject({ method: 'GET', url: '/api/v1/anomalies/feedback' })).json();
  assert.equal(listed.feedback.length, 1);
  const health = await settledHealth(app);
  assert.equal(health.dependencies.find((d: { name: string }) => d.name === 'store').state, 'up');
  await app.close();

  // The threshold and the audit trail survive a restart; the audit cannot be rewritten.
  await store.close();
  store = new SqliteStore(path);
  assert.equal(await store.getThreshold('{service="cart"}'), fb.json().thresholdAfter);
  const audit = await store.listAudit();
  assert.equal(audit[0]!.action, 'anomaly.feedback.false_positive');
  assert.equal(audit[0]!.actor, 'ann');
  assert.throws(
    () => (store as unknown as { db: { exec(s: string): void } }).db.exec('DELETE FROM audit'),
    /append-only/
  );
  await store.close();
});

test('query mode reaches back for warm-up history and returns only the asked range; short series say so', async (t) => {
  const { app, telemetry } = await appWith(undefined);
  t.after(() => app.close());
  const { timestamps, values } = shiftedSeries(0);
  telemetry.next = async () => ({
    resultType: 'matrix',
    series: [
      {
        labels: { __name__: 'rps', service: 'a' },
        samples: timestamps.map((ts, i): [number, number] => [ts, values[i]!]),
      },
    ],
    warnings: [],
  });
  const start = timestamps[1100]!;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/anomalies',
    payload: { query: 'rps', start, end: timestamps[1199]!, stepSeconds: 300 },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(telemetry.rangeCalls[0]!.startMs, (start - 1440 * 300) * 1000);
  const frame = res.json().series[0].frame;
  assert.equal(frame.fields[0].values[0], start * 1000);
  assert.equal(frame.fields[0].values.length, 100);
  assert.equal(res.json().series[0].name, 'rps{service="a"}');

  const short = await app.inject({
    method: 'POST',
    url: '/api/v1/anomalies',
    payload: { series: [{ timestamps: [1, 2, 3], values: [1, null, 'NaN'] }] },
  });
  assert.equal(short.statusCode, 200);
  assert.equal(short.json().series[0].status, 'insufficient_data');
  assert.match(short.json().series[0].reason, /1 finite sample/);

  for (const [payload, field] of [
    [{ query: 'x', stepSeconds: 60 }, 'start'],
    [{ query: 'x', start: 'now-1h' }, 'stepSeconds'],
    [{}, 'query'],
    [{ series: [{ timestamps: [2, 1], values: [1, 2] }] }, 'series[0].timestamps'],
    [{ series: [{ timestamps: [1, 2], values: [1] }] }, 'series[0]'],
  ] as const) {
    const bad = await app.inject({ method: 'POST', url: '/api/v1/anomalies', payload });
    assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    assert.match(bad.json().message, new RegExp(field.replace(/[[\].]/g, '\\$&')));
  }
});

test("groupBy scores a service's metrics together and names the metric that broke the relation", async (t) => {
  const { app } = await appWith(undefined);
  t.after(() => app.close());
  const u = rng(9);
  const names = ['rps', 'cpu', 'latency', 'errors'];
  const series = names.map((name) => ({
    labels: { __name__: name, service: 'api' },
    timestamps: [] as number[],
    values: [] as number[],
  }));
  for (let i = 0; i < 1400; i++) {
    const rps = 100 + 50 * Math.sin((2 * Math.PI * i) / 288) + 3 * (u() - 0.5);
    const row = [
      rps,
      0.004 * rps + 0.02 * (u() - 0.5) + (i >= 1200 && i < 1260 ? 0.3 : 0),
      0.05 + 0.0002 * rps + 0.002 * (u() - 0.5),
      0.001 + 0.0005 * u(),
    ];
    row.forEach((v, j) => {
      series[j]!.timestamps.push(1.7e9 + i * 60);
      series[j]!.values.push(v);
    });
  }
  const res = await app.inject({ method: 'POST', url: '/api/v1/anomalies', payload: { series, groupBy: 'service' } });
  assert.equal(res.statusCode, 200, res.body);
  const group = res.json().groups[0];
  assert.equal(group.value, 'api');
  assert.equal(group.status, 'ok');
  assert.ok(group.regions.length >= 1, JSON.stringify(group.regions));
  const r = group.regions.find((x: { startMs: number }) => x.startMs >= (1.7e9 + 1200 * 60) * 1000);
  assert.ok(r, 'a region at the break');
  assert.ok((r.startMs - (1.7e9 + 1200 * 60) * 1000) / 60_000 <= 5, 'within five points');
  assert.match(r.contributors[0].metric, /^cpu/);
  assert.ok(
    res
      .json()
      .annotations.some((a: { tags: string[]; text: string }) => a.tags.includes('multivariate') && /cpu/.test(a.text))
  );
});
