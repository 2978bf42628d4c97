import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runForecastResidual } from '../../src/engines/anomaly/detectors/forecastResidual.ts';
import { STATISTICAL_CANDIDATES } from '../../src/engines/forecast/candidates.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

function series(n: number, shiftAt: number): { t: number[]; v: number[] } {
  const u = seededRandom(5);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(1.7e12 + i * 300_000);
    v.push(100 + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * (u() - 0.5) + (i >= shiftAt ? 40 : 0));
  }
  return { t, v };
}

test('forecast-residual scores jump at a level shift the forecast band did not expect, and not before', async () => {
  const { t, v } = series(900, 800);
  const { residual, combined } = await runForecastResidual(t, v, STATISTICAL_CANDIDATES);
  assert.ok(residual[800]! > 0.9, `score at the shift ${residual[800]}`);
  const before = Math.max(...residual.slice(500, 800));
  assert.ok(before < 0.5, `largest score before the shift ${before}`);
  assert.ok(combined[800]! >= 0.5 * residual[800]!);
  assert.equal(residual[100], 0, 'nothing during warm-up');
});

test('forecast-residual scoring has no look-ahead: changing the future leaves past scores alone', async () => {
  const a = series(700, 10_000);
  const b = series(700, 650);
  const ra = await runForecastResidual(a.t, a.v, STATISTICAL_CANDIDATES);
  const rb = await runForecastResidual(b.t, b.v, STATISTICAL_CANDIDATES);
  assert.deepEqual(Array.from(ra.combined.slice(0, 650)), Array.from(rb.combined.slice(0, 650)));
  assert.notDeepEqual(Array.from(ra.combined.slice(650)), Array.from(rb.combined.slice(650)));
});
