/**
 * The demo cluster the sidecar runs in demo mode: default topology, a replayed workload (Azure Functions
 * 2019 or a `timestamp,value` CSV), seeded random faults, an hour of pre-warmed history, and a realtime clock.
 */
import { existsSync } from 'node:fs';
import type { AidpeConfig } from '../config/config.ts';
import { SimulatedCluster } from './cluster.ts';
import { SimulationRunner } from './runner.ts';
import {
  azureFunctionsTracePath,
  defaultDataDir,
  loadAzureFunctionsTrace,
  loadTimestampValueCsv,
  syntheticDiurnalTrace,
  type WorkloadTrace,
} from './workload.ts';

export interface DemoCluster {
  cluster: SimulatedCluster;
  runner: SimulationRunner;
  workloadName: string;
  /** Why a fallback workload was used, if one was. */
  warning: string | undefined;
}

export interface DemoOptions {
  /** Simulated history to pre-compute before the realtime clock starts. Default 3600 s. */
  warmupSeconds?: number;
  wallNow?: () => number;
}

/** Resolves the configured workload: `azure-10`, `azure-100`, `synthetic`, or a CSV path. */
export function resolveWorkload(
  spec: string,
  dataDir = defaultDataDir()
): { trace: WorkloadTrace; warning: string | undefined } {
  if (spec === 'synthetic') {
    return { trace: syntheticDiurnalTrace(), warning: undefined };
  }
  if (spec === 'azure-10' || spec === 'azure-100') {
    const path = azureFunctionsTracePath(spec === 'azure-10' ? '10_inv.csv' : '100_inv.csv', dataDir);
    if (!existsSync(path)) {
      return {
        trace: syntheticDiurnalTrace(),
        warning: `Azure Functions trace not found at ${path}; using a synthetic diurnal workload (set AIDPE_DATA_DIR)`,
      };
    }
    return { trace: loadAzureFunctionsTrace(path), warning: undefined };
  }
  return { trace: loadTimestampValueCsv(spec), warning: undefined };
}

export function createDemoCluster(config: AidpeConfig, opts: DemoOptions = {}): DemoCluster {
  const sim = config.simulator;
  const { trace, warning } = resolveWorkload(sim.workload, config.dataDir ?? defaultDataDir());
  const wallNow = opts.wallNow ?? Date.now;
  const warmup = opts.warmupSeconds ?? sim.warmupSeconds;
  const tickMs = sim.tickSeconds * 1000;
  const nowAligned = Math.floor(wallNow() / tickMs) * tickMs;
  const startTimeMs = nowAligned - Math.floor((warmup * 1000) / tickMs) * tickMs;
  const cluster = new SimulatedCluster({
    seed: sim.seed,
    workload: trace,
    peakRps: sim.peakRps,
    tickSeconds: sim.tickSeconds,
    startTimeMs,
    backgroundNoise: sim.backgroundNoise,
    detailedTelemetry: sim.detailedTelemetry,
  });
  if (sim.randomFaults > 0) {
    cluster.scheduleRandomFaults({
      count: sim.randomFaults,
      // Some in the warm-up history (incidents to look at from the first minute), most in the next hours.
      fromMs: Math.max(startTimeMs + 15 * 60_000, nowAligned - 2 * 3600_000),
      toMs: nowAligned + 6 * 3600_000,
      minDurationMs: 3 * 60_000,
      maxDurationMs: 15 * 60_000,
    });
  }
  cluster.advanceTo(nowAligned);
  const runner = new SimulationRunner(cluster, { mode: 'realtime', speed: sim.speed, wallNow });
  return { cluster, runner, workloadName: trace.name, warning };
}
