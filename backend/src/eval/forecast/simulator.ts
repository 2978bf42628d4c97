/**
 * Simulator series for the forecasting evaluation: the simulated cluster run headless for a few days per
 * seed (the Azure Functions 2019 trace as its load, seeded faults), per-minute means of a few services'
 * request rate, CPU utilisation and p95 latency. Seeds differ from the ones the deep models train on.
 */
import { existsSync } from 'node:fs';
import {
  azureFunctionsTracePath,
  loadAzureFunctionsTrace,
  Rng,
  SimulatedCluster,
  syntheticDiurnalTrace,
} from '../../sim/index.ts';
import type { WorkloadTrace } from '../../sim/index.ts';
import type { SimulatorExport } from './sources.ts';

/** Per-service snapshot fields that can be exported as series. */
export type SimulatorMetric = 'arrivalRps' | 'cpuUtilization' | 'latencyP95Ms' | 'memoryBytes' | 'cpuCores';

export interface SimulatorSeriesOptions {
  /** Default: request rate, CPU utilisation and p95 latency. */
  metrics?: readonly SimulatorMetric[];
  /** The day (from 2025-01-01) a seed's run starts on; default 7 · (seed mod 40). */
  startDayOf?: (seed: number) => number;
}

const DEFAULT_METRICS: readonly SimulatorMetric[] = ['arrivalRps', 'cpuUtilization', 'latencyP95Ms'];

function workloadFor(seed: number, rng: Rng): WorkloadTrace {
  const path = azureFunctionsTracePath('100_inv.csv');
  if (!existsSync(path)) {
    return syntheticDiurnalTrace({ days: 1 });
  }
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

/** Runs the simulator for each seed; deterministic given the seeds, days and services per seed. */
export function simulatorSeries(
  seeds: number[],
  days: number,
  servicesPerSeed = 3,
  options: SimulatorSeriesOptions = {}
): Promise<SimulatorExport[]> {
  const METRICS = options.metrics ?? DEFAULT_METRICS;
  const startDayOf = options.startDayOf ?? ((seed: number) => 7 * (seed % 40));
  const out: SimulatorExport[] = [];
  for (const seed of seeds) {
    const rng = new Rng(0x5eed0000 + seed);
    const workload = workloadFor(seed, rng);
    const startTimeMs = Date.UTC(2025, 0, 1 + startDayOf(seed));
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
    const picked = [names[0]!];
    const rest = names.slice(1);
    while (picked.length < Math.min(servicesPerSeed, names.length) && rest.length > 0) {
      picked.push(rest.splice(Math.floor(rng.next() * rest.length), 1)[0]!);
    }
    const minutes = days * 1440;
    const series = new Map<string, number[]>();
    for (const s of picked) {
      for (const m of METRICS) {
        series.set(`${s}|${m}`, new Array<number>(minutes).fill(0));
      }
    }
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
        series.get(k)![minute] = v / Math.max(1, ticks);
      }
    }
    const timestamps = Array.from({ length: minutes }, (_, i) => startTimeMs / 1000 + i * 60);
    out.push({
      seed,
      series: [...series].map(([key, values]) => ({
        name: `seed${seed}/${key.replace('|', '/')}`,
        timestamps,
        values,
      })),
    });
  }
  return Promise.resolve(out);
}
