import { actionRoleReason, automationRoleReason, decisionButtons, decisionsFor } from './permissions';
import { ACTION_STATUSES } from '../../api/types';

describe('decisionsFor', () => {
  test('approve/reject only while pending approval, rollback only once applied', () => {
    const byStatus = Object.fromEntries(ACTION_STATUSES.map((s) => [s, decisionsFor(s)]));
    expect(byStatus).toEqual({
      proposed: [],
      pending_approval: ['approve', 'reject'],
      applying: [],
      applied: ['rollback'],
      failed: [],
      rejected: [],
      expired: [],
      rolling_back: [],
      rolled_back: [],
    });
  });
});

describe('decisionButtons', () => {
  test.each(['Editor', 'Admin'])('%s: enabled', (orgRole) => {
    expect(decisionButtons({ status: 'pending_approval' }, { orgRole })).toEqual([
      { decision: 'approve', label: 'Approve' },
      { decision: 'reject', label: 'Reject' },
    ]);
    expect(decisionButtons({ status: 'applied' }, { orgRole })).toEqual([{ decision: 'rollback', label: 'Roll back' }]);
  });

  test('a Grafana server admin who is an org Viewer may not act: the proxy judges the org role', () => {
    const [button] = decisionButtons({ status: 'applied' }, { orgRole: 'Viewer', isGrafanaAdmin: true });
    expect(button?.disabledReason).toMatch(
      /you have the Viewer role \(being a Grafana server admin does not count here\)\.$/
    );
  });

  test('with RBAC permissions from Grafana, they decide, not the org role', () => {
    const approver = { orgRole: 'Viewer', permissions: { 'aidpe-performance-app.actions:approve': true } };
    expect(decisionButtons({ status: 'pending_approval' }, approver).map((b) => b.disabledReason)).toEqual([
      undefined,
      undefined,
    ]);
    // Approve without rollback: the rollback button stays disabled, naming the missing permission.
    expect(decisionButtons({ status: 'applied' }, approver)[0]?.disabledReason).toMatch(
      /needs the AIDPE "Action rollback" role \(aidpe-performance-app\.actions:rollback\)/
    );
    // Rollback without approve: rollback has its own proxy route and permission.
    const rollbackOnly = { orgRole: 'Viewer', permissions: { 'aidpe-performance-app.actions:rollback': true } };
    expect(decisionButtons({ status: 'applied' }, rollbackOnly)[0]?.disabledReason).toBeUndefined();
    expect(decisionButtons({ status: 'pending_approval' }, rollbackOnly)[0]?.disabledReason).toMatch(
      /Approving or rejecting an action changes production capacity/
    );
    const both = {
      orgRole: 'Viewer',
      permissions: { 'aidpe-performance-app.actions:approve': true, 'aidpe-performance-app.actions:rollback': true },
    };
    expect(decisionButtons({ status: 'applied' }, both)[0]?.disabledReason).toBeUndefined();
  });

  test('viewers: the same buttons, disabled with the reason', () => {
    const buttons = decisionButtons({ status: 'pending_approval' }, { orgRole: 'Viewer' });
    expect(buttons.map((b) => b.decision)).toEqual(['approve', 'reject']);
    for (const b of buttons) {
      expect(b.disabledReason).toBe(
        'Approving or rejecting an action changes production capacity, so it needs the AIDPE "Action approver" role (aidpe-performance-app.actions:approve), which Editors and above have by default; you have the Viewer role.'
      );
    }
    expect(decisionButtons({ status: 'rejected' }, { orgRole: 'Viewer' })).toEqual([]);
  });

  test('role reasons', () => {
    expect(actionRoleReason(undefined)).toMatch(/you have no role in this organisation\.$/);
    expect(actionRoleReason({ orgRole: 'Admin' })).toBeUndefined();
    expect(automationRoleReason({ orgRole: 'Viewer' })).toMatch(
      /^Changing the automation mode .* needs the AIDPE "Automation operator" role \(aidpe-performance-app\.automation:write\)/
    );
    expect(automationRoleReason({ orgRole: 'Editor' })).toBeUndefined();
    expect(automationRoleReason({ orgRole: 'Editor', permissions: {} })).toMatch(/you have the Editor role/);
  });
});
