/**
 * Benchmarks: speed and memory of the foundation pieces, medians over repeated runs measured side
 * by side in one process. Prints a table and writes bench-results/bench.json (repo root).
 * Run: npm run bench [-- --repeat N] [-- --only anomaly]   (--only: rows whose name contains the text)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } from '../src/sim/index.ts';
import { SimulatorSource } from '../src/telemetry/simulatorSource.ts';
import { DEFAULT_ENSEMBLE_SETTINGS, forecastSeries } from '../src/engines/forecast/engine.ts';
import { autoEts, mstl } from '../src/engines/forecast/augurs.ts';
import { augursModels } from '../src/models/augursRuntime.ts';
import { detectSeasonality } from '../src/engines/forecast/seasonality.ts';
import { loadForecastCandidates } from '../src/models/forecastRegistry.ts';
import { runResidualLikelihood } from '../src/engines/anomaly/detectors/residualLikelihood.ts';
import { StreamingSeries } from '../src/engines/anomaly/streaming.ts';
import { DEFAULT_DETECTOR, DETECTOR_THRESHOLDS, type AcceptedDetectorName } from '../src/engines/anomaly/registry.ts';
import { runArtResidual } from '../src/engines/anomaly/detectors/artResidual.ts';
import { logparseRows } from './logparse.ts';
import { rcaRows } from './rca.ts';

const { values } = parseArgs({
  options: { repeat: { type: 'string', default: '5' }, out: { type: 'string' }, only: { type: 'string' } },
});
/** --only: measure (and print) only the rows whose name contains this text. */
const selected = (name: string): boolean => values.only === undefined || name.includes(values.only);
const repeat = Math.max(1, Number(values.repeat));
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// A partial run (--only) gets its own file so it does not replace a full run's results.
const outPath =
  values.out ??
  join(
    repoRoot,
    'bench-results',
    values.only === undefined ? 'bench.json' : `bench-${values.only.replace(/[^a-z0-9]+/gi, '-')}.json`
  );

interface Row {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  note: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function measure(name: string, unit: string, note: string, fn: () => number | Promise<number>): Promise<Row> {
  if (!selected(name)) {
    return { name, unit, median: Number.NaN, min: Number.NaN, max: Number.NaN, note: 'not selected' };
  }
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    samples.push(await fn());
  }
  return { name, unit, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), note };
}

const trace = syntheticDiurnalTrace({ days: 2 });
const newCluster = () =>
  new SimulatedCluster({ seed: 1, topology: defaultTopology(), workload: trace, tickSeconds: 5 });

// Memory first, before other benchmarks leave garbage whose ArrayBuffers are freed lazily.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
gc();
const retained = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const heapBefore = retained();
const big = newCluster();
big.advance(6 * 3600);
gc();
const memoryRow: Row = {
  name: 'sim: memory for 6 h of retained history',
  unit: 'MiB',
  median: (retained() - heapBefore) / 2 ** 20,
  min: Number.NaN,
  max: Number.NaN,
  note: 'JS heap + ArrayBuffers retained by one cluster with 6 h of history, after a full GC (run with --expose-gc)',
};
const rows: Row[] = [];
rows.push(memoryRow);
rows.push(
  await measure(
    'sim: one simulated day, 16 services, 5 s ticks',
    'ms',
    'wall time to advance 86,400 simulated seconds',
    () => {
      const c = newCluster();
      const t0 = performance.now();
      c.advance(86_400);
      return performance.now() - t0;
    }
  )
);
const warm = newCluster();
warm.advance(6 * 3600);
rows.push(
  await measure('sim: Prometheus exposition render', 'ms', 'one /sim/metrics body', () => {
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      warm.exposition();
    }
    return (performance.now() - t0) / 100;
  })
);
const source = new SimulatorSource(warm);
rows.push(
  await measure(
    'simulator source: 6 h range query at 15 s step',
    'ms',
    'aidpe_sim_latency_seconds{quantile="0.95"} (16 series)',
    async () => {
      const t0 = performance.now();
      await source.queryRange({
        query: 'aidpe_sim_latency_seconds{quantile="0.95"}',
        startMs: warm.now() - 6 * 3600_000,
        endMs: warm.now(),
        stepSeconds: 15,
      });
      return performance.now() - t0;
    }
  )
);

// Forecasting: one 4,032-point series (14 days at 5 min, daily cycle, noise, spikes), fit + predict
// 288 steps; AIDPE's ensemble (with the deep models when they load) next to augurs in the same run.
function benchSeries(seed: number): Float64Array {
  let a = seed;
  const u = () => (a = (a * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Float64Array.from(
    { length: 4032 },
    (_, i) => 40 + 15 * Math.sin((2 * Math.PI * i) / 288) + 3 * (u() - 0.5) + (u() < 0.005 ? 60 : 0)
  );
}
const loadedModels = await loadForecastCandidates();
const fcSeries = benchSeries(7);
const fcInput = { values: fcSeries, stepSeconds: 300, lastTimestamp: 1_700_000_000 };
// The default ensemble's pool: what is loaded minus what the default settings leave out (chosen by LOSO).
const inDefault = loadedModels.candidates
  .map((c) => c.name)
  .filter((name) => !DEFAULT_ENSEMBLE_SETTINGS.excluded.includes(name));
const deepInDefault = loadedModels.deepNames.filter((name) => inDefault.includes(name));
const deepNote = deepInDefault.length
  ? `default pool, with ${deepInDefault.join(', ')}`
  : 'default pool: statistical only';
await forecastSeries(fcInput, { horizon: 288 }, loadedModels.candidates); // warm-up (ONNX session first run)
rows.push(
  await measure(
    'forecast: AIDPE ensemble, 4k points, h=288',
    'ms',
    `fit + backtest + predict, ${deepNote}`,
    async () => {
      const t0 = performance.now();
      await forecastSeries(fcInput, { horizon: 288, quantiles: [0.025, 0.1, 0.9, 0.975] }, loadedModels.candidates);
      return performance.now() - t0;
    }
  )
);
rows.push(
  await measure('forecast: period detection, 4k points', 'ms', 'calendar + ACF candidates, seasonal strength', () => {
    const t0 = performance.now();
    detectSeasonality(fcSeries, 300);
    return performance.now() - t0;
  })
);
rows.push(
  await measure('forecast: augurs AutoETS, 4k points, h=288', 'ms', 'fit + predict (baseline)', () => {
    const t0 = performance.now();
    autoEts(augursModels(), fcSeries, 288, [0.1, 0.9]);
    return performance.now() - t0;
  })
);
rows.push(
  await measure('forecast: augurs MSTL(288), 4k points, h=288', 'ms', 'fit + predict (baseline)', () => {
    const t0 = performance.now();
    mstl(augursModels(), fcSeries, [288], 288, [0.1, 0.9]);
    return performance.now() - t0;
  })
);
const many = Array.from({ length: 1000 }, (_, i) => benchSeries(i + 1));
rows.push(
  await measure(
    'forecast: 1,000 series x 4k points, h=12',
    's',
    `AIDPE ensemble, one process, ${deepNote}`,
    async () => {
      const t0 = performance.now();
      for (const values of many) {
        await forecastSeries(
          { values, stepSeconds: 300, lastTimestamp: 1_700_000_000 },
          { horizon: 12 },
          loadedModels.candidates
        );
      }
      return (performance.now() - t0) / 1000;
    }
  )
);

// Streaming anomaly scoring (the statistical path, one core): 200k one-minute points of one series, fed in calls
// of 60 points (an hour per call at 1 min), as the sidecar's loop and streaming API do.
const streamN = 200_000;
const streamT = new Float64Array(streamN);
const streamV = new Float64Array(streamN);
{
  let a = 3;
  const u = () => (a = (a * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < streamN; i++) {
    streamT[i] = 1_700_000_000_000 + i * 60_000;
    streamV[i] = 40 + 15 * Math.sin((2 * Math.PI * i) / 1440) + 3 * (u() - 0.5) + (u() < 0.002 ? 60 : 0);
  }
}
const streamSamples = Array.from(streamT, (t, i) => [t, streamV[i]!] as const);
const CALL_POINTS = 60;
/** Seconds of this process's CPU (user + system) since `start`: one thread's work, whatever else the machine runs. */
const cpuSeconds = (start: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
};
const streamRate = (
  snapshotPerCall: boolean,
  detectorName: AcceptedDetectorName = DEFAULT_DETECTOR,
  clock: 'wall' | 'cpu' = 'wall'
): number => {
  const series = new StreamingSeries('{bench="1"}', { detectorName }, 60_000);
  const threshold = DETECTOR_THRESHOLDS[detectorName].default;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let from = 0; from < streamN; from += CALL_POINTS) {
    series.push(streamSamples.slice(from, from + CALL_POINTS), threshold);
    // What persisting costs on the CPU after every call (the store write itself excluded): snapshot → JSON text.
    if (snapshotPerCall) {
      JSON.stringify(series.snapshot());
    }
  }
  const seconds = clock === 'cpu' ? cpuSeconds(c0) : (performance.now() - t0) / 1000;
  return streamN / seconds / 1e6;
};
rows.push(
  await measure(
    `anomaly: default detector (${DEFAULT_DETECTOR}), one pass`,
    'M points/s',
    `${streamN / 1000}k points of one series, detector.update only, one core (target >= 0.1 M/s: the default must serve)`,
    () => {
      const t0 = performance.now();
      runArtResidual(streamT, streamV);
      return streamN / ((performance.now() - t0) / 1000) / 1e6;
    }
  )
);
rows.push(
  await measure(
    `anomaly: streaming scorer (${DEFAULT_DETECTOR}), CPU time`,
    'M points/s',
    'the row below on this thread’s CPU time (user + system), so a busy shared machine does not count (target >= 0.1 M/s)',
    () => streamRate(false, DEFAULT_DETECTOR, 'cpu')
  )
);
rows.push(
  await measure(
    `anomaly: streaming scorer (${DEFAULT_DETECTOR}), 60-point calls`,
    'M points/s',
    'StreamingSeries.push with the default detector: detector + regions + gap/stale/NaN checks, state in memory (target >= 0.1 M/s)',
    () => streamRate(false)
  )
);
rows.push(
  await measure(
    `anomaly: streaming scorer (${DEFAULT_DETECTOR}) + snapshot per call`,
    'M points/s',
    '60-point calls, each followed by snapshot -> JSON text as the store persists it (store write excluded)',
    () => streamRate(true)
  )
);
rows.push(
  await measure(
    'anomaly: residual-likelihood detector, one pass',
    'M points/s',
    `${streamN / 1000}k points of one series, detector.update only (target >= 1 M/s/core)`,
    () => {
      const t0 = performance.now();
      runResidualLikelihood(streamT, streamV);
      return streamN / ((performance.now() - t0) / 1000) / 1e6;
    }
  )
);
rows.push(
  await measure(
    'anomaly: streaming scorer (residual-likelihood), 60-point calls',
    'M points/s',
    'StreamingSeries.push: detector + regions + gap/stale/NaN checks, state kept in memory',
    () => streamRate(false, 'residual-likelihood')
  )
);
{
  const series = new StreamingSeries('{bench="1"}', {}, 60_000);
  series.push(streamSamples.slice(0, 20_000), DETECTOR_THRESHOLDS[DEFAULT_DETECTOR].default);
  const text = JSON.stringify(series.snapshot());
  rows.push(
    await measure(
      `anomaly: restore one series state from JSON (${DEFAULT_DETECTOR})`,
      'ms',
      `parse + validate + rebuild (once per series after a restart); state ${(text.length / 1024).toFixed(0)} KiB of JSON`,
      () => {
        const t0 = performance.now();
        for (let i = 0; i < 20; i++) {
          new StreamingSeries('{bench="1"}', {}, 60_000).restore(JSON.parse(text));
        }
        return (performance.now() - t0) / 20;
      }
    )
  );
}

// Log parsing: AIDPE's parser next to plain Drain3 on the loghub-2k systems (bench/logparse.ts).
rows.push(...(await logparseRows(repoRoot, measure, selected)));
rows.push(...(await rcaRows(repoRoot, measure, selected)));

const pad = (s: string, n: number) => s.padEnd(n);
console.log(`${pad('benchmark', 52)}${pad('median', 12)}${pad('min', 10)}${pad('max', 10)}unit`);
const shownRows = rows.filter((r) => selected(r.name));
for (const r of shownRows) {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
  console.log(`${pad(r.name, 52)}${pad(f(r.median), 12)}${pad(f(r.min), 10)}${pad(f(r.max), 10)}${r.unit}`);
}
mkdirSync(dirname(outPath), { recursive: true });
void big.now(); // keep the cluster alive until after the measurement
writeFileSync(
  outPath,
  JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      node: process.version,
      repeat,
      ...(values.only !== undefined ? { only: values.only } : {}),
      rows: shownRows,
    },
    null,
    2
  )
);
console.log(`\nwrote ${outPath}`);
