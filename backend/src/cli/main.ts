/**
 * The `aidpe` command line. Each evaluation an issue asks for is a subcommand here with exactly
 * the arguments the issue gives, so results can be reproduced on other data.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type AidpeConfig } from '../config/config.ts';
import { startSidecar, type RunningSidecar } from '../server.ts';
import { formatLoopLine, formatSummaryLine, formatServiceTable } from './summary.ts';
import { isAnomalyUsageError, runAnomaly, runNabScore } from './anomalyCommands.ts';
import { runNabLoco } from './nabLocoCommand.ts';
import { isForecastUsageError, runForecast, runForecastEval } from './forecastCommands.ts';
import { isAutoscaleUsageError, runAutoscaleEval } from './autoscaleCommands.ts';
import { runRlEnv } from './rlEnvCommand.ts';
import { isRcaUsageError, runRcaEval } from './rcaCommands.ts';
import { runRcaFit } from './rcaFitCommand.ts';
import { isLogparseUsageError, runLogparse, runLogparseEval } from './logparseCommands.ts';
import { isLogAnomalyUsageError, runLogAnomalyEval } from './logAnomalyCommands.ts';
import { isMvEvalUsageError, runMvEval } from './mvEvalCommands.ts';

const HELP = `aidpe — AI-augmented Dynamic Performance Engineering sidecar

Usage:
  aidpe demo  [--port N] [--host H] [--seed N] [--speed X] [--workload azure-100|azure-10|FILE.csv]
              [--peak-rps N] [--faults N] [--duration SECONDS] [--summary-every SECONDS] [--config FILE]
              [--mode recommend|approve|autonomous] [--via-prometheus]
      Run the sidecar on the embedded demo cluster (a simulated microservice cluster replaying a
      real workload trace, with fault injection) and print a live summary. The optimisation loop runs
      every minute in --mode (default recommend: proposals only; approve: wait for a person's approval
      through the API or Grafana; autonomous: applied within the guards). --via-prometheus: start a real
      Prometheus (Debian's binary) that scrapes the cluster and the sidecar, and run the sidecar in live mode against
      it, so every answer takes the path a real stack does.
  aidpe serve [--config FILE] [--port N] [--host H] [--prometheus URL] [--loki URL] [--tempo URL]
      Run the sidecar against the configured Prometheus / Loki / Tempo / Kubernetes.
  aidpe anomaly --data DIR --out RESULTS_DIR [--name NAME] [--detector NAME] [--labels WINDOWS.json]
      Run an anomaly detector over NAB-layout data, writing RESULTS_DIR/NAME/<category>/NAME_<file>.csv. --detector:
      art-residual (the default, also the sidecar's; ensemble, the removed CAD-based ensemble's name, selects it),
      art (the adaptive-resonance window detector alone; old name artime), residual-likelihood (old name aidpe),
      aidpe-forecast, windowedGaussian, null. NAME defaults to the detector's name.
  aidpe nab-score --data DIR --labels WINDOWS.json --results RESULTS_DIR/NAME --out SCORE.json [--profiles PROFILES.json]
      Score results with NAB's rules (optimised threshold per profile), next to the windowed-Gaussian and null
      baselines; AUC-PR and VUS-PR (TSB-AD's definition: largest buffer twice the series' period) beside.
  aidpe nab-loco --data DIR --labels WINDOWS.json --out RESULT.json [--detectors a,b] [--profiles PROFILES.json]
              [--categories a,b]
      Leave-one-category-out: each detector's settings (in time units) and thresholds chosen on the other
      categories, every category scored by settings that never saw it; the headline beside the in-sample figure,
      the baselines in the same run. Default detectors: art-residual, art, residual-likelihood,
      windowedGaussian, null.
  aidpe forecast --input SERIES.csv --horizon H [--step-seconds S] --origins N --out OUT.csv [--models DIR]
      Forecast a timestamp,value CSV from N rolling origins at its end; OUT has origin,timestamp,p10,p50,p90.
  aidpe forecast-eval --data DIR --horizons 12,288 --origins 5 --out RESULT.json [--methods a,b] [--models DIR]
      Rolling-origin benchmark of the AIDPE ensemble on every CSV under DIR, with naive, seasonal naive,
      augurs AutoETS and augurs MSTL side by side (relative MASE, wQL, 80/95% coverage, time per series).
  aidpe logparse --input FILE.log --out STRUCTURED.csv [--format FORMAT|FILE] [--system NAME] [--parser aidpe|drain]
      Mine log templates (Drain-class, online); OUT is loghub's LineId,Content,EventId,EventTemplate. Without
      --format the header (timestamp, level, pid, host, component) is detected from the log.
  aidpe logparse-eval --loghub DIR --out RESULT.json [--systems A,B] [--format FORMAT|FILE] [--detect] [--passes N] [--timing N]
      Loghub benchmark (GA, PA, FGA, FTA): AIDPE's rules chosen leave-one-system-out (headline) and in-sample,
      beside plain Drain3, benchmark-configured Drain and Spell; header-detection accuracy; each rule's LOSO effect.
  aidpe autoscale-eval --trace TRACE [--trace TRACE …] --out RESULT.json [--policies hpa,predictive,rl] [--slo-ms N] [--seed S]
              [--mode parametric|direct] [--function all|ROW] [--hours H] [--scale X] [--warmup-minutes M] [--models DIR]
              [--predictive JSON] [--candidates default|none|FILE.json] [--reuse OLD.json …]
      Replay request-rate traces (timestamp,value CSV; Azure Functions *_inv.csv, the sum of all functions or
      one row; synthetic:KIND:SEED[:DAYS]) through the simulated cluster once per policy with the same seed: the
      exact Kubernetes HPA, the default (forecast-driven) policy behind the safety layer, and the RL policy (the
      PPO actor in models/autoscale). Per trace: SLO-violation minutes, replica-hours, scaling actions, largest
      step, guard violations, p50/p95/p99 latency, circuit-breaker and fallback time. With several traces, every
      candidate setting of the default policy is replayed on every trace and the leave-one-trace-out table is
      printed (the candidate chosen on the other traces, beside the one selected on all of them).
  aidpe rl-env [--data-dir DIR]
      Serve the autoscaling RL environment (the simulator, vectorised) over stdin/stdout as JSON lines
      for a trainer (models/autoscale/PROTOCOL.md).
  aidpe rca-eval --sim [--cases N] [--seed S] --out RESULT.json
      Root-cause ranking over the simulator's fault-injection suite (one fault per case, symptom = the
      entry service): AC@1, AC@3, Avg@5 overall and per fault type, seconds per case.
  aidpe rca-eval --nezha DIR|FILE.tgz [--cases N] [--ablations] --out RESULT.json
      The same on the Nezha dataset (shared/data/rca): DIR is the extracted root holding rca_data/ and
      construct_data/; a .tgz is extracted once to $XDG_CACHE_HOME/aidpe/nezha (default ~/.cache).
  aidpe rca-eval --petshop DIR [--split train|test] [--cases N] --out RESULT.json
      The same on PetShop (DIR holds the scenario folders; labels from each case's target.json root_cause.node),
      per scenario and fault kind; metrics only, and each answer says which evidence was absent.
  aidpe rca-eval --synthetic DIR|FILE.tgz [--cases N] [--seed S] --out RESULT.json
      Code-level faults (exception, wrong return) synthesised on the Nezha day's fault-free traffic.
      Every rca-eval run has the anchors beside AIDPE (rule baseline, BARO, ε-Diagnosis, random walk) and the
      share correct per confidence tier; --help lists the details.
  aidpe rca-fit [--nezha DIR] [--petshop DIR] [--sim] [--synthetic DIR] [--cache DIR] --model-out MODEL.json --out RESULT.json
      Fit the RCA evidence model's weights and tier thresholds (leave-one-dataset-out; see --help).
  aidpe loganomaly-eval --bgl FILE_OR_DIR [--nezha DIR] --out RESULT.json [--models DIR] [--window-lines N]
      Log anomaly scoring: line-level P/R/F1 on BGL_2k's held-out half of the DeepLog-style sequence model
      (models/logseq), new-template / frequency deviation and a keyword rule; with --nezha, the faulted
      service's rank by log anomaly score in each fault window (top-1 / top-3) next to error-keyword counts.
  aidpe mv-eval [--seeds 1,2,3] [--days 2] [--faults-per-day 5] --out RESULT.json [--models DIR] [--threshold T]
      Multivariate detectors on simulated runs with injected faults of every type (held-out seeds): PCA, the
      autoencoder (models/mvae) and the univariate detector max-pooled over metrics; detection rate and delay,
      false-positive regions per fault-free hour, point AUC-PR, throughput.
  aidpe help

Configuration: defaults < --config FILE (YAML/JSON, or AIDPE_CONFIG) < AIDPE_* environment variables < flags.
`;

type Flags = Record<string, string | boolean | undefined>;

function parse(argv: string[], options: ParseArgsConfig['options']): Flags {
  return parseArgs({ args: argv, options: options ?? {}, allowPositionals: false, strict: true }).values as Flags;
}

/** Maps CLI flags to dotted config keys; absent flags are left out. */
function overridesFrom(flags: Flags, mapping: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(mapping)) {
    if (flags[flag] !== undefined) {
      out[key] = flags[flag];
    }
  }
  return out;
}

async function runDemo(argv: string[]): Promise<number> {
  const flags = parse(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    seed: { type: 'string' },
    speed: { type: 'string' },
    workload: { type: 'string' },
    'peak-rps': { type: 'string' },
    faults: { type: 'string' },
    duration: { type: 'string' },
    'summary-every': { type: 'string' },
    mode: { type: 'string' },
    config: { type: 'string' },
    'log-level': { type: 'string' },
    'via-prometheus': { type: 'boolean' },
  });
  const config = loadConfig({
    file: flags.config as string | undefined,
    overrides: {
      mode: 'demo',
      logLevel: flags['log-level'] ?? 'warn',
      ...overridesFrom(flags, {
        port: 'server.port',
        host: 'server.host',
        seed: 'simulator.seed',
        speed: 'simulator.speed',
        workload: 'simulator.workload',
        'peak-rps': 'simulator.peakRps',
        faults: 'simulator.randomFaults',
        mode: 'defaultActionMode',
      }),
    },
  });
  const duration = flags.duration === undefined ? undefined : positiveNumber('--duration', flags.duration as string);
  const every =
    flags['summary-every'] === undefined ? 10 : positiveNumber('--summary-every', flags['summary-every'] as string);
  if (flags['via-prometheus']) {
    const { startViaPrometheus } = await import('./viaPrometheus.ts');
    const via = await startViaPrometheus(config);
    process.stdout.write(
      `Prometheus (Debian's binary, backfilled with the demo's history) at ${via.prometheus.url}; the sidecar runs in live mode against it\n`
    );
    return runUntilStopped(via.config, duration, every, { sidecar: via.sidecar, close: () => via.close() });
  }
  return runUntilStopped(config, duration, every);
}

async function runServe(argv: string[]): Promise<number> {
  const flags = parse(argv, {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    prometheus: { type: 'string' },
    loki: { type: 'string' },
    tempo: { type: 'string' },
    'log-level': { type: 'string' },
    duration: { type: 'string' },
  });
  const config = loadConfig({
    file: flags.config as string | undefined,
    overrides: {
      mode: 'live',
      ...overridesFrom(flags, {
        port: 'server.port',
        host: 'server.host',
        prometheus: 'prometheus.url',
        loki: 'loki.url',
        tempo: 'tempo.url',
        'log-level': 'logLevel',
      }),
    },
  });
  const duration = flags.duration === undefined ? undefined : positiveNumber('--duration', flags.duration as string);
  return runUntilStopped(config, duration, undefined);
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag}: expected a positive number of seconds, got ${JSON.stringify(value)}`);
  }
  return n;
}

class UsageError extends Error {}

async function runUntilStopped(
  config: AidpeConfig,
  durationSeconds: number | undefined,
  summaryEverySeconds: number | undefined,
  started?: { sidecar: RunningSidecar; close: () => Promise<void> }
): Promise<number> {
  const sidecar = started?.sidecar ?? (await startSidecar(config));
  const out = process.stdout;
  out.write(`AIDPE sidecar (${config.mode} mode) listening on ${sidecar.url}\n`);
  out.write(
    `  health   ${sidecar.url}/api/v1/health\n  metrics  ${sidecar.url}/metrics\n  OpenAPI  ${sidecar.url}/docs\n`
  );
  if (sidecar.demo) {
    out.write(`  demo cluster metrics (scrape target) ${sidecar.url}/sim/metrics\n`);
    out.write(
      `  workload: ${sidecar.demo.workloadName}; seed ${config.simulator.seed}; clock ×${config.simulator.speed}\n\n`
    );
    out.write(formatServiceTable(sidecar.demo.cluster) + '\n\n');
  }
  let summaryTimer: NodeJS.Timeout | undefined;
  if (sidecar.demo && summaryEverySeconds) {
    const demo = sidecar.demo;
    const loop = sidecar.actions;
    const store = sidecar.store;
    const print = () => {
      out.write(formatSummaryLine(demo.cluster) + '\n');
      if (loop && store) {
        void formatLoopLine(loop, store).then(
          (line) => out.write(line + '\n'),
          () => undefined
        );
      }
    };
    print();
    summaryTimer = setInterval(print, summaryEverySeconds * 1000);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (durationSeconds !== undefined) {
      setTimeout(stop, durationSeconds * 1000).unref();
    }
  });
  if (summaryTimer) {
    clearInterval(summaryTimer);
  }
  await (started ? started.close() : sidecar.close());
  out.write('stopped\n');
  return 0;
}

/**
 * `aidpe <command> --help`: the command's own section of HELP (every command has one), so no subcommand needs its
 * own help flag and none can answer "Unknown option" to it.
 */
export function commandHelp(command: string): string | undefined {
  const lines = HELP.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  aidpe ${command} `) || l === `  aidpe ${command}`);
  if (start < 0) {
    return undefined;
  }
  const out = [lines[start]!];
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('  aidpe ') && lines[i]!.startsWith('  '); i++) {
    out.push(lines[i]!);
  }
  // Commands with several forms (rca-eval --sim, --nezha) list each: take every section that names the command.
  for (let i = start + out.length; i < lines.length; i++) {
    if (lines[i]!.startsWith(`  aidpe ${command} `)) {
      out.push(lines[i]!);
      for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('  aidpe ') && lines[j]!.startsWith('  '); j++) {
        out.push(lines[j]!);
      }
    }
  }
  return `Usage:\n${out.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    const help = commandHelp(command);
    if (help !== undefined) {
      process.stdout.write(help);
      return 0;
    }
  }
  try {
    switch (command) {
      case 'demo':
        return await runDemo(rest);
      case 'serve':
        return await runServe(rest);
      case 'anomaly':
        return await runAnomaly(rest);
      case 'nab-score':
        return await runNabScore(rest);
      case 'nab-loco':
        return await runNabLoco(rest);
      case 'forecast':
        return await runForecast(rest);
      case 'forecast-eval':
        return await runForecastEval(rest);
      case 'rca-eval':
        return await runRcaEval(rest);
      case 'rca-fit':
        return await runRcaFit(rest);
      case 'autoscale-eval':
        return await runAutoscaleEval(rest);
      case 'rl-env':
        return await runRlEnv(rest);
      case 'logparse':
        return await runLogparse(rest);
      case 'logparse-eval':
        return await runLogparseEval(rest);
      case 'loganomaly-eval':
        return await runLogAnomalyEval(rest);
      case 'mv-eval':
        return await runMvEval(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`aidpe: unknown command ${JSON.stringify(command)}\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (
      err instanceof ConfigError ||
      err instanceof UsageError ||
      isAnomalyUsageError(err) ||
      isForecastUsageError(err) ||
      isLogparseUsageError(err) ||
      isLogAnomalyUsageError(err) ||
      isAutoscaleUsageError(err) ||
      isRcaUsageError(err) ||
      isMvEvalUsageError(err) ||
      (err instanceof Error && err.name === 'MissingPrometheusError')
    ) {
      process.stderr.write(`aidpe ${command}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`aidpe ${command}: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
}
