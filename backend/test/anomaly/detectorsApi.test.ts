/**
 * POST /api/v1/anomalies with a detector other than the default (`art`, the adaptive-resonance window detector
 * alone): the same scores as the detector run directly, in batch and in chunked streaming calls; a state of the other
 * detector is discarded with the reason and rebuilt from history; thresholds and feedback live on its own scale;
 * the removed detectors' names still answer; a bad `detector` is a 400.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';
import { artSettingsFor, runArtWindows } from '../../src/engines/anomaly/detectors/artWindows.ts';
import { DEFAULT_ART_RESIDUAL } from '../../src/engines/anomaly/detectors/artResidual.ts';
import { DETECTOR_THRESHOLDS } from '../../src/engines/anomaly/scoreSeries.ts';
import { DEFAULT_DETECTOR } from '../../src/engines/anomaly/registry.ts';
import { DEFAULT_THRESHOLD, thresholdAfterFeedback } from '../../src/engines/anomaly/regions.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';

/** 1,200 five-minute points: a daily cycle, noise, a level shift of 20 at points 1000–1029 (as streamingApi.test.ts). */
function shifted(): { timestamps: number[]; values: number[] } {
  const u = seededRandom(3);
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < 1200; i++) {
    timestamps.push(1.7e9 + i * 300);
    values.push(50 + 10 * Math.sin((2 * Math.PI * i) / 288) + (u() - 0.5) * 4 + (i >= 1000 && i < 1030 ? 20 : 0));
  }
  return { timestamps, values };
}

async function appWith(store: SqliteStore | undefined) {
  const telemetry = new ScriptedTelemetry();
  const config = loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1' } });
  const app = await buildApp({ config, telemetry, logger: false, store, now: () => 1_700_000_000_000 });
  return { app, telemetry };
}

type App = Awaited<ReturnType<typeof appWith>>['app'];
const post = (app: App, payload: unknown, url = '/api/v1/anomalies') =>
  app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });

test('batch: art answers its own scores (as runArtWindows), its key and its default threshold', async (t) => {
  const { app } = await appWith(undefined);
  t.after(() => app.close());
  const { timestamps, values } = shifted();
  const labels = { service: 'cart' };
  const res = await post(app, { detector: 'art', series: [{ labels, timestamps, values }] }, '/api/v1/anomalies/query');
  assert.equal(res.statusCode, 200, res.body);
  const s = res.json().series[0];
  assert.equal(s.detector, 'art');
  assert.equal(s.seriesKey, '{__detector__="art",service="cart"}', 'thresholds and feedback kept apart from aidpe');
  assert.equal(s.threshold, DETECTOR_THRESHOLDS.art.default);
  assert.equal(s.thresholdSource, 'default');
  const expected = Array.from(
    runArtWindows(values, artSettingsFor(300_000, DEFAULT_ART_RESIDUAL.bucketMs, DEFAULT_ART_RESIDUAL.learningMs))
  );
  assert.deepEqual(s.frame.fields[2].values, expected);
  assert.ok(s.regions.length >= 1, 'the level shift is found');
  assert.ok(
    s.regions.some(
      (r: { startMs: number; endMs: number }) =>
        r.endMs >= timestamps[1000]! * 1000 && r.startMs <= timestamps[1029]! * 1000
    ),
    'a region on the shift'
  );

  const byDefault = (await post(app, { series: [{ labels, timestamps, values }] })).json().series[0];
  assert.equal(byDefault.detector, DEFAULT_DETECTOR, 'the registry’s default answers when none is named');
  assert.equal(byDefault.threshold, DETECTOR_THRESHOLDS[DEFAULT_DETECTOR].default);
  assert.notDeepEqual(byDefault.frame.fields[2].values, s.frame.fields[2].values);
  const aidpe = (await post(app, { detector: 'aidpe', series: [{ labels, timestamps, values }] })).json().series[0];
  assert.equal(aidpe.threshold, DEFAULT_THRESHOLD, 'the old name still selects residual-likelihood');
  // The removed detectors' names still answer: `ensemble` with the default's scores, `artime` with art's.
  const ensemble = (await post(app, { detector: 'ensemble', series: [{ labels, timestamps, values }] })).json()
    .series[0];
  assert.deepEqual(ensemble.frame.fields[2].values, byDefault.frame.fields[2].values);
  assert.equal(ensemble.seriesKey, byDefault.seriesKey, 'an alias shares its detector’s thresholds and feedback');
  const artime = (await post(app, { detector: 'artime', series: [{ labels, timestamps, values }] })).json().series[0];
  assert.deepEqual(artime.frame.fields[2].values, s.frame.fields[2].values);
});

test('streaming: chunked art calls equal one batch run (scores and region ids)', async (t) => {
  const { app } = await appWith(undefined);
  t.after(() => app.close());
  const { timestamps, values } = shifted();
  const labels = { service: 'cart' };
  const batch = (await post(app, { detector: 'art', series: [{ labels, timestamps, values }] })).json().series[0];
  const scores: number[] = [];
  const ids = new Set<string>();
  const answers = [];
  for (const [from, to] of [
    [0, 400],
    [350, 1010],
    [1010, 1200],
  ] as const) {
    const res = await post(app, {
      mode: 'streaming',
      detector: 'art',
      series: [{ labels, timestamps: timestamps.slice(from, to), values: values.slice(from, to) }],
    });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json().series[0];
    answers.push(s);
    scores.push(...s.frame.fields[2].values);
    for (const r of s.regions) {
      ids.add(r.id);
    }
  }
  assert.deepEqual(
    answers.map((a) => a.stream.origin),
    ['new', 'memory', 'memory']
  );
  assert.equal(answers[1].stream.skipped.alreadyScored, 50);
  assert.deepEqual(scores, batch.frame.fields[2].values);
  assert.deepEqual([...ids].sort(), batch.regions.map((r: { id: string }) => r.id).sort());
  assert.equal(answers[2].stream.fed, 1200);
});

test('streaming: a state of the other detector (stored or in memory) is discarded with the reason and rebuilt from history', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-art-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'aidpe.sqlite');
  const { timestamps, values } = shifted();
  const labels = { __name__: 'rps', service: 'a' };
  const matrix = (upTo: number) => async () => ({
    resultType: 'matrix' as const,
    series: [{ labels, samples: timestamps.slice(0, upTo).map((ts, i): [number, number] => [ts, values[i]!]) }],
    warnings: [],
  });

  let store = new SqliteStore(path);
  const first = await appWith(store);
  first.telemetry.next = matrix(900);
  let res = await post(first.app, {
    mode: 'streaming',
    query: 'rps',
    start: timestamps[800],
    end: timestamps[899],
    stepSeconds: 300,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().series[0].detector, DEFAULT_DETECTOR);
  await first.app.close();
  await store.close();

  // Restart; art is asked for the same series: the stored aidpe state is not restored into it.
  store = new SqliteStore(path);
  const second = await appWith(store);
  t.after(async () => {
    await second.app.close();
    await store.close();
  });
  second.telemetry.next = matrix(1100);
  res = await post(second.app, {
    mode: 'streaming',
    detector: 'art',
    query: 'rps',
    start: timestamps[1000],
    end: timestamps[1099],
    stepSeconds: 300,
  });
  assert.equal(res.statusCode, 200, res.body);
  let s = res.json().series[0];
  assert.equal(s.stream.origin, 'rebuilt');
  assert.match(
    s.stream.notes.join('\n'),
    new RegExp(
      `stored state discarded: streaming state: belongs to detector ${DEFAULT_DETECTOR}; this call asks for art`
    )
  );
  assert.ok(s.stream.notes.includes('state rebuilt from 1000 points of history'), s.stream.notes.join('\n'));
  assert.equal(s.stream.fed, 1100);
  const batch = (
    await post(second.app, {
      detector: 'art',
      series: [{ labels, timestamps: timestamps.slice(0, 1100), values: values.slice(0, 1100) }],
    })
  ).json().series[0];
  assert.deepEqual(s.frame.fields[2].values, batch.frame.fields[2].values.slice(1000), 'as if art had always run');

  // Back to the default on the same sidecar: art's state in memory is dropped, again with the reason.
  second.telemetry.next = matrix(1200);
  s = (
    await post(second.app, {
      mode: 'streaming',
      query: 'rps',
      start: timestamps[1100],
      end: timestamps[1199],
      stepSeconds: 300,
    })
  ).json().series[0];
  assert.equal(s.detector, DEFAULT_DETECTOR);
  assert.equal(s.stream.origin, 'rebuilt');
  assert.match(
    s.stream.notes.join('\n'),
    new RegExp(
      `stored state discarded: the state in memory belongs to detector art; this call asks for ${DEFAULT_DETECTOR}`
    )
  );
  const stored = await store.getDetectorState('api:300s:{__name__="rps",service="a"}');
  assert.equal(
    (stored?.state as { detectorName?: string }).detectorName,
    DEFAULT_DETECTOR,
    'the persisted state names its detector'
  );
});

test('feedback on an art region moves art’s threshold on its own scale, not aidpe’s', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-art-fb-'));
  const store = new SqliteStore(join(dir, 'aidpe.sqlite'));
  const { app } = await appWith(store);
  t.after(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const { timestamps, values } = shifted();
  const payload = { detector: 'art', series: [{ labels: { service: 'cart' }, timestamps, values }] };
  const region = (await post(app, payload)).json().series[0].regions[0];
  assert.ok(region, 'a region to give feedback on');
  const fb = await app.inject({
    method: 'POST',
    url: `/api/v1/anomalies/${region.id}/feedback`,
    headers: { 'x-grafana-user': 'ann' },
    payload: { verdict: 'false_positive' },
  });
  assert.equal(fb.statusCode, 201, fb.body);
  const expected = thresholdAfterFeedback(DETECTOR_THRESHOLDS.art.default, 'false_positive', DETECTOR_THRESHOLDS.art);
  assert.equal(fb.json().thresholdBefore, DETECTOR_THRESHOLDS.art.default);
  assert.equal(fb.json().thresholdAfter, expected);
  assert.ok(
    expected > DETECTOR_THRESHOLDS.art.default && expected < DEFAULT_THRESHOLD,
    'between art’s default and aidpe’s'
  );
  const again = (await post(app, payload)).json().series[0];
  assert.equal(again.threshold, expected);
  assert.equal(again.thresholdSource, 'feedback');
  const aidpe = (await post(app, { detector: 'aidpe', series: payload.series })).json().series[0];
  assert.equal(aidpe.threshold, DEFAULT_THRESHOLD, 'aidpe’s threshold for the same series is untouched');
});

test('a bad detector is a 400 naming the field; the field is documented', async (t) => {
  const { app } = await appWith(undefined);
  t.after(() => app.close());
  for (const mode of ['batch', 'streaming']) {
    const bad = await post(app, { mode, detector: 'cad', series: [{ timestamps: [1, 2], values: [1, 2] }] });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.json().message, /detector/, bad.body);
  }
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  const detector =
    doc.paths['/api/v1/anomalies'].post.requestBody.content['application/json'].schema.properties.detector;
  assert.match(detector.description, /art-residual \(default\): /);
  // Scores go stale: they live in the README, produced by `aidpe nab-loco`, not in the API document.
  assert.doesNotMatch(detector.description, /NAB \d|\d+\.\d (standard|\/)/);
});
