/**
 * The RL autoscaling policy at inference: a PPO actor (trained by `models/autoscale/train_ppo.py` against
 * the simulator through `aidpe rl-env`, shipped as ONNX) picks one discrete parametric action per service
 * every decision interval. Everything the actor sees and does is defined here, once, and used both by the
 * training environment (`eval/autoscale/rlEnv.ts`) and by the policy, so training and inference cannot
 * drift apart:
 * - the forecast (`rlRateForecast`: a cheap periodic-median / phase-quantile forecast; the forecast
 *   engine's full ensemble costs too much per simulated minute during training),
 * - the observation vector (`RlObservationBuilder`, `OBS_FEATURES`),
 * - the action set (`RL_ACTIONS`, `actionToProposal`).
 *
 * Pure: the network is injected as `infer(obs) → logits` (onnxruntime-node in `models/rlPolicyModel.ts`,
 * anything in tests); greedy argmax at inference.
 */
import { seasonalMedianProfile } from '../forecast/candidates.ts';
import { dominantPeriod, phaseQuantileProfile, summariseForecast } from './predictive.ts';
import type { HpaObjectSpec } from '../../kube/types.ts';
import type { IntegrationMode, Policy, Proposal, RateForecast, ServiceState } from './types.ts';

/** Names of the observation features, in order (the ONNX input is [batch, OBS_FEATURES.length]). */
export const OBS_FEATURES = [
  'forecast_p50_over_capacity',
  'forecast_p90_over_capacity',
  'rate_over_capacity',
  'p90_need_over_replicas',
  'replicas_over_hard_max',
  'hpa_min_over_hard_max',
  'hpa_max_over_hard_max',
  'hpa_target',
  'cpu_utilisation',
  'p95_over_slo',
  'error_rate_x10',
  'time_of_day_sin',
  'time_of_day_cos',
  'day_of_week',
  'starting_share',
  'forecast_available',
  'is_gateway',
  'hard_max_over_100',
] as const;
export const OBS_DIM = OBS_FEATURES.length;

/**
 * The discrete actions (parametric mode: the HPA stays in charge above the floor). Floors are set relative
 * to the replicas now, so one action can hold or pre-provision capacity whatever the HPA did meanwhile.
 */
export const RL_ACTIONS = [
  { name: 'noop' },
  { name: 'release_floor' },
  { name: 'floor_replicas_minus_1', floorDelta: -1 },
  { name: 'floor_replicas', floorDelta: 0 },
  { name: 'floor_replicas_plus_1', floorDelta: 1 },
  { name: 'floor_replicas_plus_2', floorDelta: 2 },
  { name: 'floor_replicas_plus_4', floorDelta: 4 },
  { name: 'target_down_5pct', targetDelta: -0.05 },
  { name: 'target_up_5pct', targetDelta: 0.05 },
] as const satisfies ReadonlyArray<{ name: string; floorDelta?: number; targetDelta?: number }>;
export const ACTION_DIM = RL_ACTIONS.length;

/** Range the actor may move the HPA target in (inside the safety layer's own 0.3–0.9). */
export const RL_TARGET_RANGE = { min: 0.5, max: 0.8 } as const;
/** The forecast window the observation summarises (as the predictive policy's horizon). */
export const RL_HORIZON_SECONDS = 120;
/** Utilisation at which `p90_need_over_replicas` counts replicas. */
const NEED_UTILISATION = 0.85;

const clip = (x: number, lo: number, hi: number): number => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : lo);

/**
 * A cheap request-rate forecast for the observation: p50 = the same phase's median over the last periods
 * when the recent history has a sub-daily period (else the median of the last 12 steps); p90 = the larger
 * of p50 + 1.28 σ (σ from step-to-step changes over the last 30 steps) and the same phase's empirical 90%
 * quantile. Undefined with fewer than 16 steps.
 */
export function rlRateForecast(
  history: { stepSeconds: number; values: ArrayLike<number>; lastTimestampMs: number },
  horizonSteps: number
): RateForecast | undefined {
  const y = Float64Array.from(history.values);
  const n = y.length;
  if (n < 16) {
    return undefined;
  }
  const period = dominantPeriod(y);
  let p50: Float64Array;
  if (period >= 2 && n >= 2 * period) {
    p50 = seasonalMedianProfile(y, period, horizonSteps, 6);
  } else {
    const recent = Array.from(y.subarray(Math.max(0, n - 12))).sort((a, b) => a - b);
    p50 = new Float64Array(horizonSteps).fill(recent[recent.length >> 1] ?? 0);
  }
  let sq = 0;
  let cnt = 0;
  for (let i = Math.max(1, n - 30); i < n; i++) {
    sq += (y[i]! - y[i - 1]!) ** 2;
    cnt++;
  }
  const sigma = cnt > 0 ? Math.sqrt(sq / cnt / 2) : 0;
  const pq = period >= 2 && n >= 4 * period ? phaseQuantileProfile(y, period, horizonSteps, 0.9) : undefined;
  const p90: number[] = [];
  const p10: number[] = [];
  for (let k = 0; k < horizonSteps; k++) {
    const m = Math.max(0, p50[k]!);
    p90.push(Math.max(m + 1.2816 * sigma, pq ? pq[k]! : 0));
    p10.push(Math.max(0, m - 1.2816 * sigma));
  }
  return {
    stepSeconds: history.stepSeconds,
    generatedAtMs: history.lastTimestampMs,
    p50: Array.from(p50, (v) => Math.max(0, v)),
    p90,
    p10,
    model: period >= 2 ? `rl periodic median (period ${period})` : 'rl recent median',
  };
}

/** Builds observation vectors; remembers each service's last capacity estimate for when telemetry has none. */
export class RlObservationBuilder {
  private readonly capacity = new Map<string, number>();

  constructor(
    private readonly baselines: Record<string, HpaObjectSpec>,
    private readonly entryService?: string
  ) {}

  /** Requests/s one ready replica serves at 100% CPU: the state's estimate, else rate ÷ (CPU × ready), else the last known. */
  capacityPerReplica(state: ServiceState): number | undefined {
    let cap = state.capacityPerReplicaRps;
    if (
      !(cap !== undefined && cap > 0) &&
      state.cpuUtilization > 0.05 &&
      state.replicas.ready > 0 &&
      state.requestRate > 0
    ) {
      cap = state.requestRate / (state.cpuUtilization * state.replicas.ready);
    }
    if (cap !== undefined && cap > 0 && Number.isFinite(cap)) {
      this.capacity.set(state.service, cap);
    }
    return this.capacity.get(state.service);
  }

  observe(state: ServiceState): Float32Array {
    const o = new Float32Array(OBS_DIM);
    const base = this.baselines[state.service] ?? state.hpa;
    const hardMax = Math.max(1, base?.maxReplicas ?? state.replicas.desired);
    const cap = this.capacityPerReplica(state);
    const desired = Math.max(1, state.replicas.desired);
    const served = cap !== undefined ? cap * Math.max(1, state.replicas.ready) : undefined;
    const f = state.forecast ? summariseForecast(state.forecast, RL_HORIZON_SECONDS) : undefined;
    if (served !== undefined) {
      if (f) {
        o[0] = clip(f.p50 / served, 0, 4);
        o[1] = clip(f.p90 / served, 0, 4);
        o[3] = clip(f.p90 / (cap! * NEED_UTILISATION) / desired, 0, 4);
      }
      o[2] = clip(state.requestRate / served, 0, 4);
    }
    o[4] = clip(state.replicas.desired / hardMax, 0, 2);
    o[5] = clip((state.hpa?.minReplicas ?? state.replicas.desired) / hardMax, 0, 2);
    o[6] = clip((state.hpa?.maxReplicas ?? state.replicas.desired) / hardMax, 0, 2);
    o[7] = clip(state.hpa?.targetCpuUtilization ?? 0.7, 0, 1);
    o[8] = clip(state.cpuUtilization, 0, 2);
    o[9] = clip(state.latencyP95Ms / state.sloMs, 0, 4);
    o[10] = clip(state.errorRate * 10, 0, 1);
    const angle = (2 * Math.PI * state.time.minuteOfDay) / 1440;
    o[11] = Math.sin(angle);
    o[12] = Math.cos(angle);
    o[13] = state.time.dayOfWeek / 6;
    o[14] = clip(state.replicas.starting / desired, 0, 1);
    o[15] = f && served !== undefined ? 1 : 0;
    o[16] = state.service === this.entryService ? 1 : 0;
    o[17] = clip(hardMax / 100, 0, 2);
    return o;
  }
}

/** The proposal an action stands for, or undefined when it changes nothing (no-op, or clamped to the current value). */
export function actionToProposal(
  action: number,
  state: ServiceState,
  baseline: HpaObjectSpec | undefined,
  policy = 'rl'
): Proposal | undefined {
  const a = RL_ACTIONS[action];
  if (!a) {
    throw new Error(`action ${action} out of range 0..${ACTION_DIM - 1}`);
  }
  const hpa = state.hpa;
  if (!hpa || !baseline || a.name === 'noop') {
    return undefined;
  }
  const change: NonNullable<Proposal['hpa']> = {};
  let reason: string;
  if ('targetDelta' in a) {
    const t =
      Math.round(clip(hpa.targetCpuUtilization + a.targetDelta, RL_TARGET_RANGE.min, RL_TARGET_RANGE.max) * 100) / 100;
    if (Math.abs(t - hpa.targetCpuUtilization) < 1e-9) {
      return undefined;
    }
    change.targetCpuUtilization = t;
    reason = `HPA target ${Math.round(hpa.targetCpuUtilization * 100)}% → ${Math.round(t * 100)}%`;
  } else {
    const raw = 'floorDelta' in a ? state.replicas.desired + a.floorDelta : baseline.minReplicas;
    const floor = Math.min(baseline.maxReplicas, Math.max(baseline.minReplicas, raw));
    if (floor === hpa.minReplicas) {
      return undefined;
    }
    change.minReplicas = floor;
    reason = `minReplicas ${hpa.minReplicas} → ${floor} (${a.name.replace(/_/g, ' ')}; ${state.replicas.desired} replicas now)`;
  }
  return { policy, service: state.service, mode: 'parametric', hpa: change, reason: `RL action ${a.name}: ${reason}` };
}

/** Index of the largest logit (the first on ties). */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) {
    if (logits[i]! > logits[best]!) {
      best = i;
    }
  }
  return best;
}

export type RlInfer = (obs: Float32Array) => Promise<Float32Array>;

/** The trained actor behind the `Policy` interface (parametric mode; the safety layer reviews every proposal). */
export class RlPolicy implements Policy {
  readonly name = 'rl';
  readonly mode: IntegrationMode = 'parametric';
  private readonly observations: RlObservationBuilder;

  constructor(
    private readonly infer: RlInfer,
    private readonly opts: { baselines: Record<string, HpaObjectSpec>; entryService?: string }
  ) {
    this.observations = new RlObservationBuilder(opts.baselines, opts.entryService);
  }

  async propose(state: ServiceState): Promise<Proposal | undefined> {
    // The sidecar's loop hands over the request-rate history, not a forecast: make the same cheap one the
    // policy was trained with.
    if (!state.forecast && state.requestRateHistory) {
      const h = state.requestRateHistory;
      const forecast = rlRateForecast(h, Math.max(1, Math.ceil(RL_HORIZON_SECONDS / h.stepSeconds)));
      if (forecast) {
        state = { ...state, forecast };
      }
    }
    const obs = this.observations.observe(state);
    const logits = await this.infer(obs);
    if (logits.length !== ACTION_DIM) {
      throw new Error(`the RL model returned ${logits.length} logits; expected ${ACTION_DIM}`);
    }
    return actionToProposal(argmax(logits), state, this.opts.baselines[state.service] ?? state.hpa, this.name);
  }
}
