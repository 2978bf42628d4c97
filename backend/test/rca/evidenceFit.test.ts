/**
 * The learned evidence model: the conditional-logit fit finds the feature that marks the root cause, keeps weights
 * non-negative, leave-one-dataset-out ranks each dataset with a model that never saw it, and the tier thresholds
 * meet their precision on the out-of-fold answers (or stay empty).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURES } from '../../src/engines/rca/evidenceModel.ts';
import {
  fitWeights,
  leaveOneDatasetOut,
  rankUnder,
  tierThresholds,
  type CaseMatrix,
  type OutOfFold,
} from '../../src/eval/rca/fit.ts';
import { SHIPPED_EVIDENCE_MODEL } from '../../src/engines/rca/shippedModel.ts';

const F = FEATURES.length;
const at = (name: (typeof FEATURES)[number]) => FEATURES.indexOf(name);

/** A case of `n` candidates; the truth has `ownTime` high, decoys have a noisy `anomaly` as high or higher. */
function toyCase(dataset: string, k: number, n = 5): CaseMatrix {
  const x = Array.from({ length: n }, (_, i) => {
    const row = new Array<number>(F).fill(0);
    row[at('anomaly')] = ((i * 7 + k * 3) % 10) / 10;
    row[at('ownTime')] = i === k % n ? 0.9 : ((i + k) % 3) / 10;
    return row;
  });
  return { dataset, id: `${dataset}#${k}`, kind: 'toy', services: x.map((_, i) => `s${i}`), x, truth: k % n };
}

test('the fit weighs the feature that marks the root cause, never a negative weight', () => {
  const cases = [
    ...Array.from({ length: 10 }, (_, k) => toyCase('a', k)),
    ...Array.from({ length: 10 }, (_, k) => toyCase('b', k)),
  ];
  const w = fitWeights(cases, 0.01);
  assert.ok(w.every((v) => v >= 0));
  assert.ok(w[at('ownTime')]! > w[at('anomaly')]! + 1, `ownTime ${w[at('ownTime')]} vs anomaly ${w[at('anomaly')]}`);
  assert.ok(cases.every((c) => rankUnder(w, c) === 1));
  const absent = { ...cases[0]!, truth: -1 };
  assert.equal(rankUnder(w, absent), undefined, 'a truth that is not a candidate is a miss');
});

test('leave-one-dataset-out: each dataset is ranked by weights fitted without it', () => {
  const cases = [
    ...Array.from({ length: 8 }, (_, k) => toyCase('a', k)),
    ...Array.from({ length: 8 }, (_, k) => toyCase('b', k)),
    ...Array.from({ length: 8 }, (_, k) => toyCase('c', k)),
  ];
  const { folds, outOfFold } = leaveOneDatasetOut(cases);
  assert.deepEqual(
    folds.map((f) => f.heldOut),
    ['a', 'b', 'c']
  );
  assert.ok(folds.every((f) => f.summary.ac1 === 1 && f.weights.ownTime > 0));
  assert.equal(outOfFold.length, 24);
});

test('tiers: LIKELY at the lowest probability whose answers above are ≥ 80% right; none when none is', () => {
  const oof = (p: number, correct: boolean): OutOfFold => ({
    dataset: 'd',
    id: String(p),
    kind: 'k',
    rank: 1,
    p,
    correct,
  });
  const answers = [
    ...[0.9, 0.85, 0.8, 0.75, 0.7, 0.65].map((p) => oof(p, true)),
    oof(0.6, false),
    oof(0.5, true),
    oof(0.4, false),
    oof(0.3, false),
    oof(0.2, false),
  ];
  const t = tierThresholds(answers);
  assert.equal(t.likely, 0.5, '7 of 8 at ≥ 0.5 are right; adding 0.4 makes 7 of 9 (78%)');
  assert.equal(t.confirmed, 0.65, 'all six at ≥ 0.65 are right');
  assert.equal(tierThresholds([oof(0.9, false), oof(0.8, false), oof(0.7, true)]).likely, 1.01);
});

test('the shipped model names known features, one weight each, and tier thresholds in order', () => {
  const m = SHIPPED_EVIDENCE_MODEL;
  assert.equal(m.weights.length, m.features.length);
  assert.ok(m.features.every((f) => (FEATURES as readonly string[]).includes(f)));
  assert.ok(m.weights.every((w) => w >= 0));
  assert.ok(m.tiers.confirmed >= m.tiers.likely);
});
