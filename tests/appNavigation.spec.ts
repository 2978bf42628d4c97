import { test, expect } from './fixtures';
import { ROUTES, SIDECAR_PROXY_BASE } from '../src/constants';
import { testIds } from '../src/components/testIds';

test.describe('navigating the app', () => {
  test('overview shows the sidecar dependency health', async ({ gotoPage, page }) => {
    const healthResponse = page.waitForResponse((r) => r.url().includes(`${SIDECAR_PROXY_BASE}/api/v1/health`));
    await gotoPage(`/${ROUTES.Overview}`);
    await expect(page.getByTestId(testIds.overview.container)).toBeVisible();
    await expect(healthResponse).toBeOK();

    await expect(page.getByTestId(testIds.overview.summary)).toBeVisible();
    await expect(page.getByTestId(testIds.dependencyList.container).getByRole('listitem').first()).toBeVisible();

    const refreshed = page.waitForResponse((r) => r.url().includes(`${SIDECAR_PROXY_BASE}/api/v1/health`));
    await page.getByTestId(testIds.overview.refresh).click();
    await expect(refreshed).toBeOK();
  });

  test('overview summarises the action loop, open incidents, actions and models, each from its own call', async ({
    gotoPage,
    page,
  }) => {
    const ids = testIds.overview;
    const answered = (path: string) => page.waitForResponse((r) => r.url().includes(`${SIDECAR_PROXY_BASE}${path}`));
    const calls = [
      answered('/api/v1/actions'),
      answered('/api/v1/incidents'),
      answered('/api/v1/forecast/models'),
      answered('/api/v1/forecast/accuracy'),
    ];
    await gotoPage(`/${ROUTES.Overview}`);
    for (const call of calls) {
      await expect(call).toBeOK();
    }

    // The loop: running (the demo sidecar runs it against the simulator) or, elsewhere, why not.
    const loop = page.getByTestId(ids.loop);
    await expect(loop.getByTestId(ids.loopRunning).or(loop.getByTestId(ids.loopOff)).first()).toBeVisible();
    await expect(loop.getByTestId(ids.loopError)).toHaveCount(0);

    // Open incidents: a list with Explain links, an empty state, or why the watcher does not run.
    const incidents = page.getByTestId(ids.incidents);
    await expect(
      incidents
        .getByRole('listitem')
        .first()
        .or(incidents.getByTestId(ids.incidentsEmpty))
        .or(incidents.getByTestId(ids.incidentsNotRunning))
        .first()
    ).toBeVisible();
    await expect(incidents.getByTestId(ids.incidentsError)).toHaveCount(0);

    // Actions: the four counts always; the newest actions or an empty state.
    const actions = page.getByTestId(ids.actions);
    for (const kind of ['pending', 'applied', 'rolled-back', 'rejected']) {
      await expect(actions.getByTestId(ids.actionCount(kind))).toBeVisible();
    }
    await expect(actions.getByRole('link', { name: 'Actions' })).toHaveAttribute('href', /\/actions$/);

    // Models: how many deep models loaded.
    await expect(page.getByTestId(ids.models).getByTestId(ids.modelsSummary)).toBeVisible();
    await expect(page.getByTestId(ids.modelsError)).toHaveCount(0);
  });

  test('the app root opens the overview', async ({ gotoPage, page }) => {
    await gotoPage();
    await expect(page.getByTestId(testIds.overview.container)).toBeVisible();
  });

  test('incidents page scores the default query through the proxy and summarises the regions', async ({
    gotoPage,
    page,
  }) => {
    const anomalies = page.waitForResponse(
      (r) => r.url().endsWith(`${SIDECAR_PROXY_BASE}/api/v1/anomalies`) && r.request().method() === 'POST'
    );
    await gotoPage(`/${ROUTES.Incidents}`);
    await expect(page.getByTestId(testIds.incidents.container)).toBeVisible();
    await expect(anomalies).toBeOK();
    await expect(page.getByTestId(testIds.incidents.summary)).toBeVisible();
  });

  test('actions page lists actions (or says the loop has produced none) and the audit trail', async ({
    gotoPage,
    page,
  }) => {
    const listed = page.waitForResponse((r) => r.url().includes(`${SIDECAR_PROXY_BASE}/api/v1/actions`));
    await gotoPage(`/${ROUTES.Actions}`);
    await expect(page.getByTestId(testIds.actions.container)).toBeVisible();
    await expect(listed).toBeOK();
    await expect(
      page.getByTestId(testIds.actionsPanel.openSummary).or(page.getByTestId(testIds.actionsPanel.empty)).first()
    ).toBeVisible();
    await expect(
      page.getByTestId(testIds.actions.audit).or(page.getByTestId(testIds.actions.auditEmpty))
    ).toBeVisible();
  });

  test('models page lists the forecasting models with their cards', async ({ gotoPage, page }) => {
    await gotoPage(`/${ROUTES.Models}`);
    await expect(page.getByTestId(testIds.models.container)).toBeVisible();
    await expect(page.getByTestId(testIds.models.summary)).toBeVisible();
    await expect(page.getByTestId(testIds.models.table)).toContainText('lstm');
  });
});
