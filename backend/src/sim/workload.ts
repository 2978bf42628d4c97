/**
 * Workload traces for the simulator: Azure Functions 2019 invocation counts, `timestamp,value` CSVs
 * (e.g. NAB), and a synthetic diurnal fallback; plus replay (interpolated, scaled, wrapped).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WorkloadTrace {
  name: string;
  stepSeconds: number;
  /** Requests per step. */
  values: number[];
  /** Unix ms of the first step, when the source has timestamps. */
  startMs?: number;
}

/** `process.env.AIDPE_DATA_DIR`, else `<repo>/../shared/data`. */
export function defaultDataDir(): string {
  const env = process.env['AIDPE_DATA_DIR'];
  if (env && env.length > 0) {
    return resolve(env);
  }
  // This file is <repo>/backend/src/sim/workload.ts.
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', '..', 'shared', 'data');
}

export function azureFunctionsTracePath(
  file: '10_inv.csv' | '100_inv.csv' = '10_inv.csv',
  dataDir = defaultDataDir()
): string {
  return resolve(dataDir, 'workloads', 'azure-functions-2019', file);
}

function readDataFile(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new Error(
      `${what} not found at ${path}. Set AIDPE_DATA_DIR to the shared data folder (default ${defaultDataDir()}).`
    );
  }
  return readFileSync(path, 'utf8');
}

export interface AzureTraceOptions {
  /** 0-based indices of the function rows to sum; default: all rows. */
  rows?: number[];
  name?: string;
}

/**
 * Loads an Azure Functions 2019 per-minute invocation CSV
 * (`HashFunction,HashApp,HashOwner,minute_1..minute_1440`) as one trace: the sum of the selected rows.
 */
export function loadAzureFunctionsTrace(path: string, opts: AzureTraceOptions = {}): WorkloadTrace {
  const text = readDataFile(path, 'Azure Functions trace');
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = lines[0]?.split(',') ?? [];
  const firstMinute = header.findIndex((h) => /^minute_\d+$/.test(h.trim()));
  if (firstMinute < 0) {
    throw new Error(`${path}: no minute_N columns in header`);
  }
  const minutes = header.length - firstMinute;
  const rows = lines.slice(1);
  const pick = opts.rows ?? rows.map((_, i) => i);
  const values = new Array<number>(minutes).fill(0);
  for (const idx of pick) {
    const line = rows[idx];
    if (line === undefined) {
      throw new Error(`${path}: row ${idx} out of range (0..${rows.length - 1})`);
    }
    const cells = line.split(',');
    for (let m = 0; m < minutes; m++) {
      const v = Number(cells[firstMinute + m]);
      values[m] = (values[m] ?? 0) + (Number.isFinite(v) ? v : 0);
    }
  }
  const base = path.split(/[\\/]/).pop() ?? path;
  return {
    name: opts.name ?? `azure-functions-2019/${base}${opts.rows ? `#${opts.rows.join('+')}` : ''}`,
    stepSeconds: 60,
    values,
  };
}

function parseTimestamp(ts: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?/.exec(ts.trim());
  if (m) {
    return (
      Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), 0) + Number(m[6] ?? 0) * 1000
    );
  }
  const n = Number(ts);
  if (Number.isFinite(n)) {
    return n > 1e11 ? n : n * 1000;
  }
  const d = Date.parse(ts);
  if (Number.isNaN(d)) {
    throw new Error(`unparseable timestamp ${JSON.stringify(ts)}`);
  }
  return d;
}

/**
 * Loads a `timestamp,value` CSV (NAB style, timestamps `YYYY-MM-DD HH:MM:SS` in UTC). The step is the
 * median spacing; missing steps are filled by carrying the previous value.
 */
export function loadTimestampValueCsv(path: string, name?: string): WorkloadTrace {
  const text = readDataFile(path, 'timestamp,value CSV');
  const points: Array<[number, number]> = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim().length === 0) {
      continue;
    }
    const comma = line.indexOf(',');
    if (comma < 0) {
      throw new Error(`${path}:${i + 1}: expected "timestamp,value"`);
    }
    const tsText = line.slice(0, comma);
    const value = Number(line.slice(comma + 1));
    if (i === 0 && !Number.isFinite(value)) {
      continue;
    } // header
    if (!Number.isFinite(value)) {
      throw new Error(`${path}:${i + 1}: bad value`);
    }
    points.push([parseTimestamp(tsText), value]);
  }
  if (points.length < 2) {
    throw new Error(`${path}: need at least two rows`);
  }
  points.sort((a, b) => a[0] - b[0]);
  const diffs: number[] = [];
  for (let i = 1; i < points.length; i++) {
    diffs.push((points[i] as [number, number])[0] - (points[i - 1] as [number, number])[0]);
  }
  diffs.sort((a, b) => a - b);
  const stepMs = diffs[Math.floor(diffs.length / 2)] as number;
  if (!(stepMs > 0)) {
    throw new Error(`${path}: could not infer a positive step`);
  }
  const start = (points[0] as [number, number])[0];
  const n = Math.round(((points[points.length - 1] as [number, number])[0] - start) / stepMs) + 1;
  const values = new Array<number>(n).fill(NaN);
  for (const [t, v] of points) {
    const k = Math.round((t - start) / stepMs);
    if (k >= 0 && k < n) {
      values[k] = v;
    }
  }
  for (let k = 0; k < n; k++) {
    if (Number.isNaN(values[k])) {
      values[k] = k > 0 ? (values[k - 1] as number) : 0;
    }
  }
  return { name: name ?? path.split(/[\\/]/).pop() ?? path, stepSeconds: stepMs / 1000, values, startMs: start };
}

/** A smooth two-peak daily pattern (per-minute steps) for tests and as a fallback. */
export function syntheticDiurnalTrace(
  opts: { days?: number; stepSeconds?: number; base?: number; amplitude?: number } = {}
): WorkloadTrace {
  const step = opts.stepSeconds ?? 60;
  const days = opts.days ?? 1;
  const base = opts.base ?? 0.35;
  const amp = opts.amplitude ?? 0.65;
  const n = Math.round((days * 86400) / step);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = ((i * step) / 3600) % 24;
    const morning = Math.exp(-((h - 11) ** 2) / 8);
    const evening = 0.8 * Math.exp(-((h - 20) ** 2) / 6);
    values.push(1000 * (base + amp * Math.max(morning, evening)));
  }
  return { name: 'synthetic-diurnal', stepSeconds: step, values };
}

/** A constant trace (useful for controlled experiments). */
export function constantTrace(value = 1, stepSeconds = 60): WorkloadTrace {
  return { name: 'constant', stepSeconds, values: [value, value] };
}

/**
 * Replays a trace as a rate: each step's value is placed at the step's centre and linearly
 * interpolated between centres, wrapping around at the end; scaled so the trace's peak is `peakRps`.
 */
export class TraceReplay {
  readonly trace: WorkloadTrace;
  readonly peakRps: number;
  private readonly scale: number;

  constructor(trace: WorkloadTrace, peakRps: number) {
    if (trace.values.length === 0) {
      throw new Error(`workload trace "${trace.name}" is empty`);
    }
    if (!(trace.stepSeconds > 0)) {
      throw new Error(`workload trace "${trace.name}": stepSeconds must be > 0`);
    }
    const peak = Math.max(...trace.values.map((v) => (Number.isFinite(v) ? v : 0)));
    if (!(peak > 0)) {
      throw new Error(`workload trace "${trace.name}" has no positive values`);
    }
    this.trace = trace;
    this.peakRps = peakRps;
    this.scale = peakRps / peak;
  }

  get durationSeconds(): number {
    return this.trace.values.length * this.trace.stepSeconds;
  }

  /** Arrival rate (req/s) at `t` seconds after the start of the replay. */
  rateAt(tSeconds: number): number {
    const { values, stepSeconds } = this.trace;
    const n = values.length;
    const pos = tSeconds / stepSeconds - 0.5;
    const i0 = Math.floor(pos);
    const frac = pos - i0;
    const a = values[((i0 % n) + n) % n] ?? 0;
    const b = values[(((i0 + 1) % n) + n) % n] ?? 0;
    const v = (Number.isFinite(a) ? a : 0) * (1 - frac) + (Number.isFinite(b) ? b : 0) * frac;
    return Math.max(0, v * this.scale);
  }
}
