/**
 * The signed-in user as the plugin's permission checks see it, and the anomaly-feedback check. Which route
 * needs which permission, and why a button is disabled, is decided in `domain/access/permissions.ts` from the
 * same data Grafana's plugin proxy uses.
 */
import { config } from '@grafana/runtime';
import { AIDPE_ACTIONS, deniedReason, type UserAccess } from '../domain/access/permissions';

export type UserRoleInfo = UserAccess;

/**
 * Why the user cannot give anomaly feedback, or `undefined` when they can: feedback moves detection thresholds
 * (the `anomalies:feedback` permission), and it needs the sidecar's store.
 */
export function feedbackDisabledReason(user: UserAccess | undefined, storeAvailable: boolean): string | undefined {
  const denied = deniedReason(user, AIDPE_ACTIONS.feedback, 'Feedback moves the detection thresholds');
  if (denied) {
    return denied;
  }
  if (!storeAvailable) {
    return 'The sidecar has no store, so feedback cannot be kept (the Overview page shows the store dependency).';
  }
  return undefined;
}

/** The signed-in user from Grafana's boot data: org role, server-admin flag and RBAC permissions. */
export function currentUser(): UserAccess | undefined {
  const user = config.bootData?.user;
  if (!user) {
    return undefined;
  }
  return {
    orgRole: user.orgRole,
    isGrafanaAdmin: user.isGrafanaAdmin,
    ...(user.permissions ? { permissions: user.permissions } : {}),
  };
}
