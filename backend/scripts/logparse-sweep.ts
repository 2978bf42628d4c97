/**
 * In-sample sensitivity of AIDPE's log-parser rules, one rule at a time: for a base rule choice (default the
 * shipped `AIDPE_RULES`, or `--rules name=value,…` on top of it), every value of every rule (or of `--vary`
 * rules) is scored on every loghub system, printing mean and per-system GA / PA. A development aid beside
 * `aidpe logparse-eval`, whose leave-one-system-out selection is what chooses the rules.
 *
 *   node --import tsx scripts/logparse-sweep.ts ../../shared/data/loghub-2k [--rules simTh=0.6] [--vary simTh,depth]
 */
import { parseArgs } from 'node:util';
import { Drain } from '../src/engines/rca/logparse/drain.ts';
import { mineTemplates } from '../src/engines/rca/logparse/mine.ts';
import {
  AIDPE_RULE_NAMES,
  AIDPE_RULE_SPACE,
  aidpeOptions,
  parseRules,
  type AidpeRuleName,
  type AidpeRules,
} from '../src/engines/rca/logparse/rules.ts';
import { loadCorpus } from '../src/eval/loghub/corpus.ts';
import { evaluateParsing, prepareTruth } from '../src/eval/loghub/metrics.ts';

const { values, positionals } = parseArgs({
  options: { rules: { type: 'string' }, vary: { type: 'string' }, systems: { type: 'string' } },
  allowPositionals: true,
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: logparse-sweep.ts LOGHUB_DIR [--rules name=value,…] [--vary rule,…] [--systems A,B]\n');
  process.exit(2);
}
const base = parseRules(values.rules ?? '');
const vary = (values.vary?.split(',') ?? AIDPE_RULE_NAMES) as AidpeRuleName[];
const wanted = values.systems ? new Set(values.systems.split(',')) : undefined;
const { systems } = loadCorpus(dir, wanted ? { wanted } : {});
const prepared = systems.map((s) => ({ s, truth: prepareTruth(s.truth) }));

function row(label: string, rules: AidpeRules): void {
  const per = prepared.map(({ s, truth }) => {
    const parser = new Drain(aidpeOptions(rules));
    const t = mineTemplates(s.contents, parser).templates;
    return evaluateParsing(
      truth,
      s.contents.map((c, i) => ({ content: c, template: t[i]! })),
      { truthPrepared: true }
    );
  });
  const mean = (k: 'GA' | 'PA'): string => ((per.reduce((a, m) => a + m[k], 0) / per.length) * 100).toFixed(1);
  const ga = per.map((m) => (m.GA * 100).toFixed(0).padStart(3)).join(' ');
  const pa = per.map((m) => (m.PA * 100).toFixed(0).padStart(3)).join(' ');
  process.stdout.write(`${label.padEnd(34)} GA ${mean('GA')} PA ${mean('PA')}  GA [${ga}]  PA [${pa}]\n`);
}

process.stdout.write(`systems: ${systems.map((s) => s.system).join(' ')}\n`);
row('base', base);
for (const name of vary) {
  for (const v of AIDPE_RULE_SPACE[name].values) {
    if (v !== base[name]) {
      row(`${name}=${String(v)}`, { ...base, [name]: v } as AidpeRules);
    }
  }
}
