/**
 * The safety layer between every policy and the actuator. `review` turns a proposal into what may be
 * applied, rule by rule; every rule records whether it allowed, clamped or rejected the proposal and why.
 *
 * Rules, in order: validity → circuit breaker → freeze windows → (per replica count or HPA field) hard
 * min/max → maximum step per window (absolute and percent) → cooldowns → no scale-down while p95 latency
 * is above the SLO → no scale-down below the capacity the p90 forecast needs → budget cap (cost of the
 * replicas) → target-utilisation bounds → projection onto the feasible set (min ≤ max).
 *
 * Each numeric field has a feasible interval; every rule narrows it and the proposal is projected onto it
 * (clamped to the nearest feasible value). When a rule leaves nothing feasible the change is rejected. So
 * an applied action is always inside every guard, which `GuardAuditor` (written independently, as plain
 * predicates) and the property tests check.
 *
 * Parametric mode (moving the HPA's min/max/target): a Kubernetes HPA jumps straight to a new bound when
 * the replicas fall outside it, with no rate limit, so a raised minReplicas above the current replicas
 * is a forced scale-up and a lowered maxReplicas below them a forced scale-down; both are step-limited,
 * cooled down and guarded here like direct changes. Lowering minReplicas or raising the target lets the
 * HPA scale down, so they count as scale-down intent for the SLO guard and the cooldown.
 *
 * The circuit breaker watches outcomes (`observe`, after `commit`): an action that could lower capacity
 * after which the service runs above the SLO and worse than before, or whose forecast missed the load
 * realised over its window by more than the tolerance, is a bad outcome; enough of them within the window open the breaker, which rejects every
 * proposal until an operator calls `resume`.
 */
import type {
  HpaChange,
  Proposal,
  ProposalForecast,
  RuleDecision,
  SafetyRule,
  SafetyVerdict,
  ServiceState,
} from './types.ts';

export interface StepLimit {
  /** At most this many pods … */
  pods: number;
  /** … and at most this percent of the replicas at the start of the window (at least one pod). */
  percent: number;
}

export type FreezeWindow =
  | { startMs: number; endMs: number; reason: string }
  /** Every day (UTC) from startMinute to endMinute (wrapping past midnight when end < start). */
  | { dailyStartMinute: number; dailyEndMinute: number; reason: string };

export interface CircuitBreakerConfig {
  /** Bad outcomes of one service's actions within `windowSeconds` that open the breaker. */
  maxBadOutcomes: number;
  windowSeconds: number;
  /** How long after an action its outcome is judged (at most the forecast window it rested on). */
  observeSeconds: number;
  /** "SLO worse": p95 above the SLO and above this factor × the p95 before the action. */
  sloWorsenFactor: number;
  /** "Forecast out of bounds": the mean rate realised over the window above p90 × (1 + tol) or below p10 ÷ (1 + tol). */
  forecastErrorTolerance: number;
}

export interface SafetyConfig {
  hardBounds: {
    minReplicas: number;
    maxReplicas: number;
    services?: Record<string, { minReplicas: number; maxReplicas: number }>;
  };
  maxStepUp: StepLimit;
  maxStepDown: StepLimit;
  /** The step limits hold for the net change within any window of this length. */
  stepWindowSeconds: number;
  /** Minimum time between two capacity increases. */
  scaleUpCooldownSeconds: number;
  /** Minimum time after any applied action before a capacity decrease (or a loosening of the HPA). */
  scaleDownCooldownSeconds: number;
  targetUtilization: { min: number; max: number; maxStep: number };
  /** Utilisation per replica at which the forecast guard counts capacity (a replica at 100% CPU is overloaded). */
  capacityUtilization: number;
  /** Cap on the cost of all replicas (default cost 1 per replica). */
  budget?: { maxCost: number; costPerReplica?: Record<string, number> };
  freezeWindows: FreezeWindow[];
  circuitBreaker: CircuitBreakerConfig;
}

export const DEFAULT_SAFETY_CONFIG: Readonly<SafetyConfig> = Object.freeze({
  hardBounds: { minReplicas: 1, maxReplicas: 50 },
  maxStepUp: { pods: 8, percent: 100 },
  maxStepDown: { pods: 4, percent: 50 },
  stepWindowSeconds: 60,
  scaleUpCooldownSeconds: 0,
  scaleDownCooldownSeconds: 120,
  targetUtilization: { min: 0.3, max: 0.9, maxStep: 0.1 },
  capacityUtilization: 0.9,
  freezeWindows: [],
  circuitBreaker: {
    maxBadOutcomes: 3,
    windowSeconds: 1800,
    observeSeconds: 300,
    sloWorsenFactor: 1.2,
    forecastErrorTolerance: 0.5,
  },
});

/** Replicas of every service now (for the budget), keyed by service. */
export interface ClusterContext {
  replicas: Record<string, number>;
}

/** Allowed step from `base` replicas: min(pods, max(1, ⌈percent% × base⌉)). */
export function stepAllowance(base: number, limit: StepLimit): number {
  return Math.max(0, Math.min(limit.pods, Math.max(1, Math.ceil((base * limit.percent) / 100))));
}

export function inFreezeWindow(windows: readonly FreezeWindow[], timeMs: number): FreezeWindow | undefined {
  const minute = Math.floor((((timeMs % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
  return windows.find((w) => {
    if ('startMs' in w) {
      return timeMs >= w.startMs && timeMs < w.endMs;
    }
    return w.dailyStartMinute <= w.dailyEndMinute
      ? minute >= w.dailyStartMinute && minute < w.dailyEndMinute
      : minute >= w.dailyStartMinute || minute < w.dailyEndMinute;
  });
}

export function hardBoundsFor(config: SafetyConfig, service: string): { minReplicas: number; maxReplicas: number } {
  return (
    config.hardBounds.services?.[service] ?? {
      minReplicas: config.hardBounds.minReplicas,
      maxReplicas: config.hardBounds.maxReplicas,
    }
  );
}

export function costPerReplica(config: SafetyConfig, service: string): number {
  return config.budget?.costPerReplica?.[service] ?? 1;
}

/** The largest p90 the proposal (or else the state) expects over the next window, req/s. */
export function forecastP90(proposal: Proposal, state: ServiceState): number | undefined {
  if (proposal.forecast && Number.isFinite(proposal.forecast.p90)) {
    return proposal.forecast.p90;
  }
  const p90 = state.forecast?.p90;
  if (p90 && p90.length > 0) {
    return Math.max(...p90);
  }
  return undefined;
}

/** Replicas needed to serve `rate` at the capacity utilisation. */
export function replicasNeeded(rate: number, capacityPerReplicaRps: number, utilization: number): number {
  return Math.max(0, Math.ceil(rate / (capacityPerReplicaRps * utilization) - 1e-9));
}

/** One committed action, as both the safety layer and the auditor remember it. */
export interface CommittedAction {
  timeMs: number;
  service: string;
  mode: Proposal['mode'];
  replicasBefore: number;
  /** direct: the replicas set; parametric: the replicas the HPA is forced to (or undefined when it is not forced). */
  forcedReplicas: number | undefined;
  /** Whether the action raised capacity / can lower it. */
  up: boolean;
  down: boolean;
}

/** Classifies an applied proposal against the state it was applied to. */
export function classifyAction(applied: Proposal, state: ServiceState): CommittedAction {
  const cur = state.replicas.desired;
  if (applied.mode === 'direct') {
    const r = applied.replicas ?? cur;
    return {
      timeMs: state.timeMs,
      service: applied.service,
      mode: 'direct',
      replicasBefore: cur,
      forcedReplicas: r,
      up: r > cur,
      down: r < cur,
    };
  }
  const h = applied.hpa ?? {};
  const hpa = state.hpa;
  const min = h.minReplicas;
  const max = h.maxReplicas;
  const t = h.targetCpuUtilization;
  let forced: number | undefined;
  if (min !== undefined && min > cur) {
    forced = min;
  }
  if (max !== undefined && max < cur) {
    forced = max;
  }
  const up =
    (min !== undefined && min > cur) ||
    (t !== undefined && hpa !== undefined && t < hpa.targetCpuUtilization) ||
    (min !== undefined && hpa !== undefined && min > hpa.minReplicas);
  const down =
    (max !== undefined && max < cur) ||
    (t !== undefined && hpa !== undefined && t > hpa.targetCpuUtilization) ||
    (min !== undefined && hpa !== undefined && min < hpa.minReplicas);
  return {
    timeMs: state.timeMs,
    service: applied.service,
    mode: 'parametric',
    replicasBefore: cur,
    forcedReplicas: forced,
    up,
    down,
  };
}

interface Interval {
  lo: number;
  hi: number;
}

interface PendingOutcome {
  service: string;
  appliedAtMs: number;
  /** When the outcome is judged: observeSeconds later, or at the end of the forecast window if sooner. */
  judgeAtMs: number;
  latencyBeforeMs: number;
  forecast: ProposalForecast | undefined;
  /** Whether the action could lower capacity (only those can make the SLO worse). */
  down: boolean;
  /** Request rates observed since the action (the forecast is judged on their mean). */
  rateSum: number;
  rateCount: number;
}

export interface OutcomeRecord {
  timeMs: number;
  service: string;
  actionAtMs: number;
  bad: boolean;
  reasons: string[];
}

export interface BreakerState {
  open: boolean;
  openedAtMs?: number;
  reason?: string;
  resumedBy?: string;
  resumedAtMs?: number;
}

const fmt = (x: number): string =>
  Number.isInteger(x) ? String(x) : x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');

export class SafetyLayer {
  readonly config: SafetyConfig;
  private readonly actions: CommittedAction[] = [];
  private readonly pending: PendingOutcome[] = [];
  private readonly outcomes: OutcomeRecord[] = [];
  private breakerState: BreakerState = { open: false };

  constructor(config: Partial<SafetyConfig> = {}) {
    this.config = { ...structuredClone(DEFAULT_SAFETY_CONFIG), ...config } as SafetyConfig;
  }

  breaker(): BreakerState {
    return { ...this.breakerState };
  }

  outcomeLog(): OutcomeRecord[] {
    return this.outcomes.map((o) => ({ ...o, reasons: [...o.reasons] }));
  }

  committed(): CommittedAction[] {
    return this.actions.map((a) => ({ ...a }));
  }

  /** Closes the breaker (an operator's explicit decision) and forgets the bad outcomes that opened it. */
  resume(operator: string, nowMs: number): void {
    this.breakerState = { open: false, resumedBy: operator, resumedAtMs: nowMs };
    for (const o of this.outcomes) {
      o.bad = false;
    }
  }

  /** Re-opens a breaker that was open before a restart (automation stays paused until an operator resumes it). */
  restoreBreaker(state: BreakerState): void {
    this.breakerState = { ...state };
  }

  /** Replicas at the start of the step window: before the earliest action committed within it. */
  private windowBase(service: string, nowMs: number, current: number): number {
    const from = nowMs - this.config.stepWindowSeconds * 1000;
    const first = this.actions.find((a) => a.service === service && a.timeMs > from && a.forcedReplicas !== undefined);
    return first ? first.replicasBefore : current;
  }

  private lastTime(service: string, pred: (a: CommittedAction) => boolean): number {
    for (let i = this.actions.length - 1; i >= 0; i--) {
      const a = this.actions[i] as CommittedAction;
      if (a.service === service && pred(a)) {
        return a.timeMs;
      }
    }
    return -Infinity;
  }

  review(proposal: Proposal, state: ServiceState, cluster?: ClusterContext): SafetyVerdict {
    const decisions: RuleDecision[] = [];
    const now = state.timeMs;
    const reject = (rule: SafetyRule, reason: string): SafetyVerdict => {
      decisions.push({ rule, action: 'rejected', reason });
      return { timeMs: now, proposal, applied: undefined, outcome: 'rejected', decisions };
    };

    // Validity.
    if (proposal.service !== state.service) {
      return reject('validity', `proposal for "${proposal.service}" reviewed against the state of "${state.service}"`);
    }
    if (proposal.mode === 'direct') {
      const r = proposal.replicas;
      if (r === undefined || !Number.isInteger(r) || r < 0) {
        return reject('validity', `direct mode needs a whole, non-negative replica count (got ${String(r)})`);
      }
    } else {
      if (!state.hpa) {
        return reject('validity', `parametric mode needs an HPA on ${state.service}; it has none`);
      }
      const h = proposal.hpa;
      if (!h || (h.minReplicas === undefined && h.maxReplicas === undefined && h.targetCpuUtilization === undefined)) {
        return reject('validity', 'parametric mode needs minReplicas, maxReplicas or targetCpuUtilization');
      }
      for (const k of ['minReplicas', 'maxReplicas'] as const) {
        const v = h[k];
        if (v !== undefined && !(Number.isInteger(v) && v >= 1)) {
          return reject('validity', `${k} must be a whole number ≥ 1 (got ${String(v)})`);
        }
      }
      const t = h.targetCpuUtilization;
      if (t !== undefined && !(t > 0 && t <= 1)) {
        return reject('validity', `targetCpuUtilization must be in (0, 1] (got ${String(t)})`);
      }
    }
    decisions.push({ rule: 'validity', action: 'allowed', reason: 'well-formed proposal' });

    // Circuit breaker and freeze windows reject everything.
    if (this.breakerState.open) {
      return reject(
        'circuit_breaker',
        `automation paused since ${new Date(this.breakerState.openedAtMs ?? now).toISOString()}: ${this.breakerState.reason ?? 'repeated bad outcomes'}; an operator must resume it`
      );
    }
    decisions.push({ rule: 'circuit_breaker', action: 'allowed', reason: 'breaker closed' });
    const freeze = inFreezeWindow(this.config.freezeWindows, now);
    if (freeze) {
      return reject('freeze_window', `freeze window: ${freeze.reason}`);
    }
    decisions.push({ rule: 'freeze_window', action: 'allowed', reason: 'outside every freeze window' });

    return proposal.mode === 'direct'
      ? this.reviewDirect(proposal, state, cluster, decisions)
      : this.reviewParametric(proposal, state, cluster, decisions);
  }

  /** The constraints on one replica-valued quantity, in rule order. */
  private replicaRules(
    state: ServiceState,
    proposal: Proposal,
    cluster: ClusterContext | undefined,
    field: 'replicas' | 'minReplicas' | 'maxReplicas'
  ): Array<{ rule: SafetyRule; interval: Interval; why: string }> {
    const c = this.config;
    const now = state.timeMs;
    const cur = state.replicas.desired;
    const service = state.service;
    const hpa = state.hpa;
    const out: Array<{ rule: SafetyRule; interval: Interval; why: string }> = [];
    const hard = hardBoundsFor(c, service);
    out.push({
      rule: 'hard_bounds',
      interval: { lo: hard.minReplicas, hi: hard.maxReplicas },
      why: `hard bounds [${hard.minReplicas}, ${hard.maxReplicas}]`,
    });

    const base = this.windowBase(service, now, cur);
    const up = stepAllowance(base, c.maxStepUp);
    const down = stepAllowance(base, c.maxStepDown);
    const stepLo = base - down;
    const stepHi = base + up;
    if (field === 'replicas') {
      out.push({
        rule: 'max_step',
        interval: { lo: stepLo, hi: stepHi },
        why: `at most +${up}/−${down} from ${base} replicas per ${c.stepWindowSeconds} s`,
      });
    } else if (field === 'minReplicas') {
      // A minReplicas above the current replicas forces the HPA up to it at once.
      out.push({
        rule: 'max_step',
        interval: { lo: -Infinity, hi: Math.max(cur, stepHi) },
        why: `minReplicas above ${cur} replicas forces an immediate scale-up: at most +${up} from ${base} per ${c.stepWindowSeconds} s`,
      });
    } else {
      out.push({
        rule: 'max_step',
        interval: { lo: Math.min(cur, stepLo), hi: Infinity },
        why: `maxReplicas below ${cur} replicas forces an immediate scale-down: at most −${down} from ${base} per ${c.stepWindowSeconds} s`,
      });
    }

    const sinceUp = (now - this.lastTime(service, (a) => a.up)) / 1000;
    const sinceAny = (now - this.lastTime(service, () => true)) / 1000;
    const upCool = sinceUp < c.scaleUpCooldownSeconds;
    const downCool = sinceAny < c.scaleDownCooldownSeconds;
    const cool: Interval = { lo: -Infinity, hi: Infinity };
    const why: string[] = [];
    if (field === 'replicas') {
      if (upCool) {
        cool.hi = cur;
        why.push(`last scale-up ${fmt(sinceUp)} s ago (< ${c.scaleUpCooldownSeconds} s)`);
      }
      if (downCool) {
        cool.lo = cur;
        why.push(`last action ${fmt(sinceAny)} s ago (< ${c.scaleDownCooldownSeconds} s scale-down cooldown)`);
      }
    } else if (field === 'minReplicas') {
      if (upCool) {
        cool.hi = Math.max(cur, hpa?.minReplicas ?? 1);
        why.push(`last scale-up ${fmt(sinceUp)} s ago (< ${c.scaleUpCooldownSeconds} s): no forced scale-up`);
      }
      if (downCool) {
        cool.lo = hpa?.minReplicas ?? 1;
        why.push(`last action ${fmt(sinceAny)} s ago (< ${c.scaleDownCooldownSeconds} s): minReplicas not lowered`);
      }
    } else if (downCool) {
      cool.lo = cur;
      why.push(`last action ${fmt(sinceAny)} s ago (< ${c.scaleDownCooldownSeconds} s): no forced scale-down`);
    }
    out.push({ rule: 'cooldown', interval: cool, why: why.length > 0 ? why.join('; ') : 'no cooldown active' });

    if (state.latencyP95Ms > state.sloMs) {
      const lo = field === 'minReplicas' ? (hpa?.minReplicas ?? 1) : cur;
      out.push({
        rule: 'slo_guard',
        interval: { lo, hi: Infinity },
        why: `p95 ${fmt(state.latencyP95Ms)} ms is above the ${fmt(state.sloMs)} ms SLO: no scale-down`,
      });
    } else {
      out.push({
        rule: 'slo_guard',
        interval: { lo: -Infinity, hi: Infinity },
        why: `p95 ${fmt(state.latencyP95Ms)} ms within the ${fmt(state.sloMs)} ms SLO`,
      });
    }

    const p90 = forecastP90(proposal, state);
    if (p90 !== undefined && state.capacityPerReplicaRps !== undefined && state.capacityPerReplicaRps > 0) {
      const need = replicasNeeded(p90, state.capacityPerReplicaRps, c.capacityUtilization);
      const ref = field === 'minReplicas' ? (hpa?.minReplicas ?? 1) : cur;
      out.push({
        rule: 'forecast_capacity_guard',
        interval: { lo: Math.min(ref, need), hi: Infinity },
        why: `p90 forecast ${fmt(p90)} req/s needs ${need} replicas at ${fmt(c.capacityUtilization * 100)}% of ${fmt(state.capacityPerReplicaRps)} req/s: no scale-down below it`,
      });
    } else {
      out.push({
        rule: 'forecast_capacity_guard',
        interval: { lo: -Infinity, hi: Infinity },
        why: 'no forecast or capacity estimate to check against',
      });
    }

    if (c.budget) {
      const others = Object.entries(cluster?.replicas ?? {}).reduce(
        (s, [svc, n]) => (svc === service ? s : s + n * costPerReplica(c, svc)),
        0
      );
      const per = costPerReplica(c, service);
      const affordable = Math.floor((c.budget.maxCost - others) / per + 1e-9);
      out.push({
        rule: 'budget',
        interval: { lo: -Infinity, hi: affordable },
        why: `budget ${fmt(c.budget.maxCost)}: others cost ${fmt(others)}, so at most ${affordable} replicas at ${fmt(per)} each`,
      });
    }
    return out;
  }

  /** Narrows [lo, hi] rule by rule and projects the candidate; undefined when a rule leaves nothing feasible. */
  private project(
    label: string,
    current: number,
    wanted: number,
    rules: Array<{ rule: SafetyRule; interval: Interval; why: string }>,
    decisions: RuleDecision[]
  ): number | undefined {
    let lo = -Infinity;
    let hi = Infinity;
    let candidate = wanted;
    for (const r of rules) {
      const nlo = Math.max(lo, r.interval.lo);
      const nhi = Math.min(hi, r.interval.hi);
      if (nlo > nhi) {
        decisions.push({
          rule: r.rule,
          action: 'rejected',
          reason: `${label}: ${r.why}; no value satisfies it together with the rules before it`,
        });
        return undefined;
      }
      lo = nlo;
      hi = nhi;
      const next = Math.min(hi, Math.max(lo, candidate));
      if (next !== candidate) {
        const blocked = next === current && wanted !== current;
        decisions.push({
          rule: r.rule,
          action: blocked ? 'rejected' : 'clamped',
          reason: `${label} ${fmt(candidate)} → ${fmt(next)}: ${r.why}`,
        });
        candidate = next;
      } else {
        decisions.push({ rule: r.rule, action: 'allowed', reason: `${label} ${fmt(candidate)}: ${r.why}` });
      }
    }
    return candidate;
  }

  private finish(
    proposal: Proposal,
    applied: Proposal | undefined,
    decisions: RuleDecision[],
    now: number,
    noop: boolean
  ): SafetyVerdict {
    if (!applied) {
      return { timeMs: now, proposal, applied: undefined, outcome: noop ? 'noop' : 'rejected', decisions };
    }
    const same =
      applied.replicas === proposal.replicas &&
      applied.hpa?.minReplicas === proposal.hpa?.minReplicas &&
      applied.hpa?.maxReplicas === proposal.hpa?.maxReplicas &&
      applied.hpa?.targetCpuUtilization === proposal.hpa?.targetCpuUtilization;
    return { timeMs: now, proposal, applied, outcome: same ? 'allowed' : 'modified', decisions };
  }

  private reviewDirect(
    proposal: Proposal,
    state: ServiceState,
    cluster: ClusterContext | undefined,
    decisions: RuleDecision[]
  ): SafetyVerdict {
    const cur = state.replicas.desired;
    const wanted = proposal.replicas as number;
    if (wanted === cur) {
      decisions.push({
        rule: 'feasible_projection',
        action: 'allowed',
        reason: `no change: already at ${cur} replicas`,
      });
      return this.finish(proposal, undefined, decisions, state.timeMs, true);
    }
    const r = this.project('replicas', cur, wanted, this.replicaRules(state, proposal, cluster, 'replicas'), decisions);
    if (r === undefined || r === cur) {
      if (r === cur) {
        decisions.push({
          rule: 'feasible_projection',
          action: 'rejected',
          reason: `the guards leave ${cur} replicas: nothing to apply`,
        });
      }
      return this.finish(proposal, undefined, decisions, state.timeMs, false);
    }
    return this.finish(proposal, { ...proposal, replicas: r, reason: proposal.reason }, decisions, state.timeMs, false);
  }

  private reviewParametric(
    proposal: Proposal,
    state: ServiceState,
    cluster: ClusterContext | undefined,
    decisions: RuleDecision[]
  ): SafetyVerdict {
    const hpa = state.hpa!;
    const want = proposal.hpa as HpaChange;
    const out: HpaChange = {};
    const c = this.config;

    if (want.minReplicas !== undefined && want.minReplicas !== hpa.minReplicas) {
      const v = this.project(
        'minReplicas',
        hpa.minReplicas,
        want.minReplicas,
        this.replicaRules(state, proposal, cluster, 'minReplicas'),
        decisions
      );
      if (v !== undefined && v !== hpa.minReplicas) {
        out.minReplicas = v;
      }
    }
    if (want.maxReplicas !== undefined && want.maxReplicas !== hpa.maxReplicas) {
      const v = this.project(
        'maxReplicas',
        hpa.maxReplicas,
        want.maxReplicas,
        this.replicaRules(state, proposal, cluster, 'maxReplicas'),
        decisions
      );
      if (v !== undefined && v !== hpa.maxReplicas) {
        out.maxReplicas = v;
      }
    }
    if (want.targetCpuUtilization !== undefined && want.targetCpuUtilization !== hpa.targetCpuUtilization) {
      const t0 = hpa.targetCpuUtilization;
      const tb = c.targetUtilization;
      const rules: Array<{ rule: SafetyRule; interval: Interval; why: string }> = [
        {
          rule: 'target_bounds',
          interval: { lo: tb.min, hi: tb.max },
          why: `target utilisation within [${fmt(tb.min)}, ${fmt(tb.max)}]`,
        },
        {
          rule: 'max_step',
          interval: { lo: t0 - tb.maxStep - 1e-12, hi: t0 + tb.maxStep + 1e-12 },
          why: `target moves at most ${fmt(tb.maxStep)} per action`,
        },
      ];
      const sinceAny = (state.timeMs - this.lastTime(state.service, () => true)) / 1000;
      rules.push(
        sinceAny < c.scaleDownCooldownSeconds
          ? {
              rule: 'cooldown',
              interval: { lo: -Infinity, hi: t0 },
              why: `last action ${fmt(sinceAny)} s ago (< ${c.scaleDownCooldownSeconds} s): target not raised`,
            }
          : { rule: 'cooldown', interval: { lo: -Infinity, hi: Infinity }, why: 'no cooldown active' }
      );
      rules.push(
        state.latencyP95Ms > state.sloMs
          ? {
              rule: 'slo_guard',
              interval: { lo: -Infinity, hi: t0 },
              why: `p95 ${fmt(state.latencyP95Ms)} ms is above the ${fmt(state.sloMs)} ms SLO: target not raised`,
            }
          : {
              rule: 'slo_guard',
              interval: { lo: -Infinity, hi: Infinity },
              why: `p95 ${fmt(state.latencyP95Ms)} ms within the ${fmt(state.sloMs)} ms SLO`,
            }
      );
      const v = this.project('targetCpuUtilization', t0, want.targetCpuUtilization, rules, decisions);
      if (v !== undefined && Math.abs(v - t0) > 1e-12) {
        // The API stores a whole percent: round toward the current target so the step limit still holds.
        const r = v > t0 ? Math.floor(v * 100 + 1e-9) / 100 : Math.ceil(v * 100 - 1e-9) / 100;
        if (Math.abs(r - t0) > 1e-12 && rules.every((x) => r >= x.interval.lo - 1e-12 && r <= x.interval.hi + 1e-12)) {
          out.targetCpuUtilization = r;
        }
      }
    }

    // Projection onto the feasible set: minReplicas ≤ maxReplicas with the values that will hold.
    const fits = (field: 'minReplicas' | 'maxReplicas', value: number): boolean =>
      this.replicaRules(state, proposal, cluster, field).every((r) => value >= r.interval.lo && value <= r.interval.hi);
    const minOf = (): number => out.minReplicas ?? hpa.minReplicas;
    const maxOf = (): number => out.maxReplicas ?? hpa.maxReplicas;
    if (minOf() > maxOf()) {
      const [min0, max0] = [minOf(), maxOf()];
      if (out.minReplicas !== undefined && fits('minReplicas', max0)) {
        out.minReplicas = max0;
        decisions.push({
          rule: 'feasible_projection',
          action: 'clamped',
          reason: `minReplicas ${min0} above maxReplicas ${max0}: minReplicas → ${max0}`,
        });
      } else if (out.maxReplicas !== undefined && fits('maxReplicas', min0)) {
        out.maxReplicas = min0;
        decisions.push({
          rule: 'feasible_projection',
          action: 'clamped',
          reason: `maxReplicas ${max0} below minReplicas ${min0}: maxReplicas → ${min0}`,
        });
      } else {
        delete out.minReplicas;
        if (minOf() > maxOf()) {
          delete out.maxReplicas;
        }
        decisions.push({
          rule: 'feasible_projection',
          action: 'rejected',
          reason: `minReplicas ${min0} > maxReplicas ${max0} and no feasible value in between: bound changes dropped`,
        });
      }
      if (out.minReplicas === hpa.minReplicas) {
        delete out.minReplicas;
      }
      if (out.maxReplicas === hpa.maxReplicas) {
        delete out.maxReplicas;
      }
    } else {
      decisions.push({
        rule: 'feasible_projection',
        action: 'allowed',
        reason: `minReplicas ${minOf()} ≤ maxReplicas ${maxOf()}`,
      });
    }

    const changed = Object.keys(out).length > 0;
    const noop =
      (want.minReplicas === undefined || want.minReplicas === hpa.minReplicas) &&
      (want.maxReplicas === undefined || want.maxReplicas === hpa.maxReplicas) &&
      (want.targetCpuUtilization === undefined || want.targetCpuUtilization === hpa.targetCpuUtilization);
    if (!changed) {
      if (!noop) {
        decisions.push({
          rule: 'feasible_projection',
          action: 'rejected',
          reason: 'the guards leave the HPA as it is: nothing to apply',
        });
      } else {
        decisions.push({ rule: 'feasible_projection', action: 'allowed', reason: 'no change to the HPA' });
      }
      return this.finish(proposal, undefined, decisions, state.timeMs, noop);
    }
    return this.finish(proposal, { ...proposal, hpa: out }, decisions, state.timeMs, false);
  }

  /** Records an action the actuator applied (call it with the state the verdict was made on). */
  commit(verdict: SafetyVerdict, stateBefore: ServiceState): CommittedAction | undefined {
    if (!verdict.applied) {
      return undefined;
    }
    const a = classifyAction(verdict.applied, stateBefore);
    this.actions.push(a);
    const keepFrom =
      stateBefore.timeMs -
      Math.max(
        this.config.stepWindowSeconds,
        this.config.scaleDownCooldownSeconds,
        this.config.scaleUpCooldownSeconds,
        3600
      ) *
        1000;
    while (this.actions.length > 0 && (this.actions[0] as CommittedAction).timeMs < keepFrom) {
      // Keep the last action per service so cooldowns stay exact however long ago it was.
      const first = this.actions[0] as CommittedAction;
      if (this.actions.some((x, i) => i > 0 && x.service === first.service)) {
        this.actions.shift();
      } else {
        break;
      }
    }
    const f = verdict.applied.forecast;
    const observe = Math.min(this.config.circuitBreaker.observeSeconds, f ? f.horizonSeconds : Infinity);
    this.pending.push({
      service: stateBefore.service,
      appliedAtMs: stateBefore.timeMs,
      judgeAtMs: stateBefore.timeMs + observe * 1000,
      latencyBeforeMs: stateBefore.latencyP95Ms,
      forecast: f,
      down: a.down,
      rateSum: 0,
      rateCount: 0,
    });
    return a;
  }

  /**
   * Judges the outcomes of earlier actions of this service whose observation time has come; opens the
   * breaker after too many bad outcomes within the window. Returns the outcomes judged now.
   */
  observe(state: ServiceState): OutcomeRecord[] {
    const cb = this.config.circuitBreaker;
    const due: PendingOutcome[] = [];
    for (let i = 0; i < this.pending.length;) {
      const p = this.pending[i] as PendingOutcome;
      if (p.service === state.service && state.timeMs > p.appliedAtMs) {
        p.rateSum += state.requestRate;
        p.rateCount++;
      }
      if (p.service === state.service && state.timeMs >= p.judgeAtMs) {
        due.push(p);
        this.pending.splice(i, 1);
      } else {
        i++;
      }
    }
    if (due.length === 0) {
      return [];
    }
    // Every action of this service that is due is judged against the same observation: one outcome.
    const reasons = new Set<string>();
    for (const p of due) {
      if (p.down && state.latencyP95Ms > state.sloMs && state.latencyP95Ms > p.latencyBeforeMs * cb.sloWorsenFactor) {
        reasons.add(
          `SLO worse after the action: p95 ${fmt(state.latencyP95Ms)} ms > ${fmt(state.sloMs)} ms SLO and > ${fmt(cb.sloWorsenFactor)} × ${fmt(p.latencyBeforeMs)} ms before`
        );
      }
      if (p.forecast && p.rateCount > 0) {
        const realised = p.rateSum / p.rateCount;
        const hi = p.forecast.p90 * (1 + cb.forecastErrorTolerance);
        const lo = (p.forecast.p10 ?? 0) / (1 + cb.forecastErrorTolerance);
        if (realised > hi) {
          reasons.add(
            `forecast error out of bounds: ${fmt(realised)} req/s realised on average above p90 ${fmt(p.forecast.p90)} × ${fmt(1 + cb.forecastErrorTolerance)}`
          );
        } else if (realised < lo) {
          reasons.add(
            `forecast error out of bounds: ${fmt(realised)} req/s realised on average below p10 ${fmt(p.forecast.p10 ?? 0)} ÷ ${fmt(1 + cb.forecastErrorTolerance)}`
          );
        }
      }
    }
    const rec: OutcomeRecord = {
      timeMs: state.timeMs,
      service: state.service,
      actionAtMs: due[due.length - 1]!.appliedAtMs,
      bad: reasons.size > 0,
      reasons: [...reasons],
    };
    this.outcomes.push(rec);
    if (this.outcomes.length > 10_000) {
      this.outcomes.splice(0, this.outcomes.length - 10_000);
    }
    if (!this.breakerState.open && rec.bad) {
      const from = state.timeMs - cb.windowSeconds * 1000;
      const bad = this.outcomes.filter((o) => o.bad && o.service === state.service && o.timeMs > from);
      if (bad.length >= cb.maxBadOutcomes) {
        this.breakerState = {
          open: true,
          openedAtMs: state.timeMs,
          reason: `${bad.length} bad outcomes of ${state.service} actions within ${cb.windowSeconds} s (last: ${rec.reasons.join('; ')})`,
        };
      }
    }
    return [rec];
  }
}

// ---- independent audit ---------------------------------------------------------------------------------

export interface GuardViolation {
  timeMs: number;
  service: string;
  guard: SafetyRule;
  detail: string;
}

/**
 * Checks applied actions against the guards as plain predicates, independently of `SafetyLayer`'s
 * interval logic (the evaluation counts its findings as guard violations; they must be zero).
 */
export class GuardAuditor {
  private readonly config: SafetyConfig;
  private readonly history: CommittedAction[] = [];
  readonly violations: GuardViolation[] = [];
  checked = 0;

  constructor(config: SafetyConfig) {
    this.config = config;
  }

  /** Audits one applied action; `breakerOpen` is the breaker state when it was reviewed. */
  check(
    applied: Proposal,
    before: ServiceState,
    opts: { breakerOpen: boolean; cluster?: ClusterContext }
  ): GuardViolation[] {
    const c = this.config;
    const now = before.timeMs;
    const svc = before.service;
    const cur = before.replicas.desired;
    const found: GuardViolation[] = [];
    const v = (guard: SafetyRule, detail: string): void => {
      found.push({ timeMs: now, service: svc, guard, detail });
    };
    this.checked++;
    if (opts.breakerOpen) {
      v('circuit_breaker', 'applied while the breaker was open');
    }
    if (inFreezeWindow(c.freezeWindows, now)) {
      v('freeze_window', 'applied inside a freeze window');
    }
    const hard = hardBoundsFor(c, svc);
    const a = classifyAction(applied, before);
    const values: Array<[string, number]> = [];
    if (applied.mode === 'direct') {
      values.push(['replicas', applied.replicas ?? cur]);
    } else {
      if (applied.hpa?.minReplicas !== undefined) {
        values.push(['minReplicas', applied.hpa.minReplicas]);
      }
      if (applied.hpa?.maxReplicas !== undefined) {
        values.push(['maxReplicas', applied.hpa.maxReplicas]);
      }
    }
    for (const [k, x] of values) {
      if (x < hard.minReplicas || x > hard.maxReplicas) {
        v('hard_bounds', `${k} ${x} outside [${hard.minReplicas}, ${hard.maxReplicas}]`);
      }
    }
    if (applied.mode === 'parametric' && before.hpa) {
      const min = applied.hpa?.minReplicas ?? before.hpa.minReplicas;
      const max = applied.hpa?.maxReplicas ?? before.hpa.maxReplicas;
      if (min > max) {
        v('feasible_projection', `minReplicas ${min} > maxReplicas ${max}`);
      }
      const t = applied.hpa?.targetCpuUtilization;
      if (t !== undefined) {
        if (t < c.targetUtilization.min - 1e-9 || t > c.targetUtilization.max + 1e-9) {
          v('target_bounds', `target ${t} outside bounds`);
        }
        if (Math.abs(t - before.hpa.targetCpuUtilization) > c.targetUtilization.maxStep + 1e-9) {
          v('max_step', `target moved ${t - before.hpa.targetCpuUtilization}`);
        }
      }
    }
    // Step: the forced replica count stays within the limits of the count at the window start.
    if (a.forcedReplicas !== undefined && a.forcedReplicas !== cur) {
      const from = now - c.stepWindowSeconds * 1000;
      const first = this.history.find((h) => h.service === svc && h.timeMs > from && h.forcedReplicas !== undefined);
      const base = first ? first.replicasBefore : cur;
      const f = a.forcedReplicas;
      if (f > base + stepAllowance(base, c.maxStepUp) || f < base - stepAllowance(base, c.maxStepDown)) {
        v('max_step', `${base} → ${f} replicas within ${c.stepWindowSeconds} s`);
      }
      if (f < cur && before.latencyP95Ms > before.sloMs) {
        v('slo_guard', `scale-down to ${f} while p95 ${before.latencyP95Ms} ms > SLO`);
      }
      const p90 = forecastP90(applied, before);
      if (f < cur && p90 !== undefined && before.capacityPerReplicaRps) {
        if (f < replicasNeeded(p90, before.capacityPerReplicaRps, c.capacityUtilization)) {
          v('forecast_capacity_guard', `scale-down to ${f} below the p90 need`);
        }
      }
      if (c.budget && f > cur) {
        const others = Object.entries(opts.cluster?.replicas ?? {}).reduce(
          (s, [k, n]) => (k === svc ? s : s + n * costPerReplica(c, k)),
          0
        );
        if (others + f * costPerReplica(c, svc) > c.budget.maxCost + 1e-9) {
          v('budget', `cost ${others + f * costPerReplica(c, svc)} > ${c.budget.maxCost}`);
        }
      }
    }
    if (
      applied.mode === 'parametric' &&
      c.budget &&
      applied.hpa?.maxReplicas !== undefined &&
      before.hpa &&
      applied.hpa.maxReplicas > before.hpa.maxReplicas
    ) {
      const others = Object.entries(opts.cluster?.replicas ?? {}).reduce(
        (s, [k, n]) => (k === svc ? s : s + n * costPerReplica(c, k)),
        0
      );
      if (others + applied.hpa.maxReplicas * costPerReplica(c, svc) > c.budget.maxCost + 1e-9) {
        v('budget', 'maxReplicas raised beyond the budget');
      }
    }
    // Loosening while above the SLO.
    if (applied.mode === 'parametric' && before.hpa && before.latencyP95Ms > before.sloMs) {
      if ((applied.hpa?.minReplicas ?? Infinity) < before.hpa.minReplicas) {
        v('slo_guard', 'minReplicas lowered while above the SLO');
      }
      if ((applied.hpa?.targetCpuUtilization ?? -Infinity) > before.hpa.targetCpuUtilization) {
        v('slo_guard', 'target raised while above the SLO');
      }
    }
    // Cooldowns.
    const last = (pred: (h: CommittedAction) => boolean): number => {
      for (let i = this.history.length - 1; i >= 0; i--) {
        if (this.history[i]!.service === svc && pred(this.history[i]!)) {
          return this.history[i]!.timeMs;
        }
      }
      return -Infinity;
    };
    const forcedUp = a.forcedReplicas !== undefined && a.forcedReplicas > cur;
    const loosening =
      (a.forcedReplicas !== undefined && a.forcedReplicas < cur) ||
      (applied.mode === 'parametric' &&
        before.hpa !== undefined &&
        ((applied.hpa?.minReplicas ?? Infinity) < before.hpa.minReplicas ||
          (applied.hpa?.targetCpuUtilization ?? -Infinity) > before.hpa.targetCpuUtilization));
    if (forcedUp && now - last((h) => h.up) < c.scaleUpCooldownSeconds * 1000) {
      v('cooldown', 'scale-up inside the scale-up cooldown');
    }
    if (loosening && now - last(() => true) < c.scaleDownCooldownSeconds * 1000) {
      v('cooldown', 'scale-down inside the scale-down cooldown');
    }
    this.history.push(a);
    this.violations.push(...found);
    return found;
  }
}
