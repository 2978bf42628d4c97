/**
 * Who may do what in AIDPE. The plugin declares its own RBAC actions and roles in plugin.json (`roles`), and
 * Grafana's plugin proxy checks each route's `reqAction` against the signed-in user's permissions. The UI asks
 * the same question up front, so a button is enabled only when the proxy will let the call through, and says
 * why otherwise.
 *
 * The answer comes from the user's permissions as Grafana's boot data lists them (`user.permissions`, what
 * `hasPermission` of @grafana/runtime reads). Only without that list (an older Grafana) does it fall back to the
 * default grants of plugin.json by *org* role: Grafana server admin does not count, because the proxy judges
 * the org role, and a server admin who is a Viewer of this organisation gets a 403 like any Viewer.
 */
import pluginJson from '../../plugin.json';

/** The plugin's RBAC actions (`<plugin id>.<resource>:<verb>`, the prefix Grafana requires). */
export const AIDPE_ACTIONS = {
  read: 'aidpe-performance-app.sidecar:read',
  analyse: 'aidpe-performance-app.analysis:run',
  feedback: 'aidpe-performance-app.anomalies:feedback',
  approve: 'aidpe-performance-app.actions:approve',
  rollback: 'aidpe-performance-app.actions:rollback',
  automation: 'aidpe-performance-app.automation:write',
} as const;

export type AidpeAction = (typeof AIDPE_ACTIONS)[keyof typeof AIDPE_ACTIONS];
export type BasicRole = 'Viewer' | 'Editor' | 'Admin';

/** What Grafana's boot data says about the signed-in user (`config.bootData.user`). */
export interface UserAccess {
  orgRole?: string;
  isGrafanaAdmin?: boolean;
  /** RBAC: every action the user holds, `true` when held. */
  permissions?: Record<string, boolean>;
}

interface RoleRegistration {
  role: { name: string; description: string; permissions: Array<{ action: string }> };
  grants: string[];
}

/** The roles plugin.json declares, with the basic roles they are granted to by default. */
export const PLUGIN_ROLES: readonly RoleRegistration[] = (pluginJson as unknown as { roles: RoleRegistration[] }).roles;

const RANK: Readonly<Record<string, number>> = { Viewer: 1, Editor: 2, Admin: 3 };

/** Basic roles include the ones below them (an Admin holds what Editors and Viewers are granted). */
export function roleIncludes(held: string | undefined, needed: string): boolean {
  return (RANK[held ?? ''] ?? 0) >= (RANK[needed] ?? Number.POSITIVE_INFINITY);
}

/** The least basic role the default grants give an action to (`undefined`: none does). */
export function defaultGrant(action: string): BasicRole | undefined {
  const roles = PLUGIN_ROLES.filter((r) => r.role.permissions.some((p) => p.action === action)).flatMap(
    (r) => r.grants
  );
  return (['Viewer', 'Editor', 'Admin'] as const).find((basic) => roles.includes(basic));
}

/**
 * The permissions a user holds through plugin.json's default grants: their org role and the roles below it,
 * plus `Grafana Admin` grants for server admins (none of ours are).
 */
export function defaultPermissions(orgRole: string | undefined, isGrafanaAdmin = false): Record<string, boolean> {
  const held: Record<string, boolean> = {};
  for (const { role, grants } of PLUGIN_ROLES) {
    const granted = grants.some((g) => roleIncludes(orgRole, g) || (isGrafanaAdmin && g === 'Grafana Admin'));
    if (granted) {
      for (const p of role.permissions) {
        held[p.action] = true;
      }
    }
  }
  return held;
}

/** Whether the proxy lets the user through a route guarded by `action`. */
export function can(user: UserAccess | undefined, action: AidpeAction): boolean {
  if (user?.permissions) {
    return Boolean(user.permissions[action]);
  }
  return Boolean(defaultPermissions(user?.orgRole)[action]);
}

/** The role (display name) that carries an action, for messages. */
export function roleFor(action: string): string | undefined {
  return PLUGIN_ROLES.find((r) => r.role.permissions.some((p) => p.action === action))?.role.name;
}

function heldRole(user: UserAccess | undefined): string {
  const org = user?.orgRole && user.orgRole !== 'None' ? `the ${user.orgRole} role` : 'no role in this organisation';
  return user?.isGrafanaAdmin ? `${org} (being a Grafana server admin does not count here)` : org;
}

/**
 * Why the user may not do something guarded by `action`, or `undefined` when they may. `what` says what the
 * action does, e.g. "Approving or rejecting changes production capacity".
 */
export function deniedReason(user: UserAccess | undefined, action: AidpeAction, what: string): string | undefined {
  if (can(user, action)) {
    return undefined;
  }
  const role = roleFor(action);
  const grant = defaultGrant(action);
  const needs = `the AIDPE "${role ?? action}" role (${action})`;
  const byDefault = grant ? `, which ${grant}s${grant === 'Admin' ? '' : ' and above'} have by default` : '';
  return `${what}, so it needs ${needs}${byDefault}; you have ${heldRole(user)}.`;
}
