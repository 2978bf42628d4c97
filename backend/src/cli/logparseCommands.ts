/**
 * `aidpe logparse` and `aidpe logparse-eval`: log-template mining on a raw log file (loghub's structured
 * CSV out), and the loghub benchmark with AIDPE's parser next to plain Drain3 in the same run. All file
 * access for the log parser happens here.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Drain, type LogCluster } from '../engines/rca/logparse/drain.ts';
import {
  compileLogFormat,
  csvRow,
  LOGHUB_FORMATS,
  LogFormatError,
  parseCsv,
  splitLine,
  type LogFormat,
} from '../engines/rca/logparse/format.ts';
import { evaluateParsing, type ParseMetrics } from '../engines/rca/logparse/metrics.ts';

export class LogparseUsageError extends Error {}

type Flags = Record<string, string | boolean | undefined>;

const PARSERS = {
  aidpe: () => Drain.aidpe(),
  drain: () => Drain.plain(),
} as const;
type ParserName = keyof typeof PARSERS;

function parse(argv: string[], options: Record<string, { type: 'string' }>): Flags {
  return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Flags;
}

function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') {
    throw new LogparseUsageError(`--${name} is required`);
  }
  return v;
}

function formatOf(flag: string, format: string): LogFormat {
  try {
    return compileLogFormat(format);
  } catch (err) {
    if (err instanceof LogFormatError) {
      throw new LogparseUsageError(`${flag}: ${err.message}`);
    }
    throw err;
  }
}

function parserOf(value: string | boolean | undefined): ParserName {
  const name = typeof value === 'string' ? value : 'aidpe';
  if (!(name in PARSERS)) {
    throw new LogparseUsageError(
      `--parser: expected one of ${Object.keys(PARSERS).join(', ')}, got ${JSON.stringify(name)}`
    );
  }
  return name as ParserName;
}

export interface HeaderSplit {
  contents: string[];
  unmatched: number;
}

/** Splits raw lines by the format; lines that do not fit are skipped (as the benchmark's loader does). */
export function splitLog(text: string, format: LogFormat): HeaderSplit {
  const contents: string[] = [];
  let unmatched = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      continue;
    }
    const fields = splitLine(format, line);
    if (fields) {
      contents.push(fields.Content ?? '');
    } else {
      unmatched++;
    }
  }
  return { contents, unmatched };
}

export interface ParseRun {
  templates: string[];
  eventIds: string[];
  clusters: number;
  seconds: number;
  /** Process CPU time (user + system, all threads): per-core throughput that other load on the machine does not skew. */
  cpuSeconds: number;
}

/**
 * Feeds every content line to a fresh parser; each line gets its cluster's final template (with the
 * line's own words at enumerated-constant positions, `Drain.lineTemplate`).
 */
export function parseContents(contents: string[], parser: Drain): ParseRun {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const lineCluster = new Array<LogCluster>(contents.length);
  const lineTokens = new Array<string[]>(contents.length);
  for (let i = 0; i < contents.length; i++) {
    const r = parser.addLogMessage(contents[i]!);
    lineCluster[i] = r.cluster;
    lineTokens[i] = r.tokens;
  }
  const templates = lineCluster.map((c, i) => parser.lineTemplate(c, lineTokens[i]!));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  return {
    templates,
    eventIds: lineCluster.map((c) => `E${c.id}`),
    clusters: new Set(lineCluster).size,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** `aidpe logparse --input FILE.log --format 'FORMAT' --out STRUCTURED.csv [--parser aidpe|drain]` */
export async function runLogparse(argv: string[]): Promise<number> {
  const flags = parse(argv, {
    input: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    parser: { type: 'string' },
  });
  const input = required(flags, 'input');
  const format = formatOf('--format', required(flags, 'format'));
  const out = required(flags, 'out');
  const parserName = parserOf(flags.parser);
  if (!existsSync(input) || !statSync(input).isFile()) {
    throw new LogparseUsageError(`--input ${input}: file not found`);
  }
  const { contents, unmatched } = splitLog(readFileSync(input, 'utf8'), format);
  if (contents.length === 0) {
    throw new LogparseUsageError(`--format: no line of ${input} fits the format (${unmatched} lines tried)`);
  }
  const run = parseContents(contents, PARSERS[parserName]());
  const rows = ['LineId,Content,EventId,EventTemplate'];
  contents.forEach((c, i) => rows.push(csvRow([i + 1, c, run.eventIds[i]!, run.templates[i]!])));
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, rows.join('\n') + '\n');
  if (unmatched) {
    process.stderr.write(`warning: ${unmatched} line(s) did not fit the format and were skipped\n`);
  }
  process.stdout.write(
    `parsed ${contents.length} lines into ${new Set(run.templates).size} templates (${parserName}, ${Math.round(contents.length / Math.max(run.seconds, 1e-9))} lines/s); wrote ${out}\n`
  );
  return 0;
}

interface SystemResult {
  system: string;
  groundTruth: string;
  lines: number;
  contentMismatches: number;
  parsers: Record<string, ParseMetrics & { linesPerSecond: number; linesPerCpuSecond: number; clusters: number }>;
}

function readGroundTruth(path: string): Array<{ content: string; template: string }> {
  const rows = parseCsv(readFileSync(path, 'utf8')).filter((r) => !(r.length === 1 && r[0] === ''));
  const header = rows[0] ?? [];
  const ci = header.indexOf('Content');
  const ti = header.indexOf('EventTemplate');
  if (ci < 0 || ti < 0) {
    throw new LogparseUsageError(`${path}: expected Content and EventTemplate columns`);
  }
  return rows.slice(1).map((r) => ({ content: r[ci] ?? '', template: r[ti] ?? '' }));
}

function groundTruthFile(dir: string, system: string): string | undefined {
  const base = `${system}_2k.log`;
  const candidates = [`${base}_structured_corrected.csv`, `${base}_corrected.csv`, `${base}_structured.csv`];
  for (const c of candidates) {
    if (existsSync(join(dir, c))) {
      return join(dir, c);
    }
  }
  const any = readdirSync(dir).find((f) => f.endsWith('_corrected.csv') && f.includes('structured'));
  return any ? join(dir, any) : undefined;
}

const pct = (x: number): string => (x * 100).toFixed(1);

export function formatLogparseTable(systems: SystemResult[], means: Record<string, Record<string, number>>): string {
  const names = Object.keys(means);
  const lines = ['system       parser  GA     PA     FGA    FTA    templates (truth)  lines/s  lines/cpu-s'];
  const row = (sys: string, p: string, m: Record<string, number>): string =>
    `${sys.padEnd(12)} ${p.padEnd(7)} ${pct(m.GA!).padStart(5)}  ${pct(m.PA!).padStart(5)}  ${pct(m.FGA!).padStart(5)}  ${pct(m.FTA!).padStart(5)}  ${`${m.identifiedTemplates ?? ''}`.padStart(9)} ${m.groundTemplates === undefined ? '       ' : `(${m.groundTemplates})`.padStart(7)}  ${Math.round(m.linesPerSecond!).toString().padStart(8)}  ${Math.round(m.linesPerCpuSecond!).toString().padStart(11)}`;
  for (const s of systems) {
    for (const p of names) {
      if (s.parsers[p]) {
        lines.push(row(s.system, p, s.parsers[p] as unknown as Record<string, number>));
      }
    }
  }
  for (const p of names) {
    lines.push(row('mean', p, means[p]!));
  }
  return lines.join('\n') + '\n';
}

/** `aidpe logparse-eval --loghub DIR --out RESULT.json [--systems A,B]` */
export async function runLogparseEval(argv: string[]): Promise<number> {
  const flags = parse(argv, { loghub: { type: 'string' }, out: { type: 'string' }, systems: { type: 'string' } });
  const dir = required(flags, 'loghub');
  const out = required(flags, 'out');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LogparseUsageError(`--loghub ${dir}: not a directory`);
  }
  const wanted = typeof flags.systems === 'string' ? new Set(flags.systems.split(',').map((s) => s.trim())) : undefined;
  const results: SystemResult[] = [];
  const skipped: Array<{ system: string; reason: string }> = [];
  for (const system of readdirSync(dir).sort()) {
    const sdir = join(dir, system);
    if (!statSync(sdir).isDirectory() || (wanted && !wanted.has(system))) {
      continue;
    }
    const logFile = join(sdir, `${system}_2k.log`);
    if (!existsSync(logFile)) {
      continue;
    }
    const gtFile = groundTruthFile(sdir, system);
    if (!gtFile) {
      skipped.push({ system, reason: 'no ground truth (_structured_corrected.csv or _structured.csv)' });
      continue;
    }
    const formatString = LOGHUB_FORMATS[system];
    if (!formatString) {
      skipped.push({ system, reason: 'no built-in log format for this system' });
      continue;
    }
    const truth = readGroundTruth(gtFile);
    const { contents } = splitLog(readFileSync(logFile, 'utf8'), compileLogFormat(formatString));
    if (contents.length !== truth.length) {
      skipped.push({ system, reason: `${contents.length} parsed lines vs ${truth.length} ground-truth rows` });
      continue;
    }
    const contentMismatches = contents.filter((c, i) => c !== truth[i]!.content).length;
    const result: SystemResult = {
      system,
      groundTruth: gtFile,
      lines: contents.length,
      contentMismatches,
      parsers: {},
    };
    for (const [name, make] of Object.entries(PARSERS)) {
      const run = parseContents(contents, make());
      // 2,000 lines take milliseconds, so a single cold pass mostly times the JIT: throughput is the median of
      // five more passes, each with a fresh parser (the templates are the same every time).
      const again = [0, 1, 2, 3, 4].map(() => parseContents(contents, make()));
      const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
      run.seconds = median(again.map((r) => r.seconds));
      run.cpuSeconds = median(again.map((r) => r.cpuSeconds));
      const metrics = evaluateParsing(
        truth,
        contents.map((c, i) => ({ content: c, template: run.templates[i]! }))
      );
      result.parsers[name] = {
        ...metrics,
        linesPerSecond: contents.length / Math.max(run.seconds, 1e-9),
        linesPerCpuSecond: contents.length / Math.max(run.cpuSeconds, 1e-9),
        clusters: run.clusters,
      };
    }
    results.push(result);
    process.stderr.write(`${system}: done\n`);
  }
  if (results.length === 0) {
    throw new LogparseUsageError(`--loghub ${dir}: no system folder with <System>_2k.log and ground truth found`);
  }
  const means: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(PARSERS)) {
    const keys = ['GA', 'PA', 'FGA', 'FTA', 'PTA', 'RTA', 'linesPerSecond', 'linesPerCpuSecond'] as const;
    means[name] = Object.fromEntries(
      keys.map((k) => [k, results.reduce((s, r) => s + r.parsers[name]![k], 0) / results.length])
    );
  }
  const report = {
    tool: 'aidpe logparse-eval',
    loghub: resolve(dir),
    parsers: {
      aidpe:
        'Drain3 tree (depth 4, sim_th 0.5, max_children 100) + AIDPE masks + loghub-style template text + masked tokens match wildcards + enumerated constants (AIDPE_OPTIONS)',
      drain: 'plain Drain3 defaults (depth 4, sim_th 0.4, max_children 100), no masks, no post-processing',
    },
    conventions:
      "loghub-2.0 evaluator: align_with_null_values on both sides, correct_template_general on the ground truth; groups are template texts; each line gets its cluster's final template; lines/s = mask + tree + template text, single thread, median of five passes after a warm-up pass (fresh parser each), wall clock (linesPerSecond) and process CPU time (linesPerCpuSecond)",
    systems: results,
    skipped,
    mean: means,
  };
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
  process.stdout.write(formatLogparseTable(results, means));
  for (const s of skipped) {
    process.stdout.write(`skipped ${s.system}: ${s.reason}\n`);
  }
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}

export function isLogparseUsageError(err: unknown): err is Error {
  return err instanceof LogparseUsageError;
}
