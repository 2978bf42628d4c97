/**
 * Exports training windows for the multivariate autoencoder (models/mvae/): fault-free simulator runs
 * (several seeds; both Azure Functions 2019 traces and the synthetic diurnal one), every service's
 * per-minute metric vectors (MV_FEATURES) normalised online by the detector's own `MvWindower` (the same
 * code inference runs) and cut into windows past the detector's warm-up.
 *
 *   cd backend && node --import tsx scripts/export-mv.ts --out DIR [--train-seeds 1001,...] [--val-seeds 2001,2002] [--days 2]
 *
 * Writes DIR/train.f32, DIR/val.f32 (little-endian float32, rows of window × features) and DIR/meta.json.
 * Training data only: do not commit it. Training/validation seeds must differ from mv-eval's (1, 2, 3 by default).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MvWindower, DEFAULT_MV_NORMALISATION } from '../src/engines/anomaly/detectors/autoencoder.ts';
import { MV_FEATURES, simulateMvRun, type MvWorkloadKind } from '../src/eval/multivariate/simData.ts';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    'train-seeds': { type: 'string', default: '1001,1002,1003,1004,1005,1006' },
    'val-seeds': { type: 'string', default: '2001,2002,2003' },
    days: { type: 'string', default: '2' },
    window: { type: 'string', default: '6' },
    'warm-up': { type: 'string', default: '288' },
    'data-dir': { type: 'string' },
  },
});
if (!args.out) {
  console.error(
    'usage: node --import tsx scripts/export-mv.ts --out DIR [--train-seeds ...] [--val-seeds ...] [--days 2]'
  );
  process.exit(2);
}
const seedsOf = (flag: string, s: string): number[] =>
  s.split(',').map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n)) {
      throw new Error(`--${flag}: "${x}" is not an integer seed`);
    }
    return n;
  });
const window = Number(args.window);
const warmUp = Number(args['warm-up']);
const minutes = Math.round(Number(args.days) * 1440);
const WORKLOADS: MvWorkloadKind[] = ['azure-100', 'azure-10', 'synthetic'];
mkdirSync(args.out, { recursive: true });

function exportSplit(seeds: number[], file: string): { rows: number; runs: Array<{ seed: number; workload: string }> } {
  const chunks: Float32Array[] = [];
  const runs: Array<{ seed: number; workload: string }> = [];
  const width = window * MV_FEATURES.length;
  for (const [i, seed] of seeds.entries()) {
    const workload = WORKLOADS[i % WORKLOADS.length]!;
    const t0 = Date.now();
    const run = simulateMvRun({ seed, workload, minutes, dataDir: args['data-dir'] });
    for (const series of run.services.values()) {
      const windower = new MvWindower(MV_FEATURES.length, window);
      const out = new Float32Array(Math.max(0, minutes - warmUp) * width);
      let n = 0;
      for (let m = 0; m < minutes; m++) {
        windower.push(series.subarray(m * MV_FEATURES.length, (m + 1) * MV_FEATURES.length));
        if (windower.pushed > warmUp) {
          windower.fill(out, n++ * width);
        }
      }
      chunks.push(out.subarray(0, n * width));
    }
    runs.push({ seed, workload });
    console.log(
      `${file}: seed ${seed} ${workload} ${run.services.size} services, ${((Date.now() - t0) / 1000).toFixed(1)} s`
    );
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  writeFileSync(join(args.out!, file), Buffer.from(all.buffer));
  return { rows: total / width, runs };
}

const train = exportSplit(seedsOf('train-seeds', args['train-seeds']!), 'train.f32');
const val = exportSplit(seedsOf('val-seeds', args['val-seeds']!), 'val.f32');
writeFileSync(
  join(args.out, 'meta.json'),
  JSON.stringify(
    {
      features: MV_FEATURES,
      window,
      warmUp,
      minutesPerRun: minutes,
      normalisation: DEFAULT_MV_NORMALISATION,
      train,
      val,
    },
    null,
    2
  )
);
console.log(`train ${train.rows} windows, val ${val.rows} windows → ${args.out}`);
