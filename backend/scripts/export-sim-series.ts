/**
 * Exports simulator series for offline forecast-model training (models/forecast/).
 *
 * Runs the simulated cluster headless (accelerated clock) for several seeds and a few simulated days,
 * replaying the Azure Functions 2019 trace (a seeded subset of the 100-function file), with seeded random
 * faults, and writes `timestamp,value` CSVs of a handful of per-service series at 60 s and 300 s steps.
 *
 *   cd backend && node --import tsx scripts/export-sim-series.ts OUTDIR [--seeds 1,2,3,4] [--days 4]
 *
 * The output is training data only: do not commit it.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatedCluster } from '../src/sim/cluster.ts';
import {
  azureFunctionsTracePath,
  loadAzureFunctionsTrace,
  syntheticDiurnalTrace,
  type WorkloadTrace,
} from '../src/sim/workload.ts';
import { Rng } from '../src/sim/random.ts';

type Metric = 'arrivalRps' | 'cpuUtilization' | 'latencyP95Ms' | 'memoryBytes' | 'cpuCores';
const METRICS: Metric[] = ['arrivalRps', 'cpuUtilization', 'latencyP95Ms', 'memoryBytes', 'cpuCores'];

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

function workloadFor(seed: number, rng: Rng): WorkloadTrace {
  const path = azureFunctionsTracePath('100_inv.csv');
  if (!existsSync(path)) {
    console.warn(`Azure trace not found at ${path}; using the synthetic diurnal workload`);
    return syntheticDiurnalTrace({ days: 1 });
  }
  // A seeded subset of the 100 functions (always at least a few busy ones via the sum).
  const rows: number[] = [];
  for (let i = 0; i < 100; i++) {
    if (rng.next() < 0.3) {
      rows.push(i);
    }
  }
  if (rows.length === 0) {
    rows.push(seed % 100);
  }
  return loadAzureFunctionsTrace(path, { rows, name: `azure-100-subset-seed${seed}` });
}

let files = 0;
for (const seed of seeds) {
  const rng = new Rng(0x5eed0000 + seed);
  const workload = workloadFor(seed, rng);
  const startTimeMs = Date.UTC(2025, 0, 1 + 7 * seed);
  const cluster = new SimulatedCluster({
    seed,
    workload,
    peakRps: 200 + Math.floor(rng.next() * 400),
    startTimeMs,
    historyRetentionSeconds: 600,
    workloadOffsetSeconds: Math.floor(rng.next() * 86400),
  });
  cluster.scheduleRandomFaults({
    count: 2 * days,
    fromMs: startTimeMs + 3600_000,
    toMs: startTimeMs + days * 86400_000,
    minDurationMs: 3 * 60_000,
    maxDurationMs: 30 * 60_000,
  });
  const names = cluster.serviceNames();
  const picked = [names[0] as string];
  const rest = names.slice(1);
  while (picked.length < Math.min(servicesPerSeed, names.length) && rest.length > 0) {
    picked.push(rest.splice(Math.floor(rng.next() * rest.length), 1)[0] as string);
  }
  // Per-minute means of each (service, metric) over the ticks in that minute.
  const minutes = days * 1440;
  const series = new Map<string, Float64Array>();
  for (const s of picked) {
    for (const m of METRICS) {
      series.set(`${s}|${m}`, new Float64Array(minutes));
    }
  }
  const t0 = Date.now();
  for (let minute = 0; minute < minutes; minute++) {
    const endMs = startTimeMs + (minute + 1) * 60_000;
    let ticks = 0;
    const acc = new Map<string, number>();
    while (cluster.timeMs + cluster.tickSeconds * 1000 <= endMs + 1e-6) {
      cluster.advance(cluster.tickSeconds);
      ticks++;
      for (const s of picked) {
        const snap = cluster.serviceSnapshot(s);
        for (const m of METRICS) {
          acc.set(`${s}|${m}`, (acc.get(`${s}|${m}`) ?? 0) + snap[m]);
        }
      }
    }
    for (const [k, v] of acc) {
      (series.get(k) as Float64Array)[minute] = v / Math.max(1, ticks);
    }
  }
  for (const [key, values] of series) {
    const [svc, metric] = key.split('|') as [string, string];
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
  console.log(`seed ${seed}: ${days} days, services ${picked.join(',')}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
console.log(`wrote ${files} files to ${outDir}`);
