/**
 * How the ensemble's scores and aidpe's spread over thresholds on NAB (every 4th data file, one streaming pass each):
 * the evidence for the ensemble's own default threshold in the anomaly API (`DETECTOR_THRESHOLDS` in scoreSeries.ts).
 *   node --import tsx scripts/ensemble-score-distribution.ts ../../shared/data/nab
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runEnsemble } from '../src/engines/anomaly/detectors/ensemble.ts';
import { createResidualLikelihoodDetector } from '../src/engines/anomaly/detectors/residualLikelihood.ts';

const [nabDir = '../../shared/data/nab'] = process.argv.slice(2);
const root = join(nabDir, 'data');
const files = readdirSync(root)
  .sort()
  .flatMap((d) =>
    readdirSync(join(root, d))
      .sort()
      .filter((f) => f.endsWith('.csv'))
      .map((f) => join(d, f))
  );
const picked = files.filter((_, i) => i % 4 === 0);
const thresholds = [0.5, 0.7, 0.8, 0.9, 0.95, 0.988, 0.999];
const ensembleAbove = thresholds.map(() => 0);
const aidpeAbove = thresholds.map(() => 0);
let points = 0;
for (const file of picked) {
  const rows = readFileSync(join(root, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  const timestamps = rows.map((r) => Date.parse(`${r[0]!.replace(' ', 'T')}Z`));
  const values = rows.map((r) => Number(r[1]));
  const ensemble = runEnsemble(timestamps, values);
  const aidpe = createResidualLikelihoodDetector();
  for (let i = 0; i < values.length; i++) {
    const a = aidpe.update(timestamps[i]!, values[i]!);
    points++;
    thresholds.forEach((t, k) => {
      if (ensemble[i]! >= t) {
        ensembleAbove[k]!++;
      }
      if (a >= t) {
        aidpeAbove[k]!++;
      }
    });
  }
}
console.log(`${picked.length} of ${files.length} NAB files, ${points} points`);
thresholds.forEach((t, k) => console.log(`score >= ${t}: ensemble ${ensembleAbove[k]}, aidpe ${aidpeAbove[k]}`));
