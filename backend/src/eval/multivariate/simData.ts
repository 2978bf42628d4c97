/**
 * Per-service metric vectors from the simulator, for the multivariate autoencoder: its training export
 * (backend/scripts/export-mv.ts) and its evaluation (`aidpe mv-eval`). Per-minute means of every tick.
 */
import { existsSync } from 'node:fs';
import { FAULT_SUITE_TELEMETRY, SimulatedCluster } from '../../sim/cluster.ts';
import type { FaultRecord, FaultType } from '../../sim/faults.ts';
import {
  azureFunctionsTracePath,
  loadAzureFunctionsTrace,
  syntheticDiurnalTrace,
  type WorkloadTrace,
} from '../../sim/workload.ts';
import { Rng } from '../../sim/random.ts';

/** The model's features per step, in input order (the card lists them too). */
export const MV_FEATURES = [
  'arrivalRps',
  'cpuUtilization',
  'latencyP50Ms',
  'latencyP95Ms',
  'errorRatio',
  'memoryBytes',
] as const;
export type MvFeature = (typeof MV_FEATURES)[number];
export type MvWorkloadKind = 'azure-100' | 'azure-10' | 'synthetic';

export interface MvRun {
  seed: number;
  workload: string;
  startTimeMs: number;
  minutes: number;
  /** service → per-minute vectors, row-major [minute][feature]. */
  services: Map<string, Float64Array>;
  faults: FaultRecord[];
}

function workloadFor(kind: MvWorkloadKind, seed: number, dataDir: string | undefined): WorkloadTrace {
  if (kind === 'synthetic') {
    return syntheticDiurnalTrace({ days: 1 });
  }
  const file = kind === 'azure-100' ? '100_inv.csv' : '10_inv.csv';
  const path = azureFunctionsTracePath(file, dataDir);
  if (!existsSync(path)) {
    throw new Error(`workload: ${path} is missing (public data in shared/data/workloads/azure-functions-2019)`);
  }
  const rng = new Rng(0x3e7a0000 + seed);
  const total = kind === 'azure-100' ? 100 : 10;
  const rows: number[] = [];
  for (let i = 0; i < total; i++) {
    if (rng.next() < 0.4) {
      rows.push(i);
    }
  }
  if (rows.length === 0) {
    rows.push(seed % total);
  }
  return loadAzureFunctionsTrace(path, { rows, name: `${kind}-subset-seed${seed}` });
}

/** Runs one seeded simulation for `minutes` and answers per-minute vectors for every service. */
export function simulateMvRun(opts: {
  seed: number;
  workload: MvWorkloadKind;
  minutes: number;
  dataDir?: string | undefined;
  /** Faults to inject: count per run, types cycled; none for fault-free training runs. */
  faults?: {
    count: number;
    types: readonly FaultType[];
    minDurationMs: number;
    maxDurationMs: number;
    afterMinutes: number;
  };
  /** Faults at fixed minutes of the run (tests). */
  injected?: Array<{ service: string; type: FaultType; startMinute: number; minutes: number; intensity?: number }>;
}): MvRun {
  const rng = new Rng(0x6d760000 + opts.seed);
  const startTimeMs = Date.UTC(2025, 2, 1) + (opts.seed % 97) * 86_400_000;
  const cluster = new SimulatedCluster({
    seed: opts.seed,
    workload: workloadFor(opts.workload, opts.seed, opts.dataDir),
    peakRps: 150 + Math.floor(rng.next() * 400),
    startTimeMs,
    historyRetentionSeconds: 600,
    tracesPerTick: 0,
    workloadOffsetSeconds: Math.floor(rng.next() * 86_400),
    // Fault-suite telemetry; the metrics this evaluation reads are the same with or without it.
    ...FAULT_SUITE_TELEMETRY,
  });
  const faults: FaultRecord[] = [];
  if (opts.faults) {
    const f = opts.faults;
    const from = startTimeMs + f.afterMinutes * 60_000;
    const to = startTimeMs + opts.minutes * 60_000 - f.maxDurationMs;
    // One fault at a time, spread evenly with random jitter, so each has clean time around it.
    const slot = (to - from) / f.count;
    const services = cluster.serviceNames().filter((s) => s !== cluster.topology.entry);
    for (let i = 0; i < f.count; i++) {
      const duration = f.minDurationMs + rng.next() * (f.maxDurationMs - f.minDurationMs);
      const start = Math.round(from + i * slot + rng.next() * Math.max(0, slot - duration - 3_600_000));
      faults.push(
        cluster.injectFault({
          service: services[Math.floor(rng.next() * services.length)]!,
          type: f.types[i % f.types.length]!,
          startMs: start,
          endMs: Math.round(start + duration),
          intensity: Math.round((0.6 + 0.6 * rng.next()) * 100) / 100,
        })
      );
    }
  }
  for (const f of opts.injected ?? []) {
    faults.push(
      cluster.injectFault({
        service: f.service,
        type: f.type,
        startMs: startTimeMs + f.startMinute * 60_000,
        endMs: startTimeMs + (f.startMinute + f.minutes) * 60_000,
        intensity: f.intensity ?? 1,
      })
    );
  }
  const names = cluster.serviceNames();
  const d = MV_FEATURES.length;
  const services = new Map(names.map((s) => [s, new Float64Array(opts.minutes * d)] as const));
  const acc = new Float64Array(names.length * d);
  for (let minute = 0; minute < opts.minutes; minute++) {
    const endMs = startTimeMs + (minute + 1) * 60_000;
    let ticks = 0;
    acc.fill(0);
    while (cluster.now() + cluster.tickSeconds * 1000 <= endMs + 1e-6) {
      cluster.advance(cluster.tickSeconds);
      ticks++;
      names.forEach((s, si) => {
        const snap = cluster.serviceSnapshot(s);
        for (let j = 0; j < d; j++) {
          acc[si * d + j]! += snap[MV_FEATURES[j]!];
        }
      });
    }
    names.forEach((s, si) => {
      const row = services.get(s)!;
      for (let j = 0; j < d; j++) {
        row[minute * d + j] = acc[si * d + j]! / Math.max(1, ticks);
      }
    });
  }
  return { seed: opts.seed, workload: opts.workload, startTimeMs, minutes: opts.minutes, services, faults };
}
