/**
 * Pure formatting of action records (no React, no I/O): what an action changes ("3 → 5 replicas",
 * "minReplicas 2 → 4, target 70% → 60%"), its guard decisions as a checklist, its predicted effect and measured
 * outcome, and history table rows. Shared by the Actions panel, the Actions page and the datasource.
 */
import { dateTimeFormat } from '@grafana/data';
import type {
  ActionChange,
  ActionOutcome,
  ActionRecord,
  ActionStatus,
  AutomationMode,
  GuardOutcome,
  HpaFields,
  PredictedEffect,
  ProposalForecast,
  RuleDecision,
  SafetyRule,
} from '../../api/types';

export type StatusColor = 'blue' | 'red' | 'green' | 'orange' | 'purple' | 'darkgrey';

export const STATUS_LABEL: Readonly<Record<ActionStatus, string>> = {
  proposed: 'Proposed',
  pending_approval: 'Pending approval',
  applying: 'Applying',
  applied: 'Applied',
  failed: 'Failed',
  rejected: 'Rejected',
  expired: 'Expired',
  rolling_back: 'Rolling back',
  rolled_back: 'Rolled back',
};

export const STATUS_COLOR: Readonly<Record<ActionStatus, StatusColor>> = {
  proposed: 'blue',
  pending_approval: 'orange',
  applying: 'purple',
  applied: 'green',
  failed: 'red',
  rejected: 'darkgrey',
  expired: 'darkgrey',
  rolling_back: 'purple',
  rolled_back: 'darkgrey',
};

export const MODE_LABEL: Readonly<Record<AutomationMode, string>> = {
  recommend: 'Recommend',
  approve: 'Approve',
  autonomous: 'Autonomous',
};

export const MODE_DESCRIPTION: Readonly<Record<AutomationMode, string>> = {
  recommend: 'Proposals are validated and shown, never applied.',
  approve: 'Proposals wait for an Editor to approve them in Grafana.',
  autonomous: 'Proposals are applied as soon as the safety guards allow them.',
};

/** Statuses that wait for a person or only inform (recommend mode): the "pending and proposed" list. */
export const OPEN_STATUSES: readonly ActionStatus[] = ['pending_approval', 'proposed'];

export function isOpen(action: Pick<ActionRecord, 'status'>): boolean {
  return OPEN_STATUSES.includes(action.status);
}

const RULE_LABEL: Readonly<Record<SafetyRule, string>> = {
  validity: 'Valid proposal',
  circuit_breaker: 'Circuit breaker',
  freeze_window: 'Freeze window',
  hard_bounds: 'Hard bounds',
  max_step: 'Maximum step',
  cooldown: 'Cooldown',
  slo_guard: 'SLO guard',
  forecast_capacity_guard: 'Forecast capacity',
  budget: 'Budget',
  target_bounds: 'Target bounds',
  feasible_projection: 'Feasible projection',
};

/** A readable name for a safety rule; unknown rules (a newer sidecar) keep their id. */
export function ruleLabel(rule: string): string {
  return (RULE_LABEL as Record<string, string>)[rule] ?? rule;
}

const percent = (utilisation: number) => `${Math.round(utilisation * 100)}%`;
const arrow = (before: string | undefined, after: string) =>
  before !== undefined ? `${before} → ${after}` : `→ ${after}`;

/**
 * What a change does, given the state before it: "3 → 5 replicas" (direct) or
 * "minReplicas 2 → 4, target 70% → 60%" (parametric; only the fields it changes: a rollback restores every HPA
 * field, and those already at their value are left out). Without a known before, "→ 5".
 */
export function describeChange(change: ActionChange, before?: { replicas?: number; hpa?: Partial<HpaFields> }): string {
  const parts: string[] = [];
  if (change.replicas !== undefined) {
    const from = before?.replicas !== undefined ? String(before.replicas) : undefined;
    parts.push(`${arrow(from, String(change.replicas))} replicas`);
  }
  const hpa = change.hpa;
  if (hpa) {
    const b = before?.hpa;
    const hpaPart = (label: string, from: number | undefined, to: number | undefined, show: (v: number) => string) => {
      if (to !== undefined && from !== to) {
        parts.push(`${label} ${arrow(from !== undefined ? show(from) : undefined, show(to))}`);
      }
    };
    hpaPart('minReplicas', b?.minReplicas, hpa.minReplicas, String);
    hpaPart('maxReplicas', b?.maxReplicas, hpa.maxReplicas, String);
    hpaPart('target', b?.targetCpuUtilization, hpa.targetCpuUtilization, percent);
  }
  return parts.length > 0 ? parts.join(', ') : 'no change';
}

/** The state an action starts from: what the actuator read, else the replica count the prediction started from. */
function beforeOf(action: ActionRecord): { replicas?: number; hpa?: Partial<HpaFields> } | undefined {
  if (action.before) {
    return action.before;
  }
  if (action.predictedEffect) {
    return { replicas: action.predictedEffect.replicasBefore };
  }
  return undefined;
}

/** The human summary of an action's change, e.g. "3 → 5 replicas". */
export function changeSummary(action: ActionRecord): string {
  return describeChange(action.change, beforeOf(action));
}

const sameChange = (a: ActionChange, b: ActionChange) => JSON.stringify(a) === JSON.stringify(b);

/** "The policy proposed 3 → 7 replicas; the guards let 3 → 5 replicas through." when the guards modified it. */
export function clampNote(action: ActionRecord): string | undefined {
  if (sameChange(action.proposed, action.change)) {
    return undefined;
  }
  const before = beforeOf(action);
  return `The policy proposed ${describeChange(action.proposed, before)}; the guards let ${describeChange(action.change, before)} through.`;
}

export interface GuardCheck {
  rule: string;
  label: string;
  action: RuleDecision['action'];
  reason: string;
}

/** Guard decisions → checklist rows in the order the safety layer evaluated them. */
export function guardChecklist(decisions: readonly RuleDecision[]): GuardCheck[] {
  return decisions.map((d) => ({ rule: d.rule, label: ruleLabel(d.rule), action: d.action, reason: d.reason }));
}

const GUARD_OUTCOME_TEXT: Readonly<Record<GuardOutcome, string>> = {
  allowed: 'allowed',
  modified: 'modified',
  rejected: 'rejected',
  noop: 'no change needed',
};

/** "Guards: modified (1 of 4 rules clamped: Maximum step)" / "Guards: allowed (4 rules)". */
export function guardSummary(guard: ActionRecord['guard']): string {
  const total = guard.decisions.length;
  const clamped = guard.decisions.filter((d) => d.action === 'clamped');
  const rejected = guard.decisions.filter((d) => d.action === 'rejected');
  const rules = (n: number) => `${n} rule${n === 1 ? '' : 's'}`;
  const details: string[] = [];
  if (rejected.length > 0) {
    details.push(`${rejected.length} of ${total} rejected: ${rejected.map((d) => ruleLabel(d.rule)).join(', ')}`);
  }
  if (clamped.length > 0) {
    details.push(`${clamped.length} of ${total} clamped: ${clamped.map((d) => ruleLabel(d.rule)).join(', ')}`);
  }
  if (details.length === 0) {
    details.push(total > 0 ? `${rules(total)} checked` : 'no rules reported');
  }
  return `Guards: ${GUARD_OUTCOME_TEXT[guard.outcome] ?? guard.outcome} (${details.join('; ')})`;
}

const rps = (v: number) => `${v >= 100 ? Math.round(v) : Number(v.toPrecision(3))} req/s`;

function horizonText(seconds: number): string {
  if (seconds % 3600 === 0) {
    return `${seconds / 3600}h`;
  }
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/**
 * The predicted effect as lines: "Replicas 3 → 5", "Capacity 150 → 250 req/s", "Forecast p90 in 15m: 240 req/s
 * (headroom 4% after, −38% now)". Headroom is capacity over the forecast p90, minus one.
 */
export function predictedEffectLines(effect: PredictedEffect | undefined, forecast?: ProposalForecast): string[] {
  const lines: string[] = [];
  if (effect) {
    lines.push(`Replicas ${effect.replicasBefore} → ${effect.replicasAfter}`);
    if (effect.capacityRpsBefore !== undefined && effect.capacityRpsAfter !== undefined) {
      lines.push(`Capacity ${Math.round(effect.capacityRpsBefore)} → ${rps(effect.capacityRpsAfter)}`);
    }
  }
  const p90 = effect?.forecastP90Rps ?? forecast?.p90;
  if (p90 !== undefined && Number.isFinite(p90) && p90 > 0) {
    const when = forecast ? ` in ${horizonText(forecast.horizonSeconds)}` : '';
    const headroom = (capacity: number | undefined) =>
      capacity !== undefined ? `${signedPercent(capacity / p90 - 1)}` : undefined;
    const after = headroom(effect?.capacityRpsAfter);
    const now = headroom(effect?.capacityRpsBefore);
    const parts = [after && `headroom ${after} after`, now && `${now} now`].filter(Boolean);
    lines.push(`Forecast p90${when}: ${rps(p90)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`);
  }
  return lines;
}

function signedPercent(fraction: number): string {
  // Half away from zero, so that −37.5% reads −38% like 37.5% reads 38%.
  const magnitude = Math.round(Math.abs(fraction) * 100);
  return fraction < 0 && magnitude > 0 ? `−${magnitude}%` : `${magnitude}%`;
}

/** What the loop saw when it decided: "p95 420 ms (SLO 250 ms), 180 req/s, CPU 82%". */
export function observedText(observed: ActionRecord['observed']): string | undefined {
  if (!observed) {
    return undefined;
  }
  // A signal that had no sample when the loop decided is null (JSON has no NaN): left out, not shown as 0.
  const ms = (v: number | null) => (v === null ? '—' : String(Math.round(v)));
  const parts = [`p95 ${ms(observed.latencyP95Ms)} ms (SLO ${ms(observed.sloMs)} ms)`];
  if (observed.requestRateRps !== null) {
    parts.push(rps(observed.requestRateRps));
  }
  if (observed.cpuUtilization !== null && Number.isFinite(observed.cpuUtilization)) {
    parts.push(`CPU ${percent(observed.cpuUtilization)}`);
  }
  return parts.join(', ');
}

/** "Improved: p95 420 → 180 ms (SLO 250 ms), 2 → 4 replicas". */
export function outcomeText(outcome: ActionOutcome | undefined): string | undefined {
  if (!outcome) {
    return undefined;
  }
  const verdict = outcome.verdict.charAt(0).toUpperCase() + outcome.verdict.slice(1);
  const ms = (v: number | null) => (v === null ? '—' : String(Math.round(v)));
  return (
    `${verdict}: p95 ${ms(outcome.latencyP95BeforeMs)} → ${ms(outcome.latencyP95AfterMs)} ms (SLO ${ms(outcome.sloMs)} ms), ` +
    `${outcome.replicasBefore} → ${outcome.replicasAfter} replicas`
  );
}

const parseTime = (iso: string | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(t) ? t : undefined;
};

/**
 * When an action took effect: the approval time when a person approved it, else its creation (autonomous actions
 * are applied within the loop's run that created them).
 */
export function appliedAtMs(action: ActionRecord): number | undefined {
  return (action.mode === 'approve' ? parseTime(action.decidedAt) : undefined) ?? parseTime(action.createdAt);
}

/** Who decided, and with which note: "ann: peak expected" / "rolled back by bob". */
export function decisionText(action: ActionRecord): string {
  const parts: string[] = [];
  if (action.decidedBy) {
    parts.push(`${action.decidedBy}${action.decisionNote ? `: ${action.decisionNote}` : ''}`);
  }
  if (action.rolledBackBy) {
    parts.push(`rolled back by ${action.rolledBackBy}`);
  }
  return parts.join('; ');
}

export interface ActionRow {
  id: string;
  createdMs: number;
  created: string;
  service: string;
  status: ActionStatus;
  statusLabel: string;
  summary: string;
  policy: string;
  mode: string;
  reason: string;
  guard: string;
  decision: string;
  outcome: string;
  error: string;
  action: ActionRecord;
}

/** Action records → table rows, newest first. */
export function actionRows(actions: readonly ActionRecord[]): ActionRow[] {
  return actions
    .map((a): ActionRow => {
      const createdMs = parseTime(a.createdAt) ?? 0;
      return {
        id: a.id,
        createdMs,
        created: createdMs > 0 ? dateTimeFormat(createdMs) : a.createdAt,
        service: a.service,
        status: a.status,
        statusLabel: STATUS_LABEL[a.status] ?? a.status,
        summary: a.rollbackOf ? `Rollback: ${changeSummary(a)}` : changeSummary(a),
        policy: `${a.policy} (${a.integration})`,
        mode: MODE_LABEL[a.mode] ?? a.mode,
        reason: a.reason,
        guard: guardSummary(a.guard),
        decision: decisionText(a),
        outcome: outcomeText(a.outcome) ?? '',
        error: a.error ?? '',
        action: a,
      };
    })
    .sort((a, b) => b.createdMs - a.createdMs || a.service.localeCompare(b.service));
}

/** "2 pending approval, 1 proposed" / "Nothing waits for a decision". */
export function openSummary(actions: readonly ActionRecord[]): string {
  const pending = actions.filter((a) => a.status === 'pending_approval').length;
  const proposed = actions.filter((a) => a.status === 'proposed').length;
  const parts = [pending > 0 && `${pending} pending approval`, proposed > 0 && `${proposed} proposed`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'Nothing waits for a decision';
}
