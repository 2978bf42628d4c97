/**
 * Leave-one-category-out (LOCO) selection on NAB: the honest figure for data a detector has not been tuned on.
 *
 * Given per-file scores of several candidate settings (one detector under different settings, or different
 * detectors), for each category c in turn: the candidate and, per profile, the alert threshold are chosen on the
 * other categories only (best normalised standard score there; thresholds by NAB's sweep over their pooled rows),
 * then c's files are scored with that candidate at those thresholds. The held-out files' raw scores of all folds are
 * summed and normalised once (NAB's 100·(raw − null)/(perfect − null)), so the headline covers every file exactly
 * once, each scored by settings that never saw its category. The in-sample figure beside it chooses the candidate
 * and the thresholds on all categories at once (what NAB's `--optimize` does). Pure: no file access.
 */
import { normalise, optimizeThreshold, scoreCorpus, type CostWeights, type NabFile } from './scorer.ts';

export interface LocoCandidate {
  name: string;
  /** One score array per corpus file, in the order of the corpus. */
  scores: ReadonlyArray<ArrayLike<number>>;
}

export interface LocoFile {
  name: string;
  category: string;
  windows: NabFile['windows'];
}

export interface PooledScore {
  score: number | null;
  raw: number;
  nullScore: number;
  perfect: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface LocoFold {
  heldOut: string;
  /** The candidate chosen on the other categories, and its normalised standard score there. */
  chosen: string;
  trainScore: number | null;
  /** Per profile: the threshold chosen on the other categories and the held-out category's score with it. */
  profiles: Record<string, { threshold: number; heldOut: PooledScore }>;
}

export interface LocoReport {
  selectBy: string;
  inSample: { chosen: string; profiles: Record<string, PooledScore & { threshold: number }> };
  loco: { profiles: Record<string, PooledScore>; folds: LocoFold[] };
  /** Per candidate, in-sample per profile (threshold optimised on all categories): the table beside the headline. */
  candidates: Array<{ name: string; profiles: Record<string, number | null> }>;
}

function filesOf(files: readonly LocoFile[], scores: ReadonlyArray<ArrayLike<number>>, keep: (i: number) => boolean) {
  const out: NabFile[] = [];
  files.forEach((f, i) => {
    if (keep(i)) {
      out.push({ name: f.name, category: f.category, scores: scores[i]!, windows: f.windows });
    }
  });
  return out;
}

function pooled(parts: readonly PooledScore[]): PooledScore {
  const s = { raw: 0, nullScore: 0, perfect: 0, tp: 0, fp: 0, fn: 0 };
  for (const p of parts) {
    s.raw += p.raw;
    s.nullScore += p.nullScore;
    s.perfect += p.perfect;
    s.tp += p.tp;
    s.fp += p.fp;
    s.fn += p.fn;
  }
  return { score: normalise(s.raw, s.nullScore, s.perfect), ...s };
}

/**
 * Runs the selection. `selectBy` names the profile whose normalised score chooses the candidate (default
 * 'standard'); every profile gets its own threshold, as NAB does.
 */
export function leaveOneCategoryOut(
  files: readonly LocoFile[],
  candidates: readonly LocoCandidate[],
  profiles: Record<string, CostWeights>,
  selectBy = 'standard'
): LocoReport {
  if (candidates.length === 0) {
    throw new Error('leaveOneCategoryOut: no candidates');
  }
  for (const c of candidates) {
    if (c.scores.length !== files.length) {
      throw new Error(`candidate ${c.name}: ${c.scores.length} score arrays for ${files.length} files`);
    }
  }
  const selectWeights = profiles[selectBy];
  if (!selectWeights) {
    throw new Error(`selectBy: no profile ${JSON.stringify(selectBy)}`);
  }
  const categories = [...new Set(files.map((f) => f.category))].sort();
  const best = (keep: (i: number) => boolean) => {
    let chosen = candidates[0]!;
    let top = -Infinity;
    for (const c of candidates) {
      const s = scoreCorpus(filesOf(files, c.scores, keep), selectWeights).score ?? -Infinity;
      if (s > top) {
        top = s;
        chosen = c;
      }
    }
    return { chosen, score: Number.isFinite(top) ? top : null };
  };

  const all = best(() => true);
  const inSample: LocoReport['inSample'] = { chosen: all.chosen.name, profiles: {} };
  for (const [p, w] of Object.entries(profiles)) {
    const s = scoreCorpus(
      filesOf(files, all.chosen.scores, () => true),
      w
    );
    inSample.profiles[p] = {
      score: s.score,
      raw: s.raw,
      nullScore: s.nullScore,
      perfect: s.perfect,
      tp: s.tp,
      fp: s.fp,
      fn: s.fn,
      threshold: s.threshold,
    };
  }

  const folds: LocoFold[] = [];
  const heldOutParts: Record<string, PooledScore[]> = Object.fromEntries(Object.keys(profiles).map((p) => [p, []]));
  for (const c of categories) {
    const train = (i: number) => files[i]!.category !== c;
    const test = (i: number) => files[i]!.category === c;
    const pick = best(train);
    const fold: LocoFold = { heldOut: c, chosen: pick.chosen.name, trainScore: pick.score, profiles: {} };
    for (const [p, w] of Object.entries(profiles)) {
      const { threshold } = optimizeThreshold(filesOf(files, pick.chosen.scores, train), w);
      const s = scoreCorpus(filesOf(files, pick.chosen.scores, test), w, threshold);
      const part: PooledScore = {
        score: s.score,
        raw: s.raw,
        nullScore: s.nullScore,
        perfect: s.perfect,
        tp: s.tp,
        fp: s.fp,
        fn: s.fn,
      };
      fold.profiles[p] = { threshold, heldOut: part };
      heldOutParts[p]!.push(part);
    }
    folds.push(fold);
  }
  const locoProfiles: Record<string, PooledScore> = {};
  for (const p of Object.keys(profiles)) {
    locoProfiles[p] = pooled(heldOutParts[p]!);
  }
  const table = candidates.map((c) => ({
    name: c.name,
    profiles: Object.fromEntries(
      Object.entries(profiles).map(([p, w]) => [
        p,
        scoreCorpus(
          filesOf(files, c.scores, () => true),
          w
        ).score,
      ])
    ),
  }));
  return { selectBy, inSample, loco: { profiles: locoProfiles, folds }, candidates: table };
}
