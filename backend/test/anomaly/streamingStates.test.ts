/** The sidecar's per-series state cache: bounded memory backed by the store, and a failing store read said out loud. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamingStates } from '../../src/watch/streamingStates.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';

const samples = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => [(from + i) * 60_000, Math.sin(from + i)] as const);

test('states beyond the memory cap are evicted once persisted and come back from the store, not from scratch', async () => {
  const store = new SqliteStore(':memory:');
  try {
    const states = new StreamingStates(store, { maxSeries: 2 });
    for (const key of ['a', 'b', 'c']) {
      const { series, origin } = await states.acquire(key, `{k="${key}"}`, 60_000);
      assert.equal(origin, 'new');
      series.push(samples(0, 50), 0.99);
      states.touch(key);
      assert.equal(await states.persist(new Date(0)), 1);
    }
    assert.equal(states.size, 2, 'bounded');
    const again = await states.acquire('a', '{k="a"}', 60_000);
    assert.equal(again.origin, 'store');
    assert.equal(again.series.fed, 50);
    assert.equal(again.series.push(samples(0, 60), 0.99).skippedStale, 50);
    assert.equal((await states.acquire('c', '{k="c"}', 60_000)).origin, 'memory');
  } finally {
    await store.close();
  }
});

test('a store that cannot be read gives a new state with the reason, and without a store states live in memory', async () => {
  const broken = { getDetectorState: async () => Promise.reject(new Error('disk gone')) } as unknown as Store;
  const acquired = await new StreamingStates(broken).acquire('x', '{k="x"}', 60_000);
  assert.equal(acquired.origin, 'new');
  assert.match(acquired.discarded ?? '', /the store could not be read \(disk gone\)/);
  const memoryOnly = new StreamingStates(undefined);
  (await memoryOnly.acquire('y', '{k="y"}', undefined)).series.push(samples(0, 5), 0.99);
  memoryOnly.touch('y');
  assert.equal(await memoryOnly.persist(new Date(0)), 0);
  assert.equal((await memoryOnly.acquire('y', '{k="y"}', undefined)).series.fed, 5);
});
