/**
 * The evaluation suites as lists of cases, loaded from their sources: the Nezha dataset (a folder or its .tgz,
 * extracted once to the user cache), the PetShop dataset (scenario folders) and the simulator's fault-injection
 * suite. Shared by `aidpe rca-eval` and `aidpe rca-fit`; the cache keeps built cases (evidence and graph, not the
 * anchors' raw series) so a fit can be rerun without rebuilding them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { EvalCase } from './evalCore.ts';
import { listNezhaFaults, loadNezhaCase, NezhaDataError, type NezhaCase, type NezhaMetricSeries } from './nezhaData.ts';
import { nezhaEvalCase } from './nezhaEval.ts';
import { listPetshopCases, loadPetshopCase, PetshopDataError } from './petshopData.ts';
import { petshopEvalCase } from './petshopEval.ts';
import { simEvalCase } from './simEval.ts';

export class SuiteUsageError extends Error {}

/** The extracted Nezha root (holds `rca_data/`): DIR itself, or a `.tgz` extracted once to the user cache. */
export function nezhaRoot(path: string): string {
  if (!path) {
    throw new SuiteUsageError(
      '--nezha: expected the extracted Nezha folder (with rca_data/ and construct_data/) or its .tgz'
    );
  }
  if (!existsSync(path)) {
    throw new SuiteUsageError(`--nezha: ${path} does not exist`);
  }
  if (statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'rca_data'))) {
      throw new SuiteUsageError(
        `--nezha: ${path} has no rca_data/ folder (give the extracted root that holds rca_data/ and construct_data/, or the .tgz)`
      );
    }
    return path;
  }
  if (!/\.(tgz|tar\.gz)$/.test(path)) {
    throw new SuiteUsageError(`--nezha: ${path} is neither a folder nor a .tgz`);
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

export type Progress = (done: number, total: number) => void;

export const progressBar: Progress = (done, total) => {
  process.stderr.write(`\r[${'#'.repeat(Math.round((30 * done) / total)).padEnd(30, '.')}] ${done}/${total}`);
  if (done === total) {
    process.stderr.write('\n');
  }
};

/** Each loaded Nezha case in turn (the loaded raw case is dropped after `use`, to keep memory flat). */
export function forEachNezhaCase(
  path: string,
  limit: number | undefined,
  use: (loaded: NezhaCase, loadSeconds: number) => void,
  progress?: Progress
): void {
  const root = nezhaRoot(path);
  let faults;
  try {
    faults = listNezhaFaults(root);
  } catch (err) {
    if (err instanceof NezhaDataError) {
      throw new SuiteUsageError(`--nezha: ${err.message}`);
    }
    throw err;
  }
  if (faults.length === 0) {
    throw new SuiteUsageError(`--nezha: no fault list under ${join(root, 'rca_data')}`);
  }
  const chosen = faults.slice(0, limit ?? faults.length);
  const metricCache = new Map<string, NezhaMetricSeries[]>();
  chosen.forEach((fault, i) => {
    const t0 = performance.now();
    const loaded = loadNezhaCase(root, fault, metricCache);
    use(loaded, (performance.now() - t0) / 1000);
    progress?.(i + 1, chosen.length);
  });
}

export function nezhaCases(path: string, limit?: number, progress?: Progress): EvalCase[] {
  const out: EvalCase[] = [];
  forEachNezhaCase(path, limit, (loaded) => out.push(nezhaEvalCase(loaded)), progress);
  return out;
}

export function petshopCases(dir: string, split: string | undefined, limit?: number, progress?: Progress): EvalCase[] {
  let listed;
  try {
    listed = listPetshopCases(dir, split);
  } catch (err) {
    if (err instanceof PetshopDataError) {
      throw new SuiteUsageError(`--petshop: ${err.message}`);
    }
    throw err;
  }
  if (listed.length === 0) {
    throw new SuiteUsageError(
      `--petshop: no case folders (issue_N with target.json) under ${dir}${split ? ` for split ${split}` : ''}`
    );
  }
  const chosen = listed.slice(0, limit ?? listed.length);
  return chosen.map(({ scenarioDir, caseDir }, i) => {
    try {
      const c = petshopEvalCase(loadPetshopCase(scenarioDir, caseDir));
      progress?.(i + 1, chosen.length);
      return c;
    } catch (err) {
      if (err instanceof PetshopDataError) {
        throw new SuiteUsageError(`--petshop: ${err.message}`);
      }
      throw err;
    }
  });
}

export async function simCases(count: number, seed: number, progress?: Progress): Promise<EvalCase[]> {
  const out: EvalCase[] = [];
  for (let i = 0; i < count; i++) {
    out.push(await simEvalCase(i, seed));
    progress?.(i + 1, count);
  }
  return out;
}

/** Cases without the anchors' raw inputs, as the fit needs them (evidence, graph, label). */
export function forCache(cases: readonly EvalCase[]): EvalCase[] {
  return cases.map(({ baselineInput: _dropped, ...rest }) => rest);
}

export function readCachedCases(file: string): EvalCase[] | undefined {
  if (!existsSync(file)) {
    return undefined;
  }
  return JSON.parse(readFileSync(file, 'utf8')) as EvalCase[];
}

export function writeCachedCases(file: string, cases: readonly EvalCase[]): void {
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(forCache(cases)));
}
