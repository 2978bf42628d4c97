/**
 * POST /api/v1/anomalies with mode "streaming": per-series state between calls (only new points scored, region
 * ids stable), kept through the store across a restart, and an explicit answer for every kind of bad input.
 */
import { test } from 'node:test';
import { DEFAULT_DETECTOR } from '../../src/engines/anomaly/registry.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';

/** 1,200 five-minute points: a daily cycle, noise, a level shift of 20 at points 1000–1029 (as api.test.ts). */
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

async function appWith(store: SqliteStore | undefined, nowMs = 1_700_000_000_000) {
  const telemetry = new ScriptedTelemetry();
  const config = loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1' } });
  const app = await buildApp({ config, telemetry, logger: false, store, now: () => nowMs });
  return { app, telemetry };
}

const post = (app: Awaited<ReturnType<typeof appWith>>['app'], payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/v1/anomalies', payload: payload as Record<string, unknown> });

test('streaming calls score only new points; scores and region ids equal the batch answer', async (t) => {
  const { app } = await appWith(undefined);
  t.after(() => app.close());
  const { timestamps, values } = shifted();
  for (const detector of ['residual-likelihood', DEFAULT_DETECTOR]) {
    const labels = { service: `cart-${detector}` };
    const batch = (await post(app, { detector, series: [{ labels, timestamps, values }] })).json().series[0];
    assert.equal(batch.regions.length, 1, `${detector}: ${JSON.stringify(batch.regions)}`);

    const parts = [
      [0, 700],
      [650, 1010],
      [1010, 1200],
    ] as const; // the second call overlaps the first by 50 points
    const scores: number[] = [];
    const answers = [];
    for (const [from, to] of parts) {
      const res = await post(app, {
        mode: 'streaming',
        detector,
        series: [{ labels, timestamps: timestamps.slice(from, to), values: values.slice(from, to) }],
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().mode, 'streaming');
      const s = res.json().series[0];
      answers.push(s);
      scores.push(...s.frame.fields[2].values);
    }
    assert.equal(answers[0].stream.origin, 'new');
    assert.equal(answers[1].stream.origin, 'memory');
    assert.equal(answers[1].stream.skipped.alreadyScored, 50);
    assert.match(answers[1].stream.notes.join('\n'), /50 sample\(s\) at or before the last scored one/);
    assert.equal(answers[1].frame.fields[0].values[0], timestamps[700]! * 1000, 'the first new point');
    assert.deepEqual(scores, batch.frame.fields[2].values, detector);
    assert.equal(answers[2].stream.fed, 1200);
    const streamed = answers.flatMap((a) => a.regions.filter((r: { ongoing: boolean }) => !r.ongoing));
    assert.deepEqual(
      streamed.map((r: { id: string; endMs: number }) => [r.id, r.endMs]),
      [[batch.regions[0].id, batch.regions[0].endMs]],
      `${detector}: the region streamed is the batch's`
    );
    if (detector === 'residual-likelihood') {
      // The shift starts in the second call and continues in the third: the same region id, ongoing, then ended
      // (art-residual's rest rule makes its region a single alert, closed within the second call).
      assert.equal(answers[1].regions[0]?.id, batch.regions[0].id);
      assert.equal(answers[1].regions[0]?.ongoing, true);
      assert.equal(answers[2].regions[0]?.id, batch.regions[0].id);
      assert.equal(answers[2].regions[0]?.ongoing, false);
    }
  }
});

test('bad input through the route: too short, constant, NaN/Inf, gaps, irregular timestamps — each answered explicitly', async (t) => {
  const { app } = await appWith(undefined);
  t.after(() => app.close());
  const { timestamps, values } = shifted();
  const ask = async (labels: Record<string, string>, ts: number[], vs: Array<number | string | null>) => {
    const res = await post(app, { mode: 'streaming', series: [{ labels, timestamps: ts, values: vs }] });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().series[0];
  };
  const short = await ask({ s: 'short' }, timestamps.slice(0, 50), values.slice(0, 50));
  assert.equal(short.status, 'insufficient_data');
  assert.equal(short.reason, 'insufficient data: 50 of 288 warm-up points');

  const flat = await ask(
    { s: 'flat' },
    timestamps.slice(0, 400),
    timestamps.slice(0, 400).map(() => 3)
  );
  assert.equal(flat.status, 'constant');
  assert.equal(flat.reason, 'constant series: no variation to score');
  assert.ok(
    flat.frame.fields[2].values.every((x: unknown) => x === null),
    'no scores for a constant series'
  );

  const holes = values
    .slice(0, 400)
    .map((v, i): number | string | null => (i === 10 ? null : i === 11 ? 'NaN' : i === 12 ? '+Inf' : v));
  const nan = await ask({ s: 'nan' }, timestamps.slice(0, 400), holes);
  assert.equal(nan.stream.skipped.nonFinite, 3);
  assert.match(nan.stream.notes.join('\n'), /3 NaN\/Inf sample\(s\) skipped/);
  assert.equal(nan.status, 'ok');

  const gapTs = timestamps.slice(0, 400).map((x, i) => x + (i >= 300 ? 20 * 300 : 0));
  const gap = await ask({ s: 'gap' }, gapTs, values.slice(0, 400));
  assert.equal(gap.stream.gaps.length, 1);
  assert.equal(gap.stream.gaps[0].steps, 21);
  assert.match(gap.stream.notes.join('\n'), /gap: 21 steps between/);

  const farTs = timestamps.slice(0, 400).map((x, i) => x + (i >= 350 ? 2000 * 300 : 0));
  const far = await ask({ s: 'far' }, farTs, values.slice(0, 400));
  assert.equal(far.stream.gaps[0].reset, true);
  assert.match(far.stream.notes.join('\n'), /detector reset after a gap of 2001 steps/);
  assert.equal(far.status, 'insufficient_data', 'the warm-up restarted after the reset');
  assert.equal(far.reason, 'insufficient data: 50 of 288 warm-up points');

  const jitterTs = timestamps.slice(0, 400).map((x, i) => x + (i % 4 === 1 ? 200 : 0));
  const jitter = await ask({ s: 'jitter' }, jitterTs, values.slice(0, 400));
  assert.match(jitter.stream.notes.join('\n'), /irregular timestamps: \d+ interval\(s\) differ from the 300 s step/);
});

test('malformed streaming requests are 400s naming the field', async (t) => {
  const { app } = await appWith(undefined);
  t.after(() => app.close());
  for (const [payload, field] of [
    [{ mode: 'stream', series: [{ timestamps: [1], values: [1] }] }, 'mode'],
    [{ mode: 'streaming', groupBy: 'service', series: [{ timestamps: [1], values: [1] }] }, 'groupBy'],
    [{ mode: 'streaming', series: [{ timestamps: [1, 1], values: [1, 2] }] }, 'series[0].timestamps'],
    [{ mode: 'streaming', query: 'x', start: 'now-1h' }, 'stepSeconds'],
  ] as const) {
    const bad = await post(app, payload);
    assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    assert.match(bad.json().message, new RegExp(field.replace(/[[\].]/g, '\\$&')), bad.body);
  }
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  const mode = doc.paths['/api/v1/anomalies'].post.requestBody.content['application/json'].schema.properties.mode;
  assert.match(
    mode.description,
    /streaming: the sidecar keeps each series' detector state between calls/,
    'documented in the OpenAPI'
  );
});

test('query mode: the first call rebuilds the state from history, a restarted sidecar resumes it from the store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-stream-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'aidpe.sqlite');
  const { timestamps, values } = shifted();
  const matrix = (upTo: number) => async () => ({
    resultType: 'matrix' as const,
    series: [
      {
        labels: { __name__: 'rps', service: 'a' },
        samples: timestamps.slice(0, upTo).map((ts, i): [number, number] => [ts, values[i]!]),
      },
    ],
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
  let s = res.json().series[0];
  assert.equal(s.stream.origin, 'rebuilt');
  assert.ok(s.stream.notes.includes('state rebuilt from 800 points of history'), s.stream.notes.join('\n'));
  assert.equal(s.frame.fields[0].values.length, 100, 'only the asked range is returned');
  await first.app.close();
  await store.close();

  // Restart: a new app on a new handle of the same store file.
  store = new SqliteStore(path);
  const second = await appWith(store);
  t.after(async () => {
    await second.app.close();
    await store.close();
  });
  second.telemetry.next = matrix(1100);
  res = await post(second.app, {
    mode: 'streaming',
    query: 'rps',
    start: timestamps[1000],
    end: timestamps[1099],
    stepSeconds: 300,
  });
  assert.equal(res.statusCode, 200, res.body);
  s = res.json().series[0];
  assert.equal(s.stream.origin, 'store');
  assert.ok(s.stream.notes.includes('state resumed from the store'));
  assert.equal(s.stream.skipped.alreadyScored, 900, 'nothing scored twice');
  assert.equal(s.stream.fed, 1100, 'no re-warm-up: the count continues');
  assert.equal(s.frame.fields[0].values[0], timestamps[1000]! * 1000);
  assert.equal(s.regions.length, 1, 'the shift at 1000 is found right after the restart');
  const batch = (
    await post(second.app, {
      series: [
        {
          labels: { __name__: 'rps', service: 'a' },
          timestamps: timestamps.slice(0, 1100),
          values: values.slice(0, 1100),
        },
      ],
    })
  ).json().series[0];
  assert.deepEqual(s.frame.fields[2].values, batch.frame.fields[2].values.slice(1000), 'scores as if never restarted');
  assert.equal(s.regions[0].id, batch.regions[0].id);

  // A stored state of another version is discarded with the reason, and rebuilt from history.
  await store.putDetectorStates([
    { key: 'api:300s:{__name__="rps",service="b"}', version: 1, state: {}, updatedAt: new Date(0).toISOString() },
  ]);
  second.telemetry.next = async () => ({
    resultType: 'matrix' as const,
    series: [
      {
        labels: { __name__: 'rps', service: 'b' },
        samples: timestamps.slice(0, 900).map((ts, i): [number, number] => [ts, values[i]!]),
      },
    ],
    warnings: [],
  });
  s = (
    await post(second.app, {
      mode: 'streaming',
      query: 'rps',
      start: timestamps[800],
      end: timestamps[899],
      stepSeconds: 300,
    })
  ).json().series[0];
  assert.equal(s.stream.origin, 'rebuilt');
  assert.match(s.stream.notes.join('\n'), /stored state discarded: stored state version 1, this sidecar uses \d+/);
  assert.ok(s.stream.notes.includes('state rebuilt from 800 points of history'));
});
