import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPcaDetector, symmetricEigen } from '../../src/engines/anomaly/detectors/pca.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

test('Jacobi eigen-decomposition recovers a known spectrum', () => {
  const { values, vectors } = symmetricEigen([
    [2, 1],
    [1, 2],
  ]);
  assert.ok(Math.abs(values[0]! - 3) < 1e-9 && Math.abs(values[1]! - 1) < 1e-9);
  assert.ok(Math.abs(Math.abs(vectors[0]![0]!) - Math.SQRT1_2) < 1e-9);
});

/** rps with a daily cycle; cpu and latency follow it; from `breakAt` cpu rises while rps stays normal. */
function metrics(n: number, breakAt: number): number[][] {
  const u = seededRandom(9);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const rps = 100 + 50 * Math.sin((2 * Math.PI * i) / 288) + 3 * (u() - 0.5);
    const cpu = 0.004 * rps + 0.02 * (u() - 0.5) + (i >= breakAt ? 0.15 : 0);
    const latency = 0.05 + 0.0002 * rps + 0.002 * (u() - 0.5);
    const errors = 0.001 + 0.0005 * u();
    rows.push([rps, cpu, latency, errors]);
  }
  return rows;
}

test('PCA reconstruction error flags a broken relation between metrics and names the metric that moved', () => {
  const rows = metrics(1500, 1200);
  const det = createPcaDetector(4);
  const out = rows.map((r) => det.update(r));
  assert.ok(det.components() >= 1 && det.components() < 4);
  const quiet = Math.max(...out.slice(400, 1200).map((s) => s.score));
  assert.ok(quiet < 0.9, `largest score on the healthy stretch ${quiet}`);
  const hit = out.slice(1200, 1210).find((s) => s.score > 0.99);
  assert.ok(
    hit,
    `no high score in the 10 points after the break: ${out.slice(1200, 1210).map((s) => s.score.toFixed(3))}`
  );
  const top = hit.contributions.indexOf(Math.max(...hit.contributions));
  assert.equal(top, 1, `cpu should contribute most: ${hit.contributions.map((c) => c.toFixed(2))}`);
  assert.equal(out[100]!.score, 0, 'warm-up');
  assert.ok(det.stateSize() < 5000, 'bounded state');
});

test('PCA scores have no look-ahead', () => {
  const a = metrics(900, 10_000);
  const b = metrics(900, 850);
  const da = createPcaDetector(4);
  const db = createPcaDetector(4);
  const sa = a.map((r) => da.update(r).score);
  const sb = b.map((r) => db.update(r).score);
  assert.deepEqual(sa.slice(0, 850), sb.slice(0, 850));
});
