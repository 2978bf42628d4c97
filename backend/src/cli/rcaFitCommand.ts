/**
 * `aidpe rca-fit`: fits the evidence model's weights on every dataset given (leave-one-dataset-out for the
 * penalty and the headline figures), picks the tier thresholds from the out-of-fold answers, and writes the
 * versioned model file (with how it was fitted) and a report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FEATURES } from '../engines/rca/evidenceModel.ts';
import { summariseRanks, type EvalCase } from '../eval/rca/evalCore.ts';
import {
  caseMatrix,
  chooseLambda,
  evidenceViews,
  fitWeights,
  leaveOneDatasetOut,
  rankUnder,
  tierThresholds,
  LAMBDAS,
} from '../eval/rca/fit.ts';
import {
  forCache,
  nezhaCases,
  petshopCases,
  progressBar,
  readCachedCases,
  simCases,
  writeCachedCases,
} from '../eval/rca/suites.ts';
import { syntheticCases } from '../eval/rca/syntheticCodeFaults.ts';
import { RcaUsageError } from './rcaCommands.ts';

export const RCA_FIT_HELP = `aidpe rca-fit [--nezha DIR|FILE.tgz] [--petshop DIR] [--sim] [--sim-cases N] [--synthetic DIR|FILE.tgz]
              [--synthetic-cases N] [--seed S] [--cache DIR] --model-out MODEL.json --out RESULT.json

Fits the RCA evidence model (a conditional-logit ranking over the evidence features, weights ≥ 0, L2 penalty
chosen by leave-one-dataset-out) on the datasets given — at least two — and reports leave-one-dataset-out
AC@1 / AC@3 / Avg@5 (each dataset ranked by a model that never saw it) beside the in-sample figures. Tier
thresholds (LIKELY: ≥ 80% top-1 correct; CONFIRMED: ≥ 95%) are chosen on the out-of-fold answers.
  --cache DIR   keep each dataset's built cases (evidence, graph, label) in DIR and reuse them
`;

export async function runRcaFit(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(RCA_FIT_HELP);
    return 0;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      nezha: { type: 'string' },
      petshop: { type: 'string' },
      sim: { type: 'boolean' },
      'sim-cases': { type: 'string' },
      synthetic: { type: 'string' },
      'synthetic-cases': { type: 'string' },
      seed: { type: 'string' },
      cache: { type: 'string' },
      'model-out': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.out) {
    throw new RcaUsageError('--out is required');
  }
  if (!values['model-out']) {
    throw new RcaUsageError('--model-out is required (e.g. models/rca/aidpe-rca-evidence-v1.json)');
  }
  const count = (flag: string, v: string | undefined, d: number) => {
    const n = v === undefined ? d : Number(v);
    if (!Number.isInteger(n) || n < 1) {
      throw new RcaUsageError(`${flag}: expected a whole number of at least 1, got ${JSON.stringify(v)}`);
    }
    return n;
  };
  const simCount = count('--sim-cases', values['sim-cases'], 50);
  const synthCount = count('--synthetic-cases', values['synthetic-cases'], 40);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) {
    throw new RcaUsageError(`--seed: expected an integer, got ${JSON.stringify(values.seed)}`);
  }
  const sources: Array<[string, () => Promise<EvalCase[]> | EvalCase[]]> = [];
  if (values.nezha !== undefined) {
    sources.push(['nezha', () => nezhaCases(values.nezha!, undefined, progressBar)]);
  }
  if (values.petshop !== undefined) {
    sources.push(['petshop', () => petshopCases(values.petshop!, 'train', undefined, progressBar)]);
  }
  if (values.sim) {
    sources.push([`sim-${simCount}-seed${seed}`, () => simCases(simCount, seed, progressBar)]);
  }
  if (values.synthetic !== undefined) {
    sources.push([
      `synthetic-${synthCount}-seed${seed}`,
      () => syntheticCases(values.synthetic!, { count: synthCount, seed }, progressBar),
    ]);
  }
  if (sources.length < 2) {
    throw new RcaUsageError(
      'give at least two of --nezha, --petshop, --sim, --synthetic (the fit is leave-one-dataset-out)'
    );
  }
  const cases: EvalCase[] = [];
  for (const [name, load] of sources) {
    const file = values.cache ? join(values.cache, `${name}.json`) : undefined;
    let got = file ? readCachedCases(file) : undefined;
    if (!got) {
      process.stderr.write(`building ${name} cases\n`);
      got = forCache(await load());
      if (file) {
        writeCachedCases(file, got);
      }
    }
    cases.push(...got);
  }
  const matrices = cases.flatMap((c) => evidenceViews(c).map((v) => ({ ...caseMatrix(v.case), view: v.view })));
  const { folds, outOfFold } = leaveOneDatasetOut(matrices);
  const lambda = chooseLambda(matrices);
  const w = fitWeights(matrices, lambda);
  const tiers = tierThresholds(outOfFold);
  const datasets = [...new Set(matrices.map((m) => m.dataset))].sort();
  const inSample = Object.fromEntries(
    datasets.map((d) => [
      d,
      summariseRanks(matrices.filter((m) => m.dataset === d && m.view === 'full').map((m) => rankUnder(w, m))),
    ])
  );
  const tierShare = Object.fromEntries(
    datasets.map((d) => {
      const xs = outOfFold.filter((o) => o.dataset === d);
      const at = (lo: number, hi: number) => xs.filter((o) => o.p >= lo && o.p < hi);
      const share = (ys: typeof xs) => ({ answers: ys.length, correct: ys.filter((o) => o.correct).length });
      return [
        d,
        {
          CONFIRMED: share(at(tiers.confirmed, Infinity)),
          LIKELY: share(at(tiers.likely, tiers.confirmed)),
          INCONCLUSIVE: share(at(-Infinity, tiers.likely)),
        },
      ];
    })
  );
  const model = {
    version: 'aidpe-rca-evidence-v1',
    features: [...FEATURES],
    weights: w.map((v) => Number(v.toFixed(4))),
    tiers,
    fitted: {
      how: 'conditional-logit ranking model (softmax over a case’s candidates of w·x), maximum likelihood of the true root cause, weights ≥ 0, L2 penalty; every dataset weighs the same; projected gradient descent from zero (deterministic)',
      command: `aidpe rca-fit ${argv.filter((a) => !a.startsWith('--cache') && a !== values.cache).join(' ')}`,
      datasets: Object.fromEntries(
        datasets.map((d) => [d, matrices.filter((m) => m.dataset === d && m.view === 'full').length])
      ),
      views:
        'each case also as a source without logs and with metrics only would see it (see evidenceViews in backend/src/eval/rca/fit.ts)',
      lambda,
      lambdasTried: LAMBDAS,
      lambdaChosenBy:
        'leave-one-dataset-out: mean over held-out datasets of the held-out log-likelihood of the true root cause',
      leaveOneDatasetOut: Object.fromEntries(folds.map((f) => [f.heldOut, { lambda: f.lambda, ...f.summary }])),
      inSample,
      tiers: {
        how: 'on the leave-one-dataset-out answers: LIKELY at the lowest top probability whose answers at or above it are ≥ 80% correct (at least 5 answers), CONFIRMED likewise at ≥ 95%',
        shareCorrectOutOfFold: tierShare,
      },
    },
  };
  mkdirSync(dirname(resolve(values['model-out'])), { recursive: true });
  writeFileSync(values['model-out'], `${JSON.stringify(model, null, 2)}\n`);
  mkdirSync(dirname(resolve(values.out)), { recursive: true });
  writeFileSync(values.out, JSON.stringify({ tool: 'aidpe rca-fit', model, folds, outOfFold }, null, 2));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);
  const lines = ['held-out dataset            cases   LODO AC@1  AC@3  Avg@5   in-sample AC@1  AC@3  Avg@5'];
  for (const f of folds) {
    const s = inSample[f.heldOut]!;
    lines.push(
      `${f.heldOut.padEnd(26)} ${String(f.summary.cases).padStart(6)}  ${pct(f.summary.ac1)}${pct(f.summary.ac3)}${pct(f.summary.avg5)}   ${pct(s.ac1)}${pct(s.ac3)}${pct(s.avg5)}`
    );
  }
  lines.push(
    `λ = ${lambda}; tiers: LIKELY ≥ ${tiers.likely}, CONFIRMED ≥ ${tiers.confirmed}`,
    `weights: ${FEATURES.map((f, j) => `${f} ${w[j]!.toFixed(2)}`).join(', ')}`,
    `wrote ${values['model-out']} and ${values.out}`
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
