import { config } from '@grafana/runtime';
import { currentUser, feedbackDisabledReason, isEditor } from './roles';

describe('isEditor', () => {
  test.each([
    [{ orgRole: 'Admin' }, true],
    [{ orgRole: 'Editor' }, true],
    [{ orgRole: 'Viewer' }, false],
    [{ orgRole: 'None' }, false],
    [{ orgRole: '' }, false],
    [{ orgRole: 'Viewer', isGrafanaAdmin: true }, true],
    [undefined, false],
  ])('%p → %p', (user, expected) => {
    expect(isEditor(user)).toBe(expected);
  });
});

describe('feedbackDisabledReason', () => {
  test('editors with a store may give feedback', () => {
    expect(feedbackDisabledReason({ orgRole: 'Editor' }, true)).toBeUndefined();
  });

  test('viewers are told that feedback needs the Editor role', () => {
    expect(feedbackDisabledReason({ orgRole: 'Viewer' }, true)).toBe(
      'Feedback moves the detection thresholds, so it needs the Editor role; you have the Viewer role.'
    );
    expect(feedbackDisabledReason({ orgRole: 'None' }, false)).toBe(
      'Feedback moves the detection thresholds, so it needs the Editor role; you have no role in this organisation.'
    );
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
  config.bootData = { ...saved, user: { ...saved?.user, orgRole: 'Editor', isGrafanaAdmin: false } } as typeof saved;
  try {
    expect(currentUser()).toMatchObject({ orgRole: 'Editor', isGrafanaAdmin: false });
  } finally {
    config.bootData = saved;
  }
});
