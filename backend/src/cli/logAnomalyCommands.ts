/**
 * `aidpe loganomaly-eval`: the log anomaly scoring on public data, each method next to a keyword baseline in
 * the same run.
 * - BGL_2k (line labels): line-level precision / recall / F1 on the held-out second half (time order) of
 *   (i) the sequence model (DeepLog top-g rule; unseen templates are misses), (ii) new-template / template
 *   frequency deviation against the normal lines of the first half, in windows of consecutive lines,
 *   (iii) a keyword rule (level FATAL/ERROR/FAILURE/SEVERE, or error/fail/fatal/exception in the text).
 * - Nezha (fault windows): per fault, the rank of the faulted service among services by log anomaly score in
 *   the window (injection to the end of the two minutes after), against the fault-free construct minute:
 *   frequency, sequence, both combined, and error-keyword line counts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  combinedLogScore,
  ERROR_LEVELS,
  scoreSequence,
  scoreServices,
  scoreServiceWindow,
  sequenceAnomaly,
  templateWindows,
  type SequenceScore,
  type TemplateCount,
} from '../engines/rca/logAnomaly.ts';
import { Drain } from '../engines/rca/logparse/drain.ts';
import { loadLogSequenceModel, type LogSequenceModelLoad } from '../models/logSequenceModel.ts';
import { NezhaDataError } from '../eval/rca/nezhaData.ts';
import {
  LogDataError,
  loadBgl,
  loadNezhaLogCases,
  nezhaContent,
  nezhaLevel,
  resolveBglFile,
  resolveNezhaRoot,
  streamsByService,
  type BglData,
  type NezhaLogCase,
} from '../eval/rca/logAnomalyData.ts';

export class LogAnomalyUsageError extends Error {}

type Flags = Record<string, string | boolean | undefined>;
type Loaded = Extract<LogSequenceModelLoad, { state: 'loaded' }>;

export interface Detection {
  flagged: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function detectionMetrics(predicted: readonly boolean[], truth: readonly boolean[]): Detection {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predicted.forEach((p, i) => {
    if (p && truth[i]) {
      tp++;
    } else if (p) {
      fp++;
    } else if (truth[i]) {
      fn++;
    }
  });
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    flagged: tp + fp,
    tp,
    fp,
    fn,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

/** The keyword baseline for one line. */
export function keywordRule(level: string, content: string): boolean {
  return ERROR_LEVELS.test(level.trim()) || /error|fail|fatal|exception/i.test(content);
}

/**
 * Frequency / new-template flags for the test lines, in windows of `windowLines` consecutive lines. The
 * baseline is the training part's normal lines; `rolling` also adds each scored window to it (unlabelled,
 * as a running service would), so a template is new only the first time it shows up. Templates are the
 * parser's final texts after one pass over the file (as the loghub benchmarks parse), so equal texts are one
 * template; the labels are never seen.
 */
export function frequencyFlags(bgl: BglData, windowLines: number, rolling = false): boolean[] {
  const parser = Drain.aidpe();
  const train = bgl.lines.slice(0, bgl.splitAt).filter((l) => !l.anomalous);
  const test = bgl.lines.slice(bgl.splitAt);
  const trainClusters = train.map((l) => parser.addLogMessage(l.content).cluster);
  const testClusters = test.map((l) => parser.addLogMessage(l.content).cluster);
  const trainKeys = trainClusters.map((c) => parser.template(c));
  const testKeys = testClusters.map((c) => parser.template(c));
  const baseline = new Map<string, TemplateCount>();
  for (const key of trainKeys) {
    const t = baseline.get(key) ?? { template: key, count: 0 };
    t.count++;
    baseline.set(key, t);
  }
  let baselineLines = train.length;
  const flags: boolean[] = [];
  for (let start = 0; start < test.length; start += windowLines) {
    const chunk = test.slice(start, start + windowLines);
    const keys = testKeys.slice(start, start + windowLines);
    const counts = new Map<string, TemplateCount>();
    chunk.forEach((l, i) => {
      const t = counts.get(keys[i]!) ?? { template: keys[i]!, count: 0, error: false };
      t.count++;
      t.error = t.error || keywordRule(l.level, l.content);
      counts.set(keys[i]!, t);
    });
    const scored = scoreServiceWindow(
      'bgl',
      { length: baselineLines, templates: [...baseline.values()] },
      { length: chunk.length, templates: [...counts.values()] }
    );
    const deviating = new Set(
      scored.status === 'scored' ? scored.deviations.filter((d) => d.kind !== 'drop').map((d) => d.template) : []
    );
    for (const k of keys) {
      flags.push(deviating.has(k));
    }
    if (rolling) {
      for (const t of counts.values()) {
        const b = baseline.get(t.template) ?? { template: t.template, count: 0 };
        b.count += t.count;
        baseline.set(t.template, b);
      }
      baselineLines += chunk.length;
    }
  }
  return flags;
}

/** Sequence-model flags for the test lines: the whole stream in time order, scored from the split on. */
export async function sequenceFlags(bgl: BglData, model: Loaded): Promise<{ flags: boolean[]; unseen: boolean[] }> {
  const ids = bgl.lines.map((l) => model.vocabulary.idOf(l.content));
  const scored = await scoreSequence(ids.slice(bgl.splitAt), model.spec, model.nextTemplateProbabilities, {
    context: ids.slice(0, bgl.splitAt),
  });
  return { flags: scored.events.map((e) => e.miss), unseen: scored.events.map((e) => e.reason === 'unseen template') };
}

interface NezhaRanks {
  frequency: number | undefined;
  sequence: number | undefined;
  combined: number | undefined;
  keyword: number | undefined;
}

/** 1-based rank of `truth` with ties counted against it; undefined when it has no score. */
export function rankOf(scores: ReadonlyMap<string, number>, truth: string): number | undefined {
  const mine = scores.get(truth);
  if (mine === undefined || mine <= 0) {
    return undefined;
  }
  let rank = 1;
  for (const [s, v] of scores) {
    if (s !== truth && v >= mine) {
      rank++;
    }
  }
  return rank;
}

async function evaluateNezhaCase(c: NezhaLogCase, model: Loaded | undefined, baselineMiss: Map<string, SequenceScore>) {
  const toRaw = (l: NezhaLogCase['window'][number]) => ({
    service: l.service,
    timeMs: l.timeMs,
    message: nezhaContent(l.message),
    level: nezhaLevel(l.message),
  });
  const windows = templateWindows(c.baseline.map(toRaw), c.window.map(toRaw), {
    baseline: c.baselineMinutes,
    window: c.windowMinutes,
  });
  const freq = scoreServices(windows.baseline, windows.window);
  const frequency = new Map(freq.map((s) => [s.service, s.status === 'scored' ? s.score : 0]));
  const keyword = new Map<string, number>();
  for (const l of c.window) {
    if (/error|exception|fail/i.test(l.message)) {
      keyword.set(l.service, (keyword.get(l.service) ?? 0) + 1);
    }
  }
  const sequence = new Map<string, number>();
  if (model) {
    const before = streamsByService(c.beforeInjection);
    for (const [service, stream] of streamsByService(c.window)) {
      const ids = stream.map((l) => model.vocabulary.idOf(nezhaContent(l.message)));
      const context = (before.get(service) ?? [])
        .slice(-model.spec.h)
        .map((l) => model.vocabulary.idOf(nezhaContent(l.message)));
      const scored = await scoreSequence(ids, model.spec, model.nextTemplateProbabilities, { context, minEvents: 3 });
      const s = sequenceAnomaly(scored, baselineMiss.get(service));
      if (s !== undefined) {
        sequence.set(service, s);
      }
    }
  }
  const combined = new Map<string, number>();
  for (const s of new Set([...frequency.keys(), ...sequence.keys()])) {
    combined.set(s, combinedLogScore(frequency.get(s), model ? sequence.get(s) : undefined) ?? 0);
  }
  const truth = c.fault.service;
  const ranks: NezhaRanks = {
    frequency: rankOf(frequency, truth),
    sequence: model ? rankOf(sequence, truth) : undefined,
    combined: rankOf(combined, truth),
    keyword: rankOf(keyword, truth),
  };
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 3)
      .map(([service, score]) => ({ service, score: Number(score.toFixed(4)) }));
  const truthScore = freq.find((s) => s.service === truth);
  return {
    id: c.fault.id,
    injectTime: c.fault.injectTime,
    type: c.fault.type,
    truth,
    windowLines: c.window.length,
    truthWindowLines: c.window.filter((l) => l.service === truth).length,
    ranks,
    top3: {
      frequency: top(frequency),
      ...(model ? { sequence: top(sequence), combined: top(combined) } : {}),
      keyword: top(keyword),
    },
    truthEvidence:
      truthScore?.status === 'scored'
        ? truthScore.summary
        : truthScore
          ? `insufficient data: ${truthScore.reason}`
          : 'no log lines from this service',
    notes: windows.notes,
  };
}

const pct = (x: number): string => (100 * x).toFixed(1).padStart(5);

/** `aidpe loganomaly-eval --bgl FILE_OR_DIR [--nezha DIR] --out RESULT.json [--models DIR] [--window-lines N]` */
export async function runLogAnomalyEval(argv: string[]): Promise<number> {
  const flags = parseArgs({
    args: argv,
    options: {
      bgl: { type: 'string' },
      nezha: { type: 'string' },
      out: { type: 'string' },
      models: { type: 'string' },
      'window-lines': { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  }).values as Flags;
  const required = (name: string): string => {
    const v = flags[name];
    if (typeof v !== 'string' || v === '') {
      throw new LogAnomalyUsageError(`--${name} is required`);
    }
    return v;
  };
  const bglPath = required('bgl');
  const out = required('out');
  const windowLines = flags['window-lines'] === undefined ? 100 : Number(flags['window-lines']);
  if (!Number.isInteger(windowLines) || windowLines < 1) {
    throw new LogAnomalyUsageError(
      `--window-lines: expected a positive integer, got ${JSON.stringify(flags['window-lines'])}`
    );
  }
  let bgl: BglData;
  let cases: NezhaLogCase[] | undefined;
  let nezhaRoot: string | undefined;
  try {
    bgl = loadBgl(resolveBglFile(bglPath));
    if (typeof flags.nezha === 'string') {
      nezhaRoot = resolveNezhaRoot(flags.nezha);
      cases = loadNezhaLogCases(nezhaRoot);
    }
  } catch (err) {
    if (err instanceof LogDataError || err instanceof NezhaDataError) {
      throw new LogAnomalyUsageError(err.message);
    }
    throw err;
  }
  const load = await loadLogSequenceModel({ modelsDir: typeof flags.models === 'string' ? flags.models : undefined });
  const model = load.state === 'loaded' ? load : undefined;
  const notes: string[] = [];
  if (!model) {
    notes.push(
      `${load.state === 'loaded' ? '' : load.error}; sequence scoring skipped, frequency and keyword scoring only`
    );
  }
  if (bgl.malformed > 0) {
    notes.push(`BGL: skipped ${bgl.malformed} malformed line(s) that do not fit the BGL header format`);
  }

  // ---- BGL
  const test = bgl.lines.slice(bgl.splitAt);
  const truth = test.map((l) => l.anomalous);
  const methods: Record<string, Detection & { note: string }> = {};
  let unseenTemplates: { normalLines: number; alertLines: number } | undefined;
  if (model) {
    const seq = await sequenceFlags(bgl, model);
    // How much of the test part the training part's templates cover: BGL_2k's halves differ a lot.
    unseenTemplates = {
      normalLines: seq.unseen.filter((u, i) => u && !truth[i]).length,
      alertLines: seq.unseen.filter((u, i) => u && truth[i]).length,
    };
    methods.sequence = {
      ...detectionMetrics(seq.flags, truth),
      note: `DeepLog rule, h=${model.spec.h}, top-g=${model.spec.topG}; templates outside the vocabulary count as misses: ${unseenTemplates.normalLines} normal and ${unseenTemplates.alertLines} alert test line(s)`,
    };
  }
  methods.frequency = {
    ...detectionMetrics(frequencyFlags(bgl, windowLines), truth),
    note: `new templates or Poisson-deviating frequency vs the normal training lines, windows of ${windowLines} lines`,
  };
  methods['frequency-rolling'] = {
    ...detectionMetrics(frequencyFlags(bgl, windowLines, true), truth),
    note: `the same with every scored window added to the baseline (a template is new once)`,
  };
  methods.keyword = {
    ...detectionMetrics(
      test.map((l) => keywordRule(l.level, l.content)),
      truth
    ),
    note: 'baseline: level FATAL/ERROR/FAILURE/SEVERE or error|fail|fatal|exception in the text',
  };
  const bglResult = {
    file: bgl.file,
    lines: bgl.lines.length,
    trainLines: bgl.splitAt,
    trainNormalLines: bgl.lines.slice(0, bgl.splitAt).filter((l) => !l.anomalous).length,
    testLines: test.length,
    testAnomalies: truth.filter(Boolean).length,
    ...(unseenTemplates ? { unseenTemplates } : {}),
    methods,
  };

  // ---- Nezha
  let nezhaResult: unknown;
  const nezhaRows: string[] = [];
  if (cases) {
    const baselineMiss = new Map<string, SequenceScore>();
    if (model && cases[0]) {
      // Each service's miss rate on the fault-free minute: what the model misses on normal logs.
      for (const [service, stream] of streamsByService(cases[0].construct)) {
        baselineMiss.set(
          service,
          await scoreSequence(
            stream.map((l) => model.vocabulary.idOf(nezhaContent(l.message))),
            model.spec,
            model.nextTemplateProbabilities
          )
        );
      }
    }
    const perCase: Array<Awaited<ReturnType<typeof evaluateNezhaCase>>> = [];
    for (const c of cases) {
      perCase.push(await evaluateNezhaCase(c, model, baselineMiss));
    }
    const methodNames = model
      ? (['frequency', 'sequence', 'combined', 'keyword'] as const)
      : (['frequency', 'keyword'] as const);
    const summary = Object.fromEntries(
      methodNames.map((m) => {
        const ranks = perCase.map((c) => c.ranks[m]);
        return [
          m,
          {
            cases: ranks.length,
            top1: ranks.filter((r) => r === 1).length,
            top3: ranks.filter((r) => r !== undefined && r <= 3).length,
            unscored: ranks.filter((r) => r === undefined).length,
          },
        ];
      })
    );
    nezhaResult = { root: nezhaRoot, cases: perCase.length, summary, perCase };
    for (const [m, s] of Object.entries(summary)) {
      nezhaRows.push(
        `nezha  ${m.padEnd(10)} top-1 ${String(s.top1).padStart(2)}/${s.cases}  top-3 ${String(s.top3).padStart(2)}/${s.cases}  (no score for the faulted service: ${s.unscored})`
      );
    }
  }

  const report = {
    tool: 'aidpe loganomaly-eval',
    model: model
      ? {
          name: 'aidpe-logseq-v1',
          version: model.version,
          sha256: model.sha256,
          h: model.spec.h,
          topG: model.spec.topG,
          vocabularySize: model.spec.vocabularySize,
        }
      : { state: load.state, error: load.state === 'loaded' ? undefined : load.error },
    conventions:
      'BGL: time order, first 50% = training part (normal lines only used), line-level P/R/F1 on the second 50%. Nezha: window = injection time to the end of the injection minute and the two after it; baseline = the fault-free construct_data minute; rank of the faulted service among services with log lines, ties counted against it.',
    notes,
    bgl: bglResult,
    nezha: nezhaResult,
  };
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
  const lines = [
    `BGL_2k held-out part: ${bglResult.testLines} lines, ${bglResult.testAnomalies} alerts`,
    'bgl    method            precision recall  F1     flagged',
  ];
  for (const [m, d] of Object.entries(methods)) {
    lines.push(
      `bgl    ${m.padEnd(17)} ${pct(d.precision)}   ${pct(d.recall)}  ${pct(d.f1)}  ${String(d.flagged).padStart(6)}`
    );
  }
  if (unseenTemplates) {
    lines.push(
      `bgl    test lines whose template the training part never had: ${unseenTemplates.normalLines} normal, ${unseenTemplates.alertLines} alerts`
    );
  }
  lines.push(...nezhaRows);
  for (const n of notes) {
    lines.push(`note: ${n}`);
  }
  lines.push(`wrote ${out}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export function isLogAnomalyUsageError(err: unknown): err is Error {
  return err instanceof LogAnomalyUsageError;
}
