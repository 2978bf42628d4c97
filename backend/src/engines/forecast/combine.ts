/**
 * From the backtest table to the forecast: the best few candidates (by backtest error) combined with
 * inverse-error weights, and bands from adaptive conformal inference over honest residuals — at each
 * backtest origin the combination is re-chosen from the origins whose outcome was already known there, so
 * the residuals the bands learn from carry the selection's own error, as the real forecast will.
 */
import type { BacktestTable, CandidateRow } from './backtest.ts';
import { conformalScores, offsetsFor, type ConformalScores } from './conformal.ts';
import type { EnsembleSettings } from './types.ts';

export interface ChosenCandidate {
  row: CandidateRow;
  /** Backtest MAE, on the full origin set's scale. */
  mae: number;
  weight: number;
}

export interface CandidateError {
  row: CandidateRow;
  mae: number;
}

/** Per row, the absolute error summed over each origin's test window (NaN where it has no forecast). */
const originErrors = new WeakMap<CandidateRow, Float64Array>();

function errorsByOrigin(table: BacktestTable, row: CandidateRow): Float64Array {
  let e = originErrors.get(row);
  if (!e) {
    const { y, origins, horizon: h } = table;
    e = new Float64Array(origins.length);
    origins.forEach((o, j) => {
      const p = row.preds[j]?.p50;
      if (!p) {
        e![j] = Number.NaN;
        return;
      }
      let sum = 0;
      for (let k = 0; k < h; k++) {
        sum += Math.abs(y[o + k]! - p[k]!);
      }
      e![j] = sum;
    });
    originErrors.set(row, e);
  }
  return e;
}

function maeOn(table: BacktestTable, row: CandidateRow, allowed: (j: number) => boolean): number {
  const e = errorsByOrigin(table, row);
  let sum = 0;
  let count = 0;
  for (let j = 0; j < e.length; j++) {
    if (allowed(j) && !Number.isNaN(e[j]!)) {
      sum += e[j]!;
      count++;
    }
  }
  return count > 0 ? sum / (count * table.horizon) : Number.NaN;
}

/**
 * Backtest MAE of every candidate over the allowed origins. A candidate backtested on a subset only has its
 * error put on the full set's scale by how the best fully backtested candidate fared on that same subset.
 */
export function candidateErrors(
  table: BacktestTable,
  rows: CandidateRow[],
  allowed: (j: number) => boolean
): CandidateError[] {
  const covers = (row: CandidateRow): boolean[] =>
    table.origins.map((_, j) => allowed(j) && row.preds[j] !== undefined);
  const wanted = table.origins.map((_, j) => allowed(j));
  const full = rows.filter((r) => covers(r).every((c, j) => c === wanted[j]));
  const reference = full.map((row) => ({ row, mae: maeOn(table, row, allowed) })).sort((a, b) => a.mae - b.mae)[0];
  return rows.map((row) => {
    const cov = covers(row);
    const mae = maeOn(table, row, allowed);
    if (!reference || cov.every((c, j) => c === wanted[j])) {
      return { row, mae };
    }
    const onSubset = maeOn(table, reference.row, (j) => cov[j]!);
    const ratio = onSubset > 0 && Number.isFinite(reference.mae) ? reference.mae / onSubset : 1;
    return { row, mae: mae * ratio };
  });
}

/** The best `maxCombined` within `combineWithin` × the best error, weighted by inverse error. */
export function chooseCombination(
  errors: CandidateError[],
  settings: EnsembleSettings,
  scale: number
): ChosenCandidate[] {
  const ranked = errors.filter((s) => Number.isFinite(s.mae)).sort((a, b) => a.mae - b.mae);
  if (ranked.length === 0) {
    return [];
  }
  const best = ranked[0]!.mae;
  const picked = ranked.slice(0, settings.maxCombined).filter((s) => s.mae <= best * settings.combineWithin + 1e-12);
  const inv = picked.map((s) => 1 / Math.max(s.mae, 1e-12 * scale));
  const total = inv.reduce((a, b) => a + b, 0);
  return picked.map((s, i) => ({ ...s, weight: inv[i]! / total }));
}

/** The weighted combination at one origin index (or the final forecast), renormalised over the members present. */
export function combineAt(chosen: ChosenCandidate[], idx: number, h: number): Float64Array | undefined {
  const out = new Float64Array(h);
  let total = 0;
  for (const s of chosen) {
    const p = s.row.preds[idx]?.p50;
    if (!p) {
      continue;
    }
    total += s.weight;
    for (let k = 0; k < h; k++) {
      out[k]! += s.weight * p[k]!;
    }
  }
  if (total <= 0) {
    return undefined;
  }
  for (let k = 0; k < h; k++) {
    out[k]! /= total;
  }
  return out;
}

/**
 * Honest backtest residuals, oldest origin first: at each origin the combination chosen from the origins
 * whose whole test window ended before it. Falls back to the final combination's residuals (in-sample to the
 * choice) when fewer than two origins have such a past.
 */
export function honestResiduals(
  table: BacktestTable,
  rows: CandidateRow[],
  finalChoice: ChosenCandidate[],
  settings: EnsembleSettings
): { residuals: Float64Array[]; nested: boolean } {
  const { y, origins, horizon: h, scale } = table;
  const out: Float64Array[] = [];
  for (let j = origins.length - 1; j >= 0; j--) {
    const o = origins[j]!;
    const past = (i: number): boolean => origins[i]! + h <= o;
    if (!origins.some((_, i) => past(i))) {
      continue;
    }
    const chosen = chooseCombination(candidateErrors(table, rows, past), settings, scale);
    const p = combineAt(chosen, j, h);
    if (p) {
      out.push(p.map((v, k) => y[o + k]! - v));
    }
  }
  if (out.length >= 2) {
    return { residuals: out, nested: true };
  }
  const inSample: Float64Array[] = [];
  for (let j = origins.length - 1; j >= 0; j--) {
    const p = combineAt(finalChoice, j, h);
    if (p) {
      inSample.push(p.map((v, k) => y[origins[j]! + k]! - v));
    }
  }
  return { residuals: inSample, nested: false };
}

/** Standardised honest residuals, from which bands at any level, rate and inflation follow cheaply. */
export function bandScores(residuals: Float64Array[], h: number): ConformalScores {
  return conformalScores(residuals, h);
}

/** Offsets per level for the final forecast, with adaptive conformal inference. */
export function bandOffsets(
  scores: ConformalScores,
  levels: number[],
  settings: EnsembleSettings
): Map<number, Float64Array> {
  return offsetsFor(scores, levels, { rate: settings.conformalRate, inflation: settings.intervalInflation });
}
