/**
 * Log anomaly scoring for root-cause analysis. Pure and deterministic (no I/O, no randomness).
 *
 * (a) Window statistics per service: template counts in a window against a baseline window. A template the
 *     baseline never had is "new"; a template seen before is "deviating" when its count is improbable under
 *     a Poisson rate taken from the baseline (smoothed, scaled to the window's length) and at least
 *     `minCount` lines; a template vanishing is reported but scores little (quiet is rarely the fault).
 *     Error-level templates (level or wording) weigh more. The per-service score in [0,1] is
 *     1 − Π(1 − a_t) over the new and rising templates' anomaly a_t (and the strongest drop), with the
 *     evidence that produced it.
 * (b) Sequence scoring in DeepLog's manner: an injected next-template model (the ONNX LSTM) gives the
 *     probabilities of the next template id after the previous `h`; an event is a miss when its template is
 *     not among the top-g, and always a miss when its template is outside the model's vocabulary ("unseen
 *     template"). Per event and per window (miss rate).
 *
 * Both answer "insufficient data" with the reason instead of a score when there is nothing to compare.
 */
import { Drain, type DrainSnapshot, type LogCluster } from './logparse/drain.ts';

// ---------------------------------------------------------------- (a) window statistics

export interface TemplateCount {
  /** Stable key of the template (parser cluster id, template text, …). */
  template: string;
  count: number;
  /** Any line of this template was error-level (level field or wording). */
  error?: boolean;
}

export interface WindowCounts {
  /** Length of the window in any unit shared with the baseline (seconds, minutes, lines). */
  length: number;
  templates: readonly TemplateCount[];
}

export interface TemplateDeviation {
  template: string;
  kind: 'new' | 'rise' | 'drop';
  baselineCount: number;
  /** Baseline count scaled to the window's length. */
  expected: number;
  count: number;
  error: boolean;
  /** −log10 of the Poisson tail probability (0 for new templates). */
  surprise: number;
  /** This template's contribution in [0,1]. */
  anomaly: number;
}

export type ServiceLogScore =
  | {
      service: string;
      status: 'scored';
      score: number;
      lines: number;
      baselineLines: number;
      deviations: TemplateDeviation[];
      summary: string;
    }
  | { service: string; status: 'insufficient data'; reason: string; lines: number; baselineLines: number };

export interface FrequencyOptions {
  /** A rise must reach this many lines to count (a single extra line of a common template is noise). */
  minCount: number;
  /** −log10 p at which a rise starts to count (3: p < 0.001). */
  surpriseThreshold: number;
  /** Surprise above the threshold that makes a rise fully anomalous. */
  surpriseSpan: number;
  /** Lines of a new template that make it ~63% anomalous (error-level templates: a third of it). */
  newTemplateScale: number;
  /** Weight of drops (a template going quiet). */
  dropWeight: number;
  /** Weight of new or rising templates that are not error-level (error-level ones weigh 1). */
  infoWeight: number;
}

export const FREQUENCY_DEFAULTS: FrequencyOptions = {
  minCount: 3,
  surpriseThreshold: 3,
  surpriseSpan: 6,
  newTemplateScale: 3,
  dropWeight: 0.25,
  infoWeight: 0.5,
};

/** Words that mark a log line as error-level when the source has no level field. */
export const ERROR_WORDS = /error|fail|fatal|exception|panic|refused|timed? ?out/i;
export const ERROR_LEVELS = /^(error|err|fatal|failure|severe|critical|crit|alert|emerg|panic)$/i;

/** log10 of the Poisson upper tail P(X ≥ k | λ), computed in log space (stable for large k, λ). */
export function poissonUpperTailLog10(k: number, lambda: number): number {
  if (k <= 0) {
    return 0;
  }
  if (lambda <= 0) {
    return -Infinity;
  }
  // Sum the terms from k upward, relative to the k-th term, until they stop contributing.
  const logTerm = k * Math.log(lambda) - lambda - logFactorial(k);
  let sum = 1;
  let term = 1;
  for (let j = k + 1; j < k + 10_000; j++) {
    term *= lambda / j;
    sum += term;
    if (term < 1e-12 * sum) {
      break;
    }
  }
  return Math.min(0, (logTerm + Math.log(sum)) / Math.LN10);
}

/** log10 of the Poisson lower tail P(X ≤ k | λ). */
export function poissonLowerTailLog10(k: number, lambda: number): number {
  if (lambda <= 0) {
    return 0;
  }
  const logTerm = k * Math.log(lambda) - lambda - logFactorial(k);
  let sum = 1;
  let term = 1;
  for (let j = k; j > 0; j--) {
    term *= j / lambda;
    sum += term;
    if (term < 1e-12 * sum) {
      break;
    }
  }
  return Math.min(0, (logTerm + Math.log(sum)) / Math.LN10);
}

function logFactorial(n: number): number {
  // Exact for small n, Stirling with two correction terms beyond (error < 1e-10).
  if (n < 20) {
    let s = 0;
    for (let i = 2; i <= n; i++) {
      s += Math.log(i);
    }
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

function merge(templates: readonly TemplateCount[]): Map<string, { count: number; error: boolean }> {
  const out = new Map<string, { count: number; error: boolean }>();
  for (const t of templates) {
    if (!Number.isFinite(t.count) || t.count <= 0) {
      continue;
    }
    const prev = out.get(t.template) ?? { count: 0, error: false };
    out.set(t.template, { count: prev.count + t.count, error: prev.error || t.error === true });
  }
  return out;
}

/**
 * One service's window against its baseline. Insufficient data when the window is empty, the baseline is
 * empty (nothing to call "new" against), or either length is not positive.
 */
export function scoreServiceWindow(
  service: string,
  baseline: WindowCounts,
  window: WindowCounts,
  options: Partial<FrequencyOptions> = {}
): ServiceLogScore {
  const opt = { ...FREQUENCY_DEFAULTS, ...options };
  const before = merge(baseline.templates);
  const now = merge(window.templates);
  const baselineLines = [...before.values()].reduce((s, x) => s + x.count, 0);
  const lines = [...now.values()].reduce((s, x) => s + x.count, 0);
  const insufficient = (reason: string): ServiceLogScore => ({
    service,
    status: 'insufficient data',
    reason,
    lines,
    baselineLines,
  });
  if (!(window.length > 0) || !(baseline.length > 0)) {
    return insufficient('window or baseline length is not positive');
  }
  if (baselineLines === 0 && lines === 0) {
    return insufficient('no log lines in the window or the baseline');
  }
  if (baselineLines === 0) {
    return insufficient(`no log lines in the baseline window (${lines} in the window): nothing to compare with`);
  }
  const scale = window.length / baseline.length;
  const deviations: TemplateDeviation[] = [];
  const keys = [...new Set([...before.keys(), ...now.keys()])].sort();
  for (const template of keys) {
    const b = before.get(template);
    const n = now.get(template);
    const count = n?.count ?? 0;
    const baselineCount = b?.count ?? 0;
    const error = (n?.error ?? false) || (b?.error ?? false);
    const expected = baselineCount * scale;
    if (!b) {
      // Error-level novelty is the stronger evidence; a new info template is often new traffic.
      const a = error
        ? 1 - Math.exp(-count / (opt.newTemplateScale / 3))
        : opt.infoWeight * (1 - Math.exp(-count / opt.newTemplateScale));
      deviations.push({ template, kind: 'new', baselineCount: 0, expected: 0, count, error, surprise: 0, anomaly: a });
      continue;
    }
    // Half a line of smoothing keeps a rare template from making every recurrence improbable.
    const lambda = Math.max(expected, 0.5 * scale);
    if (count > lambda && count >= opt.minCount) {
      const surprise = -poissonUpperTailLog10(count, lambda);
      if (surprise >= opt.surpriseThreshold) {
        const a =
          Math.min(1, (surprise - opt.surpriseThreshold) / opt.surpriseSpan + 0.1) * (error ? 1 : opt.infoWeight);
        deviations.push({ template, kind: 'rise', baselineCount, expected, count, error, surprise, anomaly: a });
      }
    } else if (count < expected && expected >= opt.minCount * 2) {
      const surprise = -poissonLowerTailLog10(count, expected);
      if (surprise >= opt.surpriseThreshold) {
        const a = opt.dropWeight * Math.min(1, (surprise - opt.surpriseThreshold) / opt.surpriseSpan + 0.1);
        deviations.push({ template, kind: 'drop', baselineCount, expected, count, error, surprise, anomaly: a });
      }
    }
  }
  if (lines === 0 && deviations.length === 0) {
    return insufficient(`no log lines in the window (${baselineLines} in the baseline)`);
  }
  // Plain code-unit order, the same on every machine (locale collation is not).
  deviations.sort((x, y) => y.anomaly - x.anomaly || (x.template < y.template ? -1 : x.template > y.template ? 1 : 0));
  // New templates and rises compound; drops count once (the strongest): a quieter service is weak evidence
  // however many of its templates went quiet.
  const strongestDrop = Math.max(0, ...deviations.filter((d) => d.kind === 'drop').map((d) => d.anomaly));
  const score =
    1 -
    deviations
      .filter((d) => d.kind !== 'drop')
      .reduce((p, d) => p * (1 - Math.min(1, Math.max(0, d.anomaly))), 1 - Math.min(1, strongestDrop));
  const fresh = deviations.filter((d) => d.kind === 'new');
  const rises = deviations.filter((d) => d.kind === 'rise');
  const drops = deviations.filter((d) => d.kind === 'drop');
  const parts: string[] = [];
  if (fresh.length) {
    parts.push(
      `${fresh.length} new template(s) (${fresh.reduce((s, d) => s + d.count, 0)} lines${fresh.some((d) => d.error) ? ', error-level among them' : ''})`
    );
  }
  if (rises.length) {
    parts.push(
      `${rises.length} template(s) more frequent than the baseline (top: ${rises[0]!.baselineCount} → ${rises[0]!.count} lines, expected ${rises[0]!.expected.toFixed(1)})`
    );
  }
  if (drops.length) {
    parts.push(`${drops.length} template(s) went quiet`);
  }
  const summary = parts.length
    ? `log anomaly ${score.toFixed(2)}: ${parts.join('; ')}`
    : `log anomaly ${score.toFixed(2)}: templates as in the baseline`;
  return { service, status: 'scored', score, lines, baselineLines, deviations, summary };
}

/** Every service's window against its baseline, highest score first (insufficient data last). */
export function scoreServices(
  baseline: ReadonlyMap<string, WindowCounts>,
  window: ReadonlyMap<string, WindowCounts>,
  options: Partial<FrequencyOptions> = {}
): ServiceLogScore[] {
  const services = [...new Set([...baseline.keys(), ...window.keys()])].sort();
  const empty = (length: number): WindowCounts => ({ length, templates: [] });
  const lengthOf = (m: ReadonlyMap<string, WindowCounts>): number => [...m.values()][0]?.length ?? 1;
  const scored = services.map((s) =>
    scoreServiceWindow(
      s,
      baseline.get(s) ?? empty(lengthOf(baseline)),
      window.get(s) ?? empty(lengthOf(window)),
      options
    )
  );
  const rank = (x: ServiceLogScore): number => (x.status === 'scored' ? x.score : -1);
  return scored.sort((a, b) => rank(b) - rank(a) || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

// ---------------------------------------------------------------- parsing lines into template counts

export interface RawLogLine {
  service: string;
  timeMs: number;
  /** The message (or whole line); lines that are not strings or are blank are skipped and counted. */
  message: unknown;
  level?: string | undefined;
}

export interface TemplatedWindows {
  baseline: Map<string, WindowCounts>;
  window: Map<string, WindowCounts>;
  /** Template key → text, for the answer. */
  texts: Map<string, string>;
  skippedMalformed: number;
  notes: string[];
}

export function isErrorLine(message: string, level: string | undefined): boolean {
  return (level !== undefined && ERROR_LEVELS.test(level.trim())) || ERROR_WORDS.test(message);
}

/**
 * Mines templates with a fresh AIDPE parser (baseline first, then the window) and counts them per service.
 * A template is keyed by its final text once every line is in: clusters that end with the same text are one
 * template (Drain can open a second cluster for a line whose tokens are mostly masked), and a baseline
 * cluster that a window line generalised is still the baseline's. Malformed lines (no service, no text, no
 * finite time) are skipped and counted; the notes say so.
 */
export function templateWindows(
  baselineLines: readonly RawLogLine[],
  windowLines: readonly RawLogLine[],
  lengths: { baseline: number; window: number },
  parser: Drain = Drain.aidpe()
): TemplatedWindows {
  let skippedMalformed = 0;
  const mine = (lines: readonly RawLogLine[]): Array<{ service: string; cluster: LogCluster; error: boolean }> => {
    const sorted = [...lines].sort(
      (a, b) => a.timeMs - b.timeMs || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0)
    );
    const out: Array<{ service: string; cluster: LogCluster; error: boolean }> = [];
    for (const l of sorted) {
      if (
        typeof l.service !== 'string' ||
        l.service === '' ||
        typeof l.message !== 'string' ||
        l.message.trim() === '' ||
        !Number.isFinite(l.timeMs)
      ) {
        skippedMalformed++;
        continue;
      }
      out.push({
        service: l.service,
        cluster: parser.addLogMessage(l.message).cluster,
        error: isErrorLine(l.message, l.level),
      });
    }
    return out;
  };
  const minedBaseline = mine(baselineLines);
  const minedWindow = mine(windowLines);
  const texts = new Map<string, string>();
  const keyOf = new Map<string, string>();
  const count = (mined: ReturnType<typeof mine>, length: number): Map<string, WindowCounts> => {
    const per = new Map<string, Map<string, TemplateCount>>();
    for (const { service, cluster, error } of mined) {
      const text = parser.template(cluster);
      let key = keyOf.get(text);
      if (key === undefined) {
        key = `T${keyOf.size + 1}`;
        keyOf.set(text, key);
        texts.set(key, text);
      }
      const m = per.get(service) ?? new Map<string, TemplateCount>();
      const t = m.get(key) ?? { template: key, count: 0, error: false };
      t.count++;
      t.error = t.error || error;
      m.set(key, t);
      per.set(service, m);
    }
    return new Map([...per].map(([s, m]) => [s, { length, templates: [...m.values()] }]));
  };
  const baseline = count(minedBaseline, lengths.baseline);
  const window = count(minedWindow, lengths.window);
  const notes: string[] = [];
  if (skippedMalformed > 0) {
    notes.push(`skipped ${skippedMalformed} malformed line(s) (no service, no text or no time)`);
  }
  return { baseline, window, texts, skippedMalformed, notes };
}

// ---------------------------------------------------------------- (b) sequence scoring

/** Next-template probabilities after a window of `h` template ids (oldest first). */
export type NextTemplateProbabilities = (window: Int32Array) => Promise<Float32Array>;

export interface SequenceModelSpec {
  /** History length the model takes. */
  h: number;
  /** Size of the model's output (vocabulary including PAD and UNK). */
  vocabularySize: number;
  padId: number;
  unkId: number;
  /** An event is normal when its template is among the `topG` most probable. */
  topG: number;
}

export interface SequenceEvent {
  index: number;
  templateId: number;
  miss: boolean;
  /** `unseen template`: outside the vocabulary; `not in top-g`: the model did not expect it. */
  reason?: 'unseen template' | 'not in top-g';
  /** 1-based rank of the actual template among the predictions (undefined for unseen templates). */
  rank?: number;
  probability?: number;
}

export type SequenceScore =
  | { status: 'scored'; events: SequenceEvent[]; misses: number; unseen: number; missRate: number }
  | { status: 'insufficient data'; reason: string; events: SequenceEvent[] };

/**
 * Scores each event of a template-id sequence by the DeepLog rule. `context` (the events just before, e.g. the
 * stream before the window) fills the history; without it the first events are scored with PAD in front
 * (the model was trained that way). Ids outside [0, vocabularySize) or equal to UNK or PAD are unseen.
 */
export async function scoreSequence(
  ids: ArrayLike<number>,
  spec: SequenceModelSpec,
  predict: NextTemplateProbabilities,
  options: { minEvents?: number; context?: ArrayLike<number> } = {}
): Promise<SequenceScore> {
  const minEvents = options.minEvents ?? 1;
  const events: SequenceEvent[] = [];
  const window = new Int32Array(spec.h);
  const history: number[] = new Array(spec.h).fill(spec.padId);
  // Events before the window (history only, not scored); unknown ids enter the history as UNK.
  const context = options.context ?? [];
  for (let i = Math.max(0, context.length - spec.h); i < context.length; i++) {
    const c = context[i]!;
    history.shift();
    history.push(Number.isInteger(c) && c >= 0 && c < spec.vocabularySize ? c : spec.unkId);
  }
  let misses = 0;
  let unseen = 0;
  for (let i = 0; i < ids.length; i++) {
    const raw = ids[i]!;
    const known =
      Number.isInteger(raw) && raw >= 0 && raw < spec.vocabularySize && raw !== spec.unkId && raw !== spec.padId;
    const id = known ? raw : spec.unkId;
    if (!known) {
      events.push({ index: i, templateId: id, miss: true, reason: 'unseen template' });
      misses++;
      unseen++;
    } else {
      window.set(history);
      const probs = await predict(window);
      if (probs.length !== spec.vocabularySize) {
        throw new Error(`sequence model: expected ${spec.vocabularySize} probabilities, got ${probs.length}`);
      }
      const p = probs[id]!;
      // Rank among real templates (PAD and UNK are never a prediction); ties go against the actual template.
      let rank = 1;
      for (let k = 0; k < probs.length; k++) {
        if (k !== id && k !== spec.padId && k !== spec.unkId && probs[k]! >= p) {
          rank++;
        }
      }
      const miss = rank > spec.topG;
      if (miss) {
        misses++;
      }
      events.push({
        index: i,
        templateId: id,
        miss,
        rank,
        probability: p,
        ...(miss ? { reason: 'not in top-g' as const } : {}),
      });
    }
    history.shift();
    history.push(id);
  }
  if (events.length < Math.max(1, minEvents)) {
    return {
      status: 'insufficient data',
      reason: `${events.length} event(s) in the window; at least ${Math.max(1, minEvents)} needed`,
      events,
    };
  }
  return { status: 'scored', events, misses, unseen, missRate: misses / events.length };
}

/**
 * The sequence model's evidence for one service as a score in [0,1]: the window's miss rate above the
 * baseline's (a model misses some normal events too), relative to the room left.
 */
export function sequenceAnomaly(window: SequenceScore, baseline: SequenceScore | undefined): number | undefined {
  if (window.status !== 'scored') {
    return undefined;
  }
  const base = baseline?.status === 'scored' ? baseline.missRate : 0;
  if (base >= 1) {
    return 0;
  }
  return Math.max(0, Math.min(1, (window.missRate - base) / (1 - base)));
}

/** Frequency score and sequence score together (either may be missing). */
export function combinedLogScore(frequency: number | undefined, sequence: number | undefined): number | undefined {
  if (frequency === undefined && sequence === undefined) {
    return undefined;
  }
  return 1 - (1 - (frequency ?? 0)) * (1 - (sequence ?? 0));
}

// ---------------------------------------------------------------- vocabulary (template text → id)

export interface LogVocabularyFile {
  format: 'aidpe-logseq-vocab/1';
  padId: number;
  unkId: number;
  /** Template text (as the parser writes it) → id. */
  templates: Record<string, number>;
  /** The parser state after mining the training logs: inference matches lines against it without learning. */
  parser: DrainSnapshot;
}

/** Maps log contents to the model's template ids, the way training did. */
export class TemplateVocabulary {
  readonly padId: number;
  readonly unkId: number;
  readonly size: number;
  private readonly ids: Map<string, number>;
  private readonly parser: Drain;

  constructor(file: LogVocabularyFile) {
    if (file?.format !== 'aidpe-logseq-vocab/1') {
      throw new Error(`vocabulary: format must be "aidpe-logseq-vocab/1", got ${JSON.stringify(file?.format)}`);
    }
    this.padId = file.padId;
    this.unkId = file.unkId;
    this.ids = new Map(Object.entries(file.templates));
    this.size = Math.max(file.padId, file.unkId, ...this.ids.values()) + 1;
    this.parser = Drain.fromSnapshot(file.parser);
  }

  /**
   * The id of a content line's template; UNK when no mined template covers it. First Drain's `match` (every
   * constant token equal); else the cluster the parser would have put the line in when learning (same token
   * count, share of equal constant tokens at least `simTh`, ties to the one with more parameters), without
   * changing the parser: inference must not learn.
   */
  idOf(content: string): number {
    const cluster = this.parser.match(content, 'fallback') ?? this.nearest(content);
    if (!cluster) {
      return this.unkId;
    }
    return this.ids.get(this.parser.template(cluster)) ?? this.unkId;
  }

  private nearest(content: string): LogCluster | undefined {
    const tokens = this.parser.maskedTokens(content);
    let best: LogCluster | undefined;
    let bestSim = -1;
    let bestParams = -1;
    for (const c of this.parser.clusters) {
      if (c.tokens.length !== tokens.length || c.tokens.length === 0) {
        continue;
      }
      let same = 0;
      let params = 0;
      c.tokens.forEach((t, i) => {
        if (t.includes('<*>')) {
          params++;
        } else if (t === tokens[i]) {
          same++;
        }
      });
      const sim = same / c.tokens.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        [best, bestSim, bestParams] = [c, sim, params];
      }
    }
    return best && bestSim >= this.parser.options.simTh ? best : undefined;
  }
}
