/** `aidpe rca-eval`: root-cause ranking over the simulator's fault-injection suite or the Nezha dataset. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSimCase, summariseRanks, type SimCase } from '../eval/rca/simEval.ts';
import { listNezhaFaults, loadNezhaCase, NezhaDataError, type NezhaMetricSeries } from '../eval/rca/nezhaData.ts';
import {
  evaluateNezhaCase,
  rankNezhaCase,
  type NezhaCaseResult,
  type NezhaMethodOptions,
} from '../eval/rca/nezhaEval.ts';

export class RcaUsageError extends Error {}

export function isRcaUsageError(err: unknown): err is Error {
  return err instanceof RcaUsageError;
}

/**
 * `aidpe rca-eval --sim [--cases N] [--seed S] --out RESULT.json`
 * `aidpe rca-eval --nezha DIR|FILE.tgz [--cases N] [--ablations] --out RESULT.json`
 */
export async function runRcaEval(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sim: { type: 'boolean' },
      nezha: { type: 'string' },
      ablations: { type: 'boolean' },
      cases: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.nezha !== undefined) {
    if (values.sim) {
      throw new RcaUsageError('--sim and --nezha: pick one suite');
    }
    if (!values.out) {
      throw new RcaUsageError('--out is required');
    }
    return runNezhaEval(values.nezha, values.out, values.cases, values.ablations ?? false);
  }
  if (values.ablations) {
    throw new RcaUsageError('--ablations: only with --nezha');
  }
  if (!values.sim) {
    throw new RcaUsageError(
      '--sim or --nezha DIR is required (the simulator fault-injection suite, or the Nezha dataset)'
    );
  }
  if (!values.out) {
    throw new RcaUsageError('--out is required');
  }
  const count = values.cases === undefined ? 50 : Number(values.cases);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new RcaUsageError(`--cases: expected a whole number 1..1000, got ${JSON.stringify(values.cases)}`);
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) {
    throw new RcaUsageError(`--seed: expected an integer, got ${JSON.stringify(values.seed)}`);
  }
  const cases: SimCase[] = [];
  for (let i = 0; i < count; i++) {
    cases.push(await runSimCase(i, seed));
    process.stderr.write(`\r[${'#'.repeat(Math.round((30 * (i + 1)) / count)).padEnd(30, '.')}] ${i + 1}/${count}`);
  }
  process.stderr.write('\n');
  const byType: Record<string, ReturnType<typeof summariseRanks>> = {};
  for (const type of [...new Set(cases.map((c) => c.type))].sort()) {
    byType[type] = summariseRanks(cases.filter((c) => c.type === type).map((c) => c.rank));
  }
  const overall = summariseRanks(cases.map((c) => c.rank));
  const seconds = cases.map((c) => c.seconds).sort((a, b) => a - b);
  const report = {
    tool: 'aidpe rca-eval --sim',
    seed,
    overall,
    byType,
    medianSecondsPerCase: seconds[seconds.length >> 1],
    cases,
  };
  mkdirSync(dirname(resolve(values.out)), { recursive: true });
  writeFileSync(values.out, JSON.stringify(report, null, 2));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
  const lines = ['fault type        cases   AC@1    AC@3   Avg@5'];
  for (const [type, s] of Object.entries(byType)) {
    lines.push(`${type.padEnd(16)} ${String(s.cases).padStart(6)} ${pct(s.ac1)} ${pct(s.ac3)} ${pct(s.avg5)}`);
  }
  lines.push(
    `${'all'.padEnd(16)} ${String(overall.cases).padStart(6)} ${pct(overall.ac1)} ${pct(overall.ac3)} ${pct(overall.avg5)}`
  );
  process.stdout.write(
    `${lines.join('\n')}\nmedian ${report.medianSecondsPerCase!.toFixed(2)} s per case; wrote ${values.out}\n`
  );
  return 0;
}

/** The extracted Nezha root (holds `rca_data/`): DIR itself, or a `.tgz` extracted once to the user cache. */
function nezhaRoot(path: string): string {
  if (!path) {
    throw new RcaUsageError(
      '--nezha: expected the extracted Nezha folder (with rca_data/ and construct_data/) or its .tgz'
    );
  }
  if (!existsSync(path)) {
    throw new RcaUsageError(`--nezha: ${path} does not exist`);
  }
  if (statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'rca_data'))) {
      throw new RcaUsageError(
        `--nezha: ${path} has no rca_data/ folder (give the extracted root that holds rca_data/ and construct_data/, or the .tgz)`
      );
    }
    return path;
  }
  if (!/\.(tgz|tar\.gz)$/.test(path)) {
    throw new RcaUsageError(`--nezha: ${path} is neither a folder nor a .tgz`);
  }
  const cache = join(
    process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'),
    'aidpe',
    'nezha',
    basename(path).replace(/\.(tgz|tar\.gz)$/, '')
  );
  if (!existsSync(join(cache, 'rca_data'))) {
    mkdirSync(cache, { recursive: true });
    process.stderr.write(`extracting ${path} to ${cache}\n`);
    execFileSync('tar', ['-xzf', resolve(path), '-C', cache], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return cache;
}

/** AC@1, AC@3, Avg@5 as for the simulator suite, plus AC@5. */
function summariseWithAc5(ranks: Array<number | undefined>): ReturnType<typeof summariseRanks> & { ac5: number } {
  return {
    ...summariseRanks(ranks),
    ac5: ranks.filter((r) => r !== undefined && r <= 5).length / Math.max(1, ranks.length),
  };
}

/** Variants of the method for `--ablations`: each switches one part off or moves one scale. */
const NEZHA_ABLATIONS: Array<[string, Partial<NezhaMethodOptions>]> = [
  ['wire time left in the caller (plain self time)', { wire: 'caller' }],
  ['no CPU evidence', { cpuPointsPerUnit: 0 }],
  ['no log evidence', { logs: false }],
  ['entry service self time counted', { entrySelfTime: true }],
  ['added-time scale 300 ms/min', { addedMsPerMinuteScale: 300 }],
  ['added-time scale 3000 ms/min', { addedMsPerMinuteScale: 3000 }],
  ['CPU scale 10 points', { cpuPointsPerUnit: 10 }],
  ['CPU scale 50 points', { cpuPointsPerUnit: 50 }],
  ['no propagation (personalised PageRank off)', { propagationWeight: 0 }],
];

async function runNezhaEval(
  path: string,
  out: string,
  casesFlag: string | undefined,
  ablations: boolean
): Promise<number> {
  const root = nezhaRoot(path);
  let faults;
  try {
    faults = listNezhaFaults(root);
  } catch (err) {
    if (err instanceof NezhaDataError) {
      throw new RcaUsageError(`--nezha: ${err.message}`);
    }
    throw err;
  }
  if (faults.length === 0) {
    throw new RcaUsageError(`--nezha: no fault list under ${join(root, 'rca_data')}`);
  }
  const limit = casesFlag === undefined ? faults.length : Number(casesFlag);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RcaUsageError(`--cases: expected a whole number of at least 1, got ${JSON.stringify(casesFlag)}`);
  }
  const chosen = faults.slice(0, limit);
  const metricCache = new Map<string, NezhaMetricSeries[]>();
  const cases: Array<NezhaCaseResult & { loadSeconds: number }> = [];
  const ablationRanks = NEZHA_ABLATIONS.map(() => [] as Array<number | undefined>);
  for (const [i, fault] of chosen.entries()) {
    const t0 = performance.now();
    const loaded = loadNezhaCase(root, fault, metricCache);
    const loadSeconds = (performance.now() - t0) / 1000;
    cases.push({ ...evaluateNezhaCase(loaded), loadSeconds });
    if (ablations) {
      NEZHA_ABLATIONS.forEach(([, options], k) => {
        const at = rankNezhaCase(loaded, options).candidates.findIndex((x) => x.service === fault.service);
        ablationRanks[k]!.push(at >= 0 ? at + 1 : undefined);
      });
    }
    process.stderr.write(
      `\r[${'#'.repeat(Math.round((30 * (i + 1)) / chosen.length)).padEnd(30, '.')}] ${i + 1}/${chosen.length}`
    );
  }
  process.stderr.write('\n');
  const types = [...new Set(cases.map((c) => c.type))].sort();
  const byType: Record<string, ReturnType<typeof summariseWithAc5>> = {};
  const baselineByType: Record<string, ReturnType<typeof summariseWithAc5>> = {};
  for (const type of types) {
    byType[type] = summariseWithAc5(cases.filter((c) => c.type === type).map((c) => c.rank));
    baselineByType[type] = summariseWithAc5(cases.filter((c) => c.type === type).map((c) => c.baselineRank));
  }
  const overall = summariseWithAc5(cases.map((c) => c.rank));
  const baselineOverall = summariseWithAc5(cases.map((c) => c.baselineRank));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const report = {
    tool: 'aidpe rca-eval --nezha',
    dataset: root,
    level: 'service',
    overall,
    byType,
    baseline: {
      method: 'rule-based: 3-sigma metrics + spans over 3x fault-free p95 + error-keyword log lines',
      overall: baselineOverall,
      byType: baselineByType,
    },
    medianSecondsPerCase: median(cases.map((c) => c.seconds)),
    medianLoadSecondsPerCase: median(cases.map((c) => c.loadSeconds)),
    ...(ablations
      ? {
          ablations: NEZHA_ABLATIONS.map(([name, options], k) => ({
            name,
            options,
            overall: summariseWithAc5(ablationRanks[k]!),
            ranks: ablationRanks[k],
          })),
        }
      : {}),
    tiers: Object.fromEntries(
      ['CONFIRMED', 'LIKELY', 'INCONCLUSIVE'].map((t) => [t, cases.filter((c) => c.tier === t).length])
    ),
    cases,
  };
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
  const row = (name: string, s: ReturnType<typeof summariseWithAc5>, b: ReturnType<typeof summariseWithAc5>) =>
    `${name.padEnd(16)} ${String(s.cases).padStart(6)} ${pct(s.ac1)} ${pct(s.ac3)} ${pct(s.ac5)} ${pct(s.avg5)}   ${pct(b.ac1)} ${pct(b.ac3)} ${pct(b.avg5)}`;
  const lines = [
    '                        ---------- AIDPE ----------   ---- rule baseline ----',
    'fault type        cases   AC@1    AC@3    AC@5   Avg@5     AC@1    AC@3   Avg@5',
  ];
  for (const type of types) {
    lines.push(row(type, byType[type]!, baselineByType[type]!));
  }
  lines.push(row('all', overall, baselineOverall));
  if (ablations) {
    lines.push('', 'ablation (one change to the method)               AC@1    AC@3   Avg@5');
    NEZHA_ABLATIONS.forEach(([name], k) => {
      const a = summariseWithAc5(ablationRanks[k]!);
      lines.push(`${name.padEnd(48)} ${pct(a.ac1)} ${pct(a.ac3)} ${pct(a.avg5)}`);
    });
  }
  process.stdout.write(
    `${lines.join('\n')}\nmedian ${report.medianSecondsPerCase.toFixed(2)} s ranking + ${report.medianLoadSecondsPerCase.toFixed(2)} s loading per case; wrote ${out}\n`
  );
  return 0;
}
