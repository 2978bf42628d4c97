/**
 * Reruns the forecast accuracy tracker on the demo cluster (the Azure Functions trace from AIDPE_DATA_DIR, or
 * the synthetic workload) in accelerated time, with the shipped models, and prints per-model accuracy and drift
 * and the ensemble's realised accuracy per series — the numbers the Models page shows after that much demo time.
 *
 *   node --import tsx scripts/forecast-accuracy-demo.ts [--warmup-hours 14] [--hours 3] [--seed 7]
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { DEMO_ACCURACY_WATCHES, ForecastAccuracyTracker } from '../src/watch/forecastAccuracy.ts';
import { loadForecastCandidates } from '../src/models/forecastRegistry.ts';
import { createDemoCluster } from '../src/sim/demo.ts';
import { SimulatorSource } from '../src/telemetry/simulatorSource.ts';

const { values } = parseArgs({
  options: {
    'warmup-hours': { type: 'string', default: '14' },
    hours: { type: 'string', default: '3' },
    seed: { type: 'string', default: '7' },
  },
});
const warmupHours = Number(values['warmup-hours']);
const hours = Number(values.hours);
if (!(warmupHours > 0) || !(hours > 0)) {
  throw new Error('--warmup-hours and --hours must be positive numbers');
}
const config = loadConfig({ env: process.env, overrides: { mode: 'demo', logLevel: 'silent' } });
config.simulator.seed = Number(values.seed);
const start = Date.UTC(2025, 0, 6);
const demo = createDemoCluster(config, { wallNow: () => start, warmupSeconds: warmupHours * 3600 });
if (demo.warning) {
  console.error(demo.warning);
}
const cluster = demo.cluster;
const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });
const tracker = new ForecastAccuracyTracker({
  telemetry,
  models: () => loadForecastCandidates({ modelsDir: config.modelsDir }),
  watches: DEMO_ACCURACY_WATCHES,
  now: () => cluster.now(),
});
for (let t = 0; t <= hours * 3600; t += 300) {
  if (t > 0) {
    cluster.advance(300);
  }
  await tracker.tick();
  if (tracker.lastRun?.error) {
    console.error(tracker.lastRun.error);
  }
}
console.log(
  `workload ${demo.workloadName}, seed ${config.simulator.seed}, ${warmupHours} h of history, tracked ${hours} h`
);
for (const m of tracker.models()) {
  const n = m.points.filter((p) => typeof p[m.metric] === 'number').length;
  console.log(
    `${m.model.padEnd(16)} ${m.kind.padEnd(11)} ${m.metric.padEnd(15)} n=${String(n).padEnd(3)} ${m.status.padEnd(12)} ${m.reason}`
  );
}
for (const s of tracker.series()) {
  const r = s.realised;
  console.log(
    `${s.name.padEnd(48)} ${s.model.padEnd(40)} ${r ? `MASE ${r.mase.toFixed(3)} cov80 ${(r.coverage80 * 100).toFixed(0)}% wQL ${r.wql?.toFixed(3)}` : 'not matured'}`
  );
}
