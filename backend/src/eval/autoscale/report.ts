/**
 * Text and JSON summaries of `aidpe autoscale-eval`: the per-trace table, each policy against the HPA with
 * the issue's targets, the breaker and fallback time, and the leave-one-trace-out table. Pure.
 */
import type { HeldOutResult } from './loto.ts';
import type { PolicyResult } from './replayCommon.ts';
import type { PredictiveConfig } from '../../engines/optimiser/predictive.ts';

const f1 = (x: number | undefined, d = 1): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
export const pct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '—');

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

/** Breaker and fallback time of the policy rows that have them, one line each. */
export function formatBreakerTime(results: PolicyResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (!r.available || !r.breakerTime) {
      continue;
    }
    const s = r.breakerTime.seconds;
    const total = s.closed + s.degraded + s.open;
    const share = (x: number): string => (total > 0 ? `${((100 * x) / total).toFixed(1)}%` : '—');
    lines.push(
      `${r.policy}${r.mode ? ` (${r.mode})` : ''} breaker: closed ${f1(s.closed / 60, 0)} min (${share(s.closed)}), ` +
        `degraded ${f1(s.degraded / 60, 0)} min (${share(s.degraded)}, ${r.breakerTime.episodes.degraded} periods), ` +
        `open ${f1(s.open / 60, 0)} min (${share(s.open)})` +
        (r.operatingModes
          ? `; fallback mode ${(100 * r.operatingModes.fallbackShare).toFixed(1)}% of decisions, ${r.operatingModes.switches} switches`
          : '') +
        (r.breaker?.open ? `; OPEN: ${r.breaker.reason ?? ''}` : '')
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

export function formatComparison(cs: Comparison[]): string {
  return cs
    .map(
      (c) =>
        `${c.policy} vs hpa: SLO-violation minutes ${pct(c.sloViolationMinutesChange)}, replica-hours ${pct(c.replicaHoursChange)}, scaling actions ${pct(c.scalingActionsChange)}; ` +
        `targets: ≥50% fewer violations at ≤ replica-hours ${c.fewerViolationsAtSameCost ? 'met' : 'not met'}, ≥15% fewer replica-hours at ≤ violations ${c.cheaperAtSameSlo ? 'met' : 'not met'}, ` +
        `guard violations 0 ${c.zeroGuardViolations ? 'met' : 'NOT met'}, no more actions ${c.noMoreActions ? 'met' : 'not met'}`
    )
    .join('\n');
}

/** The leave-one-trace-out table: per held-out trace, the settings chosen on the others and the result. */
export function formatLoto(rows: HeldOutResult[]): string {
  const lines = [
    `${'held-out trace'.padEnd(44)} ${'chosen on the others'.padEnd(22)} SLO-viol min (HPA)   replica-h (HPA)        actions (HPA)    target`,
  ];
  for (const r of rows) {
    lines.push(
      `${r.heldOut.slice(0, 44).padEnd(44)} ${r.chosen.slice(0, 22).padEnd(22)} ` +
        `${`${f1(r.sloViolationMinutes)} (${f1(r.hpa.sloViolationMinutes)}) ${pct(r.change.sloViolationMinutes)}`.padEnd(20)} ` +
        `${`${f1(r.replicaHours)} (${f1(r.hpa.replicaHours)}) ${pct(r.change.replicaHours)}`.padEnd(22)} ` +
        `${`${r.scalingActions} (${r.hpa.scalingActions}) ${pct(r.change.scalingActions)}`.padEnd(16)} ` +
        `${r.meetsTarget ? 'met' : 'not met'}${r.guardViolations > 0 ? `, ${r.guardViolations} GUARD VIOLATIONS` : ''}`
    );
  }
  const met = rows.filter((r) => r.meetsTarget).length;
  lines.push(
    `leave-one-trace-out: target (≥50% fewer violation minutes at ≤ replica-hours and ≤ actions, 0 guard violations) met on ${met} of ${rows.length} traces`
  );
  return lines.join('\n');
}

/** What the policy's settings switch on, in words, for the "default policy" line (read from the settings). */
export function describePredictive(c: PredictiveConfig): string {
  const risk = c.quantileCalm ?? c.quantileNormal ?? c.quantileElevated;
  const parts = [
    risk === undefined
      ? 'forecast p90'
      : `forecast quantile by SLO risk (${c.quantileCalm ?? 0.9}/${c.quantileNormal ?? 0.9}/${c.quantileElevated ?? 0.9})`,
    c.staffingBeta === undefined
      ? `at ${Math.round(100 * (c.targetUtilization ?? 0.85))}% CPU`
      : `square-root staffing β ${c.staffingBeta}`,
    c.fallback
      ? 'fallback to the HPA with a floor from recent peaks while the forecast is not trusted'
      : 'no fallback mode',
  ];
  return parts.join(', ');
}
