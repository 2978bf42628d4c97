/**
 * Defect: the streaming detector states grew without bound (≈ 7.5 KB per new label set, no expiry). They now
 * expire — a memory cap (least recently used out), a TTL in memory and in the store — and /metrics counts them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { StreamingStates } from '../../src/watch/streamingStates.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';

const HOUR = 3600_000;
const samples = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => [(from + i) * 60_000, Math.sin(from + i)] as const);

test('streaming states grow without bound no more: the memory cap evicts the least recently used, counted', async () => {
  let now = 0;
  const states = new StreamingStates(undefined, { maxSeries: 3, now: () => now });
  for (let i = 0; i < 10; i++) {
    now += 1000;
    (await states.acquire(`k${i}`, `{k="${i}"}`, 60_000)).series.push(samples(0, 5), 0.99);
  }
  assert.deepEqual(states.stats(), { live: 3, evicted: 7, expired: 0, purged: 0 });
});

test('streaming states unused for the TTL expire from memory and from the store', async () => {
  const store = new SqliteStore(':memory:');
  try {
    let now = Date.UTC(2025, 0, 1);
    const states = new StreamingStates(store, { ttlMs: 24 * HOUR, now: () => now });
    for (const key of ['old', 'kept']) {
      (await states.acquire(key, `{k="${key}"}`, 60_000)).series.push(samples(0, 20), 0.99);
      states.touch(key);
    }
    await states.persist(new Date(now));
    now += 20 * HOUR;
    (await states.acquire('kept', '{k="kept"}', 60_000)).series.push(samples(20, 5), 0.99);
    states.touch('kept');
    await states.persist(new Date(now));
    now += 10 * HOUR; // 'old' unused for 30 h, 'kept' for 10 h
    const s = states.stats();
    assert.equal(s.live, 1);
    assert.equal(s.expired, 1);
    await states.persist(new Date(now));
    assert.equal(states.stats().purged, 1, 'the stored state of the old series is deleted');
    assert.equal(await store.getDetectorState('old'), undefined);
    assert.ok(await store.getDetectorState('kept'));
    const back = await states.acquire('old', '{k="old"}', 60_000);
    assert.equal(back.origin, 'new', 'an expired series starts over');
  } finally {
    await store.close();
  }
});

test('/metrics shows the streaming states held and dropped per owner', async () => {
  const config = loadConfig({
    env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1' },
    overrides: { logLevel: 'silent' },
  });
  const telemetry = new ScriptedTelemetry();
  telemetry.next = async () => ({
    resultType: 'matrix',
    series: [{ labels: { job: 'a' }, samples: samples(0, 50).map(([t, v]) => [t / 1000, v] as [number, number]) }],
    warnings: [],
  });
  const app = await buildApp({ config, telemetry, logger: false });
  try {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/anomalies',
      payload: { query: 'up', start: 0, end: 3000, stepSeconds: 60, mode: 'streaming' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(text, /aidpe_streaming_states\{owner="api",app="aidpe-sidecar"\} 1/);
    assert.match(text, /aidpe_streaming_states_dropped\{owner="api",reason="ttl",app="aidpe-sidecar"\} 0/);
  } finally {
    await app.close();
  }
});
