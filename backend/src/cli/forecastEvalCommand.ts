/**
 * `aidpe forecast-eval`: the rolling-origin benchmark of the forecasting ensemble with the baselines in the
 * same run, reported leave-one-source-out (a source is a folder of CSVs such as a NAB category, the Azure
 * Functions trace, or the simulator). Every ensemble setting of the grid is scored on the same backtests, and
 * the setting used for each source is chosen on the other sources only.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MAX_HORIZON } from '../engines/forecast/engine.ts';
import { baselineMethods } from '../eval/forecast/baselines.ts';
import { evaluateSeries, type SeriesEval } from '../eval/forecast/evaluation.ts';
import { losoReport, settingsGrid, type LosoReport, type ResultsByHorizon } from '../eval/forecast/loso.ts';
import type { GroupSummary } from '../eval/forecast/metrics.ts';
import { simulatorSeries } from '../eval/forecast/simulator.ts';
import {
  cachedSimulator,
  loadAzureFunctions,
  loadCsvFolder,
  SIMULATOR_SOURCE,
  type EvalSeries,
} from '../eval/forecast/sources.ts';
import { augursModels } from '../models/augursRuntime.ts';
import { candidatesForSource, loadForecastCandidates } from '../models/forecastRegistry.ts';
import { defaultDataDir } from '../sim/index.ts';
import { ForecastUsageError, parseFlags, positiveInt, Progress, required } from './forecastCommands.ts';

export const FORECAST_EVAL_USAGE = `aidpe forecast-eval [--data DIR]... [--azure PATH] [--sim SEEDS] [--sim-days D]
                    --horizons 12,288 --origins 5 --out RESULT.json [--models DIR] [--grid full|small]
                    [--max-series N]
  Rolling-origin benchmark of the AIDPE ensemble with naive, seasonal naive, augurs AutoETS and augurs MSTL in
  the same run; relative MASE (vs seasonal naive, geometric mean over series), wQL, 80/95% coverage, time.
  Sources (the unit of leave-one-source-out): every folder of timestamp,value CSVs under each --data DIR (a NAB
  category), --azure (an Azure Functions *_inv.csv or a folder of them: functions active in at least half the
  minutes, and the total) and --sim (simulator seeds, D days each, default 4). With none of them, the shared
  data: <data>/nab/data, <data>/workloads/azure-functions-2019 and simulator seeds 101,102 (data =
  AIDPE_DATA_DIR or ../shared/data). The headline, aidpe_loso, scores each source with the ensemble setting
  chosen on the other sources; aidpe is the shipped default, aidpe_insample the setting chosen on all sources.
  --grid small tries fewer settings; --max-series N keeps the first N series of each source (quick runs).
`;

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

function row(name: string, m: GroupSummary): string {
  return (
    `${name.padEnd(20)} ${String(m.series).padStart(4)} ${fmt(m.relativeMase).padStart(8)} ${fmt(m.relativeWql).padStart(8)} ` +
    `${fmt(m.meanMase).padStart(7)} ${fmt(m.coverage80 * 100, 1).padStart(6)}% ${fmt(m.coverage95 * 100, 1).padStart(6)}% ` +
    `${fmt(m.medianMs, 1).padStart(9)}${m.failures ? `  (${m.failures} failed)` : ''}`
  );
}

export function formatLosoReport(report: LosoReport): string {
  const lines: string[] = [];
  const header = 'method               n   rel.MASE  rel.wQL   MASE    cov80   cov95   median ms';
  lines.push(`sources: ${report.sources.join(', ')}`);
  lines.push(`shipped default: ${report.shipped.point} ${report.shipped.band}`);
  lines.push(`chosen on all sources (in-sample): ${report.inSample.point} ${report.inSample.band}`);
  for (const f of report.folds) {
    lines.push(`  without ${f.heldOut}: ${f.point} ${f.band}`);
  }
  lines.push('');
  for (const h of report.horizons) {
    lines.push(`horizon ${h.horizon} steps — all sources pooled (aidpe_loso = leave-one-source-out, the headline)`);
    lines.push(header);
    for (const [name, m] of Object.entries(h.pooled)) {
      lines.push(row(name, m));
    }
    lines.push('');
    lines.push(`horizon ${h.horizon} steps — per held-out source`);
    lines.push(`source / ${header}`);
    for (const [source, methods] of Object.entries(h.perSource)) {
      lines.push(source);
      for (const [name, m] of Object.entries(methods)) {
        lines.push(`  ${row(name, m)}`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

function csvList(flag: string, v: string): number[] {
  return v.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0) {
      throw new ForecastUsageError(`${flag}: expected whole numbers separated by commas, got ${JSON.stringify(v)}`);
    }
    return n;
  });
}

async function loadSources(flags: Record<string, string | boolean | string[] | undefined>): Promise<EvalSeries[]> {
  const dataDirs = (flags['data'] as string[] | undefined) ?? [];
  const azure = flags['azure'] as string | undefined;
  const simSeeds = flags['sim'] === undefined ? undefined : csvList('--sim', flags['sim'] as string);
  const simDays = flags['sim-days'] === undefined ? 4 : positiveInt('sim-days', flags['sim-days'] as string, 60);
  const shared = dataDirs.length === 0 && azure === undefined && simSeeds === undefined;
  const series: EvalSeries[] = [];
  if (shared) {
    const root = defaultDataDir();
    const nab = join(root, 'nab', 'data');
    const az = join(root, 'workloads', 'azure-functions-2019');
    if (!existsSync(nab) && !existsSync(az)) {
      throw new ForecastUsageError(`no --data/--azure/--sim given and no shared data at ${root} (set AIDPE_DATA_DIR)`);
    }
    if (existsSync(nab)) {
      series.push(...loadCsvFolder(nab));
    }
    if (existsSync(az)) {
      series.push(...loadAzureFunctions(az));
    }
  }
  for (const dir of dataDirs) {
    series.push(...loadCsvFolder(dir));
  }
  if (azure !== undefined) {
    series.push(...loadAzureFunctions(azure));
  }
  const seeds = shared ? [101, 102] : (simSeeds ?? []);
  if (seeds.length > 0) {
    const exports = await cachedSimulator({ seeds, days: simDays, version: 1 }, () => simulatorSeries(seeds, simDays));
    for (const e of exports) {
      for (const s of e.series) {
        series.push({ source: SIMULATOR_SOURCE, name: s.name, timestamps: s.timestamps, values: s.values });
      }
    }
  }
  return series;
}

export async function runForecastEval(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(FORECAST_EVAL_USAGE);
    return 0;
  }
  const flags = parseFlags(argv, {
    data: { type: 'string', multiple: true },
    azure: { type: 'string' },
    sim: { type: 'string' },
    'sim-days': { type: 'string' },
    horizons: { type: 'string' },
    origins: { type: 'string' },
    out: { type: 'string' },
    models: { type: 'string' },
    grid: { type: 'string' },
    'max-series': { type: 'string' },
  });
  const horizons = required(flags, 'horizons')
    .split(',')
    .map((h) => positiveInt('horizons', h.trim(), MAX_HORIZON));
  const originCount = positiveInt('origins', required(flags, 'origins'), 1000);
  const out = required(flags, 'out');
  const grid = flags['grid'] ?? 'full';
  if (grid !== 'full' && grid !== 'small') {
    throw new ForecastUsageError(`--grid: expected full or small, got ${JSON.stringify(grid)}`);
  }
  const maxSeries =
    flags['max-series'] === undefined ? Infinity : positiveInt('max-series', flags['max-series'] as string);
  let series = await loadSources(flags);
  if (Number.isFinite(maxSeries)) {
    const kept = new Map<string, number>();
    series = series.filter((s) => {
      const k = kept.get(s.source) ?? 0;
      kept.set(s.source, k + 1);
      return k < maxSeries;
    });
  }
  const models = augursModels();
  const loaded = await loadForecastCandidates({
    modelsDir: typeof flags['models'] === 'string' ? flags['models'] : undefined,
  });
  for (const w of loaded.warnings) {
    process.stderr.write(`warning: ${w}\n`);
  }
  const variants = settingsGrid(loaded.deepNames, grid === 'small');
  const baselines = baselineMethods(models);
  const progress = new Progress(series.length * horizons.length);
  const results: ResultsByHorizon = new Map();
  const skipped: Array<{ horizon: number; series: string; reason: string }> = [];
  const started = performance.now();
  let done = 0;
  for (const h of horizons) {
    const list: SeriesEval[] = [];
    for (const s of series) {
      progress.update(done, `h=${h} ${s.source}/${s.name}`);
      const r = await evaluateSeries(s, {
        baselines,
        candidates: candidatesForSource(loaded, s.source),
        pointVariants: variants.points,
        bandVariants: variants.bands,
        horizon: h,
        originCount,
        now: () => performance.now(),
      });
      if ('skipped' in r) {
        skipped.push({ horizon: h, series: `${s.source}/${s.name}`, reason: r.skipped });
      } else {
        list.push(r);
      }
      done++;
    }
    results.set(h, list);
  }
  progress.update(done, 'done');
  progress.finish();
  const report = losoReport(
    results,
    variants,
    baselines.map((b) => b.name),
    loaded.deepNames
  );
  const json = {
    tool: 'aidpe forecast-eval',
    args: argv,
    horizons,
    origins: originCount,
    models: loaded.deepNames,
    foldModels: (loaded.folds ?? []).map((f) => f.source),
    modelWarnings: loaded.warnings,
    conventions:
      'series on a regular grid at the median step (gaps unscored); origins n-h-k·h; MASE scaled by in-sample seasonal-naive MAE (daily season); relative = geometric mean over series of MASE/MASE(seasonal_naive); wQL over q=0.1,0.5,0.9; coverage of [p10,p90] and [p2.5,p97.5] pooled over points; aidpe_loso: each source under the setting chosen on the others',
    elapsedSeconds: (performance.now() - started) / 1000,
    grid: variants,
    skipped,
    loso: report,
    perSeries: [...results].map(([h, list]) => ({
      horizon: h,
      series: list.map((r) => ({
        source: r.source,
        series: r.series,
        stepSeconds: r.stepSeconds,
        season: r.season,
        periods: r.periods,
        origins: r.origins,
        baselines: r.baselines,
        aidpe: r.variants[report.shipped.point]?.[report.shipped.band],
        aidpe_loso:
          r.variants[report.folds.find((f) => f.heldOut === r.source)!.point]?.[
            report.folds.find((f) => f.heldOut === r.source)!.band
          ],
      })),
    })),
  };
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)
  );
  process.stdout.write(formatLosoReport(report));
  if (skipped.length > 0) {
    process.stdout.write(`skipped: ${skipped.map((s) => `${s.series} at ${s.horizon} (${s.reason})`).join('; ')}\n`);
  }
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}
