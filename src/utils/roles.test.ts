import { config } from '@grafana/runtime';
import { currentUser, feedbackDisabledReason } from './roles';

describe('feedbackDisabledReason', () => {
  test('editors with a store may give feedback', () => {
    expect(feedbackDisabledReason({ orgRole: 'Editor' }, true)).toBeUndefined();
  });

  test('viewers are told that feedback needs the Editor role', () => {
    expect(feedbackDisabledReason({ orgRole: 'Viewer' }, true)).toBe(
      'Feedback moves the detection thresholds, so it needs the AIDPE "Anomaly reviewer" role (aidpe-performance-app.anomalies:feedback), which Editors and above have by default; you have the Viewer role.'
    );
    expect(feedbackDisabledReason({ orgRole: 'None' }, false)).toMatch(/you have no role in this organisation\.$/);
    expect(feedbackDisabledReason({ orgRole: 'Viewer', isGrafanaAdmin: true }, true)).toMatch(
      /being a Grafana server admin does not count here/
    );
    expect(
      feedbackDisabledReason(
        { orgRole: 'Viewer', permissions: { 'aidpe-performance-app.anomalies:feedback': true } },
        true
      )
    ).toBeUndefined();
    expect(feedbackDisabledReason(undefined, true)).toMatch(/you have no role in this organisation/);
  });

  test('without a store nobody can give feedback', () => {
    expect(feedbackDisabledReason({ orgRole: 'Admin' }, false)).toBe(
      'The sidecar has no store, so feedback cannot be kept (the Overview page shows the store dependency).'
    );
  });
});

test('currentUser reads Grafana boot data', () => {
  const saved = config.bootData;
  const permissions = { 'aidpe-performance-app.actions:approve': true };
  config.bootData = {
    ...saved,
    user: { ...saved?.user, orgRole: 'Editor', isGrafanaAdmin: false, permissions },
  } as typeof saved;
  try {
    expect(currentUser()).toEqual({ orgRole: 'Editor', isGrafanaAdmin: false, permissions });
  } finally {
    config.bootData = saved;
  }
});
