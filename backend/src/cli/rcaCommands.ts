/**
 * `aidpe rca-eval`: root-cause ranking over the simulator's fault-injection suite, the Nezha dataset, the PetShop
 * dataset or synthetic code-level faults, with the anchors (rule baseline, BARO, ε-Diagnosis, random walk) in the
 * same run, per group and fault kind, and the share correct per confidence tier.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BASELINE_METHODS, BASELINE_ORDER } from '../engines/rca/baselines/index.ts';
import { rankRootCauses } from '../engines/rca/rank.ts';
import { SHIPPED_EVIDENCE_MODEL } from '../engines/rca/shippedModel.ts';
import {
  evaluateCase,
  report,
  reportTable,
  summariseRanks,
  type CaseResult,
  type EvalCase,
} from '../eval/rca/evalCore.ts';
import { nezhaEvalCase, NEZHA_ABLATIONS } from '../eval/rca/nezhaEval.ts';
import { forEachNezhaCase, petshopCases, progressBar, simCases, SuiteUsageError } from '../eval/rca/suites.ts';
import { syntheticCases } from '../eval/rca/syntheticCodeFaults.ts';

export class RcaUsageError extends Error {}

export function isRcaUsageError(err: unknown): err is Error {
  return err instanceof RcaUsageError || err instanceof SuiteUsageError;
}

export const RCA_EVAL_HELP = `aidpe rca-eval --sim [--cases N] [--seed S] --out RESULT.json
aidpe rca-eval --nezha DIR|FILE.tgz [--cases N] [--ablations] --out RESULT.json
aidpe rca-eval --petshop DIR [--split train|test] [--cases N] --out RESULT.json
aidpe rca-eval --synthetic DIR|FILE.tgz [--cases N] [--seed S] --out RESULT.json

Root-cause ranking with the shipped evidence model (models/rca/aidpe-rca-evidence-v1.json) and, in the same
run, the hand-set ranking it replaced, the rule baseline, BARO, ε-Diagnosis and a random walk. Service-level
AC@1 / AC@3 / Avg@5 overall, per group (Nezha day, PetShop scenario, simulator seed) and per fault kind, and
the share of top-1 answers correct per tier (CONFIRMED / LIKELY / INCONCLUSIVE).
  --sim        the simulator's fault-injection suite (default 50 cases, seed 1)
  --nezha      the Nezha dataset: the extracted root (rca_data/, construct_data/) or its .tgz (extracted once to
               $XDG_CACHE_HOME/aidpe/nezha); --ablations reranks each case with one evidence source off
  --petshop    PetShop: DIR holds the scenario folders (dataset/<scenario>/{graph.csv,noissue,<split>/issue_N});
               the label is each case's target.json root_cause.node; metrics only, and each answer says which
               evidence was absent
  --synthetic  code-level faults (exception, wrong return) synthesised on the Nezha day's fault-free traffic
`;

function positiveInt(flag: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw new RcaUsageError(`${flag}: expected a whole number of at least 1, got ${JSON.stringify(value)}`);
  }
  return n;
}

function writeJson(out: string, body: unknown): void {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(body, null, 2));
}

function finish(
  title: string,
  tool: string,
  out: string,
  results: CaseResult[],
  extra: Record<string, unknown> = {}
): number {
  const r = report(results);
  writeJson(out, {
    tool,
    model: SHIPPED_EVIDENCE_MODEL.version,
    level: 'service',
    anchors: Object.fromEntries(BASELINE_ORDER.map((m) => [m, BASELINE_METHODS[m].cite])),
    ...r,
    ...extra,
    cases: results,
  });
  process.stdout.write(`${reportTable(title, r)}\nwrote ${out}\n`);
  return 0;
}

export async function runRcaEval(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(RCA_EVAL_HELP);
    return 0;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      sim: { type: 'boolean' },
      nezha: { type: 'string' },
      petshop: { type: 'string' },
      synthetic: { type: 'string' },
      split: { type: 'string' },
      ablations: { type: 'boolean' },
      cases: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const suites = [
    values.sim ? '--sim' : '',
    values.nezha !== undefined ? '--nezha' : '',
    values.petshop !== undefined ? '--petshop' : '',
    values.synthetic !== undefined ? '--synthetic' : '',
  ].filter(Boolean);
  if (suites.length > 1) {
    throw new RcaUsageError(`${suites.join(' and ')}: pick one suite`);
  }
  if (suites.length === 0) {
    throw new RcaUsageError('--sim, --nezha DIR, --petshop DIR or --synthetic DIR is required (see --help)');
  }
  if (values.ablations && values.nezha === undefined) {
    throw new RcaUsageError('--ablations: only with --nezha');
  }
  if (values.split !== undefined && values.petshop === undefined) {
    throw new RcaUsageError('--split: only with --petshop');
  }
  if (!values.out) {
    throw new RcaUsageError('--out is required');
  }
  const limit = positiveInt('--cases', values.cases, undefined);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) {
    throw new RcaUsageError(`--seed: expected an integer, got ${JSON.stringify(values.seed)}`);
  }
  if (values.nezha !== undefined) {
    const results: CaseResult[] = [];
    const ablationRanks = NEZHA_ABLATIONS.map(() => [] as Array<number | undefined>);
    forEachNezhaCase(
      values.nezha,
      limit,
      (loaded, loadSeconds) => {
        const c = nezhaEvalCase(loaded);
        results.push({ ...evaluateCase(c), loadSeconds });
        if (values.ablations) {
          NEZHA_ABLATIONS.forEach(([, options], k) => {
            const v = nezhaEvalCase(loaded, options);
            const ranking = rankRootCauses(v.symptom, v.graph, v.evidence, options);
            const at = ranking.candidates.findIndex((x) => x.service === v.truth);
            ablationRanks[k]!.push(at >= 0 ? at + 1 : undefined);
          });
        }
      },
      progressBar
    );
    const ablations = values.ablations
      ? NEZHA_ABLATIONS.map(([name, options], k) => ({
          name,
          options,
          overall: summariseRanks(ablationRanks[k]!),
          ranks: ablationRanks[k],
        }))
      : undefined;
    const code = finish('Nezha', 'aidpe rca-eval --nezha', values.out, results, ablations ? { ablations } : {});
    if (ablations) {
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
      process.stdout.write(
        `${['ablation (one change to the method)               AC@1    AC@3   Avg@5', ...ablations.map((a) => `${a.name.padEnd(48)} ${pct(a.overall.ac1)} ${pct(a.overall.ac3)} ${pct(a.overall.avg5)}`)].join('\n')}\n`
      );
    }
    return code;
  }
  let cases: EvalCase[];
  let title: string;
  let tool: string;
  if (values.petshop !== undefined) {
    cases = petshopCases(values.petshop, values.split, limit, progressBar);
    title = `PetShop${values.split ? ` (${values.split})` : ''}`;
    tool = 'aidpe rca-eval --petshop';
  } else if (values.synthetic !== undefined) {
    cases = syntheticCases(values.synthetic, { count: limit ?? 40, seed }, progressBar);
    title = 'Synthetic code-level faults on Nezha fault-free traffic';
    tool = 'aidpe rca-eval --synthetic';
  } else {
    cases = await simCases(limit ?? 50, seed, progressBar);
    title = `Simulator suite (seed ${seed})`;
    tool = 'aidpe rca-eval --sim';
  }
  return finish(
    title,
    tool,
    values.out,
    cases.map((c) => evaluateCase(c)),
    { seed }
  );
}
