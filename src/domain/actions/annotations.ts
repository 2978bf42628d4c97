/**
 * Applied and rolled-back actions as Grafana annotation events: a point when the action took effect, or a region
 * from then to its rollback. Title "Scaled frontend 3 → 5 (predictive)", text with the reason and the guards'
 * outcome, tags `aidpe`, `action`, the status and the service.
 */
import type { ActionRecord, ActionStatus } from '../../api/types';
import { appliedAtMs, changeSummary, guardSummary, outcomeText, STATUS_LABEL } from './format';

/** Statuses that changed the cluster, and so mark dashboards. */
export const ANNOTATED_STATUSES: readonly ActionStatus[] = ['applied', 'rolling_back', 'rolled_back'];

export interface ActionAnnotation {
  id: string;
  time: number;
  timeEnd: number;
  title: string;
  text: string;
  tags: string[];
}

/** "Scaled frontend 3 → 5 (predictive)", "Tuned the checkout HPA: minReplicas 2 → 4 (predictive)". */
export function actionTitle(action: ActionRecord): string {
  const summary = changeSummary(action);
  if (action.rollbackOf) {
    return `Rolled back ${action.service}: ${summary}`;
  }
  // "Scaled frontend 3 → 5": the verb already says replicas.
  const verb =
    action.change.replicas !== undefined && !action.change.hpa
      ? `Scaled ${action.service} ${summary.replace(/ replicas$/, '')}`
      : `Tuned the ${action.service} HPA: ${summary}`;
  const suffix = action.status === 'applied' ? '' : ` — ${STATUS_LABEL[action.status].toLowerCase()}`;
  return `${verb} (${action.policy})${suffix}`;
}

function annotationText(action: ActionRecord): string {
  const lines = [action.reason, guardSummary(action.guard)];
  if (action.decidedBy) {
    // A rollback record's decider rolled back; anyone else who decided on an applied action approved it.
    const verb = action.rollbackOf ? 'By' : 'Approved by';
    lines.push(`${verb} ${action.decidedBy}${action.decisionNote ? `: ${action.decisionNote}` : ''}`);
  }
  if (action.rolledBackBy) {
    lines.push(`Rolled back by ${action.rolledBackBy}${action.rolledBackAt ? ` at ${action.rolledBackAt}` : ''}`);
  }
  const outcome = outcomeText(action.outcome);
  if (outcome) {
    lines.push(outcome);
  }
  return lines.filter(Boolean).join('\n');
}

/**
 * An action → an annotation event, or `undefined` when it never changed the cluster (or has no usable time).
 * A rolled-back action spans from when it took effect to its rollback.
 */
export function actionToAnnotation(action: ActionRecord): ActionAnnotation | undefined {
  if (!ANNOTATED_STATUSES.includes(action.status)) {
    return undefined;
  }
  const time = appliedAtMs(action);
  if (time === undefined) {
    return undefined;
  }
  const rolledBack = action.rolledBackAt ? Date.parse(action.rolledBackAt) : Number.NaN;
  const timeEnd = Number.isFinite(rolledBack) && rolledBack > time ? rolledBack : time;
  return {
    id: action.id,
    time,
    timeEnd,
    title: actionTitle(action),
    text: annotationText(action),
    tags: ['aidpe', 'action', action.status, action.service],
  };
}

/** Annotations of the actions that overlap `[fromMs, toMs]`, oldest first. */
export function actionAnnotations(actions: readonly ActionRecord[], fromMs: number, toMs: number): ActionAnnotation[] {
  return actions
    .map(actionToAnnotation)
    .filter((a): a is ActionAnnotation => a !== undefined && a.timeEnd >= fromMs && a.time <= toMs)
    .sort((a, b) => a.time - b.time);
}
