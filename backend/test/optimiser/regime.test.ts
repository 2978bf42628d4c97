import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileOf, RegimeMonitor } from '../../src/engines/optimiser/regime.ts';
import type { RateForecast } from '../../src/engines/optimiser/types.ts';
import { Rng } from '../../src/sim/random.ts';

const T0 = Date.UTC(2025, 0, 6, 10, 0, 0);
const MIN = 60_000;

/** A one-step-ahead forecast made at `t` (1-minute grid) with p50 and p90 = p50 × spread. */
function forecastAt(t: number, p50: number, spread = 1.2): RateForecast {
  return { stepSeconds: 60, generatedAtMs: t, p50: [p50, p50], p90: [p50 * spread, p50 * spread], p10: [p50 / spread] };
}

/** Feeds one forecast per minute and the realised load every 15 s. */
function feed(
  m: RegimeMonitor,
  minutes: number,
  load: (minute: number) => number,
  predicted: (minute: number) => number,
  start = 0
): void {
  for (let i = start; i < start + minutes; i++) {
    const t = T0 + i * MIN;
    m.observe(t, load(i), forecastAt(t, predicted(i)));
    for (let q = 1; q < 4; q++) {
      m.observe(t + q * 15_000, load(i));
    }
  }
}

test('quantileOf interpolates', () => {
  assert.equal(quantileOf([3, 1, 2], 0.5), 2);
  assert.equal(quantileOf([0, 10], 0.25), 2.5);
  assert.ok(Number.isNaN(quantileOf([], 0.5)));
});

test('a well-calibrated forecast is reliable, calm, and its ratio quantiles match the noise', () => {
  const rng = new Rng(1);
  const m = new RegimeMonitor();
  const noise = new Map<number, number>();
  const load = (i: number): number => {
    if (!noise.has(i)) {
      noise.set(i, 100 * Math.exp(rng.normal(0, 0.05)));
    }
    return noise.get(i)!;
  };
  feed(m, 90, load, () => 100);
  const a = m.assess(T0 + 90 * MIN);
  assert.equal(a.reliable, true, a.reasons.join('; '));
  assert.equal(a.risk, 'calm');
  assert.ok(a.exceedance! < 0.1, `exceedance ${a.exceedance}`);
  const q90 = m.ratioQuantile(0.9)!;
  assert.ok(q90 > 1.02 && q90 < 1.15, `ratio q90 ${q90}`);
});

test('a level shift the forecast does not follow is a change point: unreliable, elevated risk, calibration restarts', () => {
  const rng = new Rng(2);
  const m = new RegimeMonitor();
  const load = (i: number): number => (i < 60 ? 100 : 250) * Math.exp(rng.normal(0, 0.03));
  feed(m, 60, load, () => 100);
  assert.equal(m.assess(T0 + 60 * MIN).reliable, true);
  feed(m, 10, load, () => 100, 60);
  const a = m.assess(T0 + 70 * MIN);
  assert.equal(a.reliable, false);
  assert.equal(a.risk, 'elevated');
  assert.ok(a.lastChangeMs !== undefined && a.lastChangeMs <= T0 + 66 * MIN, 'detected within a few minutes');
  assert.ok(a.reasons.some((r) => /change point/.test(r)));
  assert.ok(a.judgements <= 12, 'the calibration window restarted at the change');
  // Long after the change, with a forecast that caught up, it is trusted again.
  feed(m, 60, load, () => 250, 70);
  assert.equal(m.assess(T0 + 130 * MIN + 31 * MIN).reliable, true);
});

test('a shift of the errors within the band the forecast declared is no change point', () => {
  const load = (i: number): number => (i < 40 ? 100 : 107) * (1 + 0.002 * (i % 3));
  // p90 = p50 × 1.2: a 7% shift is about half the declared spread.
  const wide = new RegimeMonitor();
  feed(wide, 70, load, () => 100, 0);
  assert.equal(wide.assess(T0 + 70 * MIN).lastChangeMs, undefined);
  // The same shift against a forecast that claimed ±0.5% is one.
  const narrow = new RegimeMonitor();
  for (let i = 0; i < 70; i++) {
    const t = T0 + i * MIN;
    narrow.observe(t, load(i), forecastAt(t, 100, 1.005));
    for (let q = 1; q < 4; q++) {
      narrow.observe(t + q * 15_000, load(i));
    }
  }
  assert.ok(narrow.assess(T0 + 70 * MIN).lastChangeMs !== undefined);
});

test('bursts: recurring bursts make the forecast unreliable, one raises the risk; recentPeak sees them', () => {
  const m = new RegimeMonitor();
  const load = (i: number): number => (i === 40 || i === 50 ? 600 : 100 + (i % 3));
  feed(m, 45, load, () => 100);
  let a = m.assess(T0 + 45 * MIN);
  assert.ok(a.lastBurstMs !== undefined);
  assert.equal(a.risk, 'elevated');
  feed(m, 10, load, () => 100, 45);
  a = m.assess(T0 + 55 * MIN);
  assert.equal(a.reliable, false);
  assert.ok(
    a.reasons.some((r) => /2 bursts/.test(r)),
    a.reasons.join('; ')
  );
  assert.equal(m.recentPeak(T0 + 55 * MIN, 600), 600);
  assert.ok(m.recentPeak(T0 + 55 * MIN, 60) < 200);
});

test('bursts the forecast foresaw (below its p90) do not count against it', () => {
  const m = new RegimeMonitor();
  const load = (i: number): number => (i === 40 || i === 50 ? 600 : 100 + (i % 3));
  // The forecast made the minute before each spike expected it (p50 550, p90 660).
  feed(m, 60, load, (i) => (i === 39 || i === 49 ? 550 : 100));
  const a = m.assess(T0 + 55 * MIN);
  assert.equal(m.foreseenBursts, 2);
  assert.equal(a.lastBurstMs, undefined);
  assert.ok(!a.reasons.some((r) => /bursts/.test(r)), a.reasons.join('; '));
  // The same spikes above the p90 of the forecast in force count as before.
  const unforeseen = new RegimeMonitor();
  feed(unforeseen, 60, load, (i) => (i === 39 || i === 49 ? 400 : 100));
  assert.equal(unforeseen.foreseenBursts, 0);
  assert.ok(unforeseen.assess(T0 + 55 * MIN).reasons.some((r) => /2 bursts/.test(r)));
});

test('a forecast that keeps missing its p90 is unreliable', () => {
  const m = new RegimeMonitor({ cusumThreshold: 1e9 });
  feed(
    m,
    60,
    (i) => 100 + (i % 2) * 60,
    () => 100,
    0
  );
  const a = m.assess(T0 + 60 * MIN);
  assert.equal(a.reliable, false);
  assert.ok(
    a.reasons.some((r) => /exceeded the p90/.test(r)),
    a.reasons.join('; ')
  );
});
