/**
 * Log-parser rows of `npm run bench` (select them with `--only logparse`): single-thread mining throughput
 * of AIDPE's parser (shipped rules) next to plain Drain3 on the loghub-2k systems in
 * `$AIDPE_DATA_DIR/loghub-2k` (default `<repo>/../shared/data`), a fresh parser per system as in the
 * benchmark, one long stream with a warm parser, and the cost of a snapshot round trip.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Drain } from '../src/engines/rca/logparse/drain.ts';
import { mineTemplates } from '../src/engines/rca/logparse/mine.ts';
import { loadCorpus } from '../src/eval/loghub/corpus.ts';

export interface BenchRow {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  note: string;
}

type Measure = (name: string, unit: string, note: string, fn: () => number | Promise<number>) => Promise<BenchRow>;

const cpuSeconds = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

export async function logparseRows(
  repoRoot: string,
  measure: Measure,
  selected: (name: string) => boolean
): Promise<BenchRow[]> {
  const names = [
    'logparse: AIDPE parser, loghub-2k, wall',
    'logparse: AIDPE parser, loghub-2k, per CPU-second',
    'logparse: plain Drain3, loghub-2k, wall',
    'logparse: AIDPE parser, one 24k-line stream, wall',
    'logparse: snapshot + restore after the stream',
  ];
  if (!names.some(selected)) {
    return [];
  }
  const dir = resolve(repoRoot, process.env.AIDPE_DATA_DIR ?? '../shared/data', 'loghub-2k');
  if (!existsSync(dir)) {
    return names.map((name) => ({
      name,
      unit: '-',
      median: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
      note: `skipped: ${dir} is missing (set AIDPE_DATA_DIR to the shared data folder)`,
    }));
  }
  const { systems } = loadCorpus(dir);
  const perSystem = systems.map((s) => s.contents);
  const total = perSystem.reduce((a, c) => a + c.length, 0);
  const note = `${systems.length} systems, ${total} lines, a fresh parser per system (mask + tree + each line's template text)`;
  /** Thousands of lines per second (wall, or CPU with `cpu`), a fresh parser per system. */
  const pass = (make: () => Drain, cpu = false): number => {
    const clock = cpu ? cpuSeconds : (): number => performance.now() / 1000;
    let seconds = 0;
    for (const contents of perSystem) {
      const parser = make();
      const t0 = clock();
      mineTemplates(contents, parser);
      seconds += clock() - t0;
    }
    return total / seconds / 1000;
  };
  for (const make of [() => Drain.aidpe(), () => Drain.plain()]) {
    pass(make); // warm-up: JIT
  }
  const rows: BenchRow[] = [];
  rows.push(await measure(names[0]!, 'k lines/s', `${note}; target >= 300k lines/s`, () => pass(() => Drain.aidpe())));
  rows.push(
    await measure(
      names[1]!,
      'k lines/s',
      'the same, divided by process CPU time (other load on the machine skews it less)',
      () => pass(() => Drain.aidpe(), true)
    )
  );
  rows.push(await measure(names[2]!, 'k lines/s', `${note} (baseline)`, () => pass(() => Drain.plain())));
  const stream = perSystem.flat();
  let last: Drain | undefined;
  rows.push(
    await measure(names[3]!, 'k lines/s', 'every system one after the other into one parser (warm token cache)', () => {
      const parser = Drain.aidpe();
      const t0 = performance.now();
      mineTemplates(stream, parser);
      last = parser;
      return stream.length / ((performance.now() - t0) / 1000) / 1000;
    })
  );
  const snapshotBytes = last ? JSON.stringify(last.toSnapshot()).length : 0;
  rows.push(
    await measure(
      names[4]!,
      'ms',
      `JSON snapshot of ${last?.clusterCount ?? 0} clusters (${(snapshotBytes / 1024).toFixed(0)} KiB), parse and restore`,
      () => {
        const t0 = performance.now();
        const text = JSON.stringify(last!.toSnapshot());
        Drain.fromSnapshot(JSON.parse(text));
        return performance.now() - t0;
      }
    )
  );
  return rows;
}
