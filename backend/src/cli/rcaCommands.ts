/** `aidpe rca-eval`: root-cause ranking over the simulator's fault-injection suite (Nezha comes next). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSimCase, summariseRanks, type SimCase } from '../rca/simEval.ts';

export class RcaUsageError extends Error {}

export function isRcaUsageError(err: unknown): err is Error {
  return err instanceof RcaUsageError;
}

/** `aidpe rca-eval --sim [--cases N] [--seed S] --out RESULT.json` */
export async function runRcaEval(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { sim: { type: 'boolean' }, nezha: { type: 'string' }, cases: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } }, strict: true, allowPositionals: false });
  if (values.nezha !== undefined) throw new RcaUsageError('--nezha: not available yet: the Nezha loader has not landed; use --sim for the simulator suite');
  if (!values.sim) throw new RcaUsageError('--sim is required (the simulator fault-injection suite)');
  if (!values.out) throw new RcaUsageError('--out is required');
  const count = values.cases === undefined ? 50 : Number(values.cases);
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new RcaUsageError(`--cases: expected a whole number 1..1000, got ${JSON.stringify(values.cases)}`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new RcaUsageError(`--seed: expected an integer, got ${JSON.stringify(values.seed)}`);
  const cases: SimCase[] = [];
  for (let i = 0; i < count; i++) {
    cases.push(await runSimCase(i, seed));
    process.stderr.write(`\r[${'#'.repeat(Math.round((30 * (i + 1)) / count)).padEnd(30, '.')}] ${i + 1}/${count}`);
  }
  process.stderr.write('\n');
  const byType: Record<string, ReturnType<typeof summariseRanks>> = {};
  for (const type of [...new Set(cases.map((c) => c.type))].sort()) byType[type] = summariseRanks(cases.filter((c) => c.type === type).map((c) => c.rank));
  const overall = summariseRanks(cases.map((c) => c.rank));
  const seconds = cases.map((c) => c.seconds).sort((a, b) => a - b);
  const report = { tool: 'aidpe rca-eval --sim', seed, overall, byType, medianSecondsPerCase: seconds[seconds.length >> 1], cases };
  mkdirSync(dirname(resolve(values.out)), { recursive: true });
  writeFileSync(values.out, JSON.stringify(report, null, 2));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
  const lines = ['fault type        cases   AC@1    AC@3   Avg@5'];
  for (const [type, s] of Object.entries(byType)) lines.push(`${type.padEnd(16)} ${String(s.cases).padStart(6)} ${pct(s.ac1)} ${pct(s.ac3)} ${pct(s.avg5)}`);
  lines.push(`${'all'.padEnd(16)} ${String(overall.cases).padStart(6)} ${pct(overall.ac1)} ${pct(overall.ac3)} ${pct(overall.avg5)}`);
  process.stdout.write(`${lines.join('\n')}\nmedian ${report.medianSecondsPerCase!.toFixed(2)} s per case; wrote ${values.out}\n`);
  return 0;
}
