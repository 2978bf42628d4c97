/**
 * Reads a NAB-layout corpus from disk (`data/<category>/<file>.csv` plus the windows JSON): the file access of the
 * NAB harnesses, kept out of the pure scorer and the engines.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  NabDataError,
  parseDataCsv,
  parseWindowsJson,
  windowsToRows,
  type Series,
  type WindowsFile,
} from './dataset.ts';
import type { NabFile } from './scorer.ts';

export class NabUsageError extends Error {}

export interface DataFile {
  /** `<category>/<file>.csv` */
  key: string;
  category: string;
  file: string;
  path: string;
}

export interface NabInput {
  key: string;
  category: string;
  file: string;
  series: Series;
  windows: NabFile['windows'];
}

/** Lists `<category>/<file>.csv` under a NAB data directory (`flag` names the option in errors). */
export function listDataFiles(dir: string, flag = '--data'): DataFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new NabUsageError(`${flag} ${dir}: not a directory`);
  }
  const out: DataFile[] = [];
  for (const category of readdirSync(dir).sort()) {
    const cdir = join(dir, category);
    if (!statSync(cdir).isDirectory()) {
      continue;
    }
    for (const file of readdirSync(cdir).sort()) {
      if (file.endsWith('.csv')) {
        out.push({ key: `${category}/${file}`, category, file, path: join(cdir, file) });
      }
    }
  }
  if (out.length === 0) {
    throw new NabUsageError(`${flag} ${dir}: no <category>/<file>.csv files found`);
  }
  return out;
}

export function readText(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new NabDataError(`${what} ${path}: file not found`);
  }
  return readFileSync(path, 'utf8');
}

export function readWindows(path: string): WindowsFile {
  return parseWindowsJson(readText(path, 'labels'), path);
}

/**
 * Every data file with its windows as row ranges; a file the labels do not list is an error (NAB scores every
 * file). `categories` keeps only those categories (all when undefined).
 */
export function loadCorpus(dataDir: string, labelsPath: string, categories?: ReadonlySet<string>): NabInput[] {
  const windows = readWindows(labelsPath);
  const inputs: NabInput[] = [];
  for (const f of listDataFiles(dataDir)) {
    if (categories && !categories.has(f.category)) {
      continue;
    }
    const series = parseDataCsv(readText(f.path, 'data'), f.path);
    const wins = windows[f.key];
    if (!wins) {
      throw new NabDataError(`${labelsPath}: no entry for ${JSON.stringify(f.key)}`);
    }
    inputs.push({
      key: f.key,
      category: f.category,
      file: f.file,
      series,
      windows: windowsToRows(wins, series, f.path),
    });
  }
  if (inputs.length === 0) {
    throw new NabUsageError(`${dataDir}: no files in the asked categories`);
  }
  return inputs;
}
