/**
 * Exports simulator series for offline forecast-model training (models/forecast/).
 *
 * Runs the simulated cluster headless (accelerated clock) for several seeds and a few simulated days,
 * replaying the Azure Functions 2019 trace (a seeded subset of the 100-function file), with seeded random
 * faults, and writes `timestamp,value` CSVs of a handful of per-service series at 60 s and 300 s steps. The
 * runs are the forecasting evaluation's (`eval/forecast/simulator.ts`), with more metrics; the training seeds
 * differ from the evaluation's.
 *
 *   cd backend && node --import tsx scripts/export-sim-series.ts OUTDIR [--seeds 1,2,3,4] [--days 4] [--services 4]
 *
 * The output is training data only: do not commit it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatorSeries } from '../src/eval/forecast/simulator.ts';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : dflt;
}

const outDir = process.argv[2];
if (!outDir || outDir.startsWith('--')) {
  console.error('usage: node --import tsx scripts/export-sim-series.ts OUTDIR [--seeds 1,2,3,4] [--days 4]');
  process.exit(2);
}
const seeds = arg('--seeds', '1,2,3,4')
  .split(',')
  .map((s) => Number(s));
const days = Number(arg('--days', '4'));
const servicesPerSeed = Number(arg('--services', '4'));
mkdirSync(outDir, { recursive: true });

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
function fmt(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const exports = await simulatorSeries(seeds, days, servicesPerSeed, {
  metrics: ['arrivalRps', 'cpuUtilization', 'latencyP95Ms', 'memoryBytes', 'cpuCores'],
  startDayOf: (seed) => 7 * seed,
});
let files = 0;
for (const { seed, series } of exports) {
  for (const { name, timestamps, values } of series) {
    const [, svc, metric] = name.split('/') as [string, string, string];
    const startTimeMs = timestamps[0]! * 1000;
    for (const step of [60, 300]) {
      const per = step / 60;
      const lines = ['timestamp,value'];
      for (let i = 0; i + per <= values.length; i += per) {
        let sum = 0;
        for (let j = 0; j < per; j++) {
          sum += values[i + j] as number;
        }
        lines.push(`${fmt(startTimeMs + i * 60_000)},${(sum / per).toPrecision(7)}`);
      }
      writeFileSync(join(outDir, `sim_seed${seed}_${svc}_${metric}_${step}s.csv`), lines.join('\n') + '\n');
      files++;
    }
  }
  console.log(`seed ${seed}: ${days} days, ${series.length} series`);
}
console.log(`wrote ${files} files to ${outDir}`);
