/**
 * `aidpe forecast` and `aidpe forecast-eval`: forecasting on any `timestamp,value` CSV, and the rolling-origin
 * benchmark with the baselines side by side. All file access for the forecast engine happens here.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseStamp } from '../eval/nab/dataset.ts';
import { forecastSeries, MAX_HORIZON } from '../engines/forecast/engine.ts';
import {
  aidpeMethod,
  autoEtsMethod,
  evaluateSeries,
  mstlMethod,
  naiveMethod,
  seasonalNaiveMethod,
  summarise,
  type EvalSeries,
  type HorizonSummary,
  type Method,
  type SeriesResult,
} from '../engines/forecast/evaluation.ts';
import { inferStepSeconds } from '../engines/forecast/series.ts';
import { loadForecastCandidates } from '../models/forecastRegistry.ts';

export class ForecastUsageError extends Error {}

type Flags = Record<string, string | boolean | undefined>;

function parse(argv: string[], options: Record<string, { type: 'string' }>): Flags {
  return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Flags;
}

function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') {
    throw new ForecastUsageError(`--${name} is required`);
  }
  return v;
}

function positiveInt(name: string, v: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ForecastUsageError(`--${name}: expected a whole number between 1 and ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
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
export function readSeriesCsv(path: string): EvalSeries {
  if (!existsSync(path)) {
    throw new ForecastUsageError(`${path}: file not found`);
  }
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]?.trim().toLowerCase();
  if (header !== 'timestamp,value') {
    throw new ForecastUsageError(`${path}:1: expected header "timestamp,value", got ${JSON.stringify(lines[0] ?? '')}`);
  }
  const series: EvalSeries = { name: path, timestamps: [], values: [] };
  for (let i = 1; i < lines.length; i++) {
    const parts = lines[i]!.split(',');
    if (parts.length !== 2) {
      throw new ForecastUsageError(`${path}:${i + 1}: expected 2 columns, got ${parts.length}`);
    }
    const t = parseTimestampCell(parts[0]!);
    if (!Number.isFinite(t)) {
      throw new ForecastUsageError(`${path}:${i + 1}: bad timestamp ${JSON.stringify(parts[0])}`);
    }
    const raw = parts[1]!.trim();
    const v = raw === '' || raw.toLowerCase() === 'nan' ? Number.NaN : Number(raw);
    if (Number.isNaN(v) && raw !== '' && raw.toLowerCase() !== 'nan') {
      throw new ForecastUsageError(`${path}:${i + 1}: bad value ${JSON.stringify(raw)}`);
    }
    series.timestamps.push(t);
    series.values.push(v);
  }
  if (series.values.length === 0) {
    throw new ForecastUsageError(`${path}: no data rows`);
  }
  return series;
}

function listCsv(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ForecastUsageError(`--data ${dir}: not a directory`);
  }
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (entry.endsWith('.csv')) {
        out.push(p);
      }
    }
  };
  walk(dir);
  if (out.length === 0) {
    throw new ForecastUsageError(`--data ${dir}: no .csv files found`);
  }
  return out;
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** `aidpe forecast --input SERIES.csv --horizon H [--step-seconds S] --origins N --out OUT.csv` */
export async function runForecast(argv: string[]): Promise<number> {
  const flags = parse(argv, {
    input: { type: 'string' },
    horizon: { type: 'string' },
    'step-seconds': { type: 'string' },
    origins: { type: 'string' },
    out: { type: 'string' },
    models: { type: 'string' },
  });
  const input = required(flags, 'input');
  const horizon = positiveInt('horizon', required(flags, 'horizon'), MAX_HORIZON);
  const origins = positiveInt('origins', required(flags, 'origins'), 1000);
  const out = required(flags, 'out');
  const series = readSeriesCsv(input);
  const step =
    flags['step-seconds'] === undefined ? inferStepSeconds(series.timestamps) : Number(flags['step-seconds']);
  if (!(step > 0)) {
    throw new ForecastUsageError(
      `--step-seconds: expected a positive number, got ${JSON.stringify(flags['step-seconds'])}`
    );
  }
  const candidates = await loadForecastCandidates({
    modelsDir: typeof flags.models === 'string' ? flags.models : undefined,
  });
  const n = series.values.length;
  const rows = ['origin,timestamp,p10,p50,p90'];
  const stamp = (t: number): string => new Date(t * 1000).toISOString();
  let made = 0;
  for (let k = origins - 1; k >= 0; k--) {
    const o = n - horizon - k * horizon;
    if (o < 1) {
      continue;
    }
    const outcome = await forecastSeries(
      {
        values: Float64Array.from(series.values.slice(0, o)),
        stepSeconds: step,
        lastTimestamp: series.timestamps[o - 1]!,
      },
      { horizon, quantiles: [0.1, 0.9] },
      candidates.candidates
    );
    if (!outcome.forecast) {
      process.stderr.write(`origin ${stamp(series.timestamps[o - 1]!)}: no forecast: ${outcome.explanation}\n`);
      continue;
    }
    const p10 = outcome.forecast.quantiles.get(0.1)!;
    const p90 = outcome.forecast.quantiles.get(0.9)!;
    outcome.timestamps.forEach((t, i) =>
      rows.push(`${stamp(series.timestamps[o - 1]!)},${stamp(t)},${p10[i]},${outcome.forecast!.p50[i]},${p90[i]}`)
    );
    process.stderr.write(`origin ${stamp(series.timestamps[o - 1]!)}: ${outcome.status}, ${outcome.explanation}\n`);
    made++;
  }
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, rows.join('\n') + '\n');
  process.stdout.write(`wrote ${rows.length - 1} rows from ${made} origin(s) to ${out}\n`);
  return made > 0 ? 0 : 1;
}

export class Progress {
  private lastLine = 0;
  constructor(private readonly total: number) {}
  update(done: number, label: string): void {
    const width = 30;
    const filled = Math.round((done / this.total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} ${label}`;
    if (process.stderr.isTTY) {
      process.stderr.write(
        `\r${bar.slice(0, (process.stderr.columns ?? 100) - 1).padEnd((process.stderr.columns ?? 100) - 1)}`
      );
    } else if (done === this.total || done - this.lastLine >= Math.max(1, Math.round(this.total / 10))) {
      this.lastLine = done;
      process.stderr.write(`${bar}\n`);
    }
  }
  finish(): void {
    if (process.stderr.isTTY) {
      process.stderr.write('\n');
    }
  }
}

export function formatEvalTable(summaries: HorizonSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    lines.push(
      `horizon ${s.horizon} steps — ${s.seriesCount} series${s.skipped.length ? `, ${s.skipped.length} skipped` : ''}`
    );
    lines.push('method            rel.MASE  rel.wQL   MASE    wQL     cov80   cov95   median ms');
    for (const [name, m] of Object.entries(s.methods)) {
      lines.push(
        `${name.padEnd(17)} ${fmt(m.relativeMase).padStart(8)} ${fmt(m.relativeWql).padStart(8)} ${fmt(m.meanMase).padStart(7)} ${fmt(m.meanWql).padStart(7)} ${fmt(m.coverage80 * 100, 1).padStart(6)}% ${fmt(m.coverage95 * 100, 1).padStart(6)}% ${fmt(m.medianMs, 1).padStart(10)}${m.failures ? `  (${m.failures} failed)` : ''}`
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** `aidpe forecast-eval --data DIR --horizons 12,288 --origins 5 --out RESULT.json [--methods a,b] [--models DIR]` */
export async function runForecastEval(argv: string[]): Promise<number> {
  const flags = parse(argv, {
    data: { type: 'string' },
    horizons: { type: 'string' },
    origins: { type: 'string' },
    out: { type: 'string' },
    methods: { type: 'string' },
    models: { type: 'string' },
  });
  const dataDir = required(flags, 'data');
  const horizons = required(flags, 'horizons')
    .split(',')
    .map((h) => positiveInt('horizons', h.trim(), MAX_HORIZON));
  const originCount = positiveInt('origins', required(flags, 'origins'), 1000);
  const out = required(flags, 'out');
  const files = listCsv(dataDir);
  const loaded = await loadForecastCandidates({
    modelsDir: typeof flags.models === 'string' ? flags.models : undefined,
  });
  const all: Method[] = [naiveMethod, seasonalNaiveMethod, autoEtsMethod, mstlMethod, aidpeMethod(loaded.candidates)];
  if (loaded.deepNames.length > 0) {
    all.push(
      aidpeMethod(
        loaded.candidates.filter((c) => !loaded.deepNames.includes(c.name)),
        'aidpe_statistical'
      )
    );
  }
  let methods = all;
  if (typeof flags.methods === 'string') {
    const wanted = flags.methods.split(',').map((m) => m.trim());
    for (const w of wanted) {
      if (!all.some((m) => m.name === w)) {
        throw new ForecastUsageError(
          `--methods: unknown method ${JSON.stringify(w)}; expected some of ${all.map((m) => m.name).join(',')}`
        );
      }
    }
    // seasonal naive is the reference for the relative scores, so it always runs.
    methods = all.filter((m) => wanted.includes(m.name) || m.name === 'seasonal_naive');
  }
  for (const w of loaded.warnings) {
    process.stderr.write(`warning: ${w}\n`);
  }
  const series = files.map((f) => ({ ...readSeriesCsv(f), name: relative(dataDir, f) }));
  const progress = new Progress(series.length * horizons.length);
  const summaries: HorizonSummary[] = [];
  let done = 0;
  const started = performance.now();
  for (const h of horizons) {
    const results: SeriesResult[] = [];
    const skipped: HorizonSummary['skipped'] = [];
    for (const s of series) {
      progress.update(done, `h=${h} ${s.name}`);
      const r = await evaluateSeries(s, methods, h, originCount);
      if ('skipped' in r) {
        skipped.push({ series: s.name, reason: r.skipped });
      } else {
        results.push(r);
      }
      done++;
    }
    summaries.push(
      summarise(
        h,
        methods.map((m) => m.name),
        results,
        skipped
      )
    );
  }
  progress.update(done, 'done');
  progress.finish();
  const report = {
    tool: 'aidpe forecast-eval',
    data: resolve(dataDir),
    horizons,
    origins: originCount,
    methods: methods.map((m) => m.name),
    models: loaded.deepNames,
    modelWarnings: loaded.warnings,
    conventions:
      'origins n-h-k·h; MASE scaled by in-sample seasonal-naive MAE (daily season); relative = geometric mean over series of MASE/MASE(seasonal_naive); wQL over q=0.1,0.5,0.9; coverage of [p10,p90] and [p2.5,p97.5]; time = median over series of the median fit+predict per origin',
    elapsedSeconds: (performance.now() - started) / 1000,
    horizonsSummary: summaries,
  };
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)
  );
  process.stdout.write(formatEvalTable(summaries));
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}

export function isForecastUsageError(err: unknown): err is Error {
  return err instanceof ForecastUsageError;
}
