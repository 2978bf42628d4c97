import { test, expect } from './fixtures';
import { testIds } from '../src/components/testIds';
import { SIDECAR_PROXY_BASE } from '../src/constants';

// The sidecar as reached from the Grafana server (docker-compose service name), not from the browser.
const SIDECAR_URL = process.env.AIDPE_SIDECAR_URL ?? 'http://sidecar:8080';

test.describe('app configuration', () => {
  test('rejects an invalid sidecar URL inline', async ({ appConfigPage, page }) => {
    const url = page.getByTestId(testIds.appConfig.sidecarUrl);
    await url.fill('ftp://sidecar');
    await url.blur();

    await expect(page.getByText('The URL must start with http:// or https://')).toBeVisible();
    await expect(page.getByTestId(testIds.appConfig.submit)).toBeDisabled();
  });

  test('saves the sidecar URL and tests the connection through the plugin proxy', async ({ appConfigPage, page }) => {
    const url = page.getByTestId(testIds.appConfig.sidecarUrl);
    await url.fill(SIDECAR_URL);
    await page.getByRole('radio', { name: 'Recommend' }).check({ force: true });

    // Saving reloads the page so that the app picks up the new settings.
    const saveResponse = appConfigPage.waitForSettingsResponse();
    await page.getByTestId(testIds.appConfig.submit).click();
    await expect(saveResponse).toBeOK();
    await expect(page.getByTestId(testIds.appConfig.sidecarUrl)).toHaveValue(SIDECAR_URL);

    // The browser calls Grafana's proxy route, never the sidecar directly.
    const healthResponse = page.waitForResponse((r) => r.url().includes(`${SIDECAR_PROXY_BASE}/api/v1/health`));
    await page.getByTestId(testIds.appConfig.testConnection).click();
    await expect(healthResponse).toBeOK();

    const result = page.getByTestId(testIds.appConfig.testResult);
    await expect(result.getByText(/Connected to the sidecar/)).toBeVisible();
    await expect(result.getByTestId(testIds.dependencyList.container).getByRole('listitem').first()).toBeVisible();
  });
});
