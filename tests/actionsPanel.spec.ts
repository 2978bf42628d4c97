import { test, expect } from './fixtures';
import { SIDECAR_PROXY_BASE } from '../src/constants';
import { testIds } from '../src/components/testIds';
import actionsDashboard from '../src/dashboards/aidpe-actions.json';

// Needs the compose stack (`npm run build && docker compose up`): Grafana with the app, its nested panels and
// datasource, the provisioned AIDPE datasource (uid aidpe-sidecar) and the "AIDPE — Actions" dashboard the plugin ships.
// The demo's action loop may or may not have produced actions yet, so each check accepts either state.
const ACTIONS_PANEL = 'Actions';
const ACTIONS_TABLE = 'Actions (table)';

test.describe('actions dashboard', () => {
  test('the Actions panel reads the sidecar through the app proxy and shows the loop, actions or the empty state', async ({
    gotoDashboardPage,
    page,
  }) => {
    const listed = page.waitForResponse(
      (r) => r.url().includes(`${SIDECAR_PROXY_BASE}/api/v1/actions`) && r.request().method() === 'GET'
    );
    const dashboardPage = await gotoDashboardPage({ uid: actionsDashboard.uid });
    const response = await listed;
    expect(response.ok()).toBeTruthy();
    // The token is injected by Grafana server-side.
    expect(response.request().headers()['authorization']).toBeUndefined();

    const panel = dashboardPage.getPanelByTitle(ACTIONS_PANEL);
    await expect(panel.locator.getByTestId(testIds.actionsPanel.container)).toBeVisible();
    await expect(panel.locator.getByTestId(testIds.actionsPanel.automation)).toBeVisible();
    const actionsOrEmpty = panel.locator
      .getByTestId(testIds.actionsPanel.openSummary)
      .or(panel.locator.getByTestId(testIds.actionsPanel.empty));
    await expect(actionsOrEmpty.first()).toBeVisible();
  });

  test('the actions table is filled by the datasource through its read-only route', async ({
    readProvisionedDataSource,
    gotoDashboardPage,
    page,
  }) => {
    const datasource = await readProvisionedDataSource({ fileName: 'aidpe.yaml', name: 'AIDPE' });
    const listed = page.waitForResponse(
      (r) =>
        r.url().includes(`/api/datasources/proxy/uid/${datasource.uid}/sidecar/api/v1/actions`) &&
        r.request().method() === 'GET'
    );
    const dashboardPage = await gotoDashboardPage({ uid: actionsDashboard.uid });
    expect((await listed).ok()).toBeTruthy();
    const table = dashboardPage.getPanelByTitle(ACTIONS_TABLE);
    await expect(table.locator).toBeVisible();
    // Either rows with a status column, or the "no actions" notice of an empty answer.
    await expect(table.locator.getByText(/status|No actions match this query/).first()).toBeVisible();
  });
});
