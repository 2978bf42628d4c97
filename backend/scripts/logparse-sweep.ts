/**
 * The parameter sweep behind AIDPE's log-parser settings (`AIDPE_OPTIONS` in
 * `src/engines/rca/logparse/drain.ts`): one setting for every system, never one per system. Each row is
 * the mean GA / PA over the loghub-2k systems with a corrected ground truth (and per-system GA), with
 * cluster counts to show when a setting only looks good by splitting clusters into copies.
 *
 *   node --import tsx scripts/logparse-sweep.ts ../../shared/data/loghub-2k
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AIDPE_OPTIONS, Drain, type DrainOptions } from '../src/engines/rca/logparse/drain.ts';
import { compileLogFormat, LOGHUB_FORMATS, parseCsv } from '../src/engines/rca/logparse/format.ts';
import { evaluateParsing } from '../src/engines/rca/logparse/metrics.ts';
import { parseContents, splitLog } from '../src/cli/logparseCommands.ts';

const dir = process.argv[2];
if (!dir || !existsSync(dir)) {
  process.stderr.write('usage: logparse-sweep.ts LOGHUB_2K_DIR\n');
  process.exit(2);
}

const systems = readdirSync(dir)
  .sort()
  .filter((s) => LOGHUB_FORMATS[s] && existsSync(join(dir, s, `${s}_2k.log_structured_corrected.csv`)))
  .map((system) => {
    const rows = parseCsv(readFileSync(join(dir, system, `${system}_2k.log_structured_corrected.csv`), 'utf8')).filter(
      (r) => !(r.length === 1 && r[0] === '')
    );
    const header = rows[0]!;
    const ci = header.indexOf('Content');
    const ti = header.indexOf('EventTemplate');
    const truth = rows.slice(1).map((r) => ({ content: r[ci]!, template: r[ti]! }));
    const contents = splitLog(
      readFileSync(join(dir, system, `${system}_2k.log`), 'utf8'),
      compileLogFormat(LOGHUB_FORMATS[system]!)
    ).contents;
    return { system, truth, contents };
  });

function row(label: string, options: Partial<DrainOptions>): void {
  let ga = 0;
  let pa = 0;
  const perSystem: string[] = [];
  const clusters: number[] = [];
  for (const s of systems) {
    const parser = Drain.aidpe(options);
    const run = parseContents(s.contents, parser);
    const m = evaluateParsing(
      s.truth,
      s.contents.map((c, i) => ({ content: c, template: run.templates[i]! }))
    );
    ga += m.GA;
    pa += m.PA;
    perSystem.push((m.GA * 100).toFixed(1));
    clusters.push(parser.clusterCount);
  }
  const n = systems.length;
  process.stdout.write(
    `${label.padEnd(58)} GA ${((ga / n) * 100).toFixed(1)}  PA ${((pa / n) * 100).toFixed(1)}  GA/system [${perSystem.join(' ')}]  clusters [${clusters.join(' ')}]\n`
  );
}

process.stdout.write(
  `systems: ${systems.map((s) => s.system).join(' ')}\nAIDPE_OPTIONS: ${JSON.stringify({ ...AIDPE_OPTIONS, masking: undefined })}\n`
);
process.stdout.write('\n-- similarity threshold x tree depth, with and without wildcardsMatchMasked\n');
for (const wildcardsMatchMasked of [false, true]) {
  for (const simTh of [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]) {
    for (const depth of [3, 4, 5, 6]) {
      row(`wildcardsMatchMasked ${wildcardsMatchMasked} simTh ${simTh} depth ${depth}`, {
        wildcardsMatchMasked,
        simTh,
        depth,
      });
    }
  }
}
process.stdout.write('\n-- enumerated constants (other settings as AIDPE_OPTIONS)\n');
for (const enumMaxValues of [0, 4, 8, 16]) {
  for (const enumMaxWords of [0, 1, 2, 3, 4]) {
    for (const enumMinRepeats of [1, 2, 3]) {
      row(`enumMaxValues ${enumMaxValues} enumMaxWords ${enumMaxWords} enumMinRepeats ${enumMinRepeats}`, {
        enumMaxValues,
        enumMaxWords,
        enumMinRepeats,
      });
    }
  }
}
