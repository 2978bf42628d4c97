import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaveOneCategoryOut, type LocoFile } from '../../src/eval/nab/loco.ts';
import { NAB_PROFILES, optimizeThreshold, scoreCorpus } from '../../src/eval/nab/scorer.ts';
import { tsbadPeriod, vusPr } from '../../src/eval/nab/metrics.ts';
import { seededRandom } from '../../src/telemetry/retry.ts';

/** Three categories, two files each, one window per file at rows 600..650 of 1000. */
function corpus(): LocoFile[] {
  const files: LocoFile[] = [];
  for (const category of ['a', 'b', 'c']) {
    for (const k of [1, 2]) {
      files.push({ name: `${category}/${k}.csv`, category, windows: [{ start: 600, end: 650 }] });
    }
  }
  return files;
}

/** Scores that fire `at` (in the window when 610) at `level`, plus noise below `noise`. */
function scores(at: number, level: number, noise: number, seed: number): Float64Array {
  const u = seededRandom(seed);
  const s = Float64Array.from({ length: 1000 }, () => noise * u());
  s[at] = level;
  return s;
}

test('LOCO: each category is scored by a candidate and a threshold chosen on the others only', () => {
  const files = corpus();
  // "everywhere": hits every window at 0.9. "c-only": a stronger score in c, false alarms in a and b.
  const everywhere = files.map((_, i) => scores(610, 0.9, 0.5, i));
  const cOnly = files.map((f, i) => (f.category === 'c' ? scores(605, 0.95, 0.2, i) : scores(300, 0.99, 0.2, i)));
  const r = leaveOneCategoryOut(
    files,
    [
      { name: 'everywhere', scores: everywhere },
      { name: 'c-only', scores: cOnly },
    ],
    NAB_PROFILES
  );
  assert.equal(r.inSample.chosen, 'everywhere');
  assert.deepEqual(
    r.loco.folds.map((f) => f.chosen),
    ['everywhere', 'everywhere', 'everywhere']
  );
  // The held-out threshold is the other categories' optimum, and the held-out score is computed with it.
  const fold = r.loco.folds[2]!;
  const train = files.map((f, i) => ({ ...f, scores: everywhere[i]! })).filter((f) => f.category !== 'c');
  const { threshold } = optimizeThreshold(train, NAB_PROFILES.standard!);
  assert.equal(fold.profiles.standard!.threshold, threshold);
  const test = files.map((f, i) => ({ ...f, scores: everywhere[i]! })).filter((f) => f.category === 'c');
  assert.equal(fold.profiles.standard!.heldOut.raw, scoreCorpus(test, NAB_PROFILES.standard!, threshold).raw);
  // Pooled: every file once.
  const pooledRaw = r.loco.folds.reduce((a, f) => a + f.profiles.standard!.heldOut.raw, 0);
  assert.ok(Math.abs(r.loco.profiles.standard!.raw - pooledRaw) < 1e-9);
  assert.equal(r.loco.profiles.standard!.tp + r.loco.profiles.standard!.fn, 6);
});

test('LOCO is below in-sample when the in-sample choice only fits one category', () => {
  const files = corpus();
  // "a-tuned" hits a's windows at a level that is noise elsewhere; "plain" hits b and c only.
  const aTuned = files.map((f, i) => (f.category === 'a' ? scores(610, 0.99, 0.3, i) : scores(610, 0.5, 0.95, i)));
  const plain = files.map((f, i) => (f.category === 'a' ? scores(300, 0.1, 0.05, i) : scores(610, 0.9, 0.3, i)));
  const r = leaveOneCategoryOut(
    files,
    [
      { name: 'a-tuned', scores: aTuned },
      { name: 'plain', scores: plain },
    ],
    NAB_PROFILES
  );
  assert.ok(
    r.loco.profiles.standard!.score! <= r.inSample.profiles.standard!.score!,
    `LOCO ${r.loco.profiles.standard!.score} ≤ in-sample ${r.inSample.profiles.standard!.score}`
  );
  assert.throws(() => leaveOneCategoryOut(files, [], NAB_PROFILES), /no candidates/);
  assert.throws(
    () => leaveOneCategoryOut(files, [{ name: 'x', scores: [] }], NAB_PROFILES),
    /0 score arrays for 6 files/
  );
});

test('TSB-AD period: the strongest autocorrelation peak in 3..300, else 125', () => {
  const u = seededRandom(5);
  const sine = Array.from({ length: 3000 }, (_, i) => Math.sin((2 * Math.PI * i) / 48) + 0.1 * u());
  assert.equal(tsbadPeriod(sine), 48);
  const daily5min = Array.from({ length: 4000 }, (_, i) => Math.sin((2 * Math.PI * i) / 288) + 0.1 * u());
  assert.equal(tsbadPeriod(daily5min), 288);
  assert.equal(tsbadPeriod(new Array(500).fill(3)), 125, 'constant: no peak');
  const slow = Array.from({ length: 4000 }, (_, i) => Math.sin((2 * Math.PI * i) / 1000));
  assert.equal(tsbadPeriod(slow), 125, 'a period beyond 300 lags');
});

test('VUS-PR buffers add up where two ranges are close (TSB-AD sums soft labels, then caps at 1)', () => {
  // Two one-point ranges 4 apart: with buffer 8 their soft labels overlap in between.
  const labels = new Uint8Array(40);
  labels[18] = 1;
  labels[22] = 1;
  const between = new Float64Array(40);
  between[20] = 1; // a prediction only between the two ranges
  const far = new Float64Array(40);
  far[2] = 1; // outside every buffer up to ℓ = 8
  // Without buffers both are plain false positives (only the all-positive lowest threshold scores: 2/40).
  assert.equal(vusPr(between, labels, 0), vusPr(far, labels, 0));
  assert.ok(Math.abs(vusPr(between, labels, 0) - 2 / 40) < 1e-12);
  // At ℓ = 8 the point between has soft label min(1, 2·√(1 − 2/8)) = 1: a full true positive.
  assert.ok(vusPr(between, labels, 8) > vusPr(far, labels, 8), 'overlapping buffers reward the point between');
  assert.ok(Math.abs(vusPr(Float64Array.from(labels), labels, 10) - 1) < 1e-12);
});

/** TSB-AD's RangeAUC_volume_opt, translated loop for loop (the reference the fast `vusPr` must equal). */
function tsbadReference(score: ArrayLike<number>, label: Uint8Array, windowSize: number, thre = 250): number {
  const n = score.length;
  const seq: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (label[i] && (i === 0 || !label[i - 1])) {
      seq.push([i, i]);
    }
    if (label[i]) {
      seq[seq.length - 1]![1] = i;
    }
  }
  const P = label.reduce((a, b) => a + b, 0);
  const sorted = Array.from(score).sort((a, b) => b - a);
  const idx = Array.from({ length: thre }, (_, k) => Math.floor((k * (n - 1)) / (thre - 1)));
  const newSequence = (w: number) => {
    const h = Math.floor(w / 2);
    const out: Array<[number, number]> = [];
    let a = Math.max(seq[0]![0] - h, 0);
    for (let i = 0; i < seq.length - 1; i++) {
      if (seq[i]![1] + h < seq[i + 1]![0] - h) {
        out.push([a, seq[i]![1] + h]);
        a = seq[i + 1]![0] - h;
      }
    }
    out.push([a, Math.min(seq[seq.length - 1]![1] + h, n - 1)]);
    return out;
  };
  let apSum = 0;
  for (let w = 0; w <= windowSize; w++) {
    const ext = Float64Array.from(label);
    const h = Math.floor(w / 2);
    for (const [s, e] of seq) {
      for (let x = e + 1; x < Math.min(e + h + 1, n); x++) {
        ext[x] = ext[x]! + Math.sqrt(1 - (x - e) / w);
      }
      for (let x = Math.max(s - h, 0); x < s; x++) {
        ext[x] = ext[x]! + Math.sqrt(1 - (s - x) / w);
      }
    }
    for (let i = 0; i < n; i++) {
      ext[i] = Math.min(1, ext[i]!);
    }
    const L = newSequence(w);
    const l = newSequence(windowSize);
    let prevTpr = 0;
    let ap = 0;
    for (const i of idx) {
      const t = sorted[i]!;
      const pred = Array.from(score, (x): number => (x >= t ? 1 : 0));
      const labels = Float64Array.from(ext);
      let existence = 0;
      for (const [a, b] of L) {
        for (let x = a; x <= b; x++) {
          labels[x] = ext[x]! * pred[x]!;
        }
        if (pred.slice(a, b + 1).some((p) => p > 0)) {
          existence++;
        }
      }
      for (const [a, b] of seq) {
        labels.fill(1, a, b + 1);
      }
      let TP = 0;
      let N = 0;
      for (const [a, b] of l) {
        for (let x = a; x <= b; x++) {
          TP += labels[x]! * pred[x]!;
          N += labels[x]!;
        }
      }
      const nPred = pred.reduce((a, b) => a + b, 0);
      const tpr = Math.min(TP / ((P + N) / 2), 1) * (existence / L.length);
      ap += (tpr - prevTpr) * (TP / nPred);
      prevTpr = tpr;
    }
    apSum += ap;
  }
  return apSum / (windowSize + 1);
}

test('VUS-PR equals TSB-AD’s RangeAUC_volume_opt (loop-for-loop reference), close and overlapping ranges included', () => {
  const u = seededRandom(11);
  for (const [n, ranges, buffer] of [
    [
      300,
      [
        [40, 60],
        [66, 70],
        [200, 230],
      ],
      20,
    ],
    [
      200,
      [
        [0, 5],
        [190, 199],
      ],
      12,
    ],
    [150, [[70, 71]], 9],
  ] as const) {
    const labels = new Uint8Array(n);
    for (const [s, e] of ranges) {
      labels.fill(1, s, e + 1);
    }
    const scores = Float64Array.from({ length: n }, (_, i) => u() + (labels[i] ? 0.5 : 0) + (i % 17 === 0 ? 0.3 : 0));
    scores[10] = scores[11]!; // ties
    const fast = vusPr(scores, labels, buffer, 50);
    const ref = tsbadReference(scores, labels, buffer, 50);
    assert.ok(Math.abs(fast - ref) < 1e-12, `${fast} vs ${ref}`);
  }
});
