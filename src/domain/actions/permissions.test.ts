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

  test('a Grafana server admin with the Viewer role may act (the proxy lets them through)', () => {
    expect(
      decisionButtons({ status: 'applied' }, { orgRole: 'Viewer', isGrafanaAdmin: true })[0].disabledReason
    ).toBeUndefined();
  });

  test('viewers: the same buttons, disabled with the reason', () => {
    const buttons = decisionButtons({ status: 'pending_approval' }, { orgRole: 'Viewer' });
    expect(buttons.map((b) => b.decision)).toEqual(['approve', 'reject']);
    for (const b of buttons) {
      expect(b.disabledReason).toBe(
        'Approving, rejecting and rolling back actions changes the cluster, so it needs the Editor role; you have the Viewer role.'
      );
    }
    expect(decisionButtons({ status: 'rejected' }, { orgRole: 'Viewer' })).toEqual([]);
  });

  test('role reasons', () => {
    expect(actionRoleReason(undefined)).toMatch(/you have no role in this organisation\.$/);
    expect(actionRoleReason({ orgRole: 'Admin' })).toBeUndefined();
    expect(automationRoleReason({ orgRole: 'Viewer' })).toBe(
      'Changing the automation mode or resuming after the circuit breaker needs the Editor role; you have the Viewer role.'
    );
    expect(automationRoleReason({ orgRole: 'Editor' })).toBeUndefined();
  });
});
