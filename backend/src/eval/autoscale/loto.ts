/**
 * Leave-one-trace-out selection of the default policy's settings. Every candidate setting is replayed on
 * every trace next to the HPA; for each trace, the candidate chosen on the *other* traces is the one
 * reported for it (the held-out figure), so no setting is judged on the trace it was chosen on.
 *
 * Selection criterion: the target as one number per trace, the relative change of SLO-violation
 * minutes against the HPA plus ten times any relative excess of replica-hours or scaling actions over
 * the HPA (a candidate that buys fewer violations with more replicas or more actions is penalised hard);
 * a guard violation disqualifies. The candidate with the lowest mean over the traces is chosen; ties go
 * to the earlier candidate in the list. Pure (no I/O).
 */
import type { PolicyResult } from './replayCommon.ts';

export interface ChangeVsHpa {
  sloViolationMinutes: number;
  replicaHours: number;
  scalingActions: number;
}

/** Relative change (a − b) ÷ b; 0 when both are 0, +∞ when only b is. */
export function relativeChange(a: number, b: number): number {
  return b === 0 ? (a === 0 ? 0 : Infinity) : (a - b) / b;
}

export function changeVsHpa(r: PolicyResult, hpa: PolicyResult): ChangeVsHpa {
  return {
    sloViolationMinutes: relativeChange(r.sloViolationMinutes!, hpa.sloViolationMinutes!),
    replicaHours: relativeChange(r.replicaHours!, hpa.replicaHours!),
    scalingActions: relativeChange(r.scalingActions!, hpa.scalingActions!),
  };
}

/** The autoscaling target: ≥ 50% fewer violation minutes at no more replica-hours and actions, 0 guard violations. */
export function meetsTarget(r: PolicyResult, hpa: PolicyResult): boolean {
  const c = changeVsHpa(r, hpa);
  return (
    r.guardViolations === 0 &&
    c.sloViolationMinutes <= -0.5 &&
    r.replicaHours! <= hpa.replicaHours! &&
    r.scalingActions! <= hpa.scalingActions!
  );
}

export const EXCESS_WEIGHT = 10;

/** Lower is better (see the file comment); +∞ with guard violations. */
export function targetScore(r: PolicyResult, hpa: PolicyResult): number {
  if (r.guardViolations !== 0) {
    return Infinity;
  }
  const c = changeVsHpa(r, hpa);
  // With no violations under the HPA, a candidate can only match (0) or be worse (+1 per violation minute).
  const v = Number.isFinite(c.sloViolationMinutes) ? c.sloViolationMinutes : r.sloViolationMinutes!;
  return v + EXCESS_WEIGHT * (Math.max(0, c.replicaHours) + Math.max(0, c.scalingActions));
}

/** One trace's replays: the HPA and each candidate (by name). */
export interface TraceRuns {
  trace: string;
  hpa: PolicyResult;
  candidates: Record<string, PolicyResult>;
}

export interface Selection {
  chosen: string;
  /** Mean score of every candidate over the traces it was chosen on. */
  meanScores: Record<string, number>;
  traces: string[];
}

/** The candidate with the lowest mean score over `runs` (ties: the earlier in `names`). */
export function selectCandidate(runs: readonly TraceRuns[], names: readonly string[]): Selection {
  if (runs.length === 0 || names.length === 0) {
    throw new Error('selectCandidate: needs at least one trace and one candidate');
  }
  const meanScores: Record<string, number> = {};
  let chosen = names[0]!;
  for (const n of names) {
    let sum = 0;
    for (const r of runs) {
      const c = r.candidates[n];
      if (!c || !c.available) {
        throw new Error(`selectCandidate: candidate ${n} has no result on ${r.trace}`);
      }
      sum += targetScore(c, r.hpa);
    }
    meanScores[n] = sum / runs.length;
    if (meanScores[n]! < meanScores[chosen]!) {
      chosen = n;
    }
  }
  return { chosen, meanScores, traces: runs.map((r) => r.trace) };
}

export interface HeldOutResult {
  heldOut: string;
  /** The candidate chosen on the other traces. */
  chosen: string;
  change: ChangeVsHpa;
  sloViolationMinutes: number;
  replicaHours: number;
  scalingActions: number;
  guardViolations: number;
  hpa: { sloViolationMinutes: number; replicaHours: number; scalingActions: number };
  meetsTarget: boolean;
}

/** For each trace: the candidate chosen on the others and how it does on the held-out one. */
export function leaveOneTraceOut(runs: readonly TraceRuns[], names: readonly string[]): HeldOutResult[] {
  if (runs.length < 2) {
    return [];
  }
  return runs.map((held, i) => {
    const sel = selectCandidate(
      runs.filter((_, j) => j !== i),
      names
    );
    const r = held.candidates[sel.chosen]!;
    return {
      heldOut: held.trace,
      chosen: sel.chosen,
      change: changeVsHpa(r, held.hpa),
      sloViolationMinutes: r.sloViolationMinutes!,
      replicaHours: r.replicaHours!,
      scalingActions: r.scalingActions!,
      guardViolations: r.guardViolations!,
      hpa: {
        sloViolationMinutes: held.hpa.sloViolationMinutes!,
        replicaHours: held.hpa.replicaHours!,
        scalingActions: held.hpa.scalingActions!,
      },
      meetsTarget: meetsTarget(r, held.hpa),
    };
  });
}
