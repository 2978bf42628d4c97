import { test, expect } from './fixtures';
import pluginJson from '../src/plugin.json';
import forecastDashboard from '../src/dashboards/aidpe-forecast.json';
import { ROUTES } from '../src/constants';
import { testIds } from '../src/components/testIds';

// Needs the compose stack (`npm run build && docker compose up`). What only a real Grafana can show: the plugin's
// dashboards, RBAC roles and UI extensions registered by Grafana, and the Scenes pages in Grafana's own chrome.

test.describe('the plugin inside Grafana', () => {
  test('the dashboards ship with the plugin', async ({ request }) => {
    const res = await request.get(`/api/plugins/${pluginJson.id}/dashboards`);
    expect(res.ok()).toBeTruthy();
    const titles = ((await res.json()) as Array<{ title: string }>).map((d) => d.title).sort();
    expect(titles).toEqual(['AIDPE — Actions', 'AIDPE — Forecast', 'AIDPE — Incident']);
  });

  test('the plugin roles grant the admin its actions (RBAC)', async ({ request }) => {
    const res = await request.get('/api/access-control/user/permissions');
    test.skip(!res.ok(), `this Grafana does not list user permissions (${res.status()})`);
    const permissions = (await res.json()) as Record<string, unknown>;
    for (const action of ['actions:approve', 'actions:rollback', 'automation:write', 'sidecar:read']) {
      expect(Object.keys(permissions)).toContain(`${pluginJson.id}.${action}`);
    }
  });

  test('a panel menu offers "Explain with AIDPE" and "Forecast this"', async ({ gotoDashboardPage, page }) => {
    const dashboardPage = await gotoDashboardPage({ uid: forecastDashboard.uid });
    const panel = dashboardPage.getPanelByTitle('Request rate of frontend — forecast in the time series panel');
    await panel.locator.hover();
    await panel.locator.getByRole('button', { name: /menu/i }).first().click();
    await page.getByRole('menuitem', { name: /Extensions/ }).hover();
    await expect(page.getByRole('menuitem', { name: 'Explain with AIDPE' })).toBeVisible();
    await expect(page.getByRole('menuitem', { name: 'Forecast this' })).toBeVisible();
  });

  test('Incidents: Grafana time picker and the service variable, kept in the URL', async ({ gotoPage, page }) => {
    await gotoPage(`/${ROUTES.Incidents}`);
    await expect(page.getByTestId(testIds.incidents.container)).toBeVisible();
    await expect(page.getByTestId(testIds.incidents.charts)).toBeVisible();
    await expect(page).toHaveURL(/from=now-6h/);
    await expect(page).toHaveURL(/var-service=/);
  });
});
