import { test, expect } from './fixtures';
import { testIds } from '../src/components/testIds';

import forecastDashboard from '../src/dashboards/aidpe-forecast.json';

// Needs the compose stack (`npm run build && docker compose up`): Grafana with the app, its nested datasource and
// panel, the provisioned AIDPE datasource (uid aidpe-sidecar) and the "AIDPE — Forecast" dashboard the plugin ships.
const FORECAST_PANEL = 'Request rate of frontend — forecast';
const CORE_PANEL = 'Request rate of frontend — forecast in the time series panel';

test.describe('forecast panel', () => {
  test('the provisioned dashboard draws a forecast band, or says why there is none', async ({
    readProvisionedDataSource,
    gotoDashboardPage,
    page,
  }) => {
    const datasource = await readProvisionedDataSource({ fileName: 'aidpe.yaml', name: 'AIDPE' });
    // The browser calls Grafana's datasource proxy route; the sidecar and its token stay server-side.
    const forecast = page.waitForResponse(
      (r) =>
        r.url().includes(`/api/datasources/proxy/uid/${datasource.uid}/sidecar/api/v1/forecast`) &&
        r.request().method() === 'POST'
    );
    const dashboardPage = await gotoDashboardPage({ uid: forecastDashboard.uid });
    const response = await forecast;
    expect(response.ok()).toBeTruthy();
    expect(response.request().headers()['authorization']).toBeUndefined();

    // The AIDPE panel: Grafana's time-series renderer (a uPlot canvas) with plain legend names, or the reason.
    const panel = dashboardPage.getPanelByTitle(FORECAST_PANEL);
    const chartOrReason = panel.locator
      .getByTestId(testIds.forecastPanel.chart)
      .or(panel.locator.getByTestId(testIds.forecastPanel.reason));
    await expect(chartOrReason.first()).toBeVisible();
    if ((await panel.locator.getByTestId(testIds.forecastPanel.chart).count()) > 0) {
      await expect(panel.locator.locator('canvas').first()).toBeVisible();
      await expect(panel.locator).toContainText('Actual');
    }
    // Grafana's core time series panel on the same frames: the overrides name the band.
    const core = dashboardPage.getPanelByTitle(CORE_PANEL);
    await expect(core.locator).toContainText('80% band');
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
