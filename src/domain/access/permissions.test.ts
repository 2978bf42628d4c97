import pluginJson from '../../plugin.json';
import {
  AIDPE_ACTIONS,
  can,
  defaultGrant,
  defaultPermissions,
  deniedReason,
  PLUGIN_ROLES,
  roleIncludes,
} from './permissions';

describe('plugin RBAC', () => {
  test('every action the UI checks is declared by exactly one plugin.json role, prefixed with the plugin id', () => {
    const declared = PLUGIN_ROLES.flatMap((r) => r.role.permissions.map((p) => p.action));
    expect(declared.sort()).toEqual(Object.values(AIDPE_ACTIONS).sort());
    for (const action of declared) {
      expect(action.startsWith(`${pluginJson.id}.`)).toBe(true);
    }
  });

  test('default grants: Viewers read and analyse; deciding, rolling back, automation and feedback need Editor', () => {
    expect(defaultGrant(AIDPE_ACTIONS.read)).toBe('Viewer');
    expect(defaultGrant(AIDPE_ACTIONS.analyse)).toBe('Viewer');
    for (const a of [AIDPE_ACTIONS.approve, AIDPE_ACTIONS.rollback, AIDPE_ACTIONS.automation, AIDPE_ACTIONS.feedback]) {
      expect(defaultGrant(a)).toBe('Editor');
    }
    expect(Object.keys(defaultPermissions('Viewer')).sort()).toEqual(
      [AIDPE_ACTIONS.analyse, AIDPE_ACTIONS.read].sort()
    );
    expect(Object.keys(defaultPermissions('Admin')).sort()).toEqual(Object.values(AIDPE_ACTIONS).sort());
    expect(defaultPermissions('None')).toEqual({});
    // Server admin is not an org role: a server admin who is an org Viewer holds what Viewers hold.
    expect(defaultPermissions('Viewer', true)).toEqual(defaultPermissions('Viewer'));
  });

  test('basic roles include the ones below them', () => {
    expect(roleIncludes('Admin', 'Editor')).toBe(true);
    expect(roleIncludes('Editor', 'Editor')).toBe(true);
    expect(roleIncludes('Viewer', 'Editor')).toBe(false);
    expect(roleIncludes('None', 'Viewer')).toBe(false);
    expect(roleIncludes(undefined, 'Viewer')).toBe(false);
  });

  test('permissions from Grafana win over the org role; without them the default grants by org role apply', () => {
    expect(can({ orgRole: 'Admin', permissions: {} }, AIDPE_ACTIONS.approve)).toBe(false);
    expect(can({ orgRole: 'Viewer', permissions: { [AIDPE_ACTIONS.approve]: true } }, AIDPE_ACTIONS.approve)).toBe(
      true
    );
    expect(can({ orgRole: 'Editor' }, AIDPE_ACTIONS.approve)).toBe(true);
    expect(can({ orgRole: 'Viewer', isGrafanaAdmin: true }, AIDPE_ACTIONS.approve)).toBe(false);
    expect(can(undefined, AIDPE_ACTIONS.read)).toBe(false);
  });

  test('the reason names what the action does, the role and permission, the default grant and what the user has', () => {
    expect(deniedReason({ orgRole: 'Viewer' }, AIDPE_ACTIONS.automation, 'Changing the mode matters')).toBe(
      'Changing the mode matters, so it needs the AIDPE "Automation operator" role (aidpe-performance-app.automation:write), which Editors and above have by default; you have the Viewer role.'
    );
    expect(deniedReason({ orgRole: 'Editor' }, AIDPE_ACTIONS.automation, 'x')).toBeUndefined();
  });
});
