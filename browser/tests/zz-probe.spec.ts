import { test } from '@playwright/test';
test('probe app', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push('PAGEERROR ' + e.message + '\n' + e.stack));
  const status = await (await page.request.get('/sidecar-direct/api/v1/sim/status')).json();
  const to = status.timeMs; const from = to - 6 * 3600_000;
  for (const p of ['overview', 'incidents', 'actions', 'models']) {
    await page.goto(`/a/aidpe-performance-app/${p}?from=${from}&to=${to}`);
    await page.waitForTimeout(6000);
    await page.screenshot({ path: `/tmp/probe-${p}.png`, fullPage: true });
  }
  console.log(errors.slice(0, 10).join('\n---\n'));
});
