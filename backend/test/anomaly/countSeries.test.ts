import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anscombe, classifySeries, valueResolution } from '../../src/engines/anomaly/countSeries.ts';
import { runResidualLikelihood } from '../../src/engines/anomaly/detectors/residualLikelihood.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

/** Poisson draws by inversion (small rates) from a seeded uniform. */
function poisson(rate: number, u: () => number): number {
  let k = 0;
  let p = Math.exp(-rate);
  let cdf = p;
  const x = u();
  while (x > cdf && k < 10_000) {
    k++;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

/** Event counts per 5 minutes whose rate follows a daily cycle between 2 and 60. */
function counts(n: number, seed: number): { t: number[]; v: number[] } {
  const u = seededRandom(seed);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(1.7e12 + i * 300_000);
    v.push(poisson(31 + 29 * Math.sin((2 * Math.PI * i) / 288), u));
  }
  return { t, v };
}

test('event counts are recognised; integer byte totals, level switches and real numbers are not', () => {
  const { v } = counts(288, 1);
  const k = classifySeries(v);
  assert.equal(k.count, true);
  assert.ok(k.dispersion > 0.5 && k.dispersion < 2, `Poisson dispersion ≈ 1, got ${k.dispersion}`);
  assert.equal(classifySeries(v.map((x) => x * 1_000_000)).count, false, 'bytes: dispersion in the millions');
  assert.equal(
    classifySeries(v.map((_, i) => (Math.floor(i / 144) % 2 ? 80 : 20))).count,
    false,
    'a square wave of integers has almost no local variance'
  );
  assert.equal(classifySeries(v.map((x) => x + 0.5)).count, false, 'not integers');
  assert.equal(classifySeries([1, 2, 3]).count, false, 'too few points to say');
  assert.ok(Math.abs(valueResolution([0.066, 0.134, 0.2, 0.134]) - 0.066) < 1e-12);
  assert.equal(valueResolution([5, 5, 5]), Infinity);
  assert.ok(Math.abs(anscombe(0) - 2 * Math.sqrt(0.375)) < 1e-12);
});

test('count-aware residual likelihood: fewer false alarms on busy hours of pure counts, a burst at a quiet hour still found', () => {
  const { t, v } = counts(4000, 2);
  const burstAt = 3000 + 288 - ((3000 + 288) % 288) + 216; // a quiet phase of the cycle (sin ≈ −1)
  const quietRate = 31 + 29 * Math.sin((2 * Math.PI * burstAt) / 288);
  assert.ok(quietRate < 5);
  const withBurst = [...v];
  for (let i = burstAt; i < burstAt + 6; i++) {
    withBurst[i] = 45;
  }
  // The raw residual score (tail surprise scaled to [0, 1]; 0.3 is a tail probability of about 1e−3).
  const plain = runResidualLikelihood(t, v, { combine: 'raw' });
  const aware = runResidualLikelihood(t, v, { combine: 'raw', countAware: true });
  const alarms = (s: Float64Array) => s.slice(600).filter((x) => x >= 0.3).length;
  assert.ok(
    alarms(aware) < alarms(plain),
    `count-aware ${alarms(aware)} alarms vs ${alarms(plain)} on counts with no anomaly`
  );
  const found = runResidualLikelihood(t, withBurst, { combine: 'raw', countAware: true });
  assert.ok(
    found.slice(burstAt, burstAt + 6).some((x) => x >= 0.9),
    'a burst of 45 where about 2 are expected is found'
  );
});
