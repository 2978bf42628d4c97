/**
 * Defect: heavy requests blocked everything — one ensemble anomaly request (45,000 points) held /health for
 * 28.8 s, and work went on after the client left. The engines now run in a worker pool: through a real listening
 * sidecar, /health answers while every worker is busy and more work is queued; a full queue is refused with 503
 * and Retry-After; clients that go away cancel their work; a task past its time limit is stopped and its worker
 * replaced. (Assertions are on what happens, not on timings of this machine; figures live in `npm run bench:load`.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';

/** An inline series the ensemble detector needs seconds for. */
function heavyAnomalyBody(points: number, seed: number, seriesCount = 1) {
  const timestamps = Array.from({ length: points }, (_, i) => 1_700_000_000 + 60 * i);
  const values = timestamps.map((_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 1440) + ((i * seed) % 13));
  const series = Array.from({ length: seriesCount }, (_, k) => ({ labels: { n: `${seed}-${k}` }, timestamps, values }));
  return JSON.stringify({ series });
}

async function sidecar(compute: { workers: number; maxQueued: number; timeoutMs: number }) {
  const config = loadConfig({
    env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1' },
    overrides: {
      logLevel: 'silent',
      'compute.workers': compute.workers,
      'compute.maxQueued': compute.maxQueued,
      'compute.timeoutMs': compute.timeoutMs,
    },
  });
  const app = await buildApp({ config, telemetry: new ScriptedTelemetry(), logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  /** The pool's counts as /metrics shows them. */
  const computeState = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const read = (name: string, label: string) =>
      Number(new RegExp(`${name}\\{${label}[^}]*\\} (\\d+)`).exec(text)?.[1] ?? NaN);
    return {
      busy: read('aidpe_compute_tasks', 'state="busy"'),
      queued: read('aidpe_compute_tasks', 'state="queued"'),
      refused: read('aidpe_compute_tasks_stopped', 'reason="refused"'),
      timedOut: read('aidpe_compute_tasks_stopped', 'reason="time_limit"'),
      cancelled: read('aidpe_compute_tasks_stopped', 'reason="cancelled"'),
    };
  };
  const waitFor = async (what: string, ok: (s: Awaited<ReturnType<typeof computeState>>) => boolean) => {
    for (let i = 0; i < 600; i++) {
      const s = await computeState();
      if (ok(s)) {
        return s;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await computeState())}`);
  };
  return { app, url, computeState, waitFor };
}

describe('heavy requests no longer block everything', () => {
  it('/health answers while the engines are saturated, a full queue gets 503 + Retry-After, leaving clients cancel', async () => {
    const s = await sidecar({ workers: 1, maxQueued: 2, timeoutMs: 120_000 });
    const clients = [1, 2, 3].map(() => new AbortController());
    try {
      // One running, two queued: the pool is saturated.
      const pending = clients.map((c, i) =>
        fetch(`${s.url}/api/v1/anomalies`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: heavyAnomalyBody(12_000, i + 1),
          signal: c.signal,
        }).catch((err: Error) => err)
      );
      await s.waitFor('one busy worker and two queued requests', (x) => x.busy === 1 && x.queued === 2);

      const health = await fetch(`${s.url}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.ok(((await health.json()) as { status: string }).status);
      const during = await s.computeState();
      assert.equal(during.busy, 1, 'the engine was still working when /health answered');
      assert.equal(during.queued, 2, 'and requests were still queued');

      const refused = await fetch(`${s.url}/api/v1/anomalies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: heavyAnomalyBody(2_000, 9),
      });
      assert.equal(refused.status, 503);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1, 'Retry-After says when to come back');
      assert.match(((await refused.json()) as { message: string }).message, /^compute: the sidecar is busy/);

      // The clients give up: their work is dropped (queued) or stopped (running), not finished for nobody.
      for (const c of clients) {
        c.abort();
      }
      const after = await s.waitFor('the cancelled work to be gone', (x) => x.busy === 0 && x.queued === 0);
      assert.equal(after.cancelled, 3, 'all three requests were cancelled');
      await Promise.all(pending);
    } finally {
      await s.app.close();
    }
  });

  it('a task past its time limit is stopped (503 naming the limit) and the next request gets a fresh worker', async () => {
    // The smallest limit the configuration allows and 200,000 points (10 series): several times the limit on any
    // machine, so this does not depend on the detector's speed.
    const s = await sidecar({ workers: 1, maxQueued: 4, timeoutMs: 100 });
    try {
      const slow = await fetch(`${s.url}/api/v1/anomalies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: heavyAnomalyBody(20_000, 1, 10),
      });
      assert.equal(slow.status, 503);
      const body = (await slow.json()) as { error: string; message: string };
      assert.equal(body.error, 'time_limit');
      assert.match(body.message, /needed more than 100 ms of computation and was stopped; narrow it/);
      assert.equal((await s.computeState()).timedOut, 1);
      const small = await fetch(`${s.url}/api/v1/anomalies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          series: [{ timestamps: [1, 2, 3, 4], values: [1, 2, 3, 4] }],
        }),
      });
      assert.equal(small.status, 200, await small.text());
    } finally {
      await s.app.close();
    }
  });
});
