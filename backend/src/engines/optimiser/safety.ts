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
 * The circuit breaker (`circuitBreaker.ts`) watches outcomes (`observe`, after `commit`). Repeated forecast
 * misses degrade it: changes that rest on the forecast are rejected and the policy's fallback (changes from
 * measured load only) is admitted, until the forecast has stopped missing. Repeated harmful outcomes (a
 * capacity-lowering action after which the service runs above the SLO and worse than before) open it,
 * which rejects every proposal until an operator calls `resume`.
 */
import type { HpaChange, Proposal, RuleDecision, SafetyRule, SafetyVerdict, ServiceState } from './types.ts';
import { CircuitBreaker, type BreakerState, type OutcomeRecord } from './circuitBreaker.ts';
import {
  classifyAction,
  costPerReplica,
  DEFAULT_SAFETY_CONFIG,
  fmtGuardNumber as fmt,
  forecastP90,
  hardBoundsFor,
  inFreezeWindow,
  replicasNeeded,
  stepAllowance,
  type ClusterContext,
  type CommittedAction,
  type SafetyConfig,
} from './guards.ts';

// The safety layer's pieces live in their own files; importers keep using this module.
export * from './guards.ts';
export * from './circuitBreaker.ts';
export * from './guardAuditor.ts';

/** Whether a proposal rests on a forecast (a degraded breaker rejects those). */
export function restsOnForecast(proposal: Proposal): boolean {
  return proposal.basis === 'forecast' || (proposal.basis === undefined && proposal.forecast !== undefined);
}

interface Interval {
  lo: number;
  hi: number;
}

export class SafetyLayer {
  readonly config: SafetyConfig;
  private readonly actions: CommittedAction[] = [];
  private readonly circuit: CircuitBreaker;

  constructor(config: Partial<SafetyConfig> = {}) {
    this.config = { ...structuredClone(DEFAULT_SAFETY_CONFIG), ...config } as SafetyConfig;
    this.circuit = new CircuitBreaker(this.config.circuitBreaker);
  }

  breaker(): BreakerState {
    return this.circuit.state();
  }

  outcomeLog(): OutcomeRecord[] {
    return this.circuit.outcomeLog();
  }

  committed(): CommittedAction[] {
    return this.actions.map((a) => ({ ...a }));
  }

  /** Closes the breaker (an operator's explicit decision) and forgets the bad outcomes that opened it. */
  resume(operator: string, nowMs: number): void {
    this.circuit.resume(operator, nowMs);
  }

  /** Re-opens a breaker that was open before a restart (automation stays paused until an operator resumes it). */
  restoreBreaker(state: BreakerState): void {
    this.circuit.restore(state);
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
    const breaker = this.circuit.state();
    if (breaker.open) {
      return reject(
        'circuit_breaker',
        `automation paused since ${new Date(breaker.openedAtMs ?? now).toISOString()}: ${breaker.reason ?? 'repeated bad outcomes'}; an operator must resume it`
      );
    }
    if (breaker.degraded && restsOnForecast(proposal)) {
      return reject(
        'circuit_breaker',
        `forecast not trusted since ${new Date(breaker.degradedAtMs ?? now).toISOString()} (${breaker.degradedReason ?? 'repeated forecast misses'}): only fallback-mode changes until ${fmt(this.config.circuitBreaker.recoverySeconds ?? 1800)} s pass without a miss`
      );
    }
    decisions.push({
      rule: 'circuit_breaker',
      action: 'allowed',
      reason: breaker.degraded
        ? 'breaker degraded: a fallback-mode change, not resting on the forecast'
        : 'breaker closed',
    });
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
    this.circuit.track(stateBefore, { down: a.down, forecast: verdict.applied.forecast });
    return a;
  }

  /**
   * Judges the outcomes of earlier actions of this service whose observation time has come; opens the
   * breaker after too many bad outcomes within the window. Returns the outcomes judged now.
   */
  observe(state: ServiceState): OutcomeRecord[] {
    return this.circuit.observe(state);
  }
}
