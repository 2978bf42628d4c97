/**
 * `aidpe mv-eval`: the multivariate detectors on simulated runs with injected faults of every type.
 *
 * Per seed (held out: the autoencoder trains on other seeds, see backend/scripts/export-mv.ts) one run of
 * `--days` simulated days (workloads cycled: Azure Functions 2019 100_inv, 10_inv, synthetic diurnal), with
 * one fault at a time spread over the run, types cycled. Every service's per-minute vector (MV_FEATURES)
 * is scored by PCA, the autoencoder (when models/mvae loads) and the univariate AIDPE detector on each
 * metric, max-pooled over metrics (the baseline). Only minutes after `--eval-after` count.
 *
 * - detection rate: faults whose service has a point at or over the threshold between fault start and end;
 *   delay: that first point minus the start (median over detected faults);
 * - false positives: regions (merged like the API's) that lie wholly in fault-free stretches (no fault
 *   anywhere in the cluster, none ended within `GRACE_MINUTES`), per fault-free service-hour;
 * - point AUC-PR (average precision): positives are the faulted service's minutes inside the fault,
 *   negatives every service's fault-free-stretch minutes; other minutes (propagation, recovery) are left out;
 * - throughput: points (service-minutes) per second of scoring, the autoencoder batched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { FAULT_TYPES, type FaultRecord } from '../sim/faults.ts';
import { createResidualLikelihoodDetector } from '../engines/anomaly/detectors/residualLikelihood.ts';
import { createPcaDetector } from '../engines/anomaly/detectors/pca.ts';
import { createAutoencoderDetector } from '../engines/anomaly/detectors/autoencoder.ts';
import { DEFAULT_THRESHOLD, extractRegions } from '../engines/anomaly/regions.ts';
import { loadMvaeModel, type MvaeModelLoad } from '../models/mvaeModel.ts';
import { MV_FEATURES, simulateMvRun, type MvRun, type MvWorkloadKind } from '../eval/multivariate/simData.ts';

export class MvEvalUsageError extends Error {}
export const isMvEvalUsageError = (err: unknown): err is Error => err instanceof MvEvalUsageError;

const GRACE_MINUTES = 30;
const WORKLOADS: MvWorkloadKind[] = ['azure-100', 'azure-10', 'synthetic'];

type DetectorName = 'pca' | 'autoencoder' | 'univariate-max';

export interface DetectorResult {
  faults: number;
  detected: number;
  detectionRate: number;
  medianDelayMinutes: number | null;
  delaysMinutes: number[];
  falsePositiveRegions: number;
  faultFreeServiceHours: number;
  falsePositivesPerHour: number;
  pointAucPr: number;
  byType: Record<string, { faults: number; detected: number }>;
  points: number;
  seconds: number;
  pointsPerSecond: number;
}

/** Average precision of scores against 0/1 labels (ties broken pessimistically: negatives first). */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[b]! - scores[a]! || labels[a]! - labels[b]!
  );
  const positives = order.reduce((acc, i) => acc + labels[i]!, 0);
  if (positives === 0) {
    return Number.NaN;
  }
  let tp = 0;
  let ap = 0;
  order.forEach((i, rank) => {
    if (labels[i]) {
      tp++;
      ap += tp / (rank + 1);
    }
  });
  return ap / positives;
}

/** Per-minute labels of one service: 1 in its own fault, 0 in fault-free stretches, -1 left out. */
export function minuteLabels(
  run: Pick<MvRun, 'startTimeMs' | 'minutes' | 'faults'>,
  service: string,
  evalAfter: number
): Int8Array {
  const labels = new Int8Array(run.minutes).fill(0);
  for (let m = 0; m < run.minutes; m++) {
    const t = run.startTimeMs + m * 60_000;
    if (m < evalAfter) {
      labels[m] = -1;
      continue;
    }
    for (const f of run.faults) {
      if (t >= f.startMs && t < f.endMs + GRACE_MINUTES * 60_000) {
        labels[m] = -1;
      }
    }
    for (const f of run.faults) {
      if (f.service === service && t >= f.startMs && t < f.endMs) {
        labels[m] = 1;
      }
    }
  }
  return labels;
}

async function scoreService(
  name: DetectorName,
  series: Float64Array,
  minutes: number,
  model: MvaeModelLoad
): Promise<Float64Array> {
  const d = MV_FEATURES.length;
  const scores = new Float64Array(minutes);
  if (name === 'pca') {
    const det = createPcaDetector(d);
    for (let m = 0; m < minutes; m++) {
      scores[m] = det.update(series.subarray(m * d, (m + 1) * d)).score;
    }
  } else if (name === 'autoencoder') {
    if (model.state !== 'loaded') {
      throw new Error(model.error);
    }
    const det = createAutoencoderDetector({
      dimensions: d,
      window: model.spec.window,
      warmUp: model.spec.warmUp,
      normalisation: model.spec.normalisation,
      reconstruct: model.reconstruct,
      batchSize: 8192,
      newestStepWeight: model.spec.newestStepWeight,
    });
    const rows = Array.from({ length: minutes }, (_, m) => series.subarray(m * d, (m + 1) * d));
    (await det.score(rows)).forEach((s, m) => (scores[m] = s.score));
  } else {
    for (let j = 0; j < d; j++) {
      const det = createResidualLikelihoodDetector();
      for (let m = 0; m < minutes; m++) {
        const s = det.update(m * 60_000, series[m * d + j]!);
        if (Number.isFinite(s) && s > scores[m]!) {
          scores[m] = s;
        }
      }
    }
  }
  return scores;
}

export async function evaluateMultivariate(opts: {
  seeds: number[];
  days: number;
  faultsPerDay: number;
  evalAfterMinutes: number;
  threshold: number;
  modelsDir?: string | undefined;
  dataDir?: string | undefined;
  log?: (line: string) => void;
}): Promise<Record<string, unknown>> {
  const model = await loadMvaeModel({ modelsDir: opts.modelsDir });
  const detectors: DetectorName[] =
    model.state === 'loaded' ? ['pca', 'autoencoder', 'univariate-max'] : ['pca', 'univariate-max'];
  const acc = new Map<
    DetectorName,
    {
      delays: number[];
      faults: number;
      detected: number;
      fp: number;
      freeMinutes: number;
      scores: number[];
      labels: number[];
      byType: Record<string, { faults: number; detected: number }>;
      points: number;
      ms: number;
    }
  >(
    detectors.map((n) => [
      n,
      {
        delays: [],
        faults: 0,
        detected: 0,
        fp: 0,
        freeMinutes: 0,
        scores: [],
        labels: [],
        byType: {},
        points: 0,
        ms: 0,
      },
    ])
  );
  const runs: Array<{ seed: number; workload: string; faults: FaultRecord[] }> = [];
  const minutes = Math.round(opts.days * 1440);
  for (const [i, seed] of opts.seeds.entries()) {
    const workload = WORKLOADS[i % WORKLOADS.length]!;
    const t0 = Date.now();
    const run = simulateMvRun({
      seed,
      workload,
      minutes,
      dataDir: opts.dataDir,
      faults: {
        count: Math.max(1, Math.round(opts.faultsPerDay * opts.days)),
        types: FAULT_TYPES,
        minDurationMs: 10 * 60_000,
        maxDurationMs: 40 * 60_000,
        afterMinutes: opts.evalAfterMinutes,
      },
    });
    runs.push({ seed, workload, faults: run.faults });
    opts.log?.(
      `seed ${seed} (${workload}): simulated ${minutes} min × ${run.services.size} services in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${run.faults.length} faults`
    );
    const times = Array.from({ length: minutes }, (_, m) => run.startTimeMs + m * 60_000);
    for (const name of detectors) {
      const a = acc.get(name)!;
      for (const [service, series] of run.services) {
        const started = performance.now();
        const scores = await scoreService(name, series, minutes, model);
        a.ms += performance.now() - started;
        a.points += minutes;
        const labels = minuteLabels(run, service, opts.evalAfterMinutes);
        for (let m = 0; m < minutes; m++) {
          if (labels[m] === -1) {
            continue;
          }
          a.scores.push(scores[m]!);
          a.labels.push(labels[m]!);
          if (labels[m] === 0) {
            a.freeMinutes++;
          }
        }
        for (const f of run.faults.filter((x) => x.service === service)) {
          a.faults++;
          const byType = (a.byType[f.type] ??= { faults: 0, detected: 0 });
          byType.faults++;
          const first = times.findIndex((t, m) => t >= f.startMs && t < f.endMs && scores[m]! >= opts.threshold);
          if (first >= 0) {
            a.detected++;
            byType.detected++;
            a.delays.push((times[first]! - f.startMs) / 60_000);
          }
        }
        const evalTimes = times.slice(opts.evalAfterMinutes);
        for (const r of extractRegions(evalTimes, scores.subarray(opts.evalAfterMinutes), service, {
          threshold: opts.threshold,
        })) {
          const from = (r.startMs - run.startTimeMs) / 60_000;
          const to = (r.endMs - run.startTimeMs) / 60_000;
          let clean = true;
          for (let m = from; m <= to && clean; m++) {
            if (labels[m] !== 0) {
              clean = false;
            }
          }
          if (clean) {
            a.fp++;
          }
        }
      }
    }
  }
  const median = (xs: number[]): number | null => {
    if (xs.length === 0) {
      return null;
    }
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const results: Record<string, DetectorResult> = {};
  for (const [name, a] of acc) {
    results[name] = {
      faults: a.faults,
      detected: a.detected,
      detectionRate: a.faults ? a.detected / a.faults : 0,
      medianDelayMinutes: median(a.delays),
      delaysMinutes: a.delays,
      falsePositiveRegions: a.fp,
      faultFreeServiceHours: a.freeMinutes / 60,
      falsePositivesPerHour: a.freeMinutes ? a.fp / (a.freeMinutes / 60) : 0,
      pointAucPr: averagePrecision(a.scores, a.labels),
      byType: a.byType,
      points: a.points,
      seconds: a.ms / 1000,
      pointsPerSecond: a.points / Math.max(1e-9, a.ms / 1000),
    };
  }
  return {
    command: `aidpe mv-eval --seeds ${opts.seeds.join(',')} --days ${opts.days} --faults-per-day ${opts.faultsPerDay} --eval-after ${opts.evalAfterMinutes} --threshold ${opts.threshold}`,
    protocol: {
      step: '60 s (per-minute means of 5 s simulator ticks)',
      features: MV_FEATURES,
      threshold: opts.threshold,
      evalAfterMinutes: opts.evalAfterMinutes,
      graceMinutes: GRACE_MINUTES,
      detection:
        'a point at or over the threshold on the faulted service between fault start and end; delay = that point − start',
      falsePositives:
        'regions (merge gap 3 points) lying wholly in fault-free stretches (no fault in the cluster, none ended within the grace), per fault-free service-hour',
      pointAucPr:
        "average precision; positives: the faulted service's minutes in the fault; negatives: fault-free-stretch minutes of every service",
      univariateBaseline: 'the AIDPE univariate detector on each metric, max over metrics per point',
    },
    autoencoder:
      model.state === 'loaded'
        ? { state: 'loaded', version: model.version, sha256: model.sha256 }
        : { state: model.state, error: model.error },
    runs: runs.map((r) => ({
      seed: r.seed,
      workload: r.workload,
      faults: r.faults.map((f) => ({
        service: f.service,
        type: f.type,
        startMs: f.startMs,
        minutes: (f.endMs - f.startMs) / 60_000,
        intensity: f.intensity,
      })),
    })),
    results,
  };
}

export async function runMvEval(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '1,2,3' },
      days: { type: 'string', default: '2' },
      'faults-per-day': { type: 'string', default: '5' },
      'eval-after': { type: 'string', default: '360' },
      threshold: { type: 'string' },
      models: { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (!flags.out) {
    throw new MvEvalUsageError('--out is required');
  }
  const seeds = flags.seeds!.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n)) {
      throw new MvEvalUsageError(`--seeds: "${s}" is not an integer`);
    }
    return n;
  });
  const positive = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      throw new MvEvalUsageError(`--${flag}: expected a positive number, got ${JSON.stringify(v)}`);
    }
    return n;
  };
  const days = positive('days', flags.days);
  const evalAfterMinutes = Math.round(positive('eval-after', flags['eval-after']));
  if (evalAfterMinutes >= days * 1440 - 60) {
    throw new MvEvalUsageError(`--eval-after: ${evalAfterMinutes} minutes leaves no run to evaluate in ${days} day(s)`);
  }
  const threshold = flags.threshold === undefined ? DEFAULT_THRESHOLD : Number(flags.threshold);
  if (!(threshold > 0 && threshold < 1)) {
    throw new MvEvalUsageError(`--threshold: expected a number in (0, 1), got ${JSON.stringify(flags.threshold)}`);
  }
  const result = await evaluateMultivariate({
    seeds,
    days,
    faultsPerDay: positive('faults-per-day', flags['faults-per-day']),
    evalAfterMinutes,
    threshold,
    modelsDir: flags.models,
    dataDir: flags['data-dir'],
    log: (line) => process.stderr.write(line + '\n'),
  });
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, JSON.stringify(result, null, 2));
  const results = result['results'] as Record<string, DetectorResult>;
  for (const [name, r] of Object.entries(results)) {
    process.stdout.write(
      `${name.padEnd(15)} detected ${r.detected}/${r.faults}  median delay ${r.medianDelayMinutes === null ? '-' : r.medianDelayMinutes.toFixed(2)} min  FP ${r.falsePositivesPerHour.toFixed(4)}/service-h  AUC-PR ${r.pointAucPr.toFixed(3)}  ${Math.round(r.pointsPerSecond)} points/s\n`
    );
  }
  const ae = result['autoencoder'] as { state: string; error?: string };
  if (ae.state !== 'loaded') {
    process.stdout.write(`autoencoder left out: ${ae.error}\n`);
  }
  process.stdout.write(`wrote ${flags.out}\n`);
  return 0;
}
