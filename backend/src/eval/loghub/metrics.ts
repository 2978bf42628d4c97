/**
 * Log-parsing metrics exactly as loghub-2.0's evaluator computes them ("A Large-scale Evaluation for
 * Log Parsing Techniques", ISSTA 2024; `evaluation/utils/evaluator_main.py`, `GA_calculator.py`,
 * `PA_calculator.py`, `template_level_analysis.py`):
 *
 * - preparation: both sides go through `align_with_null_values` (a `<*>` that matches the empty string
 *   in its own line's content is dropped), and the ground truth also through `correct_template_general`
 *   (`<*>.<*>`, `<*><*>`, `<*>:<*>`, `<*> <*>` collapse to `<*>`); lines with an empty ground-truth
 *   template are left out of GA/FGA/FTA;
 * - groups on both sides are the distinct template TEXTS (not event ids);
 * - GA: share of lines whose ground-truth group maps to exactly one predicted group that has exactly
 *   the same lines; FGA: F1 of (correct groups / predicted groups, correct groups / true groups);
 * - PA: share of lines whose predicted template text equals the ground truth's;
 * - FTA: a predicted group is correct when all its lines have the ground-truth template equal to the
 *   predicted text; PTA = correct / predicted groups, RTA = correct / true groups, FTA = their F1.
 */
import { mergeAdjacentWildcards } from '../../engines/rca/logparse/templateText.ts';

export interface ParsedLine {
  content: string;
  template: string;
}

export interface ParseMetrics {
  lines: number;
  groundTemplates: number;
  identifiedTemplates: number;
  GA: number;
  FGA: number;
  PA: number;
  PTA: number;
  RTA: number;
  FTA: number;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

const alignCache = new Map<string, { parts: string[]; re: RegExp }>();

/** loghub-2.0's `align_with_null_values`: drop the `<*>`s that stand for an empty string in `content`. */
export function alignWithNullValues(content: string, template: string): string {
  let compiled = alignCache.get(template);
  if (!compiled) {
    const parts = template.split('<*>');
    compiled = { parts, re: new RegExp('^' + parts.map(escapeRegex).join('(.*?)') + '$') };
    if (alignCache.size > 20_000) {
      alignCache.clear();
    }
    alignCache.set(template, compiled);
  }
  const parts = compiled.parts;
  if (parts.length === 1) {
    return template;
  }
  const m = compiled.re.exec(content);
  if (!m) {
    return template;
  }
  let out = '';
  parts.forEach((part, i) => {
    out += part;
    if (i < parts.length - 1) {
      out += m[i + 1] === '' ? '' : '<*>';
    }
  });
  return out;
}

/** The evaluator's preparation of one ground-truth template. */
export function prepareGroundTruth(content: string, template: string): string {
  return mergeAdjacentWildcards(alignWithNullValues(content, template));
}

function f1(p: number, r: number): number {
  return p !== 0 || r !== 0 ? (2 * p * r) / (p + r) : 0;
}

/** The evaluator's preparation of every ground-truth template (`prepareGroundTruth`; empty stays empty). */
export function prepareTruth(truth: readonly ParsedLine[]): ParsedLine[] {
  return truth.map((l) => ({
    content: l.content,
    template: l.template === '' ? '' : prepareGroundTruth(l.content, l.template),
  }));
}

/**
 * Scores predicted templates against the ground truth, line by line (same order, same length).
 * With `prepared`, the templates are taken as they are (the evaluator's preparation already done on both
 * sides); with `truthPrepared`, only the ground truth's is (`prepareTruth`, done once per system).
 */
export function evaluateParsing(
  truth: readonly ParsedLine[],
  predicted: readonly ParsedLine[],
  options: { prepared?: boolean; truthPrepared?: boolean } = {}
): ParseMetrics {
  if (truth.length !== predicted.length) {
    throw new RangeError(`ground truth has ${truth.length} lines, the parse ${predicted.length}`);
  }
  const gt = truth.map((l) =>
    options.prepared || options.truthPrepared || l.template === ''
      ? l.template
      : prepareGroundTruth(l.content, l.template)
  );
  const pr = predicted.map((l) => (options.prepared ? l.template : alignWithNullValues(l.content, l.template)));

  // PA over every line (an empty ground truth never counts as parsed correctly).
  let correctLines = 0;
  for (let i = 0; i < gt.length; i++) {
    if (gt[i] !== '' && gt[i] === pr[i]) {
      correctLines++;
    }
  }
  const PA = gt.length ? correctLines / gt.length : 0;

  const keep = gt.map((_, i) => i).filter((i) => gt[i] !== '');
  const byTruth = new Map<string, number[]>();
  const byPred = new Map<string, number[]>();
  for (const i of keep) {
    (byTruth.get(gt[i]!) ?? byTruth.set(gt[i]!, []).get(gt[i]!)!).push(i);
    (byPred.get(pr[i]!) ?? byPred.set(pr[i]!, []).get(pr[i]!)!).push(i);
  }

  let accurateLines = 0;
  let accurateGroups = 0;
  for (const ids of byTruth.values()) {
    const preds = new Set(ids.map((i) => pr[i]!));
    if (preds.size === 1 && byPred.get([...preds][0]!)!.length === ids.length) {
      accurateLines += ids.length;
      accurateGroups++;
    }
  }
  const GA = keep.length ? accurateLines / keep.length : 0;
  const FGA = byPred.size && byTruth.size ? f1(accurateGroups / byPred.size, accurateGroups / byTruth.size) : 0;

  let correctTemplates = 0;
  for (const [text, ids] of byPred) {
    if (ids.every((i) => gt[i] === text)) {
      correctTemplates++;
    }
  }
  const PTA = byPred.size ? correctTemplates / byPred.size : 0;
  const RTA = byTruth.size ? correctTemplates / byTruth.size : 0;

  return {
    lines: gt.length,
    groundTemplates: byTruth.size,
    identifiedTemplates: byPred.size,
    GA,
    FGA,
    PA,
    PTA,
    RTA,
    FTA: f1(PTA, RTA),
  };
}
