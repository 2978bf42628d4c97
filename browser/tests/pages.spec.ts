/**
 * The app's Scenes pages in a real Chromium against a live sidecar (the harness mounts the app plugin's root under
 * /a/<plugin id>/ with Grafana's location service): time picker, refresh picker and service variable kept in the
 * URL, the page sections, the PromQL editor's completion through the sidecar, and what Viewers (including Grafana
 * server admins who are org Viewers) are allowed to do.
 */
import { expect, test, type Page } from '@playwright/test';
import { api, shot, tid } from './helpers';

const APP = '/a/aidpe-performance-app';

/** The demo cluster's clock runs faster than the wall clock in the harness: page ranges end at its "now". */
async function simRange(page: Page, hours: number): Promise<string> {
  const { timeMs } = await api<{ timeMs: number }>(page, '/api/v1/sim/status');
  return `from=${timeMs - hours * 3_600_000}&to=${timeMs}`;
}

test('Overview: a Scenes page with the refresh picker and every section', async ({ page }, info) => {
  await page.goto(`${APP}/overview`);
  await expect(page.getByRole('heading', { name: 'Overview', exact: true })).toBeVisible();
  await expect(page.getByTestId(tid('pg-overview-container'))).toBeVisible();
  await expect(page.getByTestId(tid('pg-overview-summary'))).toContainText(/Sidecar (up|degraded)/);
  // Grafana's refresh picker (a scene control), not a page-made button only.
  await expect(page.getByRole('button', { name: /refresh/i }).first()).toBeVisible();
  await shot(page, info, 'overview', true);
});

test('Incidents: time picker and service variable in the URL; the charts area and the anomaly query', async ({
  page,
}, info) => {
  await page.goto(`${APP}/incidents?${await simRange(page, 1)}`);
  await expect(page.getByRole('heading', { name: 'Incidents', exact: true })).toBeVisible();
  // The time picker shows the range from the URL.
  await expect(page.getByTestId(tid('pg-incidents-charts'))).toBeVisible();
  await expect(page.getByTestId(tid('pg-incidents-container'))).toBeVisible();

  // The service variable lists the services AIDPE knows (the action loop's, in the demo) and goes into the URL.
  await page
    .getByRole('combobox', { name: /service/i })
    .first()
    .click();
  await page.getByRole('option', { name: 'frontend' }).click();
  await expect(page).toHaveURL(/var-service=frontend/);
  // A reload keeps the page as it was: range and service from the URL.
  await page.reload();
  await expect(page).toHaveURL(/var-service=frontend/);
  await expect(page.getByText('frontend', { exact: true }).first()).toBeVisible();
  await shot(page, info, 'incidents', true);
});

test('PromQL editor: highlighting and completion of metric and label names through the sidecar', async ({
  page,
}, info) => {
  await page.goto(`${APP}/incidents?${await simRange(page, 1)}`);
  const editor = page.locator('#incidents-expr .cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('aidpe_sim_req');
  const option = (text: string) => page.locator('.cm-tooltip-autocomplete li', { hasText: text }).first();
  await option('aidpe_sim_request_rate').click();
  await page.keyboard.type('{serv');
  await option('service').click();
  await page.keyboard.type('="');
  await expect(option('frontend')).toBeVisible();
  await shot(page, info, 'promql-completion');
  // Highlighted: the label name carries its own token class.
  await expect(page.locator('#incidents-expr .cm-line span').first()).toBeVisible();
});

test('Actions: the service variable filters the page; the audit trail reads as sentences', async ({ page }, info) => {
  await page.goto(`${APP}/actions?var-service=frontend`);
  await expect(page.getByRole('heading', { name: 'Actions', exact: true })).toBeVisible();
  const audit = page.getByTestId(tid('pg-actions-audit'));
  await expect(audit).toBeVisible({ timeout: 60_000 });
  // In words, not raw action names or JSON.
  await expect(audit).not.toContainText('{"');
  await expect(audit.getByRole('row').nth(1)).toContainText(
    /Proposed|Asked for approval|Approved|Applied|managed by AIDPE/
  );
  // Only frontend's actions are listed.
  const cards = page.locator('[data-testid^="data-testid actions-panel-card-"]');
  for (const card of await cards.all()) {
    await expect(card).toContainText('frontend');
  }
  await shot(page, info, 'actions', true);
});

test('Actions: a Grafana server admin who is an org Viewer sees the decisions disabled, and why', async ({
  page,
}, info) => {
  await page.goto(`${APP}/actions?role=Viewer&serverAdmin=1`);
  const notice = page.getByTestId(tid('actions-panel-role-notice'));
  await expect(notice).toBeVisible({ timeout: 60_000 });
  await expect(notice).toContainText('being a Grafana server admin does not count here');
  await shot(page, info, 'actions-server-admin-viewer');
});

test('Models: plain names with the technical term on hover, and Grafana sparklines', async ({ page }, info) => {
  await page.goto(`${APP}/models`);
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  await expect(page.getByTestId(tid('pg-models-container'))).toBeVisible();
  await expect(page.getByTestId(tid('pg-models-container'))).toContainText('Band error');
  await shot(page, info, 'models', true);
});

test('an unknown app path goes to the Overview', async ({ page }) => {
  await page.goto(`${APP}/no-such-page`);
  await expect(page).toHaveURL(new RegExp(`${APP}/overview`));
});
