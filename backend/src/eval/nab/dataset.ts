/**
 * NAB data formats, parsed from text (no file access here; the CLI reads the files).
 * - data CSV: `timestamp,value` with timestamps `YYYY-MM-DD HH:MM:SS` (UTC);
 * - results CSV: `timestamp,value,anomaly_score,label` (NAB's results layout);
 * - windows JSON: `{"<category>/<file>.csv": [["start", "end"], ...]}` with `YYYY-MM-DD HH:MM:SS.ffffff`.
 */
import type { WindowIdx } from './scorer.ts';

export class NabDataError extends Error {}

export interface Series {
  timestamps: number[];
  /** The timestamp strings as written in the file. */
  stamps: string[];
  values: number[];
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

/** Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` as UTC milliseconds; NaN if malformed. */
export function parseStamp(s: string): number {
  const m = STAMP.exec(s.trim());
  if (!m) {
    return NaN;
  }
  const frac = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + frac;
}

function lines(text: string): string[] {
  const out = text.split(/\r?\n/);
  while (out.length > 0 && out[out.length - 1] === '') {
    out.pop();
  }
  return out;
}

/** Parses a NAB data file (`timestamp,value`). `file` names the file in error messages. */
export function parseDataCsv(text: string, file: string): Series {
  const rows = lines(text);
  const header = rows[0]?.trim();
  if (header !== 'timestamp,value') {
    throw new NabDataError(`${file}:1: expected header "timestamp,value", got ${JSON.stringify(header ?? '')}`);
  }
  const series: Series = { timestamps: [], stamps: [], values: [] };
  for (let i = 1; i < rows.length; i++) {
    const parts = rows[i]!.split(',');
    if (parts.length !== 2) {
      throw new NabDataError(`${file}:${i + 1}: expected 2 columns (timestamp,value), got ${parts.length}`);
    }
    const t = parseStamp(parts[0]!);
    const v = Number(parts[1]!.trim());
    if (Number.isNaN(t)) {
      throw new NabDataError(`${file}:${i + 1}: bad timestamp ${JSON.stringify(parts[0])}`);
    }
    if (parts[1]!.trim() === '' || !Number.isFinite(v)) {
      throw new NabDataError(`${file}:${i + 1}: bad value ${JSON.stringify(parts[1])}`);
    }
    series.timestamps.push(t);
    series.stamps.push(parts[0]!.trim());
    series.values.push(v);
  }
  if (series.values.length === 0) {
    throw new NabDataError(`${file}: no data rows`);
  }
  return series;
}

/** Parses a NAB results file and returns its anomaly_score column, checked against the data series. */
export function parseResultsCsv(text: string, file: string, data: Series): Float64Array {
  const rows = lines(text);
  const header = (rows[0] ?? '').trim().split(',');
  const sc = header.indexOf('anomaly_score');
  const tc = header.indexOf('timestamp');
  if (sc < 0 || tc < 0) {
    throw new NabDataError(
      `${file}:1: header must name "timestamp" and "anomaly_score" columns, got ${JSON.stringify(rows[0] ?? '')}`
    );
  }
  if (rows.length - 1 !== data.values.length) {
    throw new NabDataError(`${file}: has ${rows.length - 1} data rows but the data file has ${data.values.length}`);
  }
  const out = new Float64Array(rows.length - 1);
  for (let i = 1; i < rows.length; i++) {
    const parts = rows[i]!.split(',');
    if (parts.length !== header.length) {
      throw new NabDataError(`${file}:${i + 1}: expected ${header.length} columns, got ${parts.length}`);
    }
    const t = parseStamp(parts[tc]!);
    if (t !== data.timestamps[i - 1]) {
      throw new NabDataError(
        `${file}:${i + 1}: timestamp ${JSON.stringify(parts[tc])} does not match the data file's ${JSON.stringify(data.stamps[i - 1])}`
      );
    }
    const raw = parts[sc]!.trim();
    const s = Number(raw);
    if (raw === '' || !Number.isFinite(s)) {
      throw new NabDataError(`${file}:${i + 1}: bad anomaly_score ${JSON.stringify(parts[sc])}`);
    }
    out[i - 1] = s;
  }
  return out;
}

export type WindowsFile = Record<string, Array<[string, string]>>;

export function parseWindowsJson(text: string, file: string): WindowsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new NabDataError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NabDataError(`${file}: expected an object {"<category>/<file>.csv": [[start, end], ...]}`);
  }
  for (const [key, wins] of Object.entries(parsed)) {
    if (
      !Array.isArray(wins) ||
      !wins.every(
        (w) =>
          Array.isArray(w) && w.length === 2 && w.every((x) => typeof x === 'string' && !Number.isNaN(parseStamp(x)))
      )
    ) {
      throw new NabDataError(`${file}: entry ${JSON.stringify(key)} must be a list of [start, end] timestamp pairs`);
    }
  }
  return parsed as WindowsFile;
}

/**
 * Maps timestamp windows to inclusive row ranges: first row at or after the start, last row at or before
 * the end (NAB's windows are written on row timestamps, so this is exact there).
 */
export function windowsToRows(
  windows: ReadonlyArray<readonly [string, string]>,
  series: Series,
  file: string
): WindowIdx[] {
  const ts = series.timestamps;
  const out: WindowIdx[] = [];
  for (const [a, b] of windows) {
    const s = parseStamp(a);
    const e = parseStamp(b);
    let start = ts.findIndex((t) => t >= s);
    let end = -1;
    for (let i = ts.length - 1; i >= 0; i--) {
      if (ts[i]! <= e) {
        end = i;
        break;
      }
    }
    if (start < 0 || end < 0 || end < start) {
      throw new NabDataError(`${file}: window [${a}, ${b}] contains no rows of the data file`);
    }
    if (start < 0) {
      start = 0;
    }
    out.push({ start, end });
  }
  return out;
}

/** 0/1 row labels: 1 inside any window. */
export function windowLabels(n: number, windows: readonly WindowIdx[]): Uint8Array {
  const out = new Uint8Array(n);
  for (const w of windows) {
    out.fill(1, w.start, w.end + 1);
  }
  return out;
}
