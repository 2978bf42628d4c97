/**
 * Role checks for actions that the plugin proxy restricts to Editors (routes with `"reqRole": "Editor"` in
 * plugin.json): the UI disables them up front and says why, instead of letting Grafana answer 403.
 */
import { config } from '@grafana/runtime';

/** What Grafana's boot data says about the signed-in user (`config.bootData.user`). */
export interface UserRoleInfo {
  orgRole?: string;
  isGrafanaAdmin?: boolean;
}

const EDITOR_ROLES = new Set(['Editor', 'Admin']);

/** Editors and Admins of the org, and Grafana server admins (the proxy's `reqRole` lets them through too). */
export function isEditor(user: UserRoleInfo | undefined): boolean {
  return Boolean(user?.isGrafanaAdmin) || EDITOR_ROLES.has(user?.orgRole ?? '');
}

/**
 * Why the user cannot give anomaly feedback, or `undefined` when they can: feedback moves detection thresholds
 * (an Editor action), and it needs the sidecar's store.
 */
export function feedbackDisabledReason(user: UserRoleInfo | undefined, storeAvailable: boolean): string | undefined {
  if (!isEditor(user)) {
    const role = user?.orgRole && user.orgRole !== 'None' ? `the ${user.orgRole} role` : 'no role in this organisation';
    return `Feedback moves the detection thresholds, so it needs the Editor role; you have ${role}.`;
  }
  if (!storeAvailable) {
    return 'The sidecar has no store, so feedback cannot be kept (the Overview page shows the store dependency).';
  }
  return undefined;
}

/** The signed-in user from Grafana's boot data. */
export function currentUser(): UserRoleInfo | undefined {
  return config.bootData?.user;
}
