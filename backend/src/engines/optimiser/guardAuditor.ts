/**
 * Checks applied actions against the guards as plain predicates, independently of `SafetyLayer`'s
 * interval logic (the evaluation counts its findings as guard violations; they must be zero).
 */
import type { Proposal, SafetyRule, ServiceState } from './types.ts';
import {
  classifyAction,
  costPerReplica,
  forecastP90,
  hardBoundsFor,
  inFreezeWindow,
  replicasNeeded,
  stepAllowance,
  type ClusterContext,
  type CommittedAction,
  type SafetyConfig,
} from './guards.ts';

export interface GuardViolation {
  timeMs: number;
  service: string;
  guard: SafetyRule;
  detail: string;
}

/** The independent auditor (see the file comment). */
export class GuardAuditor {
  private readonly config: SafetyConfig;
  private readonly history: CommittedAction[] = [];
  readonly violations: GuardViolation[] = [];
  checked = 0;

  constructor(config: SafetyConfig) {
    this.config = config;
  }

  /** Audits one applied action; `breakerOpen` / `breakerDegraded` are the breaker's state when it was reviewed. */
  check(
    applied: Proposal,
    before: ServiceState,
    opts: { breakerOpen: boolean; breakerDegraded?: boolean; cluster?: ClusterContext }
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
    const onForecast = applied.basis === 'forecast' || (applied.basis === undefined && applied.forecast !== undefined);
    if (opts.breakerDegraded && onForecast) {
      v('circuit_breaker', 'a forecast-based change applied while the breaker was degraded');
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
