/**
 * `aidpe autoscale-eval`: replays a request-rate trace through the simulated cluster once per policy
 * (same seed) and compares them: SLO-violation minutes, replica-hours, scaling actions, largest step,
 * guard violations and latency percentiles. All file access for the optimiser evaluation happens here.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_REPLAY, replayPolicy, rlNotAvailable, type ReplayConfig } from '../eval/autoscale/evaluation.ts';
import { EVAL_SAFETY, type PolicyResult } from '../eval/autoscale/replayCommon.ts';
import { DEFAULT_PREDICTIVE_CONFIG, type PredictiveConfig } from '../engines/optimiser/predictive.ts';
import { DEFAULT_SAFETY_CONFIG } from '../engines/optimiser/safety.ts';
import { DEFAULT_RL_ENV } from '../eval/autoscale/rlEnv.ts';
import { loadRlPolicyModel, type RlModelLoad } from '../models/rlPolicyModel.ts';
import type { IntegrationMode } from '../engines/optimiser/types.ts';
import { loadAzureFunctionsTrace, loadTimestampValueCsv, type WorkloadTrace } from '../sim/workload.ts';
import { Progress } from './forecastCommands.ts';

export class AutoscaleUsageError extends Error {}

export function isAutoscaleUsageError(err: unknown): err is Error {
  return err instanceof AutoscaleUsageError;
}

const POLICIES = ['hpa', 'predictive', 'rl'] as const;
type PolicyName = (typeof POLICIES)[number];

/**
 * Reads a per-interval request-rate trace: a `timestamp,value` CSV, or an Azure Functions 2019
 * `*_inv.csv` (HashFunction,HashApp,HashOwner,minute_1…): the sum of all functions, or one row.
 */
export function loadTraceFile(path: string, fn: string | undefined): WorkloadTrace {
  if (!existsSync(path)) {
    throw new AutoscaleUsageError(`--trace ${path}: file not found`);
  }
  const head = readFileSync(path, 'utf8').slice(0, 4096).split(/\r?\n/, 1)[0] ?? '';
  const azure = /(^|,)minute_1(,|$)/.test(head);
  if (!azure) {
    if (fn !== undefined) {
      throw new AutoscaleUsageError(
        `--function applies to Azure Functions *_inv.csv traces; ${path} is a timestamp,value CSV`
      );
    }
    try {
      return loadTimestampValueCsv(path, basename(path));
    } catch (err) {
      throw new AutoscaleUsageError(`--trace ${path}: ${(err as Error).message}`);
    }
  }
  if (fn === undefined || fn === 'all') {
    return loadAzureFunctionsTrace(path, { name: `${basename(path)} (sum of all functions)` });
  }
  const row = Number(fn);
  if (!Number.isInteger(row) || row < 0) {
    throw new AutoscaleUsageError(`--function: expected "all" or a 0-based row number, got ${JSON.stringify(fn)}`);
  }
  try {
    return loadAzureFunctionsTrace(path, { rows: [row], name: `${basename(path)} (function row ${row})` });
  } catch (err) {
    throw new AutoscaleUsageError(`--function ${row}: ${(err as Error).message}`);
  }
}

function num(
  flag: string,
  v: string | undefined,
  dflt: number,
  opts: { integer?: boolean; min?: number } = {}
): number {
  if (v === undefined) {
    return dflt;
  }
  const n = Number(v);
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || n < (opts.min ?? -Infinity)) {
    throw new AutoscaleUsageError(
      `--${flag}: expected ${opts.integer ? 'a whole number' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got ${JSON.stringify(v)}`
    );
  }
  return n;
}

const f1 = (x: number | undefined, d = 1): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

export function formatAutoscaleTable(results: PolicyResult[]): string {
  const lines = [
    `${'policy'.padEnd(24)} SLO-viol min  replica-h  actions  largest step  guard viol  p50 ms  p95 ms  p99 ms`,
  ];
  for (const r of results) {
    const name = `${r.policy}${r.mode ? ` (${r.mode})` : ''}`.padEnd(24);
    if (!r.available) {
      lines.push(`${name} ${r.message ?? 'not available'}`);
      continue;
    }
    lines.push(
      `${name} ${f1(r.sloViolationMinutes).padStart(12)} ${f1(r.replicaHours).padStart(10)} ${String(r.scalingActions).padStart(8)} ${String(r.largestStep).padStart(13)} ${String(r.guardViolations).padStart(11)} ${f1(r.latencyMs?.p50, 0).padStart(7)} ${f1(r.latencyMs?.p95, 0).padStart(7)} ${f1(r.latencyMs?.p99, 0).padStart(7)}`
    );
  }
  return lines.join('\n');
}

export interface Comparison {
  policy: string;
  sloViolationMinutesChange: number;
  replicaHoursChange: number;
  scalingActionsChange: number;
  /** ≥ 50% fewer SLO-violation minutes at no more replica-hours than the HPA. */
  fewerViolationsAtSameCost: boolean;
  /** ≥ 15% fewer replica-hours at no more SLO-violation minutes than the HPA. */
  cheaperAtSameSlo: boolean;
  zeroGuardViolations: boolean;
  noMoreActions: boolean;
}

/** Each available non-HPA policy against the HPA, with the issue's targets. */
export function compareToHpa(results: PolicyResult[]): Comparison[] {
  const hpa = results.find((r) => r.policy === 'hpa' && r.available);
  if (!hpa) {
    return [];
  }
  const rel = (a: number, b: number): number => (b === 0 ? (a === 0 ? 0 : Infinity) : (a - b) / b);
  return results
    .filter((r) => r.available && r.policy !== 'hpa')
    .map((r) => {
      const v = rel(r.sloViolationMinutes!, hpa.sloViolationMinutes!);
      const c = rel(r.replicaHours!, hpa.replicaHours!);
      return {
        policy: `${r.policy}${r.mode ? ` (${r.mode})` : ''}`,
        sloViolationMinutesChange: v,
        replicaHoursChange: c,
        scalingActionsChange: rel(r.scalingActions!, hpa.scalingActions!),
        fewerViolationsAtSameCost: v <= -0.5 && r.replicaHours! <= hpa.replicaHours!,
        cheaperAtSameSlo: c <= -0.15 && r.sloViolationMinutes! <= hpa.sloViolationMinutes!,
        zeroGuardViolations: r.guardViolations === 0,
        noMoreActions: r.scalingActions! <= hpa.scalingActions!,
      };
    });
}

function formatComparison(cs: Comparison[]): string {
  const pct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '—');
  return cs
    .map(
      (c) =>
        `${c.policy} vs hpa: SLO-violation minutes ${pct(c.sloViolationMinutesChange)}, replica-hours ${pct(c.replicaHoursChange)}, scaling actions ${pct(c.scalingActionsChange)}; ` +
        `targets: ≥50% fewer violations at ≤ replica-hours ${c.fewerViolationsAtSameCost ? 'met' : 'not met'}, ≥15% fewer replica-hours at ≤ violations ${c.cheaperAtSameSlo ? 'met' : 'not met'}, ` +
        `guard violations 0 ${c.zeroGuardViolations ? 'met' : 'NOT met'}, no more actions ${c.noMoreActions ? 'met' : 'not met'}`
    )
    .join('\n');
}

/** The PredictiveConfig fields `--predictive` may override (mode has its own flag), by value type. */
const PREDICTIVE_NUMBER_FIELDS = [
  'horizonSeconds',
  'headroom',
  'targetUtilization',
  'hpaTarget',
  'scaleDownDelaySeconds',
  'reactiveUtilization',
  'tolerance',
  'ceilingUtilization',
  'ceilingMargin',
  'ceilingHoldSeconds',
  'ceilingDelaySeconds',
  'phaseQuantile',
  'raiseTolerance',
  'raiseStep',
] as const;
const PREDICTIVE_BOOLEAN_FIELDS = ['ceilingLiftAboveSlo'] as const;

/**
 * `--predictive '{"hpaTarget":0.85,…}'`: overrides of the predictive policy's defaults (so every tuning
 * row in the README can be rerun); unknown fields and wrong types are usage errors naming the field.
 */
export function parsePredictiveOverrides(text: string | undefined): Partial<PredictiveConfig> {
  if (text === undefined) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AutoscaleUsageError(`--predictive: expected a JSON object, got ${JSON.stringify(text)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AutoscaleUsageError('--predictive: expected a JSON object of PredictiveConfig fields');
  }
  const out: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if ((PREDICTIVE_NUMBER_FIELDS as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new AutoscaleUsageError(`--predictive: ${k} must be a number ≥ 0, got ${JSON.stringify(v)}`);
      }
    } else if ((PREDICTIVE_BOOLEAN_FIELDS as readonly string[]).includes(k)) {
      if (typeof v !== 'boolean') {
        throw new AutoscaleUsageError(`--predictive: ${k} must be true or false, got ${JSON.stringify(v)}`);
      }
    } else {
      throw new AutoscaleUsageError(
        `--predictive: unknown field ${JSON.stringify(k)}; expected some of ${[...PREDICTIVE_NUMBER_FIELDS, ...PREDICTIVE_BOOLEAN_FIELDS].join(', ')}`
      );
    }
    out[k] = v;
  }
  return out as Partial<PredictiveConfig>;
}

/**
 * `aidpe autoscale-eval --trace FILE --policies hpa,predictive,rl [--slo-ms N] [--seed S] --out RESULT.json`
 * (`--models DIR`: where models/autoscale lives; default the repository's models/; `--predictive JSON`:
 * overrides of the predictive policy's defaults).
 */
export async function runAutoscaleEval(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      trace: { type: 'string' },
      policies: { type: 'string' },
      'slo-ms': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      mode: { type: 'string' },
      function: { type: 'string' },
      hours: { type: 'string' },
      scale: { type: 'string' },
      'warmup-minutes': { type: 'string' },
      models: { type: 'string' },
      predictive: { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (!flags.trace) {
    throw new AutoscaleUsageError('--trace is required');
  }
  if (!flags.out) {
    throw new AutoscaleUsageError('--out is required');
  }
  const policies = (flags.policies ?? 'hpa,predictive')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  for (const p of policies) {
    if (!(POLICIES as readonly string[]).includes(p)) {
      throw new AutoscaleUsageError(
        `--policies: unknown policy ${JSON.stringify(p)}; expected some of ${POLICIES.join(',')}`
      );
    }
  }
  if (policies.length === 0) {
    throw new AutoscaleUsageError('--policies: name at least one policy');
  }
  const mode = (flags.mode ?? 'parametric') as IntegrationMode;
  if (mode !== 'parametric' && mode !== 'direct') {
    throw new AutoscaleUsageError(`--mode: expected parametric or direct, got ${JSON.stringify(flags.mode)}`);
  }
  const predictiveOverrides = parsePredictiveOverrides(flags.predictive);
  const trace = loadTraceFile(flags.trace, flags.function);
  const sloMs = num('slo-ms', flags['slo-ms'], DEFAULT_REPLAY.sloMs, { min: 1 });
  const seed = num('seed', flags.seed, DEFAULT_REPLAY.seed, { integer: true, min: 0 });
  const scale = num('scale', flags.scale, DEFAULT_REPLAY.scale, { min: 0.1 });
  const traceHours = (trace.values.length * trace.stepSeconds) / 3600;
  const hours = num('hours', flags.hours, traceHours, { min: 0.1 });
  const warmupSeconds =
    num('warmup-minutes', flags['warmup-minutes'], DEFAULT_REPLAY.warmupSeconds / 60, { min: 0 }) * 60;

  // The RL policy runs only with its trained model, verified against the card's sha256.
  const rlModel: RlModelLoad | undefined = policies.includes('rl')
    ? await loadRlPolicyModel({ modelsDir: flags.models ? resolve(flags.models) : undefined })
    : undefined;
  const runnable = policies.filter((p) => p !== 'rl' || rlModel?.state === 'loaded');
  const progress = new Progress(1000 * Math.max(1, runnable.length));
  const results: PolicyResult[] = [];
  const started = performance.now();
  let done = 0;
  for (const p of policies as PolicyName[]) {
    if (p === 'rl' && rlModel?.state !== 'loaded') {
      results.push(rlNotAvailable(rlModel?.error));
      continue;
    }
    const cfg: Partial<ReplayConfig> & { trace: WorkloadTrace } = {
      trace,
      seed,
      sloMs,
      scale,
      mode,
      warmupSeconds,
      predictive: predictiveOverrides,
      durationSeconds: Math.min(hours, traceHours) * 3600,
      onProgress: (k, total) =>
        progress.update(
          done * 1000 + Math.floor((1000 * k) / total),
          `${p}${p === 'predictive' ? ` (${mode})` : p === 'rl' ? ' (parametric)' : ''}`
        ),
      ...(p === 'rl' && rlModel?.state === 'loaded' ? { rlInfer: rlModel.infer } : {}),
    };
    results.push(await replayPolicy(p, cfg));
    done++;
  }
  progress.update(done * 1000, 'done');
  progress.finish();
  const comparison = compareToHpa(results);
  const report = {
    tool: 'aidpe autoscale-eval',
    trace: resolve(flags.trace),
    traceName: trace.name,
    traceStepSeconds: trace.stepSeconds,
    simulatedHours: Math.min(hours, traceHours),
    seed,
    sloMs,
    mode,
    scale,
    warmupSeconds,
    conventions:
      'SLO-violation minutes: simulated time (5-s ticks) with the gateway p95 above the SLO; replica-hours: Σ replicas × time of the autoscaled services; ' +
      'scaling actions: replica changes of the autoscaled deployments (by the HPA or the policy); largest step: largest |Δ replicas| of one; ' +
      'guard violations: applied actions the independent auditor finds outside the guards; latency: request-weighted percentiles over ticks of the gateway per-tick p50/p95/p99',
    config: {
      predictive: { ...DEFAULT_PREDICTIVE_CONFIG, ...predictiveOverrides, mode },
      safety: { ...DEFAULT_SAFETY_CONFIG, ...EVAL_SAFETY, hardBounds: "each HPA's original min/max" },
      replay: {
        tickSeconds: DEFAULT_REPLAY.tickSeconds,
        policyIntervalSeconds: DEFAULT_REPLAY.policyIntervalSeconds,
        forecastStepSeconds: DEFAULT_REPLAY.forecastStepSeconds,
      },
      ...(rlModel
        ? {
            rl:
              rlModel.state === 'loaded'
                ? {
                    model: rlModel.file,
                    version: rlModel.version,
                    sha256: rlModel.sha256,
                    mode: 'parametric',
                    decisionSeconds: DEFAULT_RL_ENV.decisionSeconds,
                  }
                : { model: rlModel.file, state: rlModel.state, error: rlModel.error },
          }
        : {}),
    },
    elapsedSeconds: (performance.now() - started) / 1000,
    policies: results,
    comparison,
  };
  mkdirSync(dirname(resolve(flags.out)), { recursive: true });
  writeFileSync(
    flags.out,
    JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)
  );
  process.stdout.write(`${trace.name}: ${f1(Math.min(hours, traceHours))} h replayed, SLO ${sloMs} ms, seed ${seed}\n`);
  process.stdout.write(formatAutoscaleTable(results) + '\n');
  if (comparison.length > 0) {
    process.stdout.write(formatComparison(comparison) + '\n');
  }
  process.stdout.write(`wrote ${flags.out}\n`);
  return 0;
}
