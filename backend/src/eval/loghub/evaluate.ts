/**
 * The loghub benchmark loop: AIDPE's parser and three anchors on every system, each scored in-sample and
 * leave-one-system-out (LOSO), with the same evaluator (loghub-2.0's GA / PA / FGA / FTA):
 *
 * - `aidpe`: rules chosen by coordinate ascent (`selection.ts`) from the fixed start `AIDPE_RULE_START`;
 *   in-sample = chosen on every system, LOSO = chosen on the other systems, then the held-out one scored;
 * - `drain3`: plain Drain3 defaults, nothing chosen (in-sample = LOSO);
 * - `drain-bench`: Drain with the public benchmark's per-system regexes, threshold and depth; in-sample =
 *   the system's own published setting (tuned on that very sample), LOSO = the other systems' setting that
 *   scores best on the other systems;
 * - `spell`: Spell (LCS) with one general preprocessing; `tau` chosen in-sample / LOSO like AIDPE's rules.
 *
 * The objective every choice maximises is the mean of (GA + PA) / 2 over the training systems.
 */
import { Drain } from '../../engines/rca/logparse/drain.ts';
import { mineTemplates } from '../../engines/rca/logparse/mine.ts';
import {
  AIDPE_RULE_NAMES,
  AIDPE_RULE_SPACE,
  AIDPE_RULE_START,
  AIDPE_RULES,
  aidpeOptions,
  rulesKey,
  type AidpeRuleName,
  type AidpeRules,
} from '../../engines/rca/logparse/rules.ts';
import { TOKEN_CLASS_NAMES } from '../../engines/rca/logparse/tokenClasses.ts';
import { BENCHMARK_DRAIN_SETTINGS, SPELL_PREPROCESS, SPELL_TAUS } from './benchmarkSettings.ts';
import type { LoadedSystem } from './corpus.ts';
import { evaluateParsing, prepareTruth, type ParsedLine, type ParseMetrics } from './metrics.ts';
import { coordinateAscent, type SelectionStep } from './selection.ts';
import { spellTemplates } from './spell.ts';

export const PARSER_NAMES = ['aidpe', 'drain3', 'drain-bench', 'spell'] as const;
export type ParserName = (typeof PARSER_NAMES)[number];

export type Scores = Pick<
  ParseMetrics,
  'GA' | 'PA' | 'FGA' | 'FTA' | 'PTA' | 'RTA' | 'groundTemplates' | 'identifiedTemplates'
>;

export interface ParserResult {
  inSample?: Scores;
  loso: Scores;
  /** What was used for the system (rule differences from the start, a setting's system, a tau). */
  inSampleSetting?: string;
  losoSetting: string;
}

export interface Throughput {
  linesPerSecond: number;
  linesPerCpuSecond: number;
}

export interface SystemReport {
  system: string;
  lines: number;
  formatSource: LoadedSystem['formatSource'];
  format: string;
  unmatched: number;
  contentMismatches: number;
  groundTruth: string;
  detection: LoadedSystem['detection'];
  parsers: Record<ParserName, ParserResult>;
  throughput?: Partial<Record<'aidpe' | 'drain3', Throughput>>;
}

export interface RuleEffect {
  rule: AidpeRuleName;
  /** The value that stands for the rule being off (Drain3's behaviour). */
  off: string;
  /** Folds whose LOSO choice had the rule on. */
  foldsOn: number;
  /** Mean over held-out systems of (score with the fold's choice) − (same with this rule off); 0 where off. */
  deltaGA: number;
  deltaPA: number;
  /** Largest held-out gain and loss of the objective from having the rule on. */
  maxGain: number;
  maxLoss: number;
  perSystem: Record<string, { GA: number; PA: number }>;
}

export interface LoghubReport {
  objective: string;
  systems: SystemReport[];
  means: Record<ParserName, { inSample?: MeanScores; loso: MeanScores }>;
  aidpe: {
    start: AidpeRules;
    inSampleRules: AidpeRules;
    inSampleSteps: SelectionStep[];
    shippedRules: AidpeRules;
    shippedMatchesInSample: boolean;
    losoRules: Record<string, Partial<AidpeRules>>;
    ruleEffects: RuleEffect[];
  };
  throughputMean?: Partial<Record<'aidpe' | 'drain3', Throughput>>;
}

export type MeanScores = Pick<Scores, 'GA' | 'PA' | 'FGA' | 'FTA'>;

/** Rule values that reproduce Drain3's behaviour (the "off" of each rule, for its effect). */
export const RULES_OFF: AidpeRules = {
  simTh: 0.4,
  depth: 4,
  ...(Object.fromEntries(TOKEN_CLASS_NAMES.map((c) => [c, false])) as Record<
    (typeof TOKEN_CLASS_NAMES)[number],
    boolean
  >),
  calendarWords: false,
  collapseVariableRuns: false,
  partial: 'off',
  partialEmpty: false,
  enumWords: 0,
  enumNames: 0,
  enumPartial: false,
  enumDigits: false,
  unitsVary: false,
  enumCapitalised: false,
  constantSimilarity: false,
  siblingMerge: 0,
  siblingContext: 1,
  wildcardsMatchMasked: false,
};

const objectiveOf = (m: Scores): number => (m.GA + m.PA) / 2;

function scoresOf(m: ParseMetrics): Scores {
  const { GA, PA, FGA, FTA, PTA, RTA, groundTemplates, identifiedTemplates } = m;
  return { GA, PA, FGA, FTA, PTA, RTA, groundTemplates, identifiedTemplates };
}

function ruleDiff(rules: AidpeRules, base: AidpeRules): Partial<AidpeRules> {
  const out: Record<string, unknown> = {};
  for (const k of AIDPE_RULE_NAMES) {
    if (rules[k] !== base[k]) {
      out[k] = rules[k];
    }
  }
  return out as Partial<AidpeRules>;
}

const describeDiff = (d: Partial<AidpeRules>): string =>
  Object.keys(d).length === 0
    ? 'start'
    : Object.entries(d)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',');

function meanScores(rows: Scores[]): MeanScores {
  const m = (k: keyof MeanScores): number => rows.reduce((s, r) => s + r[k], 0) / Math.max(rows.length, 1);
  return { GA: m('GA'), PA: m('PA'), FGA: m('FGA'), FTA: m('FTA') };
}

export interface EvaluateOptions {
  /** Coordinate-ascent passes at most. */
  passes?: number;
  /** Timing passes per system for `aidpe` (shipped rules) and `drain3`; 0: no timing. */
  timingPasses?: number;
  progress?: (message: string) => void;
}

export function evaluateLoghub(systems: LoadedSystem[], options: EvaluateOptions = {}): LoghubReport {
  const progress = options.progress ?? ((): void => {});
  const names = systems.map((s) => s.system);
  const truthOf = new Map(systems.map((s) => [s.system, prepareTruth(s.truth)]));
  const bySystem = new Map(systems.map((s) => [s.system, s]));
  const cache = new Map<string, Scores>();
  const score = (key: string, system: string, templates: () => string[]): Scores => {
    const k = `${key}\u0000${system}`;
    let m = cache.get(k);
    if (!m) {
      const s = bySystem.get(system)!;
      const t = templates();
      const predicted: ParsedLine[] = s.contents.map((c, i) => ({ content: c, template: t[i]! }));
      m = scoresOf(evaluateParsing(truthOf.get(system)!, predicted, { truthPrepared: true }));
      cache.set(k, m);
    }
    return m;
  };
  const aidpe = (rules: AidpeRules, system: string): Scores =>
    score(
      `aidpe:${rulesKey(rules)}`,
      system,
      () => mineTemplates(bySystem.get(system)!.contents, new Drain(aidpeOptions(rules))).templates
    );
  const space = {
    names: AIDPE_RULE_NAMES,
    values: (n: AidpeRuleName) => AIDPE_RULE_SPACE[n].values as ReadonlyArray<AidpeRules[AidpeRuleName]>,
  };
  const select = (training: string[]): ReturnType<typeof coordinateAscent<AidpeRules>> =>
    coordinateAscent<AidpeRules>(
      space,
      AIDPE_RULE_START,
      training,
      (r, s) => objectiveOf(aidpe(r, s)),
      options.passes ?? 4
    );

  progress('aidpe: in-sample selection');
  const inSample = select(names);
  const loso = new Map<string, AidpeRules>();
  for (const held of names) {
    progress(`aidpe: LOSO selection without ${held}`);
    loso.set(held, select(names.filter((n) => n !== held)).rules);
  }

  // anchors
  const drain3 = (system: string): Scores =>
    score('drain3', system, () => mineTemplates(bySystem.get(system)!.contents, Drain.plain()).templates);
  const bench = (settingOf: string, system: string): Scores => {
    const st = BENCHMARK_DRAIN_SETTINGS[settingOf]!;
    return score(
      `bench:${settingOf}`,
      system,
      () =>
        mineTemplates(
          bySystem.get(system)!.contents,
          Drain.plain({
            simTh: st.st,
            depth: st.depth,
            masking: st.regex.map((pattern) => ({ pattern, maskWith: '*' })),
          })
        ).templates
    );
  };
  const spell = (tau: number, system: string): Scores =>
    score(`spell:${tau}`, system, () =>
      spellTemplates(bySystem.get(system)!.contents, { tau, preprocess: SPELL_PREPROCESS })
    );
  const meanObj = (f: (s: string) => Scores, over: string[]): number =>
    over.reduce((a, s) => a + objectiveOf(f(s)), 0) / Math.max(over.length, 1);
  const bestOf = <T>(choices: readonly T[], over: string[], f: (c: T, s: string) => Scores): T | undefined => {
    let best: T | undefined;
    let bestValue = -1;
    for (const c of choices) {
      const v = meanObj((s) => f(c, s), over);
      if (v > bestValue + 1e-12) {
        bestValue = v;
        best = c;
      }
    }
    return best;
  };
  progress('anchors: drain3, drain-bench, spell');
  const benchSystems = names.filter((n) => BENCHMARK_DRAIN_SETTINGS[n]);
  const spellInSample = bestOf(SPELL_TAUS, names, spell) ?? SPELL_TAUS[0]!;

  const reports: SystemReport[] = systems.map((s) => {
    const others = names.filter((n) => n !== s.system);
    const losoRules = loso.get(s.system)!;
    const benchLoso = bestOf(
      benchSystems.filter((b) => b !== s.system),
      others,
      bench
    );
    const spellLoso = bestOf(SPELL_TAUS, others, spell) ?? SPELL_TAUS[0]!;
    const own = BENCHMARK_DRAIN_SETTINGS[s.system] ? s.system : undefined;
    return {
      system: s.system,
      lines: s.contents.length,
      formatSource: s.formatSource,
      format: s.format,
      unmatched: s.unmatched,
      contentMismatches: s.contentMismatches,
      groundTruth: s.groundTruth,
      detection: s.detection,
      parsers: {
        aidpe: {
          inSample: aidpe(inSample.rules, s.system),
          loso: aidpe(losoRules, s.system),
          inSampleSetting: describeDiff(ruleDiff(inSample.rules, AIDPE_RULE_START)),
          losoSetting: describeDiff(ruleDiff(losoRules, AIDPE_RULE_START)),
        },
        drain3: {
          inSample: drain3(s.system),
          loso: drain3(s.system),
          inSampleSetting: 'defaults',
          losoSetting: 'defaults',
        },
        'drain-bench': {
          ...(own ? { inSample: bench(own, s.system), inSampleSetting: `${own}'s setting` } : {}),
          loso: benchLoso ? bench(benchLoso, s.system) : drain3(s.system),
          losoSetting: benchLoso ? `${benchLoso}'s setting` : 'none (defaults)',
        },
        spell: {
          inSample: spell(spellInSample, s.system),
          loso: spell(spellLoso, s.system),
          inSampleSetting: `tau=${spellInSample}`,
          losoSetting: `tau=${spellLoso}`,
        },
      },
    };
  });

  progress('aidpe: rule effects');
  const ruleEffects: RuleEffect[] = AIDPE_RULE_NAMES.map((rule) => {
    const perSystem: Record<string, { GA: number; PA: number }> = {};
    let foldsOn = 0;
    let maxGain = 0;
    let maxLoss = 0;
    for (const held of names) {
      const chosen = loso.get(held)!;
      if (chosen[rule] === RULES_OFF[rule]) {
        perSystem[held] = { GA: 0, PA: 0 };
        continue;
      }
      foldsOn++;
      const on = aidpe(chosen, held);
      const off = aidpe({ ...chosen, [rule]: RULES_OFF[rule] } as AidpeRules, held);
      perSystem[held] = { GA: on.GA - off.GA, PA: on.PA - off.PA };
      const d = objectiveOf(on) - objectiveOf(off);
      maxGain = Math.max(maxGain, d);
      maxLoss = Math.max(maxLoss, -d);
    }
    const mean = (k: 'GA' | 'PA'): number =>
      names.reduce((a, n) => a + perSystem[n]![k], 0) / Math.max(names.length, 1);
    return {
      rule,
      off: String(RULES_OFF[rule]),
      foldsOn,
      deltaGA: mean('GA'),
      deltaPA: mean('PA'),
      maxGain,
      maxLoss,
      perSystem,
    };
  });

  const means = Object.fromEntries(
    PARSER_NAMES.map((p) => {
      const inRows = reports.map((r) => r.parsers[p].inSample).filter((x): x is Scores => x !== undefined);
      return [
        p,
        {
          ...(inRows.length === reports.length ? { inSample: meanScores(inRows) } : {}),
          loso: meanScores(reports.map((r) => r.parsers[p].loso)),
        },
      ];
    })
  ) as LoghubReport['means'];

  let throughputMean: LoghubReport['throughputMean'];
  if ((options.timingPasses ?? 5) > 0) {
    progress('timing');
    const passes = options.timingPasses ?? 5;
    for (const r of reports) {
      const s = bySystem.get(r.system)!;
      r.throughput = {
        aidpe: time(s.contents, () => Drain.aidpe(), passes),
        drain3: time(s.contents, () => Drain.plain(), passes),
      };
    }
    const avg = (p: 'aidpe' | 'drain3', k: keyof Throughput): number =>
      reports.reduce((a, r) => a + r.throughput![p]![k], 0) / reports.length;
    throughputMean = {
      aidpe: { linesPerSecond: avg('aidpe', 'linesPerSecond'), linesPerCpuSecond: avg('aidpe', 'linesPerCpuSecond') },
      drain3: {
        linesPerSecond: avg('drain3', 'linesPerSecond'),
        linesPerCpuSecond: avg('drain3', 'linesPerCpuSecond'),
      },
    };
  }

  return {
    objective: 'mean over systems of (GA + PA) / 2',
    systems: reports,
    means,
    aidpe: {
      start: AIDPE_RULE_START,
      inSampleRules: inSample.rules,
      inSampleSteps: inSample.steps,
      shippedRules: AIDPE_RULES,
      shippedMatchesInSample: rulesKey(inSample.rules) === rulesKey(AIDPE_RULES),
      losoRules: Object.fromEntries([...loso].map(([k, v]) => [k, ruleDiff(v, inSample.rules)])),
      ruleEffects,
    },
    ...(throughputMean ? { throughputMean } : {}),
  };
}

/**
 * Lines per second of mining (mask + tree + template text) with a fresh parser per pass: a warm-up pass,
 * then the median of `passes` (2,000 lines take milliseconds, so one cold pass would mostly time the JIT).
 */
function time(contents: readonly string[], make: () => Drain, passes: number): Throughput {
  mineTemplates(contents, make());
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < passes; i++) {
    const parser = make();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    mineTemplates(contents, parser);
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return {
    linesPerSecond: contents.length / Math.max(median(wall), 1e-9),
    linesPerCpuSecond: contents.length / Math.max(median(cpu), 1e-9),
  };
}
