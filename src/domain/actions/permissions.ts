/**
 * Which decisions an action allows, for whom. The sidecar is the authority (409 when the state does not allow a
 * decision, and Grafana's `reqRole: Editor` routes answer 403 to Viewers); this lets the UI offer only what can
 * work and say why a button is disabled.
 */
import type { ActionRecord, ActionStatus } from '../../api/types';
import { isEditor, type UserRoleInfo } from '../../utils/roles';

export type Decision = 'approve' | 'reject' | 'rollback';

export const DECISION_LABEL: Readonly<Record<Decision, string>> = {
  approve: 'Approve',
  reject: 'Reject',
  rollback: 'Roll back',
};

/** Approve and reject only while pending approval; roll back only once applied. */
export function decisionsFor(status: ActionStatus): Decision[] {
  if (status === 'pending_approval') {
    return ['approve', 'reject'];
  }
  if (status === 'applied') {
    return ['rollback'];
  }
  return [];
}

function roleText(user: UserRoleInfo | undefined): string {
  return user?.orgRole && user.orgRole !== 'None' ? `the ${user.orgRole} role` : 'no role in this organisation';
}

/** Why the user may not decide on actions, or `undefined` for Editors and Admins. */
export function actionRoleReason(user: UserRoleInfo | undefined): string | undefined {
  return isEditor(user)
    ? undefined
    : `Approving, rejecting and rolling back actions changes the cluster, so it needs the Editor role; you have ${roleText(user)}.`;
}

/** Why the user may not change a service's automation mode or resume it, or `undefined` for Editors. */
export function automationRoleReason(user: UserRoleInfo | undefined): string | undefined {
  return isEditor(user)
    ? undefined
    : `Changing the automation mode or resuming after the circuit breaker needs the Editor role; you have ${roleText(user)}.`;
}

export interface DecisionButton {
  decision: Decision;
  label: string;
  /** Set when the button is shown disabled, with the explanation for its tooltip. */
  disabledReason?: string;
}

/** The buttons an action shows: those its status allows, disabled with the reason for users who may not act. */
export function decisionButtons(
  action: Pick<ActionRecord, 'status'>,
  user: UserRoleInfo | undefined
): DecisionButton[] {
  const reason = actionRoleReason(user);
  return decisionsFor(action.status).map((decision) => ({
    decision,
    label: DECISION_LABEL[decision],
    ...(reason ? { disabledReason: reason } : {}),
  }));
}
