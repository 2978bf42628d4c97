/**
 * `aidpe forecast`: forecasting on any `timestamp,value` CSV from rolling origins. All file access for the
 * forecast engine happens here (and in the model registry); `aidpe forecast-eval` is in forecastEvalCommand.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { forecastSeries, MAX_HORIZON } from '../engines/forecast/engine.ts';
import { inferStepSeconds } from '../engines/forecast/series.ts';
import { EvalUsageError, readSeriesCsv } from '../eval/forecast/sources.ts';
import { loadForecastCandidates } from '../models/forecastRegistry.ts';

export class ForecastUsageError extends Error {}

export const FORECAST_USAGE = `aidpe forecast --input SERIES.csv --horizon H [--step-seconds S] --origins N --out OUT.csv [--models DIR]
  Forecasts a timestamp,value CSV from N rolling origins at its end (one horizon apart) with the AIDPE
  ensemble; OUT has origin,timestamp,p10,p50,p90. --models: the models folder (default models/).
`;

export type Flags = Record<string, string | boolean | string[] | undefined>;

export function parseFlags(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>
): Flags {
  return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Flags;
}

export function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') {
    throw new ForecastUsageError(`--${name} is required`);
  }
  return v;
}

export function positiveInt(name: string, v: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ForecastUsageError(`--${name}: expected a whole number between 1 and ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** `aidpe forecast --input SERIES.csv --horizon H [--step-seconds S] --origins N --out OUT.csv` */
export async function runForecast(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(FORECAST_USAGE);
    return 0;
  }
  const flags = parseFlags(argv, {
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

export function isForecastUsageError(err: unknown): err is Error {
  return err instanceof ForecastUsageError || err instanceof EvalUsageError;
}

export { runForecastEval } from './forecastEvalCommand.ts';
