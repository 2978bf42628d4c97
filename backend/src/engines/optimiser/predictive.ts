/**
 * Forecast-driven scaling policy: provision capacity for a quantile of the request-rate forecast over the
 * next window before the load arrives, and fall back to a conservative HPA floor when the forecast cannot
 * be trusted.
 *
 * Forecast mode: the replicas it wants = max(the forecast's q-quantile over the next window ÷ (capacity per
 * replica × targetUtilization), current load ÷ (capacity × reactiveUtilization)), within the HPA's original
 * bounds. The quantile q follows the SLO risk (`quantileCalm` / `quantileNormal` / `quantileElevated`): a
 * regime monitor (`regime.ts`) judges every forecast against the load it meets and finds change points and
 * bursts; recent bursts, violations or a p95 near the SLO raise the risk, a long calm stretch with a
 * well-calibrated forecast lowers it. Quantiles other than the p50/p90 come from the forecast's own band
 * (log-normal between p50 and p90). A tolerance band (as in the HPA) keeps noise from moving replicas; a
 * rise is followed at once, a fall only after the need has stayed lower for `scaleDownDelaySeconds`, and
 * then in one step (StepHysteresis).
 *
 * Fallback mode (`fallback`): while the monitor finds the forecast unreliable (it keeps missing its p90,
 * a change point, repeated bursts) or the safety layer's breaker is degraded, the policy stops using the
 * forecast and keeps the HPA in charge above a floor sized from the recent peak load
 * (`fallbackPeakSeconds`, at `fallbackUtilization`), with the HPA target `fallbackHpaTarget`. It returns to
 * the forecast once the monitor trusts it again (and at least `fallbackMinSeconds` later). Fallback
 * proposals carry `basis: 'fallback'` and no forecast, so a degraded breaker admits them.
 * - parametric (default): the wanted number becomes the HPA's minReplicas and the HPA acts above the
 *   floor; optionally the HPA target moves too (`hpaTarget`), and a cap (`ceilingUtilization`) can release
 *   spare replicas after a burst instead of the HPA's 300 s hold.
 * - direct: that number is the replica count (no HPA involved; the fallback sets replicas the same way).
 *
 * Capacity per replica is taken from the state (the caller's estimate from telemetry) or estimated here
 * from request rate ÷ (CPU utilisation × ready replicas). The forecast comes from the state (`forecast`,
 * for callers that share one forecast across services) or is made here from `requestRateHistory` with the
 * forecast engine (`forecastRequestRate`: its statistical candidates plus a periodic one, and optionally
 * the same phase's empirical quantile for timer-driven load).
 */
import type { Candidate } from '../forecast/candidates.ts';
import type { HpaObjectSpec } from '../../kube/types.ts';
import { forecastRequestRate, RATE_CANDIDATES, summariseForecast } from './rateForecast.ts';
import { RegimeMonitor, type RegimeAssessment, type RegimeConfig, type SloRisk } from './regime.ts';
import type { IntegrationMode, Policy, Proposal, RateForecast, ServiceState } from './types.ts';
import { normalQuantile as acklamQuantile } from '../forecast/stats.ts';

// The forecast helpers moved to rateForecast.ts; importers of this module keep them.
export * from './rateForecast.ts';

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
  /**
   * The forecast quantile provisioned for at each SLO risk (calm / normal / elevated); unset: the p90 at
   * every risk. 0.9 is the forecast's own p90; others are read off its band (log-normal between p50, p90).
   */
  quantileCalm?: number;
  quantileNormal?: number;
  quantileElevated?: number;
  /** The risk is elevated while the p95 is above this share of the SLO (default 0.9). */
  riskLatencyShare?: number;
  /** Fall back to the HPA with a floor from recent peaks while the forecast is not trusted. */
  fallback?: boolean;
  /** The fallback floor covers the highest load of this recent window (seconds; default 900)… */
  fallbackPeakSeconds?: number;
  /** … at this utilisation (default the targetUtilization). */
  fallbackUtilization?: number;
  /** parametric: the HPA target while in fallback (default the baseline HPA's). */
  fallbackHpaTarget?: number;
  /** Stay in fallback at least this long once entered (seconds; default 900). */
  fallbackMinSeconds?: number;
  /**
   * Size replicas by square-root staffing (Halfin–Whitt): n = a + β√a for a load of a replicas at 100% CPU,
   * instead of a ÷ targetUtilization: large services run hotter and small ones cooler, because queueing pools
   * better over more servers. Unset: fixed utilisations.
   */
  staffingBeta?: number;
  /** parametric, with staffingBeta: set each HPA's target to the utilisation the staffing rule implies now. */
  hpaTargetByStaffing?: boolean;
  /** The range that target stays in (default [0.6, 0.85]). */
  hpaTargetRange?: [number, number];
  /** The regime monitor's settings (calibration window, CUSUM, bursts; `regime.ts`). */
  regime?: Partial<RegimeConfig>;
}

/**
 * Defaults: the utilisation and HPA settings were chosen on the Azure Functions 2019 trace 100_inv.csv; the
 * horizon and the fallback mode are the `autoscale-eval` candidate `fallback-horizon-10min`, which the
 * criterion picks on all four shared traces and on three of the four leave-one-trace-out folds (README,
 * "Autoscaling": the held-out figures beside it). Ten minutes ahead covers a replica's start-up and the HPA's
 * reaction on a slow ramp (a 2-minute floor sat barely above the current load on nyc_taxi).
 */
export const DEFAULT_PREDICTIVE_CONFIG: Readonly<PredictiveConfig> = Object.freeze({
  mode: 'parametric',
  horizonSeconds: 600,
  fallback: true,
  headroom: 0,
  targetUtilization: 0.85,
  reactiveUtilization: 0.85,
  tolerance: 0.1,
  hpaTarget: 0.85,
  scaleDownDelaySeconds: 180,
  phaseQuantile: 0.9,
});

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
  monitor: RegimeMonitor;
  /** The policy's operating mode for this service and since when. */
  operating: OperatingMode;
  operatingSinceMs?: number;
  /** The p95 above the SLO at the last call (recent violations raise the SLO risk). */
  lastViolationMs?: number;
}

export type OperatingMode = 'forecast' | 'fallback';

const Z90 = 1.2815515655446004;

/** The standard normal quantile (Acklam's approximation, shared with the forecast engine), for p clamped to (0, 1). */
export function normalQuantile(p: number): number {
  return acklamQuantile(Math.min(1 - 1e-12, Math.max(1e-12, p)));
}

/**
 * The largest q-quantile of the forecast over its first `horizonSeconds`: per step, p50 × (p90 ÷ p50)^(z_q ÷ z_0.9)
 * (a log-normal band through the forecast's p50 and p90; q = 0.9 gives the p90 itself).
 */
export function forecastQuantile(f: RateForecast, horizonSeconds: number, q: number): number {
  const n = Math.max(1, Math.min(f.p90.length, Math.ceil(horizonSeconds / f.stepSeconds)));
  const e = normalQuantile(q) / Z90;
  let best = 0;
  for (let k = 0; k < n; k++) {
    const p50 = Math.max(0, f.p50[k] ?? 0);
    const p90 = Math.max(p50, f.p90[k] ?? p50);
    const v = p50 > 1e-9 ? p50 * (p90 / p50) ** e : q >= 0.9 ? p90 : 0;
    best = Math.max(best, v);
  }
  return best;
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
      this.memory.set(
        service,
        (m = {
          floor: new StepHysteresis(),
          ceiling: new StepHysteresis(),
          monitor: new RegimeMonitor(this.config.regime ?? {}),
          operating: 'forecast',
        })
      );
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

  /** The operating mode of a service now (forecast or fallback), for reports. */
  operatingModeOf(service: string): OperatingMode {
    return this.memory.get(service)?.operating ?? 'forecast';
  }

  /** Switches to the fallback at once when the forecast is not trusted; back only after `fallbackMinSeconds`. */
  private operatingMode(
    m: ServiceMemory,
    state: ServiceState,
    a: RegimeAssessment,
    haveForecast: boolean,
    now: number
  ): OperatingMode {
    const c = this.config;
    if (!c.fallback) {
      return 'forecast';
    }
    const distrust = !a.reliable || state.breaker?.degraded === true || !haveForecast;
    if (m.operating === 'forecast' && distrust) {
      m.operating = 'fallback';
      m.operatingSinceMs = now;
    } else if (
      m.operating === 'fallback' &&
      !distrust &&
      now - (m.operatingSinceMs ?? -Infinity) >= (c.fallbackMinSeconds ?? 900) * 1000
    ) {
      m.operating = 'forecast';
      m.operatingSinceMs = now;
    }
    return m.operating;
  }

  /** Elevated after bursts, change points or recent violations, or with the p95 near the SLO; calm when the forecast has been well calibrated with none of those. */
  private sloRisk(m: ServiceMemory, state: ServiceState, a: RegimeAssessment): SloRisk {
    const c = this.config;
    const memory = (c.regime?.burstMemorySeconds ?? m.monitor.config.burstMemorySeconds) * 1000;
    if (
      a.risk === 'elevated' ||
      state.latencyP95Ms > (c.riskLatencyShare ?? 0.9) * state.sloMs ||
      (m.lastViolationMs !== undefined && state.timeMs - m.lastViolationMs <= memory)
    ) {
      return 'elevated';
    }
    return a.risk;
  }

  private quantileFor(risk: SloRisk): number | undefined {
    const c = this.config;
    const q = risk === 'calm' ? c.quantileCalm : risk === 'elevated' ? c.quantileElevated : c.quantileNormal;
    return q ?? ((c.quantileCalm ?? c.quantileNormal ?? c.quantileElevated) ? 0.9 : undefined);
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
    const now = state.timeMs;
    if (state.latencyP95Ms > state.sloMs) {
      m.lastViolationMs = now;
    }
    m.monitor.observe(now, state.requestRate, forecast);
    const assessment = m.monitor.assess(now);
    const operating = this.operatingMode(m, state, assessment, forecast !== undefined, now);
    if (!forecast && operating === 'forecast') {
      return undefined;
    }
    const f = forecast ? summariseForecast(forecast, c.horizonSeconds) : undefined;
    const u = c.targetUtilization ?? baseline.targetCpuUtilization;
    const ru = c.reactiveUtilization ?? u;
    const tol = c.tolerance ?? 0.1;
    const cur = state.replicas.desired;
    // What the forecast (or, in fallback, the recent peak) needs, and what the current load needs.
    const risk = this.sloRisk(m, state, assessment);
    const q = this.quantileFor(risk);
    let level: number;
    let levelU = u;
    let basisWhy: string;
    if (operating === 'fallback' || !forecast || !f) {
      const peakSeconds = c.fallbackPeakSeconds ?? 900;
      level = m.monitor.recentPeak(now, peakSeconds);
      levelU = c.fallbackUtilization ?? u;
      basisWhy =
        `forecast not trusted (${[...assessment.reasons, ...(state.breaker?.degraded ? ['the circuit breaker is degraded'] : []), ...(forecast ? [] : ['no forecast'])].join('; ') || 'recovering'}): ` +
        `fallback floor for the peak ${fmt(level)} req/s of the last ${Math.round(peakSeconds / 60)} min`;
    } else {
      level = (q === undefined ? f.p90 : forecastQuantile(forecast, c.horizonSeconds, q)) * (1 + c.headroom);
      const qText =
        q === undefined ? 'p90' : `q${fmt(q * 100, q * 100 === Math.round(q * 100) ? 0 : 1)} (SLO risk ${risk})`;
      basisWhy =
        `${qText} forecast ${fmt(level / (1 + c.headroom))} req/s over the next ${Math.round(f.horizonSeconds / 60)} min (p50 ${fmt(f.p50)}, p90 ${fmt(f.p90)}, model ${forecast.model ?? '?'})` +
        `${c.headroom > 0 ? ` × ${fmt(1 + c.headroom, 2)} headroom` : ''}`;
    }
    // Replicas for a load: a ÷ utilisation, or by square-root staffing a + β√a (a: the load in replicas at 100% CPU).
    const beta = c.staffingBeta;
    const replicasFor = (rate: number, util: number): number => {
      const a = rate / cap;
      return beta !== undefined ? a + beta * Math.sqrt(a) : a / util;
    };
    const forecastCont = replicasFor(level, levelU);
    const forecastNeed = Math.ceil(forecastCont - 1e-9);
    const reactiveCont = replicasFor(state.requestRate, ru);
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
      `${basisWhy} needs ${forecastNeed} replicas ${beta !== undefined ? `by square-root staffing (β ${fmt(beta, 2)})` : `at ${Math.round(levelU * 100)}%`} of ${fmt(cap)} req/s each; ` +
      `current ${fmt(state.requestRate)} req/s needs ${reactiveNeed}${beta !== undefined ? '' : ` at ${Math.round(ru * 100)}%`}`;
    const basis: Proposal['basis'] = operating === 'fallback' || !f ? 'fallback' : 'forecast';
    const attach = basis === 'forecast' && f ? { forecast: f } : {};

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
        const load = Math.max(level, state.requestRate);
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
              ? `; maxReplicas ${hpa.maxReplicas} → ${ceiling}: max(forecast, current load) needs ${rawCeil} at ${Math.round(c.ceilingUtilization * 100)}%, releasing spare replicas instead of holding them`
              : `; maxReplicas back to ${ceiling}`;
        }
      }
      let hpaTarget = basis === 'fallback' ? (c.fallbackHpaTarget ?? c.hpaTarget) : c.hpaTarget;
      if (c.hpaTargetByStaffing && beta !== undefined && basis === 'forecast') {
        // The utilisation square-root staffing gives at the current load, in 5-point steps, within the range.
        const a = Math.max(state.requestRate, 1e-9) / cap;
        const implied = a / Math.max(1, Math.ceil(a + beta * Math.sqrt(a) - 1e-9));
        const lo = c.hpaTargetRange?.[0] ?? 0.6;
        const hi = c.hpaTargetRange?.[1] ?? 0.85;
        const stepped = Math.min(hi, Math.max(lo, Math.floor(implied * 20 + 1e-9) / 20));
        // Move only on a whole step's difference (no flapping on the boundary).
        hpaTarget = Math.abs(stepped - hpa.targetCpuUtilization) >= 0.05 - 1e-9 ? stepped : hpa.targetCpuUtilization;
      }
      if (hpaTarget !== undefined && Math.abs(hpaTarget - hpa.targetCpuUtilization) > 1e-9) {
        change.targetCpuUtilization = hpaTarget;
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
          ? `; HPA target ${Math.round(hpa.targetCpuUtilization * 100)}% → ${Math.round(change.targetCpuUtilization * 100)}% (the HPA stays the net for surprises)`
          : '';
      return {
        policy: this.name,
        service: state.service,
        mode: 'parametric',
        hpa: change,
        reason: `${why}; ${verb}${ceilingWhy}${target}`,
        basis,
        ...attach,
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
      basis,
      ...attach,
    };
  }
}
