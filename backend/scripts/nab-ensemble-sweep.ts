/**
 * Sweeps the AIDPE ensemble's general parameters on NAB from cached component scores (no per-file settings).
 * First produce the components with the CLI (one streaming pass each):
 *   npx aidpe anomaly --data ../shared/data/nab/data --out /tmp/nabJ --name cad-ose --detector cad-ose
 *   npx aidpe anomaly --data ../shared/data/nab/data --out /tmp/nabJ --name aidpe --detector aidpe
 * then: node --import tsx scripts/nab-ensemble-sweep.ts ../../shared/data/nab /tmp/nabJ
 * (WITH_FORECAST=1 adds the 3-way rows, after `--name aidpe-forecast --detector aidpe-forecast`; ONLY=text filters rows)
 * Each configuration replays the cached raw scores through `EnsembleCombiner` — the same code the detector runs —
 * and prints NAB standard / low FP / low FN over the corpus.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDataFiles } from '../src/cli/anomalyCommands.ts';
import { EnsembleCombiner, type EnsembleOptions } from '../src/engines/anomaly/detectors/ensemble.ts';
import { parseDataCsv, parseResultsCsv, parseWindowsJson, windowsToRows } from '../src/eval/nab/dataset.ts';
import { NAB_PROFILES, scoreCorpus, type NabFile } from '../src/eval/nab/scorer.ts';

const [nabDir = '../../shared/data/nab', cacheDir = '/tmp/nabJ'] = process.argv.slice(2);
const windows = parseWindowsJson(
  readFileSync(join(nabDir, 'labels', 'combined_windows.json'), 'utf8'),
  'combined_windows.json'
);
const files = listDataFiles(join(nabDir, 'data')).map((f) => {
  const series = parseDataCsv(readFileSync(f.path, 'utf8'), f.path);
  const load = (name: string) => {
    const path = join(cacheDir, name, f.category, `${name}_${f.file}`);
    return parseResultsCsv(readFileSync(path, 'utf8'), path, series);
  };
  // Optional third component (a batch run of `--detector aidpe-forecast` into the same folder), for the 3-way rows.
  const forecast = process.env['WITH_FORECAST'] ? load('aidpe-forecast') : undefined;
  return {
    f,
    series,
    wins: windowsToRows(windows[f.key] ?? [], series, f.path),
    cad: load('cad-ose'),
    aidpe: load('aidpe'),
    forecast,
  };
});

const grid: Array<[string, EnsembleOptions]> = [];
for (const combine of ['max', 'mean'] as const) {
  for (const persistence of [1, 2, 3]) {
    for (const tailQuantile of [0.99, 1]) {
      for (const historySize of [1000, 3000]) {
        grid.push([
          `${combine} p${persistence} q${tailQuantile} h${historySize}`,
          { combine, persistence, tailQuantile, historySize, restPeriod: 0 },
        ]);
      }
    }
  }
}
for (const combine of ['raw-max', 'max'] as const) {
  for (const persistence of [1, 2]) {
    for (const [restThreshold, restPeriod] of [
      [0.75, 150],
      [0.9, 150],
      [0.99, 150],
      [0.999, 150],
    ] as const) {
      grid.push([
        `${combine} p${persistence} rest${restThreshold}/${restPeriod}`,
        { combine, persistence, tailQuantile: 0.99, historySize: 3000, restThreshold, restPeriod },
      ]);
    }
  }
}
for (const restThreshold of [0.6, 0.7, 0.75, 0.8]) {
  for (const restPeriod of [50, 100, 150, 300]) {
    grid.push([`raw-max rest${restThreshold}/${restPeriod}`, { combine: 'raw-max', restThreshold, restPeriod }]);
  }
}
for (const restThreshold of [0.7, 0.75]) {
  for (const restPeriod of [50, 100]) {
    grid.push([`3way raw-max rest${restThreshold}/${restPeriod}`, { combine: 'raw-max', restThreshold, restPeriod }]);
  }
}
for (const restPeriod of [0, 50, 100]) {
  grid.push([`cadonly raw-max rest0.7/${restPeriod}`, { combine: 'raw-max', restThreshold: 0.7, restPeriod }]);
}
const only = process.env['ONLY'];
for (const [label, options] of grid) {
  if (only && !label.includes(only)) {
    continue;
  }
  const withForecast = label.startsWith('3way');
  if (withForecast && !process.env['WITH_FORECAST']) {
    continue;
  }
  const nab: NabFile[] = files.map(({ f, cad, aidpe, forecast, wins }) => {
    const c = new EnsembleCombiner(options);
    const scores = new Float64Array(cad.length);
    // 3-way: the forecast-residual score joins the AIDPE one (max) before the combiner.
    // cadonly: the AIDPE score replaced by 0, to see what the AIDPE detector adds.
    for (let i = 0; i < cad.length; i++) {
      scores[i] = c.next(
        cad[i]!,
        withForecast ? Math.max(aidpe[i]!, forecast![i]!) : label.startsWith('cadonly') ? 0 : aidpe[i]!
      );
    }
    return { name: f.key, category: f.category, scores, windows: wins };
  });
  const row = Object.values(NAB_PROFILES).map((w) => scoreCorpus(nab, w).score!.toFixed(1).padStart(7));
  process.stdout.write(`${label.padEnd(24)}${row.join('')}\n`);
}
