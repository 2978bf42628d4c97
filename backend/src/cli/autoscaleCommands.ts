/**
 * `aidpe autoscale-eval`: replays one or more request-rate traces through the simulated cluster once per
 * policy (same seed) and compares them with the exact HPA port: SLO-violation minutes, replica-hours,
 * scaling actions, largest step, guard violations, latency percentiles, and the breaker's and the
 * fallback's time. With several traces it also replays every candidate setting of the default policy
 * on every trace and reports leave-one-trace-out figures (settings chosen on the other traces). All file
 * access for the optimiser evaluation happens here.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_REPLAY, replayPolicy, rlNotAvailable, type ReplayConfig } from '../eval/autoscale/evaluation.ts';
import { EVAL_SAFETY, type PolicyResult } from '../eval/autoscale/replayCommon.ts';
import { DEFAULT_PREDICTIVE_CONFIG, type PredictiveConfig } from '../engines/optimiser/predictive.ts';
import { DEFAULT_REGIME_CONFIG } from '../engines/optimiser/regime.ts';
import { DEFAULT_SAFETY_CONFIG } from '../engines/optimiser/safety.ts';
import { DEFAULT_RL_ENV } from '../eval/autoscale/rlEnv.ts';
import { DEFAULT_POLICY_CANDIDATES, type PolicyCandidate } from '../eval/autoscale/candidates.ts';
import { leaveOneTraceOut, selectCandidate, type TraceRuns } from '../eval/autoscale/loto.ts';
import {
  compareToHpa,
  describePredictive,
  formatAutoscaleTable,
  formatBreakerTime,
  formatComparison,
  formatLoto,
} from '../eval/autoscale/report.ts';
import { parseSyntheticSpec } from '../eval/autoscale/syntheticTraces.ts';
import { loadRlPolicyModel, type RlModelLoad } from '../models/rlPolicyModel.ts';
import type { IntegrationMode } from '../engines/optimiser/types.ts';
import { loadAzureFunctionsTrace, loadTimestampValueCsv, type WorkloadTrace } from '../sim/workload.ts';
import { Progress } from './forecastCommands.ts';

export { compareToHpa, formatAutoscaleTable, type Comparison } from '../eval/autoscale/report.ts';

export class AutoscaleUsageError extends Error {}

export function isAutoscaleUsageError(err: unknown): err is Error {
  return err instanceof AutoscaleUsageError;
}

const POLICIES = ['hpa', 'predictive', 'rl'] as const;
type PolicyName = (typeof POLICIES)[number];

export const AUTOSCALE_EVAL_USAGE = `aidpe autoscale-eval --trace TRACE [--trace TRACE …] --out RESULT.json [options]

Replays each trace through the simulated cluster once per policy (same seed) and compares the policies with
the exact Kubernetes HPA port: SLO-violation minutes, replica-hours, scaling actions, largest step, guard
violations, p50/p95/p99 latency, and the circuit breaker's and the fallback mode's time.

TRACE: a timestamp,value CSV; an Azure Functions *_inv.csv (the sum of all functions, or --function ROW);
or synthetic:KIND:SEED[:DAYS] with KIND flash|regime|mix|diurnal|bursty. Several traces: repeat --trace or
give a comma list. With two or more traces (and predictive among the policies) every candidate setting of
the default policy is replayed on every trace and the leave-one-trace-out table is printed: for each trace,
the candidate chosen on the other traces (the headline) next to the shipped default (in-sample).

Options:
  --policies hpa,predictive,rl   policies to replay (default hpa,predictive); rl needs models/autoscale
  --slo-ms N                     SLO on the gateway p95 (default 250)
  --seed S                       simulator seed (default 42)
  --mode parametric|direct       how the predictive policy acts (default parametric)
  --function all|ROW             Azure *_inv.csv: the sum of all functions or one 0-based row
  --hours H                      replay at most H hours of each trace
  --scale X                      load scale of the topology (default 5: the trace peak is 2,000 req/s)
  --warmup-minutes M             HPA-only time before the policy takes over (default 90)
  --models DIR                   where models/autoscale lives (default the repository's models/)
  --predictive JSON              overrides of the default policy's settings, e.g. '{"fallback":false}'
  --candidates default|none|FILE.json
                                 the candidate settings for the leave-one-trace-out selection: the
                                 built-in list (default), none (skip it), or a JSON list of
                                 {"name":…,"predictive":{…}}
  --reuse OLD.json               take replays with identical inputs from an earlier result (a cache)
  --help                         this text`;

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

/**
 * A trace argument: `synthetic:KIND:SEED[:DAYS]` or a file. `--function` applies to Azure files; with
 * several traces (`onlyAzure`) it is ignored for the others instead of being an error.
 */
export function loadTraceSpec(
  spec: string,
  fn: string | undefined,
  onlyAzure = false
): { trace: WorkloadTrace; source: string } {
  try {
    const synthetic = parseSyntheticSpec(spec);
    if (synthetic) {
      return { trace: synthetic, source: spec };
    }
  } catch (err) {
    throw new AutoscaleUsageError(`--trace ${(err as Error).message}`);
  }
  const path = resolve(spec);
  const isAzure = existsSync(path) && /(^|,)minute_1(,|$)/.test(readFileSync(path, 'utf8').slice(0, 4096));
  return { trace: loadTraceFile(path, isAzure || !onlyAzure ? fn : undefined), source: path };
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
  'quantileCalm',
  'quantileNormal',
  'quantileElevated',
  'riskLatencyShare',
  'fallbackPeakSeconds',
  'fallbackUtilization',
  'fallbackHpaTarget',
  'fallbackMinSeconds',
  'staffingBeta',
] as const;
const PREDICTIVE_BOOLEAN_FIELDS = ['ceilingLiftAboveSlo', 'fallback', 'hpaTargetByStaffing'] as const;

const QUANTILE_FIELDS = ['quantileCalm', 'quantileNormal', 'quantileElevated'];

/** Validates a JSON object of PredictiveConfig overrides; `where` names it in errors. */
export function validatePredictiveOverrides(parsed: unknown, where: string): Partial<PredictiveConfig> {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AutoscaleUsageError(`${where}: expected a JSON object of PredictiveConfig fields`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if ((PREDICTIVE_NUMBER_FIELDS as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new AutoscaleUsageError(`${where}: ${k} must be a number ≥ 0, got ${JSON.stringify(v)}`);
      }
      if (QUANTILE_FIELDS.includes(k) && !(v > 0 && v < 1)) {
        throw new AutoscaleUsageError(`${where}: ${k} must be a quantile in (0, 1), got ${JSON.stringify(v)}`);
      }
    } else if ((PREDICTIVE_BOOLEAN_FIELDS as readonly string[]).includes(k)) {
      if (typeof v !== 'boolean') {
        throw new AutoscaleUsageError(`${where}: ${k} must be true or false, got ${JSON.stringify(v)}`);
      }
    } else if (k === 'hpaTargetRange') {
      if (
        !Array.isArray(v) ||
        v.length !== 2 ||
        !v.every((x) => typeof x === 'number' && x > 0 && x <= 1) ||
        v[0] > v[1]
      ) {
        throw new AutoscaleUsageError(
          `${where}: hpaTargetRange must be [lo, hi] within (0, 1], got ${JSON.stringify(v)}`
        );
      }
    } else if (k === 'regime') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw new AutoscaleUsageError(`${where}: regime must be an object of RegimeConfig fields`);
      }
      for (const [rk, rv] of Object.entries(v)) {
        if (!(rk in DEFAULT_REGIME_CONFIG)) {
          throw new AutoscaleUsageError(
            `${where}: unknown field "regime.${rk}"; expected some of ${Object.keys(DEFAULT_REGIME_CONFIG).join(', ')}`
          );
        }
        if (typeof rv !== 'number' || !Number.isFinite(rv) || rv < 0) {
          throw new AutoscaleUsageError(`${where}: regime.${rk} must be a number ≥ 0, got ${JSON.stringify(rv)}`);
        }
      }
    } else {
      throw new AutoscaleUsageError(
        `${where}: unknown field ${JSON.stringify(k)}; expected some of ${[...PREDICTIVE_NUMBER_FIELDS, ...PREDICTIVE_BOOLEAN_FIELDS, 'hpaTargetRange', 'regime'].join(', ')}`
      );
    }
    out[k] = v;
  }
  return out as Partial<PredictiveConfig>;
}

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
  return validatePredictiveOverrides(parsed, '--predictive');
}

/** `--candidates`: the built-in list, none, or a JSON file of {name, predictive}. */
export function loadCandidates(spec: string | undefined): readonly PolicyCandidate[] {
  if (spec === undefined || spec === 'default') {
    return DEFAULT_POLICY_CANDIDATES;
  }
  if (spec === 'none') {
    return [];
  }
  if (!existsSync(spec)) {
    throw new AutoscaleUsageError(`--candidates ${spec}: file not found (or use default / none)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (err) {
    throw new AutoscaleUsageError(`--candidates ${spec}: not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new AutoscaleUsageError(
      `--candidates ${spec}: expected a non-empty JSON list of {"name":…,"predictive":{…}}`
    );
  }
  const names = new Set<string>();
  return parsed.map((c: unknown, i) => {
    const o = c as { name?: unknown; predictive?: unknown };
    if (typeof o?.name !== 'string' || o.name.length === 0 || names.has(o.name)) {
      throw new AutoscaleUsageError(`--candidates ${spec}: [${i}].name must be a unique non-empty string`);
    }
    names.add(o.name);
    return {
      name: o.name,
      predictive: validatePredictiveOverrides(o.predictive ?? {}, `--candidates [${i}].predictive`),
    };
  });
}

/** The cache key of one replay (every input that changes its result). */
function replayKey(source: string, p: string, cfg: Record<string, unknown>): string {
  return JSON.stringify({ source, p, ...cfg });
}

interface TraceReport {
  trace: string;
  traceName: string;
  traceStepSeconds: number;
  simulatedHours: number;
  policies: PolicyResult[];
  comparison: ReturnType<typeof compareToHpa>;
  /** Each leave-one-trace-out candidate's result on this trace (the `default` one is in `policies`). */
  candidates?: Record<string, PolicyResult>;
  replayKeys: Record<string, string>;
}

/**
 * `aidpe autoscale-eval --trace TRACE [--trace TRACE …] --policies hpa,predictive,rl [--slo-ms N] [--seed S] --out RESULT.json`
 * (see `AUTOSCALE_EVAL_USAGE`).
 */
export async function runAutoscaleEval(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(AUTOSCALE_EVAL_USAGE + '\n');
    return 0;
  }
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      trace: { type: 'string', multiple: true },
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
      candidates: { type: 'string' },
      reuse: { type: 'string', multiple: true },
    },
    allowPositionals: false,
    strict: true,
  });
  const traceSpecs = (flags.trace ?? [])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (traceSpecs.length === 0) {
    throw new AutoscaleUsageError('--trace is required (see --help)');
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
  const traces = traceSpecs.map((t) => loadTraceSpec(t, flags.function, traceSpecs.length > 1));
  const sloMs = num('slo-ms', flags['slo-ms'], DEFAULT_REPLAY.sloMs, { min: 1 });
  const seed = num('seed', flags.seed, DEFAULT_REPLAY.seed, { integer: true, min: 0 });
  const scale = num('scale', flags.scale, DEFAULT_REPLAY.scale, { min: 0.1 });
  const hours = flags.hours === undefined ? undefined : num('hours', flags.hours, 0, { min: 0.1 });
  const warmupSeconds =
    num('warmup-minutes', flags['warmup-minutes'], DEFAULT_REPLAY.warmupSeconds / 60, { min: 0 }) * 60;
  // Candidates run with two or more traces (for the leave-one-trace-out table), or when named explicitly.
  const loto =
    policies.includes('predictive') &&
    flags.candidates !== 'none' &&
    (traces.length >= 2 || (flags.candidates !== undefined && flags.candidates !== 'default'));
  const candidates = loto ? loadCandidates(flags.candidates) : [];
  const reuse = new Map<string, PolicyResult>();
  for (const file of flags.reuse ?? []) {
    if (!existsSync(file)) {
      throw new AutoscaleUsageError(`--reuse ${file}: file not found`);
    }
    const old = JSON.parse(readFileSync(file, 'utf8')) as { traces?: TraceReport[] };
    for (const t of old.traces ?? []) {
      for (const r of [...t.policies, ...Object.values(t.candidates ?? {})]) {
        const key = t.replayKeys?.[`${r.policy}${r.candidate ? `:${r.candidate}` : ''}`];
        if (key && r.available) {
          reuse.set(key, r);
        }
      }
    }
  }

  // The RL policy runs only with its trained model, verified against the card's sha256.
  const rlModel: RlModelLoad | undefined = policies.includes('rl')
    ? await loadRlPolicyModel({ modelsDir: flags.models ? resolve(flags.models) : undefined })
    : undefined;
  const runnable = policies.filter((p) => p !== 'rl' || rlModel?.state === 'loaded');
  const extra = candidates.filter((c) => c.name !== 'default').length;
  const progressTotal = 1000 * Math.max(1, traces.length * (runnable.length + extra));
  const progress = new Progress(progressTotal);
  const started = performance.now();
  let done = 0;
  const reports: TraceReport[] = [];
  for (const { trace, source } of traces) {
    const traceHours = (trace.values.length * trace.stepSeconds) / 3600;
    const simulatedHours = Math.min(hours ?? traceHours, traceHours);
    const results: PolicyResult[] = [];
    const replayKeys: Record<string, string> = {};
    const run = async (
      p: PolicyName,
      predictive: Partial<PredictiveConfig>,
      label: string,
      key: string
    ): Promise<PolicyResult> => {
      const cfgKey = replayKey(source, p, {
        seed,
        sloMs,
        scale,
        mode: p === 'predictive' ? mode : undefined,
        warmupSeconds,
        simulatedHours,
        // The resolved settings, not only the overrides: a changed default must not reuse an old replay.
        predictive: p === 'predictive' ? { ...DEFAULT_PREDICTIVE_CONFIG, ...predictive } : undefined,
        rl: p === 'rl' && rlModel?.state === 'loaded' ? rlModel.sha256 : undefined,
      });
      replayKeys[key] = cfgKey;
      const cached = reuse.get(cfgKey);
      if (cached) {
        done++;
        return { ...cached };
      }
      const cfg: Partial<ReplayConfig> & { trace: WorkloadTrace } = {
        trace,
        seed,
        sloMs,
        scale,
        mode,
        warmupSeconds,
        predictive,
        durationSeconds: simulatedHours * 3600,
        onProgress: (k, total) =>
          progress.update(done * 1000 + Math.floor((1000 * k) / total), `${trace.name.slice(0, 30)}: ${label}`),
        ...(p === 'rl' && rlModel?.state === 'loaded' ? { rlInfer: rlModel.infer } : {}),
      };
      const r = await replayPolicy(p, cfg);
      done++;
      return r;
    };
    for (const p of policies as PolicyName[]) {
      if (p === 'rl' && rlModel?.state !== 'loaded') {
        results.push(rlNotAvailable(rlModel?.error));
        continue;
      }
      const label = p === 'predictive' ? `predictive (${mode})` : p === 'rl' ? 'rl (parametric)' : p;
      results.push(await run(p, p === 'predictive' ? predictiveOverrides : {}, label, p));
    }
    const candidateResults: Record<string, PolicyResult> = {};
    for (const c of candidates) {
      const merged = { ...predictiveOverrides, ...c.predictive };
      const same =
        c.name === 'default' || JSON.stringify(merged) === JSON.stringify(predictiveOverrides)
          ? results.find((r) => r.policy === 'predictive')
          : undefined;
      candidateResults[c.name] = same
        ? { ...same, candidate: c.name }
        : { ...(await run('predictive', merged, `candidate ${c.name}`, `predictive:${c.name}`)), candidate: c.name };
    }
    reports.push({
      trace: source,
      traceName: trace.name,
      traceStepSeconds: trace.stepSeconds,
      simulatedHours,
      policies: results,
      comparison: compareToHpa(results),
      ...(loto ? { candidates: candidateResults } : {}),
      replayKeys,
    });
  }
  progress.update(progressTotal, 'done');
  progress.finish();

  // Leave-one-trace-out over the candidates (the headline), and the selection on all traces (in-sample).
  const runs: TraceRuns[] = reports
    .filter((r) => r.candidates && r.policies.some((p) => p.policy === 'hpa' && p.available))
    .map((r) => ({ trace: r.traceName, hpa: r.policies.find((p) => p.policy === 'hpa')!, candidates: r.candidates! }));
  const names = candidates.map((c) => c.name);
  const lotoRows = loto && runs.length >= 2 ? leaveOneTraceOut(runs, names) : [];
  const allTraces = loto && runs.length >= 1 ? selectCandidate(runs, names) : undefined;
  const defaultPolicy = {
    policy: 'predictive',
    mode,
    settings: { ...DEFAULT_PREDICTIVE_CONFIG, ...predictiveOverrides, mode },
    ...(Object.keys(predictiveOverrides).length > 0 ? { overridden: predictiveOverrides } : {}),
  };
  const single = reports.length === 1 ? reports[0]! : undefined;
  const report = {
    tool: 'aidpe autoscale-eval',
    defaultPolicy,
    ...(single
      ? {
          trace: single.trace,
          traceName: single.traceName,
          traceStepSeconds: single.traceStepSeconds,
          simulatedHours: single.simulatedHours,
        }
      : {}),
    seed,
    sloMs,
    mode,
    scale,
    warmupSeconds,
    conventions:
      'SLO-violation minutes: simulated time (5-s ticks) with the gateway p95 above the SLO; replica-hours: Σ replicas × time of the autoscaled services; ' +
      'scaling actions: replica changes of the autoscaled deployments (by the HPA or the policy); largest step: largest |Δ replicas| of one; ' +
      'guard violations: applied actions the independent auditor finds outside the guards; latency: request-weighted percentiles over ticks of the gateway per-tick p50/p95/p99; ' +
      'breakerTime: seconds in each circuit-breaker state after the policy took over; operatingModes: share of decisions in the fallback mode',
    config: {
      predictive: defaultPolicy.settings,
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
      ...(loto ? { candidates } : {}),
    },
    elapsedSeconds: (performance.now() - started) / 1000,
    ...(single ? { policies: single.policies, comparison: single.comparison } : {}),
    traces: reports,
    ...(loto
      ? {
          leaveOneTraceOut: {
            criterion:
              'mean over the other traces of (relative change of SLO-violation minutes vs the HPA) + 10 × (relative excess of replica-hours over the HPA, if any) + 10 × (relative excess of scaling actions, if any); guard violations disqualify',
            heldOut: lotoRows,
            metOn: lotoRows.filter((r) => r.meetsTarget).length,
            ...(allTraces ? { selectedOnAllTraces: allTraces } : {}),
          },
        }
      : {}),
  };
  mkdirSync(dirname(resolve(flags.out)), { recursive: true });
  writeFileSync(
    flags.out,
    JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)
  );
  const out: string[] = [
    `default policy: predictive (${mode}) with ${Object.keys(predictiveOverrides).length > 0 ? `the overrides ${JSON.stringify(predictiveOverrides)} of ` : ''}the shipped defaults ` +
      `(${describePredictive(defaultPolicy.settings)}; settings in RESULT.json config.predictive)`,
  ];
  for (const r of reports) {
    out.push('');
    out.push(`${r.traceName}: ${r.simulatedHours.toFixed(1)} h replayed, SLO ${sloMs} ms, seed ${seed}`);
    out.push(formatAutoscaleTable(r.policies));
    const breaker = formatBreakerTime(r.policies);
    if (breaker) {
      out.push(breaker);
    }
    if (r.comparison.length > 0) {
      out.push(formatComparison(r.comparison));
    }
  }
  if (lotoRows.length > 0) {
    out.push('');
    out.push(`leave-one-trace-out over ${names.length} candidate settings (${names.join(', ')}):`);
    out.push(formatLoto(lotoRows));
    if (allTraces) {
      out.push(`selected on all ${runs.length} traces (in-sample): ${allTraces.chosen}`);
    }
  }
  out.push(`wrote ${flags.out}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
