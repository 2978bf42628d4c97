/**
 * The evaluation's series, grouped by source (the unit of leave-one-source-out): every folder of
 * `timestamp,value` CSVs (a NAB category, say), Azure Functions 2019 invocation files, and the simulator.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parseStamp } from '../nab/dataset.ts';

export class EvalUsageError extends Error {}

export interface EvalSeries {
  /** The leave-one-source-out group: a CSV folder, 'azure-functions' or 'simulator'. */
  source: string;
  name: string;
  /** Unix seconds, strictly increasing. */
  timestamps: number[];
  values: number[];
}

/** Parses a timestamp as written in CSVs: `YYYY-MM-DD HH:MM:SS` (UTC), RFC 3339, Unix seconds or ms. Returns Unix seconds. */
export function parseTimestampCell(cell: string): number {
  const s = cell.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return n > 1e11 ? n / 1000 : n;
  }
  const nab = parseStamp(s);
  if (!Number.isNaN(nab)) {
    return nab / 1000;
  }
  const iso = Date.parse(s);
  return Number.isNaN(iso) ? Number.NaN : iso / 1000;
}

/** Reads a `timestamp,value` CSV (header required); errors name the file and line. */
export function readSeriesCsv(path: string): { timestamps: number[]; values: number[] } {
  if (!existsSync(path)) {
    throw new EvalUsageError(`${path}: file not found`);
  }
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]?.trim().toLowerCase();
  if (header !== 'timestamp,value') {
    throw new EvalUsageError(`${path}:1: expected header "timestamp,value", got ${JSON.stringify(lines[0] ?? '')}`);
  }
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const parts = lines[i]!.split(',');
    if (parts.length !== 2) {
      throw new EvalUsageError(`${path}:${i + 1}: expected 2 columns, got ${parts.length}`);
    }
    const t = parseTimestampCell(parts[0]!);
    if (!Number.isFinite(t)) {
      throw new EvalUsageError(`${path}:${i + 1}: bad timestamp ${JSON.stringify(parts[0])}`);
    }
    const raw = parts[1]!.trim();
    const v = raw === '' || raw.toLowerCase() === 'nan' ? Number.NaN : Number(raw);
    if (Number.isNaN(v) && raw !== '' && raw.toLowerCase() !== 'nan') {
      throw new EvalUsageError(`${path}:${i + 1}: bad value ${JSON.stringify(raw)}`);
    }
    timestamps.push(t);
    values.push(v);
  }
  if (values.length === 0) {
    throw new EvalUsageError(`${path}: no data rows`);
  }
  return sortedUnique(timestamps, values);
}

/** Sorts by time and averages samples that share a timestamp (some exported files repeat rows). */
export function sortedUnique(timestamps: number[], values: number[]): { timestamps: number[]; values: number[] } {
  const order = timestamps.map((_, i) => i).sort((a, b) => timestamps[a]! - timestamps[b]!);
  const t: number[] = [];
  const v: number[] = [];
  const counts: number[] = [];
  for (const i of order) {
    const last = t.length - 1;
    if (last >= 0 && t[last] === timestamps[i]) {
      if (Number.isFinite(values[i]!)) {
        v[last] = Number.isFinite(v[last]!) ? v[last]! + values[i]! : values[i]!;
        counts[last] = Number.isFinite(v[last]!) ? counts[last]! + 1 : 1;
      }
      continue;
    }
    t.push(timestamps[i]!);
    v.push(values[i]!);
    counts.push(1);
  }
  return { timestamps: t, values: v.map((x, i) => (Number.isFinite(x) ? x / counts[i]! : x)) };
}

/**
 * Every CSV under `dir`; the source of a file is the folder it sits in, relative to `dir` (a NAB category
 * for `nab/data`), or the folder's own name for files directly in it.
 */
export function loadCsvFolder(dir: string): EvalSeries[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EvalUsageError(`--data ${dir}: not a directory`);
  }
  const out: EvalSeries[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (entry.endsWith('.csv')) {
        const folder = relative(dir, d);
        out.push({
          source: folder === '' ? basename(dir) : folder,
          name: relative(dir, p),
          ...readSeriesCsv(p),
        });
      }
    }
  };
  walk(dir);
  if (out.length === 0) {
    throw new EvalUsageError(`--data ${dir}: no .csv files found`);
  }
  return out;
}

/** A function takes part when it was invoked in at least this share of the minutes (rate, not rare events). */
const AZURE_MIN_ACTIVE_SHARE = 0.5;
export const AZURE_SOURCE = 'azure-functions';

/**
 * Azure Functions 2019 per-minute invocation counts (`*_inv.csv`: HashOwner, HashApp, HashFunction, Trigger?,
 * then one column per minute). Series: each function active in at least half the minutes (deduplicated by
 * its hash across files), and the sum of every function of the file (the platform's total load).
 */
export function loadAzureFunctions(path: string, startUnixSeconds = Date.UTC(2019, 6, 15) / 1000): EvalSeries[] {
  if (!existsSync(path)) {
    throw new EvalUsageError(`--azure ${path}: not found`);
  }
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /_inv\.csv$/.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) {
    throw new EvalUsageError(`--azure ${path}: no *_inv.csv files`);
  }
  const seen = new Set<string>();
  const out: EvalSeries[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    const first = header.findIndex((h) => /^\d+$/.test(h) || /^minute_?\d+$/i.test(h));
    if (first < 0) {
      throw new EvalUsageError(`${file}: no per-minute columns (1…1440) in the header`);
    }
    const minutes = header.length - first;
    const timestamps = Array.from({ length: minutes }, (_, i) => startUnixSeconds + i * 60);
    const total = new Array<number>(minutes).fill(0);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const values = cells.slice(first).map(Number);
      values.forEach((v, i) => (total[i]! += Number.isFinite(v) ? v : 0));
      const id = cells.slice(0, first).join('/');
      const active = values.filter((v) => v > 0).length / minutes;
      if (active >= AZURE_MIN_ACTIVE_SHARE && !seen.has(id)) {
        seen.add(id);
        const hash = createHash('sha256').update(id).digest('hex').slice(0, 10);
        out.push({ source: AZURE_SOURCE, name: `${basename(file)}#${hash}`, timestamps, values });
      }
    }
    out.push({ source: AZURE_SOURCE, name: `${basename(file)}#total`, timestamps, values: total });
  }
  return out;
}

export const SIMULATOR_SOURCE = 'simulator';

/** What the simulator export writes, per seed; produced by `simulatorSeries` (in the CLI, which may run the sim). */
export interface SimulatorExport {
  seed: number;
  series: Array<{ name: string; timestamps: number[]; values: number[] }>;
}

/** Caches simulator exports as JSON under the OS temp folder, keyed by their parameters. */
export function cachedSimulator(
  key: Record<string, unknown>,
  make: () => Promise<SimulatorExport[]>
): Promise<SimulatorExport[]> {
  const dir = join(tmpdir(), 'aidpe-forecast-eval-sim');
  const file = join(dir, `${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16)}.json`);
  if (existsSync(file)) {
    return Promise.resolve(JSON.parse(readFileSync(file, 'utf8')) as SimulatorExport[]);
  }
  return make().then((exports) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(exports));
    return exports;
  });
}
