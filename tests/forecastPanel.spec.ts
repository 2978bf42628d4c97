import { test, expect } from './fixtures';
import { testIds } from '../src/components/testIds';

// Needs the compose stack (`npm run build && docker compose up`): Grafana with the app, its nested datasource and
// panel, the provisioned AIDPE datasource (uid aidpe-sidecar) and the provisioned "AIDPE — Forecast" dashboard.
const FORECAST_PANEL = 'Frontend request rate — forecast';

test.describe('forecast panel', () => {
  test('the provisioned dashboard draws a forecast band, or says why there is none', async ({
    readProvisionedDashboard,
    readProvisionedDataSource,
    gotoDashboardPage,
    page,
  }) => {
    const dashboard = await readProvisionedDashboard({ fileName: 'aidpe-forecast.json' });
    const datasource = await readProvisionedDataSource({ fileName: 'aidpe.yaml', name: 'AIDPE' });
    // The browser calls Grafana's datasource proxy route; the sidecar and its token stay server-side.
    const forecast = page.waitForResponse(
      (r) =>
        r.url().includes(`/api/datasources/proxy/uid/${datasource.uid}/sidecar/api/v1/forecast`) &&
        r.request().method() === 'POST'
    );
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const response = await forecast;
    expect(response.ok()).toBeTruthy();
    expect(response.request().headers()['authorization']).toBeUndefined();

    const panel = dashboardPage.getPanelByTitle(FORECAST_PANEL);
    await expect(panel.locator.getByTestId(testIds.forecastPanel.container)).toBeVisible();
    const bandOrReason = panel.locator
      .getByTestId(testIds.forecastPanel.band)
      .or(panel.locator.getByTestId(testIds.forecastPanel.reason));
    await expect(bandOrReason.first()).toBeVisible();
    await expect(panel.locator.getByTestId(testIds.forecastPanel.legend)).toContainText('Actual');
  });

  test('the AIDPE datasource passes Save & test against the sidecar', async ({
    readProvisionedDataSource,
    gotoDataSourceConfigPage,
    page,
  }) => {
    const datasource = await readProvisionedDataSource({ fileName: 'aidpe.yaml', name: 'AIDPE' });
    const configPage = await gotoDataSourceConfigPage(datasource.uid);
    // Frontend-only datasource: the test calls the sidecar's health through the proxy route, not /health of Grafana.
    const health = await configPage.saveAndTest({
      path: `/api/datasources/proxy/uid/${datasource.uid}/sidecar/api/v1/health`,
    });
    expect(health.ok()).toBeTruthy();
    // Success when every dependency is up, a warning when some (e.g. Loki or Tempo) are degraded: both are connected.
    await expect(page.getByText(/Connected to the AIDPE sidecar/)).toBeVisible();
  });
});
