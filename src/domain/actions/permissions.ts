/**
 * Which decisions an action allows, for whom. The sidecar is the authority on state (409 when the status does
 * not allow a decision) and Grafana's plugin proxy on permission (403 without the route's `reqAction`); this
 * lets the UI offer only what can work and say why a button is disabled.
 */
import type { ActionRecord, ActionStatus } from '../../api/types';
import { AIDPE_ACTIONS, deniedReason, type UserAccess } from '../access/permissions';

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

/**
 * Why the user may not take `decision`, or `undefined` when they may. Approve and reject need `actions:approve`,
 * roll back needs `actions:rollback`: the plugin forwards each decision through its own proxy route
 * (`/api/v1/actions/{verb}/{id}`), guarded by that permission.
 */
export function decisionDeniedReason(decision: Decision, user: UserAccess | undefined): string | undefined {
  if (decision === 'rollback') {
    return deniedReason(user, AIDPE_ACTIONS.rollback, 'Rolling back an action changes production capacity');
  }
  return deniedReason(user, AIDPE_ACTIONS.approve, 'Approving or rejecting an action changes production capacity');
}

/** Why the user may not decide on any action, or `undefined` when they may approve and reject. */
export function actionRoleReason(user: UserAccess | undefined): string | undefined {
  return decisionDeniedReason('approve', user);
}

/** Why the user may not change a service's automation mode or resume it, or `undefined` when they may. */
export function automationRoleReason(user: UserAccess | undefined): string | undefined {
  return deniedReason(
    user,
    AIDPE_ACTIONS.automation,
    'Changing the automation mode or resuming after the circuit breaker decides what AIDPE may do on its own'
  );
}

export interface DecisionButton {
  decision: Decision;
  label: string;
  /** Set when the button is shown disabled, with the explanation for its tooltip. */
  disabledReason?: string;
}

/** The buttons an action shows: those its status allows, disabled with the reason for users who may not act. */
export function decisionButtons(action: Pick<ActionRecord, 'status'>, user: UserAccess | undefined): DecisionButton[] {
  return decisionsFor(action.status).map((decision) => {
    const reason = decisionDeniedReason(decision, user);
    return { decision, label: DECISION_LABEL[decision], ...(reason ? { disabledReason: reason } : {}) };
  });
}
