/**
 * Loading a loghub-style folder: one sub-folder per system with a raw log (`<System>_2k.log`, or the one
 * `*.log` file there) and its ground truth (`…_structured_corrected.csv` first, else `…_structured.csv`).
 * The header format of each system comes from `--format` (one format, or a file mapping systems to
 * formats), else the public benchmark's format for that system, else automatic detection; detection also
 * runs on every system so its split accuracy can be reported.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectHeader } from '../../engines/rca/logparse/headerDetect.ts';
import {
  LOGHUB_FORMATS,
  parseCsv,
  parseFormatSpec,
  splitLog,
  type LogFormat,
} from '../../engines/rca/logparse/format.ts';
import type { ParsedLine } from './metrics.ts';

export class CorpusError extends Error {}

export type FormatSource = 'given' | 'benchmark' | 'detected';

export interface LoadedSystem {
  system: string;
  logFile: string;
  groundTruth: string;
  truth: ParsedLine[];
  /** Contents as split by the format in use (`formatSource`). */
  contents: string[];
  formatSource: FormatSource;
  format: string;
  /** Lines the format did not fit (skipped with a given/benchmark format, kept whole with a detected one). */
  unmatched: number;
  /** Lines whose content differs from the ground truth's Content. */
  contentMismatches: number;
  detection: DetectionScore;
}

export interface DetectionScore {
  /** The detected header, as field types; `none` when nothing was detected. */
  header: string;
  coverage: number;
  /** Share of lines whose detected content equals the ground truth's (runs of whitespace collapsed). */
  splitAccuracy: number;
  /** The same without collapsing whitespace (the ground truth's Content has runs of spaces collapsed). */
  splitExact: number;
  /** The same for the benchmark's own format, when it has one for this system (the anchor). */
  benchmarkFormatSplitAccuracy?: number;
}

export interface SkippedSystem {
  system: string;
  reason: string;
}

/** `--format`: undefined (none), one format for every system, or a map per system. */
export type FormatChoice = undefined | { all: string } | { perSystem: Map<string, string> };

export function logFileOf(dir: string, system: string): string | undefined {
  const preferred = join(dir, `${system}_2k.log`);
  if (existsSync(preferred)) {
    return preferred;
  }
  const logs = readdirSync(dir).filter((f) => f.endsWith('.log'));
  return logs.length === 1 ? join(dir, logs[0]!) : undefined;
}

export function groundTruthFile(dir: string, logFile: string): string | undefined {
  const base = logFile.slice(dir.length + 1);
  for (const c of [`${base}_structured_corrected.csv`, `${base}_corrected.csv`, `${base}_structured.csv`]) {
    if (existsSync(join(dir, c))) {
      return join(dir, c);
    }
  }
  return undefined;
}

export function readGroundTruth(path: string): ParsedLine[] {
  const rows = parseCsv(readFileSync(path, 'utf8')).filter((r) => !(r.length === 1 && r[0] === ''));
  const header = rows[0] ?? [];
  const ci = header.indexOf('Content');
  const ti = header.indexOf('EventTemplate');
  if (ci < 0 || ti < 0) {
    throw new CorpusError(`${path}: expected Content and EventTemplate columns`);
  }
  return rows.slice(1).map((r) => ({ content: r[ci] ?? '', template: r[ti] ?? '' }));
}

const normalise = (s: string): string => s.trim().replace(/\s+/g, ' ');

function splitAccuracy(contents: string[], truth: ParsedLine[], exact = false): number {
  if (contents.length !== truth.length || truth.length === 0) {
    return 0;
  }
  const same = (a: string, b: string): boolean => (exact ? a === b : normalise(a) === normalise(b));
  return contents.filter((c, i) => same(c, truth[i]!.content)).length / truth.length;
}

function formatFor(system: string, choice: FormatChoice): { source: FormatSource; spec: string } | undefined {
  if (choice && 'all' in choice) {
    return { source: 'given', spec: choice.all };
  }
  const mapped = choice?.perSystem.get(system);
  if (mapped !== undefined) {
    return { source: 'given', spec: mapped };
  }
  const builtin = LOGHUB_FORMATS[system];
  return builtin ? { source: 'benchmark', spec: builtin } : undefined;
}

/**
 * Loads every system folder under `dir` (or those in `wanted`). `detectOnly`: ignore given and benchmark
 * formats and split every system by detection.
 */
export function loadCorpus(
  dir: string,
  options: { wanted?: Set<string>; formats?: FormatChoice; detectOnly?: boolean } = {}
): { systems: LoadedSystem[]; skipped: SkippedSystem[] } {
  const systems: LoadedSystem[] = [];
  const skipped: SkippedSystem[] = [];
  for (const system of readdirSync(dir).sort()) {
    const sdir = join(dir, system);
    if (!statSync(sdir).isDirectory() || (options.wanted && !options.wanted.has(system))) {
      continue;
    }
    const logFile = logFileOf(sdir, system);
    if (!logFile) {
      skipped.push({ system, reason: `no ${system}_2k.log (nor a single *.log file) in ${sdir}` });
      continue;
    }
    const gtFile = groundTruthFile(sdir, logFile);
    if (!gtFile) {
      skipped.push({
        system,
        reason: `no ground truth next to ${logFile} (…_structured_corrected.csv or …_structured.csv)`,
      });
      continue;
    }
    const truth = readGroundTruth(gtFile);
    const text = readFileSync(logFile, 'utf8');
    const lines = text.split(/\r?\n/);
    const detected = detectHeader(lines);
    const detectedContents = detected
      ? splitLog(text, detected.format, true).contents
      : lines.filter((l) => l.trim() !== '').map((l) => l.trim());
    const chosen = options.detectOnly ? undefined : formatFor(system, options.formats);
    let format: LogFormat | undefined;
    if (chosen) {
      format = parseFormatSpec(chosen.spec);
    }
    const benchmark = LOGHUB_FORMATS[system];
    const detection: DetectionScore = {
      header: detected?.description ?? 'none',
      coverage: detected?.coverage ?? 0,
      splitAccuracy: splitAccuracy(detectedContents, truth),
      splitExact: splitAccuracy(detectedContents, truth, true),
      ...(benchmark
        ? { benchmarkFormatSplitAccuracy: splitAccuracy(splitLog(text, parseFormatSpec(benchmark)).contents, truth) }
        : {}),
    };
    const split = format
      ? splitLog(text, format)
      : { contents: detectedContents, unmatched: detected ? splitLog(text, detected.format).unmatched : 0 };
    if (split.contents.length !== truth.length) {
      skipped.push({
        system,
        reason: `${split.contents.length} split lines vs ${truth.length} ground-truth rows (format: ${chosen?.spec ?? detected?.description ?? 'none'})`,
      });
      continue;
    }
    systems.push({
      system,
      logFile,
      groundTruth: gtFile,
      truth,
      contents: split.contents,
      formatSource: chosen?.source ?? 'detected',
      format: chosen?.spec ?? detected?.format.regex.source ?? '(whole line)',
      unmatched: split.unmatched,
      contentMismatches: split.contents.filter((c, i) => c !== truth[i]!.content).length,
      detection,
    });
  }
  return { systems, skipped };
}
