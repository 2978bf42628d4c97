/**
 * NAB (Numenta Anomaly Benchmark) scoring, mirroring NAB's `nab/sweeper.py` / `nab/scorer.py` semantics.
 * Pure: takes arrays of anomaly scores and anomaly windows given as row indices; no file access.
 *
 * Rules (NAB v1.x):
 * - Probationary period: the first min(floor(0.15·n), 0.15·5000 = 750) rows of each file are not scored
 *   (detections there are ignored; a window lying wholly inside it is not counted at all).
 * - Every row gets an unweighted "sweep score":
 *   - inside a window [s, e] of width w = e − s + 1, row i has position y = −(e − i + 1)/w
 *     (−1 at the window's first row, −1/w at its last) and scores scaledSigmoid(y) = 2·sigmoid(−5y) − 1,
 *     i.e. ≈ 0.9866 at the start, just above 0 at the end; a true positive is weighted
 *     tpWeight·sweep/scaledSigmoid(−1) (NAB sweeper.py divides by maxTP, so an earliest hit scores exactly 1);
 *   - outside all windows, with a preceding window whose last row is r and width w:
 *     y = |i − r|/(w − 1) and the score is scaledSigmoid(y) (negative, → −1, and exactly −1 once y ≥ 3);
 *     with no preceding window the score is −1.
 * - At a threshold t, rows with anomaly score ≥ t are detections. Each window scores the best (= earliest)
 *   of its detections' sweep scores × tpWeight, or −fnWeight if it has none (so only the first detection
 *   in a window counts). Each detection outside windows adds sweepScore × fpWeight (negative).
 * - Raw scores are summed over files. Normalised score = 100·(raw − null)/(perfect − null), null = a
 *   detector that never fires (every window missed), perfect = tpWeight × number of windows (NAB
 *   runner.py `normalize`: perfect = tpCount·tpWeight). NAB counts every labelled window there, we count
 *   the scorable ones (same on NAB's data: no window lies wholly in a probationary period).
 * - Threshold optimisation (NAB's `--optimize`): sweep every distinct anomaly score over the pooled corpus
 *   (descending; plus "above the maximum" = never fire) and keep the threshold with the highest summed raw
 *   score; on ties the highest threshold wins (Python's max() over a descending list).
 */

export interface CostWeights {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

/** NAB's built-in cost profiles (config/profiles.json). */
export const NAB_PROFILES: Readonly<Record<string, CostWeights>> = {
  standard: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 },
  reward_low_FP_rate: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 },
  reward_low_FN_rate: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 },
};

/** An anomaly window as inclusive row indices. */
export interface WindowIdx {
  start: number;
  end: number;
}

export interface NabFile {
  name: string;
  category: string;
  scores: ArrayLike<number>;
  windows: readonly WindowIdx[];
}

export function probationaryLength(rows: number, percent = 0.15): number {
  return Math.min(Math.floor(percent * rows), Math.floor(percent * 5000));
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** NAB's scaledSigmoid: 2·sigmoid(−5y) − 1, and −1 for y ≥ 3. */
export function scaledSigmoid(y: number): number {
  if (y >= 3.0) {
    return -1.0;
  }
  return 2 * sigmoid(-5 * y) - 1.0;
}

/** Unweighted NAB sweep scores for every row of one file, plus the window each row lies in (−1: none). */
/** scaledSigmoid(−1): the sweep score of a window's first row; NAB divides true positives by it. */
export const MAX_TP = 2 / (1 + Math.exp(-5)) - 1;

export interface SweepRows {
  /** First scored row (= probationary length). */
  probation: number;
  sweep: Float64Array;
  /** Index into the file's windows, or −1. */
  window: Int32Array;
}

export function validateWindows(n: number, windows: readonly WindowIdx[], what = 'file'): WindowIdx[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  let prevEnd = -1;
  for (const w of sorted) {
    if (!Number.isInteger(w.start) || !Number.isInteger(w.end) || w.start < 0 || w.end >= n || w.end < w.start) {
      throw new Error(`${what}: window [${w.start}, ${w.end}] is not a valid row range of a ${n}-row series`);
    }
    if (w.start <= prevEnd) {
      throw new Error(`${what}: windows overlap at row ${w.start}`);
    }
    prevEnd = w.end;
  }
  return sorted;
}

export function sweepRows(n: number, windowsIn: readonly WindowIdx[]): SweepRows {
  const windows = validateWindows(n, windowsIn);
  const sweep = new Float64Array(n);
  const window = new Int32Array(n).fill(-1);
  let next = 0;
  let cur = -1;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const nw = windows[next];
    if (cur < 0 && nw && i === nw.start) {
      cur = next++;
    }
    const cw = cur >= 0 ? windows[cur] : undefined;
    if (cw) {
      const width = cw.end - cw.start + 1;
      sweep[i] = scaledSigmoid(-(cw.end - i + 1) / width);
      window[i] = cur;
      if (i === cw.end) {
        prevRight = i;
        prevWidth = width;
        cur = -1;
      }
    } else if (prevRight < 0) {
      sweep[i] = -1.0;
    } else {
      sweep[i] = prevWidth <= 1 ? -1.0 : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
    }
  }
  // The window indices refer to the sorted list; map them back to the caller's order.
  const order = windows.map((w) => windowsIn.indexOf(w));
  for (let i = 0; i < n; i++) {
    const wi = window[i]!;
    if (wi >= 0) {
      window[i] = order[wi]!;
    }
  }
  return { probation: probationaryLength(n), sweep, window };
}

export interface FileScore {
  name: string;
  category: string;
  raw: number;
  nullScore: number;
  perfect: number;
  /** Windows with at least one scored row. */
  windows: number;
  tp: number;
  fp: number;
  fn: number;
}

interface Prepared {
  file: NabFile;
  rows: SweepRows;
  /** Scorable windows (index into file.windows) and their best possible (unweighted) sweep score. */
  scorable: Map<number, number>;
}

function prepare(file: NabFile): Prepared {
  const n = file.scores.length;
  const rows = sweepRows(n, file.windows);
  const scorable = new Map<number, number>();
  for (let i = rows.probation; i < n; i++) {
    const w = rows.window[i]!;
    if (w >= 0 && !scorable.has(w)) {
      scorable.set(w, rows.sweep[i]!);
    }
  }
  return { file, rows, scorable };
}

function scorePrepared(p: Prepared, weights: CostWeights, threshold: number): FileScore {
  const { rows, file, scorable } = p;
  const best = new Map<number, number>();
  let fpSum = 0;
  let fp = 0;
  for (let i = rows.probation; i < file.scores.length; i++) {
    if (!(file.scores[i]! >= threshold)) {
      continue;
    }
    const w = rows.window[i]!;
    const s = rows.sweep[i]!;
    if (w < 0) {
      fpSum += s * weights.fpWeight;
      fp++;
    } else if (!best.has(w)) {
      best.set(w, (s * weights.tpWeight) / MAX_TP);
    } // the first detection in a window counts
  }
  let raw = fpSum;
  let perfect = 0;
  for (const w of scorable.keys()) {
    raw += best.get(w) ?? -weights.fnWeight;
    perfect += weights.tpWeight;
  }
  const windows = scorable.size;
  return {
    name: file.name,
    category: file.category,
    raw,
    nullScore: -weights.fnWeight * windows,
    perfect,
    windows,
    tp: best.size,
    fp,
    fn: windows - best.size,
  };
}

/** Scores one file at a fixed threshold (detection = score ≥ threshold). */
export function scoreFile(file: NabFile, weights: CostWeights, threshold: number): FileScore {
  return scorePrepared(prepare(file), weights, threshold);
}

export function normalise(raw: number, nullScore: number, perfect: number): number | null {
  if (perfect === nullScore) {
    return null;
  }
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

export interface ThresholdSweep {
  threshold: number;
  raw: number;
}

/**
 * NAB's threshold sweep over the pooled scored rows of all files: returns the threshold maximising the
 * summed raw score. The "never fire" state is represented by a threshold above every score
 * (1.1 when all scores are ≤ 1, as NAB does).
 */
export function optimizeThreshold(files: readonly NabFile[], weights: CostWeights): ThresholdSweep {
  return sweepPrepared(files.map(prepare), weights);
}

function sweepPrepared(prepared: readonly Prepared[], weights: CostWeights): ThresholdSweep {
  let total = 0;
  const anomaly: number[] = [];
  const sweep: number[] = [];
  const win: number[] = []; // global window id or −1
  let offset = 0;
  let max = -Infinity;
  for (const p of prepared) {
    total += p.scorable.size;
    for (let i = p.rows.probation; i < p.file.scores.length; i++) {
      const a = p.file.scores[i]!;
      if (Number.isNaN(a)) {
        continue;
      }
      anomaly.push(a);
      sweep.push(p.rows.sweep[i]!);
      const w = p.rows.window[i]!;
      win.push(w < 0 ? -1 : offset + w);
      if (a > max) {
        max = a;
      }
    }
    offset += p.file.windows.length;
  }
  const order = Array.from(anomaly.keys()).sort((x, y) => anomaly[y]! - anomaly[x]!);
  const windowScore = new Map<number, number>();
  let cur = -weights.fnWeight * total;
  const never = max === -Infinity ? 1.1 : max < 1 ? 1.1 : max + 0.1;
  let best: ThresholdSweep = { threshold: never, raw: cur };
  let k = 0;
  while (k < order.length) {
    const t = anomaly[order[k]!]!;
    while (k < order.length && anomaly[order[k]!]! === t) {
      const idx = order[k]!;
      const w = win[idx]!;
      if (w < 0) {
        cur += sweep[idx]! * weights.fpWeight;
      } else {
        const s = (sweep[idx]! * weights.tpWeight) / MAX_TP;
        const prev = windowScore.get(w) ?? -weights.fnWeight;
        if (s > prev) {
          cur += s - prev;
          windowScore.set(w, s);
        }
      }
      k++;
    }
    if (cur > best.raw) {
      best = { threshold: t, raw: cur };
    }
  }
  return best;
}

export interface CategoryScore {
  score: number | null;
  raw: number;
  nullScore: number;
  perfect: number;
  windows: number;
  tp: number;
  fp: number;
  fn: number;
  files: number;
}

export interface ProfileScore extends CategoryScore {
  threshold: number;
  perCategory: Record<string, CategoryScore>;
}

function sumScores(parts: readonly FileScore[]): CategoryScore {
  const c = { raw: 0, nullScore: 0, perfect: 0, windows: 0, tp: 0, fp: 0, fn: 0, files: parts.length };
  for (const p of parts) {
    c.raw += p.raw;
    c.nullScore += p.nullScore;
    c.perfect += p.perfect;
    c.windows += p.windows;
    c.tp += p.tp;
    c.fp += p.fp;
    c.fn += p.fn;
  }
  return { score: normalise(c.raw, c.nullScore, c.perfect), ...c };
}

/** Scores a corpus under one profile at a given threshold, or at NAB's optimised threshold if omitted. */
export function scoreCorpus(files: readonly NabFile[], weights: CostWeights, threshold?: number): ProfileScore {
  const prepared = files.map(prepare);
  const t = threshold ?? sweepPrepared(prepared, weights).threshold;
  const parts = prepared.map((p) => scorePrepared(p, weights, t));
  const perCategory: Record<string, CategoryScore> = {};
  const cats = [...new Set(parts.map((p) => p.category))].sort();
  for (const c of cats) {
    perCategory[c] = sumScores(parts.filter((p) => p.category === c));
  }
  return { threshold: t, ...sumScores(parts), perCategory };
}
