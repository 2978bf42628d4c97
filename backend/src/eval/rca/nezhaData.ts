/**
 * Loader for the Nezha multi-source RCA dataset (TrainTicket; see `shared/data/README.md`): the fault list,
 * per-pod metric CSVs, the trace and log CSVs of the injection minute and the two after it, and the
 * fault-free `construct_data` minute. All file I/O of the Nezha evaluation lives here; what it returns is
 * plain data for the pure evidence and ranking code.
 *
 * Format facts this handles:
 * - `inject_time` is the UTC wall time; `inject_timestamp` is 8 hours off on some days, so it is ignored
 *   (kept only to report a disagreement);
 * - `PodClientLatency*` carries overflow sentinels (3600 s and other values no 60 s sample can hold):
 *   anything above `LATENCY_SENTINEL_SECONDS` becomes NaN;
 * - a few log rows have a corrupt `TimeUnixNano`: the `Timestamp` column is used instead when it parses,
 *   otherwise the row is skipped; both are counted;
 * - service = pod name minus its last two `-`-separated parts (the ReplicaSet hash and the pod suffix).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphSpan } from '../../engines/rca/serviceGraph.ts';

export class NezhaDataError extends Error {}

/** Latency samples above this (seconds) are overflow sentinels, not measurements. */
export const LATENCY_SENTINEL_SECONDS = 600;

export interface NezhaFault {
  /** `<date>#<index in the day's list>`, stable across runs. */
  id: string;
  date: string;
  /** From `inject_time`, read as UTC. */
  injectMs: number;
  injectTime: string;
  /** `inject_timestamp` minus `inject_time` in hours, when they disagree (the dataset's 8-hour pitfall). */
  timestampSkewHours: number | undefined;
  pod: string;
  service: string;
  type: string;
}

export interface NezhaSpan extends GraphSpan {
  pod: string;
  operation: string;
}

export interface NezhaLogLine {
  timeMs: number;
  pod: string;
  service: string;
  traceId: string;
  spanId: string;
  /** The `log` field of the docker JSON line, trailing newline removed. */
  message: string;
}

export interface NezhaMetricSeries {
  /** Pod name, or `front_service` for the user-facing SLI. */
  pod: string;
  service: string;
  /** Unix seconds, ascending. */
  times: number[];
  /** Column name → values aligned with `times` (NaN where missing or a sentinel). */
  columns: Record<string, number[]>;
}

export interface ParseCounts {
  rows: number;
  skipped: number;
  /** Log rows whose `TimeUnixNano` was corrupt and whose time came from `Timestamp`. */
  repaired: number;
  /** Metric values dropped as overflow sentinels. */
  sentinels: number;
}

export interface NezhaCase {
  fault: NezhaFault;
  /** Spans of the injection minute's file and the two after it (all of them, before and after injection). */
  spans: NezhaSpan[];
  logs: NezhaLogLine[];
  /** The fault-free `construct_data` minute. */
  baselineSpans: NezhaSpan[];
  baselineLogs: NezhaLogLine[];
  /** Per pod; `front_service` is the symptom SLI. */
  metrics: NezhaMetricSeries[];
  /** Which minute files were read (`HH_MM`). */
  minutes: string[];
  counts: { traces: ParseCounts; logs: ParseCounts; metrics: ParseCounts };
}

export function serviceOfPod(pod: string): string {
  const parts = pod.split('-');
  return parts.length > 2 ? parts.slice(0, -2).join('-') : pod;
}

/** `YYYY-MM-DD HH:MM:SS` read as UTC (never as the machine's local time). */
export function parseInjectTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) {
    throw new NezhaDataError(`inject_time: expected "YYYY-MM-DD HH:MM:SS", got ${JSON.stringify(text)}`);
  }
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** RFC 4180 CSV: quoted fields with doubled quotes; a quoted field may span lines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') {
        rows.push(row);
      }
      row = [];
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readCsvFile(path: string, required: readonly string[]): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (!header) {
    throw new NezhaDataError(`${path}: empty file`);
  }
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new NezhaDataError(`${path}: missing column(s) ${missing.join(', ')}`);
  }
  return { header, rows };
}

const blankCounts = (): ParseCounts => ({ rows: 0, skipped: 0, repaired: 0, sentinels: 0 });

const TRACE_COLUMNS = [
  'TraceID',
  'SpanID',
  'ParentID',
  'PodName',
  'OperationName',
  'StartTimeUnixNano',
  'EndTimeUnixNano',
] as const;

export function readTraceCsv(path: string, counts: ParseCounts = blankCounts()): NezhaSpan[] {
  const { header, rows } = readCsvFile(path, TRACE_COLUMNS);
  const at = Object.fromEntries(TRACE_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof TRACE_COLUMNS)[number],
    number
  >;
  const spans: NezhaSpan[] = [];
  for (const r of rows) {
    counts.rows++;
    const start = Number(r[at.StartTimeUnixNano]);
    const end = Number(r[at.EndTimeUnixNano]);
    const pod = r[at.PodName] ?? '';
    const traceId = r[at.TraceID] ?? '';
    const spanId = r[at.SpanID] ?? '';
    if (!traceId || !spanId || !pod || !Number.isFinite(start) || !Number.isFinite(end) || end < start || start <= 0) {
      counts.skipped++;
      continue;
    }
    const parent = r[at.ParentID] ?? '';
    spans.push({
      traceId,
      spanId,
      parentSpanId: parent === '' || parent === 'root' ? undefined : parent,
      service: serviceOfPod(pod),
      pod,
      operation: r[at.OperationName] ?? '',
      // Nanosecond integers exceed 2^53; the precision lost (about 0.1 µs) does not matter here.
      startMs: start / 1e6,
      durationMs: (end - start) / 1e6,
      // The trace files carry no status: errors come from the logs.
      error: false,
    });
  }
  return spans;
}

const LOG_COLUMNS = ['Timestamp', 'TimeUnixNano', 'PodName', 'TraceID', 'SpanID', 'Log'] as const;
// Nanosecond times of the years 2001..2100; anything else is corrupt.
const PLAUSIBLE_NS = [1e18, 4.1e18] as const;

export function readLogCsv(path: string, counts: ParseCounts = blankCounts()): NezhaLogLine[] {
  const { header, rows } = readCsvFile(path, LOG_COLUMNS);
  const at = Object.fromEntries(LOG_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof LOG_COLUMNS)[number],
    number
  >;
  const lines: NezhaLogLine[] = [];
  for (const r of rows) {
    counts.rows++;
    const pod = r[at.PodName] ?? '';
    let timeMs = Number.NaN;
    const ns = Number(r[at.TimeUnixNano]);
    if (ns >= PLAUSIBLE_NS[0] && ns <= PLAUSIBLE_NS[1]) {
      timeMs = ns / 1e6;
    } else {
      // Corrupt nanoseconds: the ISO column usually still holds the time (written without a zone: UTC).
      const iso = r[at.Timestamp] ?? '';
      const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
      if (Number.isFinite(parsed)) {
        timeMs = parsed;
        counts.repaired++;
      }
    }
    let message: string | undefined;
    const raw = r[at.Log] ?? '';
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && typeof (parsed as { log?: unknown }).log === 'string') {
        message = (parsed as { log: string }).log.replace(/\s+$/, '');
      }
    } catch {
      message = undefined;
    }
    if (!pod || !Number.isFinite(timeMs) || message === undefined) {
      counts.skipped++;
      continue;
    }
    lines.push({
      timeMs,
      pod,
      service: serviceOfPod(pod),
      traceId: r[at.TraceID] ?? '',
      spanId: r[at.SpanID] ?? '',
      message,
    });
  }
  return lines;
}

export function readMetricCsv(path: string, counts: ParseCounts = blankCounts()): NezhaMetricSeries {
  const { header, rows } = readCsvFile(path, ['TimeStamp']);
  const tAt = header.indexOf('TimeStamp');
  const podAt = header.indexOf('PodName');
  const skip = new Set(['Time', 'TimeStamp', 'PodName', 'ServiceName']);
  const numeric = header.map((h, i) => [h, i] as const).filter(([h]) => !skip.has(h));
  const times: number[] = [];
  const columns: Record<string, number[]> = Object.fromEntries(numeric.map(([h]) => [h, [] as number[]]));
  let pod = '';
  for (const r of rows) {
    counts.rows++;
    const t = Number(r[tAt]);
    if (!Number.isFinite(t) || t <= 0) {
      counts.skipped++;
      continue;
    }
    if (podAt >= 0 && !pod) {
      pod = r[podAt] ?? '';
    }
    times.push(t);
    for (const [h, i] of numeric) {
      const cell = r[i];
      let v = cell === undefined || cell === '' ? Number.NaN : Number(cell);
      if (/Latency/.test(h) && v > LATENCY_SENTINEL_SECONDS) {
        v = Number.NaN;
        counts.sentinels++;
      }
      columns[h]!.push(v);
    }
  }
  // Files are written in time order; sort anyway so a shuffled file cannot break the windows.
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const sorted = (xs: number[]) => order.map((i) => xs[i]!);
  const name = path
    .split('/')
    .pop()!
    .replace(/_metric\.csv$|\.csv$/, '');
  const podName = name === 'front_service' ? 'front_service' : pod || name;
  return {
    pod: podName,
    service: podName === 'front_service' ? 'front_service' : serviceOfPod(podName),
    times: sorted(times),
    columns: Object.fromEntries(Object.entries(columns).map(([h, v]) => [h, sorted(v)])),
  };
}

/** `HH_MM` of a UTC time. */
export function minuteName(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, '0')}_${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

interface RawFault {
  inject_time?: unknown;
  inject_timestamp?: unknown;
  inject_pod?: unknown;
  inject_type?: unknown;
}

/** Every injected fault under `<root>/rca_data/<date>/<date>-fault_list.json`, in time order. */
export function listNezhaFaults(root: string): NezhaFault[] {
  const dataDir = join(root, 'rca_data');
  if (!existsSync(dataDir)) {
    throw new NezhaDataError(
      `${root}: no rca_data/ folder (expected the extracted Nezha root that holds rca_data/ and construct_data/)`
    );
  }
  const faults: NezhaFault[] = [];
  for (const date of readdirSync(dataDir).sort()) {
    const file = join(dataDir, date, `${date}-fault_list.json`);
    if (!existsSync(file)) {
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new NezhaDataError(`${file}: not valid JSON (${(err as Error).message})`);
    }
    // Either {hour: [fault, …]} (the published layout) or a flat list.
    const list: RawFault[] = Array.isArray(parsed)
      ? (parsed as RawFault[])
      : Object.values(parsed as Record<string, RawFault[]>).flat();
    list.forEach((f, i) => {
      if (typeof f.inject_time !== 'string') {
        throw new NezhaDataError(`${file}: fault ${i}: inject_time missing`);
      }
      if (typeof f.inject_pod !== 'string' || !f.inject_pod) {
        throw new NezhaDataError(`${file}: fault ${i}: inject_pod missing`);
      }
      const injectMs = parseInjectTime(f.inject_time);
      const stamp = Number(f.inject_timestamp);
      const skew = Number.isFinite(stamp) ? Math.round((stamp * 1000 - injectMs) / 3_600_000) : 0;
      faults.push({
        id: '',
        date,
        injectMs,
        injectTime: f.inject_time,
        timestampSkewHours: skew !== 0 ? skew : undefined,
        pod: f.inject_pod,
        service: serviceOfPod(f.inject_pod),
        type: typeof f.inject_type === 'string' ? f.inject_type : 'unknown',
      });
    });
  }
  faults.sort((a, b) => a.injectMs - b.injectMs);
  faults.forEach((f, i) => (f.id = `${f.date}#${String(i).padStart(2, '0')}`));
  return faults;
}

function firstFile(dir: string, suffix: string): string | undefined {
  if (!existsSync(dir)) {
    return undefined;
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()[0];
}

/** Loads one fault case: the injection minute's files and the two after it, all metrics, and the fault-free minute. */
export function loadNezhaCase(
  root: string,
  fault: NezhaFault,
  metricCache?: Map<string, NezhaMetricSeries[]>
): NezhaCase {
  const dayDir = join(root, 'rca_data', fault.date);
  const counts = { traces: blankCounts(), logs: blankCounts(), metrics: blankCounts() };
  const minutes = [0, 1, 2]
    .map((k) => minuteName(fault.injectMs + k * 60_000))
    .filter(
      (m) => existsSync(join(dayDir, 'trace', `${m}_trace.csv`)) || existsSync(join(dayDir, 'log', `${m}_log.csv`))
    );
  if (minutes.length === 0) {
    throw new NezhaDataError(
      `${dayDir}: no trace or log file for ${minuteName(fault.injectMs)} (inject_time ${fault.injectTime} UTC)`
    );
  }
  const spans: NezhaSpan[] = [];
  const logs: NezhaLogLine[] = [];
  for (const m of minutes) {
    const t = join(dayDir, 'trace', `${m}_trace.csv`);
    const l = join(dayDir, 'log', `${m}_log.csv`);
    if (existsSync(t)) {
      for (const s of readTraceCsv(t, counts.traces)) {
        spans.push(s);
      }
    }
    if (existsSync(l)) {
      for (const x of readLogCsv(l, counts.logs)) {
        logs.push(x);
      }
    }
  }
  const constructDir = join(root, 'construct_data', fault.date);
  const bt = firstFile(join(constructDir, 'trace'), '_trace.csv');
  const bl = firstFile(join(constructDir, 'log'), '_log.csv');
  const baselineSpans = bt ? readTraceCsv(join(constructDir, 'trace', bt)) : [];
  const baselineLogs = bl ? readLogCsv(join(constructDir, 'log', bl)) : [];
  let metrics = metricCache?.get(fault.date);
  if (!metrics) {
    const metricDir = join(dayDir, 'metric');
    if (!existsSync(metricDir)) {
      throw new NezhaDataError(`${metricDir}: missing`);
    }
    metrics = readdirSync(metricDir)
      .filter((f) => f.endsWith('.csv') && statSync(join(metricDir, f)).isFile())
      .sort()
      .map((f) => readMetricCsv(join(metricDir, f), counts.metrics));
    metricCache?.set(fault.date, metrics);
  }
  return { fault, spans, logs, baselineSpans, baselineLogs, metrics, minutes, counts };
}
