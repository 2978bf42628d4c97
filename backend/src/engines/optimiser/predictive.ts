/**
 * Forecast-driven scaling policy: provision capacity for the p90 request-rate forecast over the next
 * window (with optional headroom) before the load arrives.
 *
 * The replicas it wants = max(p90 over the next window ÷ (capacity per replica × targetUtilization),
 * current load ÷ (capacity × reactiveUtilization)), within the HPA's original bounds. A tolerance band
 * (as in the HPA) keeps noise from moving replicas; a rise is followed at once, a fall only after the need
 * has stayed lower for `scaleDownDelaySeconds`, and then in one step (StepHysteresis).
 * - parametric (default): that number becomes the HPA's minReplicas and the HPA acts above the floor;
 *   optionally the HPA target moves too (`hpaTarget`), and a cap (`ceilingUtilization`) can release
 *   spare replicas after a burst instead of the HPA's 300 s hold.
 * - direct: that number is the replica count (no HPA involved).
 *
 * Capacity per replica is taken from the state (the caller's estimate from telemetry) or estimated here
 * from request rate ÷ (CPU utilisation × ready replicas). The forecast comes from the state (`forecast`,
 * for callers that share one forecast across services) or is made here from `requestRateHistory` with the
 * forecast engine (`forecastRequestRate`: its statistical candidates plus a periodic one, and optionally
 * the same phase's empirical quantile for timer-driven load).
 */
import {
  seasonalMedianProfile,
  STATISTICAL_CANDIDATES,
  type Candidate,
  type ForecastWindow,
} from '../forecast/candidates.ts';
import { forecastSeries } from '../forecast/engine.ts';
import type { HpaObjectSpec } from '../../kube/types.ts';
import type { IntegrationMode, Policy, Proposal, ProposalForecast, RateForecast, ServiceState } from './types.ts';

export interface PredictiveConfig {
  mode: IntegrationMode;
  /** The window the capacity must cover, seconds. */
  horizonSeconds: number;
  /** Extra capacity on top of the p90 forecast (0.1 = 10%). */
  headroom: number;
  /** Utilisation the forecast load should run at; default the HPA's (baseline) target. */
  targetUtilization?: number;
  /** parametric: the HPA target to set alongside the floor; undefined leaves the target alone. */
  hpaTarget?: number;
  /** Lower the floor (or replicas) only after the need has stayed lower for this long. */
  scaleDownDelaySeconds: number;
  /** direct: the current load is served at this utilisation at least (reactive floor). */
  reactiveUtilization?: number;
  /** direct: no change while the need stays within this fraction of the replicas (like the HPA's tolerance). */
  tolerance?: number;
  /**
   * parametric: release spare replicas early. When the replicas exceed, by more than `ceilingMargin`,
   * what max(p90 forecast, current load) needs at this utilisation, cap the HPA's maxReplicas there (one
   * forced scale-down instead of the HPA's 300 s stabilisation hold); the cap follows the need upwards at
   * once and is lifted back to the original maxReplicas `ceilingHoldSeconds` after it last bound.
   */
  ceilingUtilization?: number;
  /** Relative excess over the cap that engages it (default 0.2). */
  ceilingMargin?: number;
  /** How long the cap stays after it last bound (default 300 s, the HPA's scale-down window). */
  ceilingHoldSeconds?: number;
  /** Hysteresis for lowering an engaged cap (default scaleDownDelaySeconds). */
  ceilingDelaySeconds?: number;
  /** Lift the cap while the p95 is above the SLO (the HPA then answers surprises unbounded). */
  ceilingLiftAboveSlo?: boolean;
  /** Raise the p90 to the same phase's empirical quantile over the last periods (sub-daily timers). */
  phaseQuantile?: number;
  /**
   * Raise above the current replicas only when the need exceeds them by more than this fraction
   * (default 0: any excess). Each raise above the replicas is a forced scaling action; small ones are
   * left to the HPA, which acts on the realised load anyway.
   */
  raiseTolerance?: number;
  /**
   * When raising above the current replicas, go this fraction above the need (default 0), so a rising
   * load takes fewer, larger steps.
   */
  raiseStep?: number;
}

/**
 * Defaults chosen on the Azure Functions 2019 trace 100_inv.csv (sum of all functions) with
 * `aidpe autoscale-eval` and then kept fixed for the other traces (README, "Autoscaling"; the second
 * tuning round moved hpaTarget 0.8 → 0.85 for fewer scaling actions and replica-hours).
 */
export const DEFAULT_PREDICTIVE_CONFIG: Readonly<PredictiveConfig> = Object.freeze({
  mode: 'parametric',
  horizonSeconds: 120,
  headroom: 0,
  targetUtilization: 0.85,
  reactiveUtilization: 0.85,
  tolerance: 0.1,
  hpaTarget: 0.85,
  scaleDownDelaySeconds: 180,
  phaseQuantile: 0.9,
});

/**
 * The dominant sub-daily period of the recent history (steps), by autocorrelation: the smallest lag
 * within 10% of the best local maximum, if that correlation is at least `minCorrelation`; else 0.
 * Invocation traces are full of timers (every 5, 15, 30, 60 minutes), which a daily season misses.
 */
export function dominantPeriod(
  y: ArrayLike<number>,
  opts: { minLag?: number; maxLag?: number; span?: number; minCorrelation?: number } = {}
): number {
  const minLag = opts.minLag ?? 2;
  const span = Math.min(y.length, opts.span ?? 360);
  const maxLag = Math.min(opts.maxLag ?? 90, Math.floor(span / 3));
  if (maxLag < minLag) {
    return 0;
  }
  const start = y.length - span;
  let mean = 0;
  for (let i = start; i < y.length; i++) {
    mean += y[i]!;
  }
  mean /= span;
  let den = 0;
  for (let i = start; i < y.length; i++) {
    den += (y[i]! - mean) ** 2;
  }
  if (!(den > 0)) {
    return 0;
  }
  const acf = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let num = 0;
    for (let i = start + lag; i < y.length; i++) {
      num += (y[i]! - mean) * (y[i - lag]! - mean);
    }
    acf[lag] = num / den;
  }
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    if (acf[lag]! >= acf[lag - 1]! && acf[lag]! >= acf[lag + 1]! && acf[lag]! > (acf[best] ?? -Infinity)) {
      best = lag;
    }
  }
  if (best === 0 || acf[best]! < (opts.minCorrelation ?? 0.3)) {
    return 0;
  }
  for (let lag = minLag; lag < best; lag++) {
    if (acf[lag]! >= acf[lag - 1]! && acf[lag]! >= acf[lag + 1]! && acf[lag]! >= 0.9 * acf[best]!) {
      return lag;
    }
  }
  return best;
}

/**
 * Forecast candidate for sub-daily periodic load: detects the dominant period in each window's recent
 * history and forecasts the median of the same phase over the last periods (seasonal median with the
 * detected period); falls back to the recent median when there is no clear period. Offered to the
 * forecast engine next to its own candidates, so the backtest decides whether it helps.
 */
export const periodicMedian: Candidate = {
  name: 'periodic_median',
  applicable: (w: ForecastWindow) => w.values.length >= 24,
  predict: (windows: ForecastWindow[], h: number) =>
    windows.map((w) => {
      const y = w.values;
      const p = dominantPeriod(y);
      if (p >= 2 && y.length >= 2 * p) {
        return { p50: seasonalMedianProfile(y, p, h, 6) };
      }
      const recent = Array.from(y.subarray(Math.max(0, y.length - 12))).sort((a, b) => a - b);
      return { p50: new Float64Array(h).fill(recent[recent.length >> 1] ?? 0) };
    }),
};

/**
 * The q-quantile of the same phase over the last `seasons` periods, for each of the next h steps: an
 * empirical seasonal quantile forecast. Spikes that recur at a fixed phase (timers) show up here at
 * their phase only, where a residual-based band would widen every step.
 */
export function phaseQuantileProfile(
  y: ArrayLike<number>,
  period: number,
  h: number,
  q: number,
  seasons = 8
): Float64Array {
  const n = y.length;
  const out = new Float64Array(h);
  const buf: number[] = [];
  for (let k = 0; k < h; k++) {
    buf.length = 0;
    const phase = k % period;
    for (let j = 1; j <= seasons; j++) {
      const idx = n - j * period + phase;
      if (idx >= 0 && idx < n) {
        buf.push(y[idx]!);
      }
    }
    if (buf.length === 0) {
      continue;
    }
    buf.sort((a, b) => a - b);
    const pos = q * (buf.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(buf.length - 1, lo + 1);
    out[k] = buf[lo]! + (buf[hi]! - buf[lo]!) * (pos - lo);
  }
  return out;
}

/**
 * The forecast engine's statistical candidates plus the periodic one, less the two that cost the most
 * once there are two days of history (seasonal_level and median_1d: about 16 of the 25 ms per forecast at
 * 3,000 one-minute steps); daily seasonality stays covered by seasonal_naive and seasonal_median. The
 * replay forecasts every minute, so this keeps a 14-day replay to minutes.
 */
export const RATE_CANDIDATES: Candidate[] = [
  ...STATISTICAL_CANDIDATES.filter((c) => c.name !== 'seasonal_level' && c.name !== 'median_1d'),
  periodicMedian,
];

/**
 * Forecasts a request-rate history with the forecast engine (statistical candidates by default):
 * p10/p50/p90 for `horizonSteps` steps, or undefined when the engine cannot forecast it yet.
 */
export async function forecastRequestRate(
  history: { stepSeconds: number; values: ArrayLike<number>; lastTimestampMs: number },
  horizonSteps: number,
  candidates: Candidate[] = RATE_CANDIDATES,
  opts: { phaseQuantile?: number } = {}
): Promise<RateForecast | undefined> {
  const outcome = await forecastSeries(
    {
      values: Float64Array.from(history.values),
      stepSeconds: history.stepSeconds,
      lastTimestamp: history.lastTimestampMs / 1000,
    },
    { horizon: horizonSteps, quantiles: [0.1, 0.9] },
    candidates
  );
  const f = outcome.forecast;
  if (!f) {
    return undefined;
  }
  const clip = (a: Float64Array): number[] => Array.from(a, (v) => Math.max(0, v));
  const p90 = clip(f.quantiles.get(0.9) ?? f.p50);
  let model = outcome.model;
  if (opts.phaseQuantile !== undefined) {
    // The p90 is at least the same phase's empirical quantile over the last periods (when there is a period).
    const period = dominantPeriod(history.values);
    if (period >= 2 && history.values.length >= 4 * period) {
      const pq = phaseQuantileProfile(history.values, period, horizonSteps, opts.phaseQuantile);
      for (let k = 0; k < horizonSteps; k++) {
        p90[k] = Math.max(p90[k]!, pq[k]!);
      }
      model += ` + phase q${Math.round(opts.phaseQuantile * 100)} (period ${period} steps)`;
    }
  }
  return {
    stepSeconds: history.stepSeconds,
    generatedAtMs: history.lastTimestampMs,
    p50: clip(f.p50),
    p90,
    p10: clip(f.quantiles.get(0.1) ?? f.p50),
    model,
  };
}

/** The forecast over the first `horizonSeconds`: the largest p90, the mean p50 and the smallest p10. */
export function summariseForecast(f: RateForecast, horizonSeconds: number): ProposalForecast {
  const n = Math.max(1, Math.min(f.p90.length, Math.ceil(horizonSeconds / f.stepSeconds)));
  const p90 = Math.max(...f.p90.slice(0, n));
  const p50 = f.p50.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const p10 = f.p10 ? Math.min(...f.p10.slice(0, n)) : undefined;
  return { p90, p50, ...(p10 !== undefined ? { p10 } : {}), horizonSeconds: n * f.stepSeconds };
}

const fmt = (x: number, d = 1): string => x.toFixed(d);

/**
 * Raises at once; lowers only after the raw value has stayed below the held value for the delay, and
 * then in one step, to the highest raw value seen meanwhile (one scaling action instead of a staircase).
 */
export class StepHysteresis {
  value: number | undefined;
  private belowSinceMs: number | undefined;
  private maxBelow = -Infinity;

  update(raw: number, nowMs: number, delayMs: number): number {
    if (this.value === undefined || raw >= this.value) {
      this.value = raw;
      this.belowSinceMs = undefined;
      return raw;
    }
    if (this.belowSinceMs === undefined) {
      this.belowSinceMs = nowMs;
      this.maxBelow = raw;
    } else {
      this.maxBelow = Math.max(this.maxBelow, raw);
    }
    if (nowMs - this.belowSinceMs >= delayMs) {
      this.value = this.maxBelow;
      this.belowSinceMs = undefined;
    }
    return this.value;
  }
}

interface ServiceMemory {
  baseline?: HpaObjectSpec;
  capacity?: number;
  floor: StepHysteresis;
  ceiling: StepHysteresis;
  /** When the cap last bound (replicas at or above it); undefined when it is lifted. */
  ceilingBoundAtMs?: number;
}

export class PredictivePolicy implements Policy {
  readonly name = 'predictive';
  readonly mode: IntegrationMode;
  readonly config: PredictiveConfig;
  private readonly memory = new Map<string, ServiceMemory>();
  private readonly baselines: Record<string, HpaObjectSpec>;
  private readonly candidates: Candidate[];

  constructor(
    config: Partial<PredictiveConfig> = {},
    opts: { baselines?: Record<string, HpaObjectSpec>; candidates?: Candidate[] } = {}
  ) {
    this.config = { ...DEFAULT_PREDICTIVE_CONFIG, ...config };
    this.mode = this.config.mode;
    this.baselines = opts.baselines ?? {};
    this.candidates = opts.candidates ?? RATE_CANDIDATES;
  }

  private mem(service: string): ServiceMemory {
    let m = this.memory.get(service);
    if (!m) {
      this.memory.set(service, (m = { floor: new StepHysteresis(), ceiling: new StepHysteresis() }));
    }
    return m;
  }

  /** Requests/s one ready replica serves at 100% CPU: from the state, else rate ÷ (utilisation × ready), smoothed. */
  capacityPerReplica(state: ServiceState): number | undefined {
    if (state.capacityPerReplicaRps !== undefined && state.capacityPerReplicaRps > 0) {
      return state.capacityPerReplicaRps;
    }
    const m = this.mem(state.service);
    if (state.cpuUtilization > 0.05 && state.replicas.ready > 0 && state.requestRate > 0) {
      const obs = state.requestRate / (state.cpuUtilization * state.replicas.ready);
      m.capacity = m.capacity === undefined ? obs : 0.8 * m.capacity + 0.2 * obs;
    }
    return m.capacity;
  }

  async propose(state: ServiceState): Promise<Proposal | undefined> {
    const c = this.config;
    const m = this.mem(state.service);
    if (!m.baseline) {
      const b = this.baselines[state.service] ?? state.hpa;
      if (b) {
        m.baseline = { ...b };
      }
    }
    const baseline = m.baseline;
    if (!baseline) {
      return undefined;
    }
    const cap = this.capacityPerReplica(state);
    if (cap === undefined) {
      return undefined;
    }
    let forecast = state.forecast;
    if (!forecast && state.requestRateHistory) {
      const h = state.requestRateHistory;
      forecast = await forecastRequestRate(
        h,
        Math.max(1, Math.ceil(c.horizonSeconds / h.stepSeconds)),
        this.candidates,
        c.phaseQuantile !== undefined ? { phaseQuantile: c.phaseQuantile } : {}
      );
    }
    if (!forecast) {
      return undefined;
    }
    const f = summariseForecast(forecast, c.horizonSeconds);
    const u = c.targetUtilization ?? baseline.targetCpuUtilization;
    const ru = c.reactiveUtilization ?? u;
    const tol = c.tolerance ?? 0.1;
    const now = state.timeMs;
    const cur = state.replicas.desired;
    // What the p90 forecast needs, and what the current load needs.
    const forecastCont = (f.p90 * (1 + c.headroom)) / (cap * u);
    const forecastNeed = Math.ceil(forecastCont - 1e-9);
    const reactiveCont = state.requestRate / (cap * ru);
    const reactiveNeed = Math.ceil(reactiveCont - 1e-9);
    // Tolerance band (as in the HPA): the current load's need moves replicas only when it leaves
    // [cur·(1−tol), cur·(1+tol)]; the forecast's need (refreshed once per forecast step) raises them at
    // once (or only above cur·(1+raiseTolerance)) but lowers them only below cur·(1−tol). Lowering then
    // waits for the delay (StepHysteresis).
    const upTol = c.raiseTolerance ?? 0;
    const reactiveHeld =
      reactiveCont >= cur * (1 - tol) && reactiveCont <= cur * (1 + Math.max(tol, upTol)) ? cur : reactiveNeed;
    const forecastHeld = forecastCont >= cur * (1 - tol) && forecastCont <= cur * (1 + upTol) ? cur : forecastNeed;
    // Raising above the replicas is a forced scaling action: optionally overshoot the need by raiseStep.
    let rawNeed = Math.max(forecastHeld, reactiveHeld);
    if (rawNeed > cur && (c.raiseStep ?? 0) > 0) {
      rawNeed = Math.max(rawNeed, Math.ceil(Math.max(forecastCont, reactiveCont) * (1 + c.raiseStep!) - 1e-9));
    }
    const held = m.floor.update(rawNeed, now, c.scaleDownDelaySeconds * 1000);
    const want = Math.min(baseline.maxReplicas, Math.max(baseline.minReplicas, held));
    const why =
      `p90 forecast ${fmt(f.p90)} req/s over the next ${Math.round(f.horizonSeconds / 60)} min (p50 ${fmt(f.p50)}, model ${forecast.model ?? '?'})` +
      `${c.headroom > 0 ? ` × ${fmt(1 + c.headroom, 2)} headroom` : ''} needs ${forecastNeed} replicas at ${Math.round(u * 100)}% of ${fmt(cap)} req/s each; ` +
      `current ${fmt(state.requestRate)} req/s needs ${reactiveNeed} at ${Math.round(ru * 100)}%`;

    if (c.mode === 'parametric') {
      const hpa = state.hpa;
      if (!hpa) {
        return undefined;
      }
      const change: Proposal['hpa'] = {};
      if (want !== hpa.minReplicas) {
        change.minReplicas = want;
      }
      let ceilingWhy = '';
      if (c.ceilingUtilization !== undefined) {
        const load = Math.max(f.p90 * (1 + c.headroom), state.requestRate);
        const rawCeil = Math.ceil(load / (cap * c.ceilingUtilization) - 1e-9);
        const heldCeil = Math.min(
          baseline.maxReplicas,
          Math.max(
            want,
            baseline.minReplicas,
            m.ceiling.update(rawCeil, now, (c.ceilingDelaySeconds ?? c.scaleDownDelaySeconds) * 1000)
          )
        );
        const engaged = m.ceilingBoundAtMs !== undefined;
        let ceiling = baseline.maxReplicas;
        // The cap only releases spare replicas: while the p95 is above the SLO it is lifted, so the HPA
        // can answer a surprise that the forecast and the measured load do not show yet.
        if (c.ceilingLiftAboveSlo && state.latencyP95Ms > state.sloMs) {
          m.ceilingBoundAtMs = undefined;
        } else if (cur > heldCeil * (1 + (c.ceilingMargin ?? 0.2)) || (engaged && cur >= heldCeil)) {
          m.ceilingBoundAtMs = now;
        }
        if (m.ceilingBoundAtMs !== undefined) {
          if (now - m.ceilingBoundAtMs <= (c.ceilingHoldSeconds ?? 300) * 1000) {
            ceiling = heldCeil;
          } else {
            m.ceilingBoundAtMs = undefined;
          }
        }
        if (ceiling !== hpa.maxReplicas) {
          change.maxReplicas = ceiling;
          ceilingWhy =
            ceiling < baseline.maxReplicas
              ? `; maxReplicas ${hpa.maxReplicas} → ${ceiling}: max(p90, current load) needs ${rawCeil} at ${Math.round(c.ceilingUtilization * 100)}%, releasing spare replicas instead of holding them`
              : `; maxReplicas back to ${ceiling}`;
        }
      }
      if (c.hpaTarget !== undefined && Math.abs(c.hpaTarget - hpa.targetCpuUtilization) > 1e-9) {
        change.targetCpuUtilization = c.hpaTarget;
      }
      if (Object.keys(change).length === 0) {
        return undefined;
      }
      const verb =
        want > hpa.minReplicas
          ? `raising minReplicas ${hpa.minReplicas} → ${want}${want > cur ? ' ahead of the load' : ''}`
          : want < hpa.minReplicas
            ? `lowering minReplicas ${hpa.minReplicas} → ${want} (the need stayed lower for ${c.scaleDownDelaySeconds} s)`
            : `minReplicas stays ${want}`;
      const target =
        change.targetCpuUtilization !== undefined
          ? `; HPA target ${Math.round(hpa.targetCpuUtilization * 100)}% → ${Math.round(change.targetCpuUtilization * 100)}% (the HPA stays the safety net for surprises)`
          : '';
      return {
        policy: this.name,
        service: state.service,
        mode: 'parametric',
        hpa: change,
        reason: `${why}; ${verb}${ceilingWhy}${target}`,
        forecast: f,
      };
    }

    if (want === cur) {
      return undefined;
    }
    const verb = want > cur ? 'scaling up' : `scaling down (the need stayed lower for ${c.scaleDownDelaySeconds} s)`;
    return {
      policy: this.name,
      service: state.service,
      mode: 'direct',
      replicas: want,
      reason: `${why}; ${verb}: ${cur} → ${want}`,
      forecast: f,
    };
  }
}
