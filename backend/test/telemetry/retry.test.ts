import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, seededRandom, withRetry } from '../../src/telemetry/retry.ts';

describe('retry', () => {
  it('backoff doubles, is capped, and jitters within [d/2, d]', () => {
    const lo = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 };
    const hi = { ...lo, random: () => 0.999999 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((k) => backoffDelayMs(k, lo)),
      [50, 100, 200, 400, 500, 500]
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((k) => backoffDelayMs(k, hi)),
      [100, 200, 400, 800, 1000, 1000]
    );
  });

  it('seeded random is deterministic and in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      xs.slice(0, 10),
      Array.from({ length: 10 }, () => b())
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, seededRandom(43)));
  });

  it('retries only retryable errors, at most `retries` times', async () => {
    const sleeps: number[] = [];
    const base = {
      baseDelayMs: 10,
      maxDelayMs: 100,
      random: () => 0.5,
      sleep: async (ms: number) => void sleeps.push(ms),
    };
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new Error('transient');
        },
        { ...base, retries: 3, isRetryable: () => true }
      ),
      /transient/
    );
    assert.equal(calls, 4);
    assert.deepEqual(sleeps, [8, 15, 30]);

    calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new Error('fatal');
        },
        { ...base, retries: 3, isRetryable: () => false }
      ),
      /fatal/
    );
    assert.equal(calls, 1);

    assert.equal(
      await withRetry(async (attempt) => (attempt < 2 ? Promise.reject(new Error('x')) : attempt), {
        ...base,
        retries: 5,
        isRetryable: () => true,
      }),
      2
    );
  });
});
