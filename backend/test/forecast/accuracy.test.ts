/** Pure forecast-accuracy scoring and drift: a hand-computed score, drift on a regime change, no drift on a stable series. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregatePoints,
  assessDrift,
  cardReference,
  firstSpanReference,
  inSampleScale,
  scoreForecast,
  type AccuracyPoint,
} from '../../src/engines/forecast/accuracy.ts';
import { Rng } from '../../src/sim/random.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≠ ${b}`);

test('inSampleScale is the mean absolute one-step change, skipping gaps', () => {
  close(inSampleScale([1, 3, 2, 2]), (2 + 1 + 0) / 3);
  close(inSampleScale([1, Number.NaN, 4, 6]), 2); // only the pair (4, 6)
  assert.ok(Number.isNaN(inSampleScale([5])));
});

test('scoreForecast: hand-computed scaled MAE, coverage, wQL and scaled pinball', () => {
  const f = {
    timestamps: [60, 120, 180, 240],
    p10: [8, 8, 8, 8],
    p50: [10, 10, 10, 10],
    p90: [12, 12, 12, 12],
    scale: 2,
  };
  const actual = new Map([
    [60, 10],
    [120, 11],
    [180, 14],
    [240, 9],
  ]);
  const s = scoreForecast(f, (t) => actual.get(t))!;
  // |err| of the median: 0, 1, 4, 1 → MAE 1.5 → / scale 2 = 0.75.
  close(s.mase, 0.75);
  // 14 is outside [8, 12]; the others are inside.
  close(s.coverage80, 0.75);
  // Pinball per step (q=0.1, 0.5, 0.9):
  //   y=10: 0.2 + 0 + 0.2 = 0.4;  y=11: 0.3 + 0.5 + 0.1 = 0.9;  y=14: 0.6 + 2 + 1.8 = 4.4;  y=9: 0.1 + 0.5 + 0.3 = 0.9.
  const pinSum = 0.4 + 0.9 + 4.4 + 0.9;
  close(s.wql!, (2 * pinSum) / 3 / (10 + 11 + 14 + 9));
  close(s.scaledPinball, pinSum / 3 / 4 / 2);
  assert.equal(s.points, 4);
});

test('scoreForecast refuses a forecast most of whose actuals are missing', () => {
  const f = {
    timestamps: [60, 120, 180, 240, 300],
    p10: [0, 0, 0, 0, 0],
    p50: [1, 1, 1, 1, 1],
    p90: [2, 2, 2, 2, 2],
    scale: 1,
  };
  assert.equal(
    scoreForecast(f, (t) => (t <= 180 ? 1 : undefined)),
    undefined
  );
  assert.ok(scoreForecast(f, (t) => (t <= 240 ? 1 : undefined)));
});

const HOUR = 3_600_000;
/** One point every 5 minutes over `hours`, error around `level` with ±10% seeded noise. */
function errors(fromMs: number, hours: number, level: (t: number) => number, seed: number): AccuracyPoint[] {
  const rng = new Rng(seed);
  const out: AccuracyPoint[] = [];
  for (let t = fromMs; t < fromMs + hours * HOUR; t += 5 * 60_000) {
    out.push({ t, backtestMase: level(t) * (0.9 + 0.2 * rng.next()) });
  }
  return out;
}

test('drift: errors ×3 after a regime change are flagged with the numbers in the reason; a stable series is not', () => {
  const start = Date.UTC(2025, 0, 1);
  const change = start + 30 * HOUR;
  const shifted = errors(start, 33, (t) => (t >= change ? 3 : 1), 7);
  const first = firstSpanReference(shifted, 'backtestMase', 24 * HOUR)!;
  assert.equal(first.complete, true);
  assert.ok(first.reference.value > 0.9 && first.reference.value < 1.1);
  const nowMs = start + 33 * HOUR - 1;
  const drifted = assessDrift(shifted, {
    metric: 'backtestMase',
    reference: first.reference,
    nowMs,
    windowMs: 2 * HOUR,
  });
  assert.equal(drifted.drift, true);
  assert.equal(drifted.status, 'drift');
  assert.ok(drifted.ratio! > 2.5 && drifted.ratio! < 3.5, String(drifted.ratio));
  // The numbers behind the judgement are in the reason.
  assert.ok(drifted.reason.includes(`rolling median backtestMase ${drifted.rolling!.toPrecision(3)}`), drifted.reason);
  assert.ok(
    drifted.reason.includes(
      `${drifted.ratio!.toPrecision(3)}× the reference ${first.reference.value.toPrecision(3)} from own first day median`
    ),
    drifted.reason
  );
  assert.match(drifted.reason, /above 1\.5×: drift/);

  const stable = errors(start, 33, () => 1, 8);
  const ref = firstSpanReference(stable, 'backtestMase', 24 * HOUR)!.reference;
  const ok = assessDrift(stable, { metric: 'backtestMase', reference: ref, nowMs, windowMs: 2 * HOUR });
  assert.equal(ok.drift, false);
  assert.equal(ok.status, 'ok');
  assert.match(ok.reason, /within 1\.5×/);
});

test('coverage drift when the realised 80% coverage in the window falls below 0.65', () => {
  const t0 = Date.UTC(2025, 0, 1);
  const points: AccuracyPoint[] = [0.5, 0.6, 0.55, 0.7].map((c, i) => ({
    t: t0 + i * 300_000,
    realisedMase: 1,
    coverage80: c,
  }));
  const a = assessDrift(points, {
    metric: 'realisedMase',
    reference: { value: 1, source: 'test' },
    nowMs: t0 + HOUR,
    windowMs: 2 * HOUR,
  });
  assert.equal(a.drift, false);
  assert.equal(a.coverageDrift, true);
  close(a.rollingCoverage80!, (0.5 + 0.6 + 0.55 + 0.7) / 4);
  assert.match(a.reason, /coverage 59% over 4 forecasts is below 65%: coverage drift/);
  const good = assessDrift(
    points.map((p) => ({ ...p, coverage80: 0.8 })),
    { metric: 'realisedMase', reference: undefined, nowMs: t0 + HOUR, windowMs: 2 * HOUR }
  );
  assert.equal(good.coverageDrift, false);
});

test('too few points in the window: insufficient, not drift', () => {
  const a = assessDrift([{ t: 1, backtestMase: 9 }], {
    metric: 'backtestMase',
    reference: { value: 1, source: 'x' },
    nowMs: 2,
    windowMs: HOUR,
  });
  assert.equal(a.status, 'insufficient');
  assert.equal(a.drift, false);
  assert.match(a.reason, /1 backtestMase point\(s\)/);
});

test('cardReference reads mae / naiveMae from the preferred source, else the mean of the real-data sources', () => {
  const validation = {
    sim: { mae: 0.6, naiveMae: 1.2 },
    nab: { mae: 1, naiveMae: 2 },
    azure: { mae: 1.5, naiveMae: 2 },
    synthetic: { mae: 5, naiveMae: 1 },
  };
  const sim = cardReference(validation, 'sim')!;
  close(sim.value, 0.5);
  assert.match(sim.source, /sim validation/);
  const mean = cardReference(validation, 'prometheus')!;
  close(mean.value, (0.5 + 0.5 + 0.75) / 3);
  assert.equal(cardReference({ nab: { mae: 1 } }, 'nab'), undefined);
});

test('aggregatePoints: median error across series per time, mean coverage', () => {
  const agg = aggregatePoints([
    [{ t: 1, backtestMase: 1, coverage80: 1 }],
    [
      { t: 1, backtestMase: 5, coverage80: 0.5 },
      { t: 2, backtestMase: 2 },
    ],
    [{ t: 1, backtestMase: 2 }],
  ]);
  assert.deepEqual(agg, [
    { t: 1, backtestMase: 2, coverage80: 0.75 },
    { t: 2, backtestMase: 2 },
  ]);
});
