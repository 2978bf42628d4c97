import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NAB_PROFILES,
  normalise,
  optimizeThreshold,
  probationaryLength,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
  sweepRows,
  type NabFile,
} from '../../src/eval/nab/scorer.ts';

const std = NAB_PROFILES['standard']!;
const fnProfile = NAB_PROFILES['reward_low_FN_rate']!;
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

/** 100 rows (probation = min(floor(15), 750) = 15 rows), one window at rows 50..59 (width 10). */
function file(detections: number[], n = 100, windows = [{ start: 50, end: 59 }]): NabFile {
  const scores = new Float64Array(n);
  for (const d of detections) {
    scores[d] = 1;
  }
  return { name: 'f.csv', category: 'c', scores, windows };
}

test('probationary period is min(floor(0.15 n), 750)', () => {
  assert.equal(probationaryLength(100), 15);
  assert.equal(probationaryLength(4032), 604);
  assert.equal(probationaryLength(22695), 750);
});

test('scaledSigmoid: 2·sigmoid(−5y) − 1, −1 beyond y = 3', () => {
  close(scaledSigmoid(-1), 2 * sig(5) - 1); // ≈ 0.98661
  close(scaledSigmoid(0), 0);
  assert.equal(scaledSigmoid(3.5), -1);
  assert.equal(scaledSigmoid(3), -1); // NAB: `>= 3.0` → −1
});

test('a single window hit at its first row is perfect (score 100)', () => {
  // y = −(59 − 50 + 1)/10 = −1 → 2σ(5) − 1 ≈ 0.986614, divided by maxTP (the same) → 1; perfect = 1·tpWeight; null = −1.
  const s = scoreFile(file([50]), std, 0.5);
  close(s.raw, 1);
  close(s.perfect, 1);
  assert.equal(s.nullScore, -1);
  close(normalise(s.raw, s.nullScore, s.perfect)!, 100);
  assert.deepEqual([s.tp, s.fp, s.fn], [1, 0, 1 - 1]);
});

test('a hit at the last row of the window scores 2σ(5/w) − 1 (NAB: y = −1/w there, not 0)', () => {
  // y = −(59 − 59 + 1)/10 = −0.1 → (2σ(0.5) − 1)/(2σ(5) − 1) ≈ 0.244919/0.986614 ≈ 0.248242: small but positive.
  const s = scoreFile(file([59]), std, 0.5);
  close(s.raw, (2 * sig(0.5) - 1) / (2 * sig(5) - 1));
  assert.ok(s.raw > 0 && s.raw < 0.25);
});

test('only the first detection in a window counts', () => {
  // Rows 52 and 55: first is 52, y = −8/10 → (2σ(4) − 1)/maxTP ≈ 0.964028/0.986614 ≈ 0.977107; row 55 adds nothing.
  const s = scoreFile(file([52, 55]), std, 0.5);
  close(s.raw, (2 * sig(4) - 1) / (2 * sig(5) - 1));
  assert.equal(s.tp, 1);
  assert.equal(s.fp, 0);
});

test('an FP right after a window costs less than one far away; none before any window costs −fp', () => {
  // Row 60: y = |59 − 60|/(10 − 1) = 1/9 → 2σ(−5/9) − 1 ≈ −0.27080, × 0.11; plus the missed window −1.
  const near = scoreFile(file([60]), std, 0.5);
  close(near.raw, -1 + 0.11 * (2 * sig(-5 / 9) - 1));
  // Row 95: y = 36/9 = 4 > 3 → −1 × 0.11.
  const far = scoreFile(file([95]), std, 0.5);
  close(far.raw, -1 - 0.11);
  assert.ok(near.raw > far.raw);
  // Row 20 (after probation, before the window): no preceding window → −1 × 0.11.
  close(scoreFile(file([20]), std, 0.5).raw, -1 - 0.11);
});

test('a missed window costs −fnWeight', () => {
  assert.equal(scoreFile(file([]), std, 0.5).raw, -1);
  assert.equal(scoreFile(file([]), fnProfile, 0.5).raw, -2);
});

test('detections in the probationary period are ignored; windows wholly inside it are not scored', () => {
  // Row 10 < 15: ignored, so only the missed window counts.
  assert.equal(scoreFile(file([10]), std, 0.5).raw, -1);
  const inside = scoreFile(file([], 100, [{ start: 5, end: 12 }]), std, 0.5);
  assert.equal(inside.windows, 0);
  assert.equal(inside.raw, 0);
  // Sweep rows still follow the window: row 13 is just after it (y = 1/7).
  close(sweepRows(100, [{ start: 5, end: 12 }]).sweep[13]!, 2 * sig(-5 / 7) - 1);
});

test('normalisation: null detector → 0, perfect detector → 100 over a corpus', () => {
  const files = [
    file([]),
    {
      ...file([]),
      name: 'g.csv',
      category: 'd',
      windows: [
        { start: 30, end: 39 },
        { start: 70, end: 79 },
      ],
    },
  ];
  const nul = scoreCorpus(files, std, 0.5);
  assert.equal(nul.score, 0);
  assert.equal(nul.raw, -3);
  const perfect = scoreCorpus(
    [
      file([50]),
      {
        ...file([30, 70]),
        name: 'g.csv',
        category: 'd',
        windows: [
          { start: 30, end: 39 },
          { start: 70, end: 79 },
        ],
      },
    ],
    std,
    0.5
  );
  close(perfect.score!, 100);
  close(perfect.perCategory['d']!.score!, 100);
  assert.equal(perfect.perCategory['c']!.windows, 1);
});

test('threshold sweep picks the threshold that maximises the raw score', () => {
  // Row 50 (window start) scores 0.9, row 95 (far FP) 0.95, everything else 0.5.
  //  t > 0.95: −1 (miss); t = 0.95: −1 − 0.11; t = 0.9: 1 − 0.11 = 0.89; t = 0.5: ~80 FPs → worse.
  const scores = new Float64Array(100).fill(0.5);
  scores[50] = 0.9;
  scores[95] = 0.95;
  const f: NabFile = { name: 'f.csv', category: 'c', scores, windows: [{ start: 50, end: 59 }] };
  const best = optimizeThreshold([f], std);
  assert.equal(best.threshold, 0.9);
  close(best.raw, 1 - 0.11);
  const corpus = scoreCorpus([f], std);
  assert.equal(corpus.threshold, 0.9);
  close(corpus.raw, best.raw);
  // The null detector: never firing is optimal, threshold above every score.
  const nul = optimizeThreshold([{ ...f, scores: new Float64Array(100) }], std);
  assert.equal(nul.raw, -1);
  assert.ok(nul.threshold > 0);
});

test('overlapping or out-of-range windows are rejected', () => {
  assert.throws(
    () =>
      sweepRows(10, [
        { start: 2, end: 5 },
        { start: 5, end: 7 },
      ]),
    /overlap/
  );
  assert.throws(() => sweepRows(10, [{ start: 2, end: 12 }]), /not a valid row range/);
});

test('NAB normalisation by hand: perfect = tpWeight × windows; a hit at mid-window and one far FP', () => {
  // Window [50, 59], hit at row 55: y = −(59 − 55 + 1)/10 = −0.5 → (2σ(2.5) − 1)/maxTP ≈ 0.848284/0.986614 ≈ 0.859794.
  // FP at row 95 (y = 36/9 ≥ 3): −0.11. raw ≈ 0.749794; null = −1; perfect = 1 → score = 100·1.749794/2 ≈ 87.49.
  const s = scoreCorpus([file([55, 95])], std, 0.5);
  const raw = (2 * sig(2.5) - 1) / (2 * sig(5) - 1) - 0.11;
  close(s.raw, raw);
  close(s.perfect, 1);
  close(s.score!, (100 * (raw + 1)) / 2);
  // reward_low_FN_rate: null = −2, perfect = 1 → 100·(raw + 2)/3.
  close(scoreCorpus([file([55, 95])], fnProfile, 0.5).score!, (100 * (raw + 2)) / 3);
});
