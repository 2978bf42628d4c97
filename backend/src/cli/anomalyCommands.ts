/**
 * `aidpe anomaly` and `aidpe nab-score`: run detectors over NAB-layout data and score results with NAB's
 * rules. All file access for the anomaly engines happens here; the engines themselves are pure.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BASELINES, createBaseline, runDetector, type BaselineName } from '../engines/anomaly/baselines.ts';
import { runForecastResidual } from '../engines/anomaly/detectors/forecastResidual.ts';
import {
  canonicalDetector,
  createStreamDetector,
  DEFAULT_DETECTOR,
  DETECTOR_NAMES_ACCEPTED,
  isAcceptedDetector,
} from '../engines/anomaly/registry.ts';
import { STATISTICAL_CANDIDATES } from '../engines/forecast/candidates.ts';
import {
  NabDataError,
  parseDataCsv,
  parseResultsCsv,
  windowLabels,
  windowsToRows,
  type Series,
} from '../eval/nab/dataset.ts';
import { stepOf } from '../eval/nab/candidates.ts';
import { listDataFiles, NabUsageError, readText, readWindows, type NabInput } from '../eval/nab/corpus.ts';
import { aucPr, tsbadPeriod, vusPr } from '../eval/nab/metrics.ts';
import {
  NAB_PROFILES,
  probationaryLength,
  scoreCorpus,
  type CostWeights,
  type NabFile,
  type ProfileScore,
} from '../eval/nab/scorer.ts';

export { listDataFiles };
export type { NabInput };

export class AnomalyUsageError extends Error {}

type Flags = Record<string, string | boolean | undefined>;

function parse(argv: string[], options: Record<string, { type: 'string' }>): Flags {
  return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Flags;
}

function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') {
    throw new AnomalyUsageError(`--${name} is required`);
  }
  return v;
}

/** Detectors the CLI runs beyond the sidecar's (`registry.ts`): baselines and batch-only ones. */
const CLI_ONLY = ['aidpe-forecast'] as const;
type CliDetector = (typeof DETECTOR_NAMES_ACCEPTED)[number] | BaselineName | (typeof CLI_ONLY)[number];
export const CLI_DETECTORS: readonly CliDetector[] = [...DETECTOR_NAMES_ACCEPTED, ...CLI_ONLY, ...BASELINES];

function detectorName(v: string | undefined): CliDetector {
  const name = v ?? DEFAULT_DETECTOR;
  if (!(CLI_DETECTORS as readonly string[]).includes(name)) {
    throw new AnomalyUsageError(`--detector: expected one of ${CLI_DETECTORS.join('|')}, got ${JSON.stringify(name)}`);
  }
  return name as CliDetector;
}

/** One streaming pass of the named detector over a series (the sidecar's detectors exactly as it runs them). */
export async function runNamed(name: CliDetector, series: Series): Promise<Float64Array> {
  if (isAcceptedDetector(name)) {
    const det = createStreamDetector(name, {}, stepOf(series.timestamps));
    return Float64Array.from(series.values, (v, i) => det.update(series.timestamps[i]!, v));
  }
  switch (name) {
    case 'aidpe-forecast':
      return (await runForecastResidual(series.timestamps, series.values, STATISTICAL_CANDIDATES)).combined;
    default:
      return runDetector(createBaseline(name), series.values);
  }
}

/** `aidpe anomaly --data DIR --out RESULTS_DIR [--name NAME] [--detector NAME] [--labels WINDOWS.json]` (default: DEFAULT_DETECTOR, and the folder is named after the detector) */
export async function runAnomaly(argv: string[]): Promise<number> {
  const flags = parse(argv, {
    data: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    detector: { type: 'string' },
    labels: { type: 'string' },
  });
  const dataDir = resolve(required(flags, 'data'));
  const outDir = resolve(required(flags, 'out'));
  const detector = detectorName(flags.detector as string | undefined);
  const name =
    (flags.name as string | undefined) ?? (isAcceptedDetector(detector) ? canonicalDetector(detector) : detector);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new AnomalyUsageError(`--name: use letters, digits, '_', '-', '.' only, got ${JSON.stringify(name)}`);
  }
  const windows = flags.labels === undefined ? undefined : readWindows(resolve(flags.labels as string));
  const files = listDataFiles(dataDir);
  let rows = 0;
  for (const f of files) {
    const series = parseDataCsv(readText(f.path, 'data'), f.path);
    const scores = await runNamed(detector, series);
    const wins = windows?.[f.key];
    const labels = wins ? windowLabels(series.values.length, windowsToRows(wins, series, f.path)) : undefined;
    const lines = ['timestamp,value,anomaly_score,label'];
    for (let i = 0; i < series.values.length; i++) {
      lines.push(`${series.stamps[i]},${series.values[i]},${scores[i]},${labels ? labels[i] : 0}`);
    }
    const target = join(outDir, name, f.category, `${name}_${f.file}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, lines.join('\n') + '\n');
    rows += series.values.length;
  }
  process.stdout.write(
    `aidpe anomaly: ${detector} over ${files.length} files (${rows} rows) → ${join(outDir, name)}\n`
  );
  return 0;
}

export interface DetectorReport {
  profiles: Record<string, ProfileScore>;
  /** Mean over files with at least one window of point-wise AUC-PR (scored rows only). */
  aucPr: number | null;
  /**
   * Mean over files with at least one window of VUS-PR as TSB-AD computes it (scored rows only; largest buffer twice
   * the series' period, TSB-AD's `find_length_rank`).
   */
  vusPr: number | null;
}

/** Scores one detector's per-file anomaly scores under every profile, plus the threshold-free metrics. */
export function evaluateDetector(
  inputs: readonly NabInput[],
  scores: ReadonlyArray<ArrayLike<number>>,
  profiles: Record<string, CostWeights>
): DetectorReport {
  const files: NabFile[] = inputs.map((inp, i) => ({
    name: inp.key,
    category: inp.category,
    scores: scores[i]!,
    windows: inp.windows,
  }));
  const out: Record<string, ProfileScore> = {};
  for (const [p, w] of Object.entries(profiles)) {
    out[p] = scoreCorpus(files, w);
  }
  const aps: number[] = [];
  const vus: number[] = [];
  inputs.forEach((inp, i) => {
    if (inp.windows.length === 0) {
      return;
    }
    const n = inp.series.values.length;
    const start = probationaryLength(n);
    const labels = windowLabels(n, inp.windows).subarray(start);
    if (!labels.some((v) => v > 0)) {
      return;
    }
    const s = Float64Array.from(scores[i]!).subarray(start);
    aps.push(aucPr(s, labels));
    vus.push(vusPr(s, labels, 2 * tsbadPeriod(inp.series.values)));
  });
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  return { profiles: out, aucPr: mean(aps), vusPr: mean(vus) };
}

export function loadProfiles(path: string | undefined, dataDir: string): Record<string, CostWeights> {
  const file = path ?? resolve(dataDir, '..', 'profiles.json');
  if (path === undefined && !existsSync(file)) {
    return { ...NAB_PROFILES };
  }
  const text = readText(file, 'profiles');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new NabDataError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const out: Record<string, CostWeights> = {};
  for (const [name, v] of Object.entries(parsed as Record<string, unknown>)) {
    const cm = (v as { CostMatrix?: Record<string, unknown> } | null)?.CostMatrix ?? (v as Record<string, unknown>);
    const w = {
      tpWeight: cm['tpWeight'],
      fpWeight: cm['fpWeight'],
      fnWeight: cm['fnWeight'],
      tnWeight: cm['tnWeight'] ?? 1,
    };
    if (![w.tpWeight, w.fpWeight, w.fnWeight, w.tnWeight].every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new NabDataError(`${file}: profile ${JSON.stringify(name)} needs numeric tpWeight, fpWeight, fnWeight`);
    }
    out[name] = w as CostWeights;
  }
  if (Object.keys(out).length === 0) {
    throw new NabDataError(`${file}: no profiles`);
  }
  return out;
}

const fmt = (x: number | null | undefined, d = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d);

export function formatScoreTable(reports: Record<string, DetectorReport>): string {
  const names = Object.keys(reports);
  const profiles = Object.keys(reports[names[0]!]?.profiles ?? {});
  const width = Math.max(18, ...names.map((n) => n.length + 2));
  const lines = [
    ['detector'.padEnd(width), ...profiles.map((p) => p.padStart(20)), 'AUC-PR'.padStart(8), 'VUS-PR'.padStart(8)].join(
      ''
    ),
  ];
  for (const n of names) {
    const r = reports[n]!;
    lines.push(
      [
        n.padEnd(width),
        ...profiles.map((p) => fmt(r.profiles[p]?.score).padStart(20)),
        fmt(r.aucPr, 3).padStart(8),
        fmt(r.vusPr, 3).padStart(8),
      ].join('')
    );
  }
  const first = reports[names[0]!];
  const std = first?.profiles['standard'] ?? (profiles[0] ? first?.profiles[profiles[0]] : undefined);
  if (std) {
    lines.push(
      '',
      `per category (${names[0]}, ${profiles.includes('standard') ? 'standard' : profiles[0]} profile, threshold ${fmt(std.threshold, 6)}):`
    );
    for (const [c, s] of Object.entries(std.perCategory)) {
      lines.push(
        `  ${c.padEnd(24)} score ${fmt(s.score).padStart(7)}  raw ${fmt(s.raw, 2).padStart(8)}  windows ${s.windows}  tp ${s.tp}  fp ${s.fp}  fn ${s.fn}`
      );
    }
  }
  return lines.join('\n');
}

/** `aidpe nab-score --data DIR --labels WINDOWS.json --results RESULTS_DIR/NAME --out SCORE.json [--profiles PROFILES.json]` */
export async function runNabScore(argv: string[]): Promise<number> {
  const flags = parse(argv, {
    data: { type: 'string' },
    labels: { type: 'string' },
    results: { type: 'string' },
    out: { type: 'string' },
    profiles: { type: 'string' },
  });
  const dataDir = resolve(required(flags, 'data'));
  const labelsPath = resolve(required(flags, 'labels'));
  const resultsDir = resolve(required(flags, 'results'));
  const outPath = resolve(required(flags, 'out'));
  if (!existsSync(resultsDir) || !statSync(resultsDir).isDirectory()) {
    throw new AnomalyUsageError(`--results ${resultsDir}: not a directory`);
  }
  const name = basename(resultsDir);
  const profiles = loadProfiles(flags.profiles === undefined ? undefined : resolve(flags.profiles as string), dataDir);
  const windows = readWindows(labelsPath);
  const inputs: NabInput[] = [];
  const detScores: Float64Array[] = [];
  for (const f of listDataFiles(dataDir)) {
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
    const resPath = join(resultsDir, f.category, `${name}_${f.file}`);
    detScores.push(parseResultsCsv(readText(resPath, 'results'), resPath, series));
  }
  const main = evaluateDetector(inputs, detScores, profiles);
  const baselines: Record<string, DetectorReport> = {};
  for (const b of BASELINES) {
    baselines[b] = evaluateDetector(
      inputs,
      inputs.map((inp) => runDetector(createBaseline(b), inp.series.values)),
      profiles
    );
  }
  const report = {
    detector: name,
    ...main,
    baselines,
    files: inputs.length,
    windows: inputs.reduce((a, inp) => a + inp.windows.length, 0),
    generatedAt: new Date().toISOString(),
  };
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, JSON.stringify(report, null, 2) + '\n');
  const table: Record<string, DetectorReport> = { [name]: main };
  for (const [b, r] of Object.entries(baselines)) {
    table[`${b} (baseline)`] = r;
  }
  process.stdout.write(
    `NAB scores over ${inputs.length} files (${report.windows} windows), normalised 0 = null, 100 = perfect\n`
  );
  process.stdout.write(formatScoreTable(table) + `\n\nwritten ${outPath}\n`);
  return 0;
}

/** Maps this module's errors to the CLI's usage-error convention (message, exit code 2). */
export function isAnomalyUsageError(err: unknown): err is Error {
  return err instanceof AnomalyUsageError || err instanceof NabDataError || err instanceof NabUsageError;
}
