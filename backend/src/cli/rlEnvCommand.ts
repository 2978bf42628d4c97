/**
 * `aidpe rl-env`: the autoscaling RL environment (`eval/autoscale/rlEnv.ts`, the same TypeScript
 * simulator the evaluation replays) served over stdio as JSON lines, vectorised over N envs, so a Python
 * trainer can drive it. One JSON object per line in, exactly one JSON line out per command; a bad command
 * gets `{"ok":false,"error":…}` and the process keeps serving. Protocol: models/autoscale/PROTOCOL.md.
 * All file access (traces) happens here; the env itself is pure.
 */
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AutoscaleRlEnv,
  DEFAULT_RL_ENV,
  HOT_UTILISATION,
  syntheticTrainingTrace,
  type RlEnvConfig,
} from '../eval/autoscale/rlEnv.ts';
import {
  defaultSyntheticMinutes,
  SYNTHETIC_KINDS,
  syntheticTrace,
  type SyntheticKind,
} from '../eval/autoscale/syntheticTraces.ts';
import { ACTION_DIM, OBS_DIM, OBS_FEATURES, RL_ACTIONS } from '../engines/optimiser/rl.ts';
import {
  azureFunctionsTracePath,
  defaultDataDir,
  loadAzureFunctionsTrace,
  type WorkloadTrace,
} from '../sim/workload.ts';
import { loadTraceFile } from './autoscaleCommands.ts';

export const RL_ENV_PROTOCOL_VERSION = 2;

/** A training trace: Azure rows (summed), a synthetic shape, or a trace file; all per-minute or per-step rates. */
export type TraceSpec =
  | { azure: '10_inv.csv' | '100_inv.csv'; rows: number[] }
  | { synthetic: SyntheticKind; seed: number; minutes?: number }
  | { file: string; function?: string };

interface EpisodeOptions {
  /** Where the episode starts in the trace, minutes. */
  offsetMinutes?: number;
  /** Decision time after the warm-up, minutes. */
  episodeMinutes?: number;
  warmupMinutes?: number;
  decisionSeconds?: number;
  sloMs?: number;
  actionPenalty?: number;
  /** Run the HPA twin and answer the agent's excess over it (protocol 2). */
  hpaTwin?: boolean;
}

class ProtocolError extends Error {}

const round = (x: number): number => Math.round(x * 1e5) / 1e5;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optNumber(o: Record<string, unknown>, key: string, where: string, min = 0): number | undefined {
  const v = o[key];
  if (v === undefined) {
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new ProtocolError(`${where}.${key}: expected a number ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Serves the protocol on the given streams until `close` or end of input. */
export class RlEnvServer {
  private envs: AutoscaleRlEnv[] = [];
  private readonly azureCache = new Map<string, WorkloadTrace[]>();

  constructor(private readonly dataDir = defaultDataDir()) {}

  private azureRows(file: '10_inv.csv' | '100_inv.csv'): WorkloadTrace[] {
    let rows = this.azureCache.get(file);
    if (!rows) {
      const path = azureFunctionsTracePath(file, this.dataDir);
      const all = loadAzureFunctionsTrace(path);
      // One parse per file: read each row once and keep them all (100 × 1440 numbers).
      rows = [];
      for (let i = 0; ; i++) {
        try {
          rows.push(loadAzureFunctionsTrace(path, { rows: [i] }));
        } catch {
          break;
        }
        if (rows.length > 10_000) {
          break;
        }
      }
      if (rows.length === 0) {
        rows.push(all);
      }
      this.azureCache.set(file, rows);
    }
    return rows;
  }

  trace(spec: unknown, where: string): WorkloadTrace {
    if (!isRecord(spec)) {
      throw new ProtocolError(
        `${where}: expected an object ({"azure":…,"rows":[…]} | {"synthetic":…,"seed":…} | {"file":…})`
      );
    }
    if ('azure' in spec) {
      if (spec['azure'] !== '10_inv.csv' && spec['azure'] !== '100_inv.csv') {
        throw new ProtocolError(`${where}.azure: expected "10_inv.csv" or "100_inv.csv"`);
      }
      const rows = spec['rows'];
      if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Number.isInteger(r) && r >= 0)) {
        throw new ProtocolError(`${where}.rows: expected a non-empty list of 0-based row numbers`);
      }
      const all = this.azureRows(spec['azure']);
      const values = new Array<number>(all[0]!.values.length).fill(0);
      for (const r of rows as number[]) {
        const t = all[r];
        if (!t) {
          throw new ProtocolError(`${where}.rows: row ${r} out of range 0..${all.length - 1}`);
        }
        for (let i = 0; i < values.length; i++) {
          values[i]! += t.values[i] ?? 0;
        }
      }
      if (!values.some((v) => v > 0)) {
        throw new ProtocolError(`${where}: rows ${rows.join('+')} have no invocations`);
      }
      return { name: `${spec['azure']}#${rows.join('+')}`, stepSeconds: 60, values };
    }
    if ('synthetic' in spec) {
      const kind = spec['synthetic'];
      if (!(SYNTHETIC_KINDS as readonly unknown[]).includes(kind)) {
        throw new ProtocolError(
          `${where}.synthetic: expected one of ${SYNTHETIC_KINDS.map((k) => `"${k}"`).join(', ')}`
        );
      }
      const k = kind as SyntheticKind;
      const seed = optNumber(spec, 'seed', where) ?? 0;
      return syntheticTrace(
        k,
        Math.floor(seed),
        Math.floor(optNumber(spec, 'minutes', where, 60) ?? defaultSyntheticMinutes(k))
      );
    }
    if ('file' in spec) {
      if (typeof spec['file'] !== 'string') {
        throw new ProtocolError(`${where}.file: expected a path`);
      }
      const fn = spec['function'];
      try {
        return loadTraceFile(resolve(spec['file']), typeof fn === 'string' ? fn : undefined);
      } catch (err) {
        throw new ProtocolError(`${where}: ${(err as Error).message}`);
      }
    }
    throw new ProtocolError(`${where}: expected one of the keys azure, synthetic, file`);
  }

  spec(): Record<string, unknown> {
    const probe = new AutoscaleRlEnv({ trace: syntheticTrainingTrace('diurnal', 0, 60), durationSeconds: 60 });
    return {
      protocol: RL_ENV_PROTOCOL_VERSION,
      obsDim: OBS_DIM,
      obsFeatures: OBS_FEATURES,
      actionDim: ACTION_DIM,
      actions: RL_ACTIONS.map((a) => a.name),
      agentsPerEnv: probe.managed.length,
      services: probe.managed,
      entryService: probe.entry,
      defaults: {
        decisionSeconds: DEFAULT_RL_ENV.decisionSeconds,
        tickSeconds: DEFAULT_RL_ENV.tickSeconds,
        sloMs: DEFAULT_RL_ENV.sloMs,
        actionPenalty: DEFAULT_RL_ENV.actionPenalty,
        scale: DEFAULT_RL_ENV.scale,
      },
      reward:
        'per service: -(mean replicas over the interval / the service hard max) - actionPenalty if an action was applied',
      cost: 'per env: share of the interval ticks with the gateway p95 above the SLO',
      serviceCosts: `per service: share of the interval ticks with the gateway p95 above the SLO while the service's CPU utilisation was at least ${HOT_UTILISATION}`,
      replicaExcess:
        'with options.hpaTwin: per service, (mean replicas - the HPA twin mean replicas) / the service hard max over the interval',
      actionExcess: 'with options.hpaTwin: per service, scale events - the HPA twin scale events in the interval',
      hpaViolationShares:
        'with options.hpaTwin: per env, the HPA twin share of interval ticks with the gateway p95 above the SLO',
    };
  }

  reset(msg: Record<string, unknown>): Record<string, unknown> {
    const seeds = msg['seeds'];
    const traces = msg['traces'];
    if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) {
      throw new ProtocolError('reset.seeds: expected a non-empty list of non-negative integers');
    }
    if (!Array.isArray(traces) || traces.length !== seeds.length) {
      throw new ProtocolError(`reset.traces: expected ${seeds.length} trace specs (one per seed)`);
    }
    const optsList = msg['options'];
    if (
      optsList !== undefined &&
      !(Array.isArray(optsList) ? optsList.length === seeds.length && optsList.every(isRecord) : isRecord(optsList))
    ) {
      throw new ProtocolError('reset.options: expected an object or one object per env');
    }
    const envs = seeds.map((seed: number, i: number) => {
      const where = `reset.traces[${i}]`;
      const trace = this.trace(traces[i], where);
      const o = (Array.isArray(optsList) ? optsList[i] : (optsList ?? {})) as Record<string, unknown>;
      const ow = `reset.options${Array.isArray(optsList) ? `[${i}]` : ''}`;
      const opts: EpisodeOptions = {};
      for (const k of [
        'offsetMinutes',
        'episodeMinutes',
        'warmupMinutes',
        'decisionSeconds',
        'sloMs',
        'actionPenalty',
      ] as const) {
        const v = optNumber(o, k, ow);
        if (v !== undefined) {
          opts[k] = v;
        }
      }
      const twin = o['hpaTwin'];
      if (twin !== undefined && typeof twin !== 'boolean') {
        throw new ProtocolError(`${ow}.hpaTwin: expected true or false, got ${JSON.stringify(twin)}`);
      }
      if (twin === true) {
        opts.hpaTwin = true;
      }
      const warmup = (opts.warmupMinutes ?? 30) * 60;
      const traceSeconds = trace.values.length * trace.stepSeconds;
      const cfg: Partial<RlEnvConfig> & { trace: WorkloadTrace } = {
        trace,
        seed,
        warmupSeconds: warmup,
        workloadOffsetSeconds: (opts.offsetMinutes ?? 0) * 60,
        durationSeconds: warmup + (opts.episodeMinutes !== undefined ? opts.episodeMinutes * 60 : traceSeconds),
        ...(opts.decisionSeconds !== undefined ? { decisionSeconds: opts.decisionSeconds } : {}),
        ...(opts.sloMs !== undefined ? { sloMs: opts.sloMs } : {}),
        ...(opts.actionPenalty !== undefined ? { actionPenalty: opts.actionPenalty } : {}),
        ...(opts.hpaTwin ? { hpaTwin: true } : {}),
      };
      try {
        return new AutoscaleRlEnv(cfg);
      } catch (err) {
        throw new ProtocolError(`${where}: ${(err as Error).message}`);
      }
    });
    this.envs = envs;
    return {
      ok: true,
      obs: envs.map((e) => e.reset().map((o) => o.map(round))),
      traces: envs.map((e) => e.config.trace.name),
    };
  }

  step(msg: Record<string, unknown>): Record<string, unknown> {
    if (this.envs.length === 0) {
      throw new ProtocolError('step: send reset first');
    }
    const actions = msg['actions'];
    if (!Array.isArray(actions) || actions.length !== this.envs.length) {
      throw new ProtocolError(`step.actions: expected ${this.envs.length} lists of action indices (one per env)`);
    }
    for (const [i, a] of actions.entries()) {
      const n = this.envs[i]!.managed.length;
      if (!Array.isArray(a) || a.length !== n || !a.every((x) => Number.isInteger(x) && x >= 0 && x < ACTION_DIM)) {
        throw new ProtocolError(`step.actions[${i}]: expected ${n} integers in 0..${ACTION_DIM - 1}`);
      }
    }
    const out = {
      ok: true,
      obs: [] as number[][][],
      rewards: [] as number[][],
      costs: [] as number[],
      serviceCosts: [] as number[][],
      replicaExcess: [] as number[][],
      actionExcess: [] as number[][],
      hpaViolationShares: [] as number[],
      hpaReplicas: [] as number[][],
      hpaActions: [] as number[][],
      dones: [] as boolean[],
      infos: [] as unknown[],
    };
    for (const [i, env] of this.envs.entries()) {
      if (env.done) {
        // A finished env waits for the next reset; its answer stays well-formed.
        out.obs.push(env.managed.map(() => new Array<number>(OBS_DIM).fill(0)));
        out.rewards.push(env.managed.map(() => 0));
        out.costs.push(0);
        out.serviceCosts.push(env.managed.map(() => 0));
        out.replicaExcess.push(env.managed.map(() => 0));
        out.actionExcess.push(env.managed.map(() => 0));
        out.hpaViolationShares.push(0);
        out.hpaReplicas.push(env.managed.map(() => 0));
        out.hpaActions.push(env.managed.map(() => 0));
        out.dones.push(true);
        out.infos.push({ finished: true });
        continue;
      }
      const r = env.step(actions[i] as number[]);
      out.obs.push(r.obs.map((o) => o.map(round)));
      out.rewards.push(r.rewards.map(round));
      out.costs.push(round(r.cost));
      out.serviceCosts.push(r.serviceCosts.map(round));
      // Without the twin these are zeros (and the trainer must not constrain on them).
      out.replicaExcess.push(r.twin ? r.twin.replicaExcess.map(round) : env.managed.map(() => 0));
      out.actionExcess.push(r.twin ? r.twin.actionExcess : env.managed.map(() => 0));
      out.hpaViolationShares.push(r.twin ? round(r.twin.hpaViolationShare) : 0);
      out.hpaReplicas.push(r.twin ? r.twin.hpaReplicas.map(round) : env.managed.map(() => 0));
      out.hpaActions.push(r.twin ? r.twin.hpaActions : env.managed.map(() => 0));
      out.dones.push(r.done);
      out.infos.push(r.info);
    }
    return out;
  }

  /** Handles one input line; returns the answer and whether to stop. */
  handle(line: string): { answer: Record<string, unknown>; stop: boolean } {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      return { answer: { ok: false, error: `not JSON: ${(err as Error).message}` }, stop: false };
    }
    try {
      if (!isRecord(msg)) {
        throw new ProtocolError('expected a JSON object with a "cmd" field');
      }
      switch (msg['cmd']) {
        case 'spec':
          return { answer: { ok: true, spec: this.spec() }, stop: false };
        case 'reset':
          return { answer: this.reset(msg), stop: false };
        case 'step':
          return { answer: this.step(msg), stop: false };
        case 'close':
          return { answer: { ok: true, closed: true }, stop: true };
        default:
          throw new ProtocolError(`cmd: expected one of spec, reset, step, close; got ${JSON.stringify(msg['cmd'])}`);
      }
    } catch (err) {
      return { answer: { ok: false, error: (err as Error).message }, stop: false };
    }
  }
}

/** `aidpe rl-env [--data-dir DIR]`: serves the protocol on stdin/stdout until `close` or end of input. */
export async function runRlEnv(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'aidpe rl-env [--data-dir DIR]\n\nServes the autoscaling RL environment (the simulator, vectorised) over stdin/stdout as JSON lines\n' +
        'for a trainer: one command per line in (spec, reset, step, close), one answer per line out.\n' +
        'Protocol: models/autoscale/PROTOCOL.md. --data-dir: the shared data folder for "azure" traces (default $AIDPE_DATA_DIR, else ../shared/data).\n'
    );
    return 0;
  }
  const { values: flags } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' } },
    allowPositionals: false,
    strict: true,
  });
  const server = new RlEnvServer(flags['data-dir'] ? resolve(flags['data-dir']) : defaultDataDir());
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim().length === 0) {
      continue;
    }
    const { answer, stop } = server.handle(line);
    const text = JSON.stringify(answer) + '\n';
    if (!process.stdout.write(text)) {
      await new Promise<void>((r) => process.stdout.once('drain', () => r()));
    }
    if (stop) {
      break;
    }
  }
  rl.close();
  return 0;
}
