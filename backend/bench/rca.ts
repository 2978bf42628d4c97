/**
 * RCA rows of `npm run bench` (select them with `--only rca`): seconds per Nezha case for AIDPE's evidence
 * (metrics, latency attribution, span structure, log templates) plus the ranking, the "< 5 s per case",
 * on the first faults of the shared day in `$AIDPE_DATA_DIR/rca` (default `<repo>/../shared/data`); loading the
 * CSV files is measured apart. Skipped, saying so, when the data is missing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { rankRootCauses } from '../src/engines/rca/rank.ts';
import { nezhaEvalCase } from '../src/eval/rca/nezhaEval.ts';
import { forEachNezhaCase } from '../src/eval/rca/suites.ts';
import type { NezhaCase } from '../src/eval/rca/nezhaData.ts';
import type { BenchRow } from './logparse.ts';

type Measure = (name: string, unit: string, note: string, fn: () => number | Promise<number>) => Promise<BenchRow>;

const CASES = 3;

export async function rcaRows(
  repoRoot: string,
  measure: Measure,
  selected: (name: string) => boolean
): Promise<BenchRow[]> {
  const name = `rca: Nezha case, evidence + ranking (median of ${CASES})`;
  const loadName = 'rca: Nezha case, loading its CSV files';
  if (!selected(name) && !selected(loadName)) {
    return [];
  }
  const data = resolve(
    process.env['AIDPE_DATA_DIR'] ?? resolve(repoRoot, '..', 'shared', 'data'),
    'rca',
    'nezha-trainticket-2023-01-30.tgz'
  );
  if (!existsSync(data)) {
    const missing = {
      median: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
      unit: 's',
      note: `skipped: ${data} missing`,
    };
    return [
      { name, ...missing },
      { name: loadName, ...missing },
    ];
  }
  const loaded: NezhaCase[] = [];
  const loadSeconds: number[] = [];
  forEachNezhaCase(data, CASES, (c, s) => {
    loaded.push(c);
    loadSeconds.push(s);
  });
  let k = 0;
  const row = await measure(name, 's', 'pure: no file I/O; target < 5 s per case (issue 16)', () => {
    const c = loaded[k++ % loaded.length]!;
    const t0 = performance.now();
    const e = nezhaEvalCase(c);
    rankRootCauses(e.symptom, e.graph, e.evidence);
    return (performance.now() - t0) / 1000;
  });
  const sorted = [...loadSeconds].sort((a, b) => a - b);
  return [
    row,
    {
      name: loadName,
      unit: 's',
      median: sorted[sorted.length >> 1]!,
      min: sorted[0]!,
      max: sorted[sorted.length - 1]!,
      note: 'CSV parsing of the three minutes and the fault-free minute (metrics read once per day)',
    },
  ];
}
