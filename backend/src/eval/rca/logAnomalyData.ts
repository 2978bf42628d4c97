/**
 * The log data behind the log-anomaly model and its evaluation (file I/O lives here): BGL_2k with its line
 * labels split in time order (DeepLog's protocol: train on the normal lines of the first part), Nezha's
 * fault-free lines (the `construct_data` minute and the part of each injection minute before the injection)
 * and its fault windows, and the vocabulary export the trainer (`models/logseq/train.py`) reads. Training
 * and inference share these functions, so templates map to ids the same way in both.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Drain } from '../../engines/rca/logparse/drain.ts';
import { compileLogFormat, LOGHUB_FORMATS, splitLine } from '../../engines/rca/logparse/format.ts';
import type { LogVocabularyFile } from '../../engines/rca/logAnomaly.ts';
import {
  listNezhaFaults,
  loadNezhaCase,
  type NezhaFault,
  type NezhaLogLine,
  type NezhaMetricSeries,
} from './nezhaData.ts';

export class LogDataError extends Error {}

export interface BglLine {
  /** 0-based line number in the file. */
  index: number;
  /** `-` is normal; anything else names the alert category. */
  label: string;
  anomalous: boolean;
  timestamp: number;
  node: string;
  level: string;
  content: string;
}

export interface BglData {
  file: string;
  lines: BglLine[];
  /** Lines that do not fit the BGL header format. */
  malformed: number;
  /** Index of the first test line (lines before it are the training part). */
  splitAt: number;
}

/** `--bgl FILE_OR_DIR`: the file itself, or `<dir>/BGL_2k.log`. */
export function resolveBglFile(path: string): string {
  if (!existsSync(path)) {
    throw new LogDataError(`--bgl ${path}: not found`);
  }
  const file = statSync(path).isDirectory() ? join(path, 'BGL_2k.log') : path;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new LogDataError(`--bgl ${path}: no BGL_2k.log there`);
  }
  return file;
}

/** Reads BGL in file (= time) order; the first `trainFraction` of the lines is the training part. */
export function loadBgl(file: string, trainFraction = 0.5): BglData {
  const format = compileLogFormat(LOGHUB_FORMATS.BGL!);
  const lines: BglLine[] = [];
  let malformed = 0;
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (raw.trim() === '') {
      continue;
    }
    const f = splitLine(format, raw);
    const timestamp = Number(f?.Timestamp);
    if (!f || !Number.isFinite(timestamp)) {
      malformed++;
      continue;
    }
    lines.push({
      index: lines.length,
      label: f.Label ?? '',
      anomalous: (f.Label ?? '-') !== '-',
      timestamp,
      node: f.Node ?? '',
      level: f.Level ?? '',
      content: f.Content ?? '',
    });
  }
  if (lines.length === 0) {
    throw new LogDataError(`--bgl ${file}: no line fits the BGL format (${malformed} tried)`);
  }
  // Stable sort by time: the loghub sample is already in order; this keeps it so for any other file.
  lines.sort((a, b) => a.timestamp - b.timestamp || a.index - b.index);
  lines.forEach((l, i) => (l.index = i));
  return { file, lines, malformed, splitAt: Math.floor(lines.length * trainFraction) };
}

/** Nezha's message without the time, trace and span ids (all variable): what the parser sees. */
export function nezhaContent(message: string): string {
  return message.replace(/^\S+\s+/, '').replace(/TraceID:\s*\S+\s*SpanID:\s*\S+\s*/, '');
}

export function nezhaLevel(message: string): string {
  return /^\S+\s+(ERROR|WARN|INFO|DEBUG|TRACE)\b/.exec(message)?.[1] ?? '';
}

export interface NezhaLogCase {
  fault: NezhaFault;
  /** Fault-free: the `construct_data` minute (same for every case of a day). */
  construct: NezhaLogLine[];
  /** The part of the injection minute before the injection (fault-free too). */
  beforeInjection: NezhaLogLine[];
  /**
   * The baseline window for scoring: the construct minute only. The part before the injection is not used
   * as a baseline: it can still carry the previous fault's errors (faults are 7–14 minutes apart).
   */
  baseline: NezhaLogLine[];
  /** From the injection to the end of the files read (the injection minute and the two after it). */
  window: NezhaLogLine[];
  windowMinutes: number;
  baselineMinutes: number;
}

const byTime = (a: NezhaLogLine, b: NezhaLogLine): number =>
  a.timeMs - b.timeMs ||
  (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0) ||
  (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);

/** Log lines of every Nezha fault case under the extracted root (logs only: metrics are not needed). */
export function loadNezhaLogCases(root: string, maxCases?: number): NezhaLogCase[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new LogDataError(`--nezha ${root}: not a directory (extract the .tgz first)`);
  }
  const faults = listNezhaFaults(root).slice(0, maxCases ?? Infinity);
  const metricCache = new Map<string, NezhaMetricSeries[]>();
  return faults.map((fault) => {
    // The metric folder is not needed here: an empty cache entry makes the loader skip it.
    metricCache.set(fault.date, []);
    const c = loadNezhaCase(root, fault, metricCache);
    const construct = [...c.baselineLogs].sort(byTime);
    const logs = [...c.logs].sort(byTime);
    const beforeInjection = logs.filter((l) => l.timeMs < fault.injectMs);
    const window = logs.filter((l) => l.timeMs >= fault.injectMs);
    const span = (xs: NezhaLogLine[]): number =>
      xs.length > 1 ? (xs[xs.length - 1]!.timeMs - xs[0]!.timeMs) / 60_000 : 0;
    return {
      fault,
      construct,
      beforeInjection,
      baseline: construct,
      window,
      windowMinutes: Math.max(0.5, span(window)),
      baselineMinutes: Math.max(0.5, span(construct)),
    };
  });
}

/** Time-ordered per-service streams (what the sequence model sees for Nezha). */
export function streamsByService<T extends { service: string }>(lines: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const l of lines) {
    const stream = out.get(l.service) ?? [];
    stream.push(l);
    out.set(l.service, stream);
  }
  return out;
}

export const PAD_ID = 0;
export const UNK_ID = 1;

export interface TrainingExport {
  format: 'aidpe-logseq-training/1';
  vocabulary: LogVocabularyFile;
  /** Normal-only sequences of template ids, by source. */
  sequences: { bgl: number[][]; nezha: number[][] };
  sources: {
    bgl: { file: string; trainLines: number; normalTrainLines: number };
    nezha: { root: string; cases: number; baselineLines: number; beforeInjectionLines: number } | undefined;
  };
}

/**
 * Mines templates with the AIDPE parser over the normal training lines (BGL's first part without alerts;
 * Nezha's fault-free lines) and writes them as id sequences. PAD = 0, UNK = 1, templates from 2 in order of
 * first appearance. Each line's id is its cluster's final template (what `match` finds at inference).
 */
export function buildTrainingExport(
  bgl: BglData,
  nezha: NezhaLogCase[] | undefined,
  nezhaRoot?: string
): TrainingExport {
  const parser = Drain.aidpe();
  const bglTrain = bgl.lines.slice(0, bgl.splitAt).filter((l) => !l.anomalous);
  const bglClusters = bglTrain.map((l) => parser.addLogMessage(l.content).cluster.id);
  const nezhaStreams: number[][] = [];
  let baselineLines = 0;
  let beforeLines = 0;
  const seenBaselines = new Set<string>();
  for (const c of nezha ?? []) {
    // The construct minute is shared by a day's cases: use it once.
    const parts: NezhaLogLine[][] = [];
    if (!seenBaselines.has(c.fault.date)) {
      seenBaselines.add(c.fault.date);
      parts.push(c.construct);
      baselineLines += c.construct.length;
    }
    parts.push(c.beforeInjection);
    beforeLines += c.beforeInjection.length;
    for (const part of parts) {
      for (const stream of streamsByService(part).values()) {
        nezhaStreams.push(stream.map((l) => parser.addLogMessage(nezhaContent(l.message)).cluster.id));
      }
    }
  }
  const templates: Record<string, number> = {};
  const clusterToId = new Map<number, number>();
  let next = 2;
  const idOfCluster = (clusterId: number): number => {
    const known = clusterToId.get(clusterId);
    if (known !== undefined) {
      return known;
    }
    const cluster = parser.clusters.find((c) => c.id === clusterId);
    // A cluster evicted by the LRU bound (none with the default unbounded parser) is unknown.
    if (!cluster) {
      return UNK_ID;
    }
    const text = parser.template(cluster);
    const id = templates[text] ?? next++;
    templates[text] = id;
    clusterToId.set(clusterId, id);
    return id;
  };
  const bglIds = bglClusters.map(idOfCluster);
  const nezhaIds = nezhaStreams.map((s) => s.map(idOfCluster));
  return {
    format: 'aidpe-logseq-training/1',
    vocabulary: {
      format: 'aidpe-logseq-vocab/1',
      padId: PAD_ID,
      unkId: UNK_ID,
      templates,
      parser: parser.toSnapshot(),
    },
    sequences: { bgl: [bglIds], nezha: nezhaIds },
    sources: {
      bgl: { file: bgl.file, trainLines: bgl.splitAt, normalTrainLines: bglTrain.length },
      nezha:
        nezha && nezhaRoot
          ? { root: nezhaRoot, cases: nezha.length, baselineLines, beforeInjectionLines: beforeLines }
          : undefined,
    },
  };
}

/** The first `*.tgz`-extracted Nezha root under a folder (the folder itself when it holds rca_data/). */
export function resolveNezhaRoot(path: string): string {
  if (existsSync(join(path, 'rca_data'))) {
    return path;
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    for (const d of readdirSync(path).sort()) {
      if (existsSync(join(path, d, 'rca_data'))) {
        return join(path, d);
      }
    }
  }
  throw new LogDataError(
    `--nezha ${path}: no rca_data/ folder there (extract nezha-trainticket-*.tgz and pass the folder holding rca_data/ and construct_data/)`
  );
}
