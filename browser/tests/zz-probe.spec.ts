import { test } from '@playwright/test';
test('probe app', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push('PAGEERROR ' + e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  const status = await (await page.request.get('/sidecar-direct/api/v1/sim/status')).json();
  const to = status.timeMs;
  const from = to - 6 * 3600_000;
  for (const p of ['incidents', 'actions', 'models']) {
    await page.goto(`/a/aidpe-performance-app/${p}?from=${from}&to=${to}`);
    await page.waitForTimeout(5000);
    await page.screenshot({ path: `/tmp/probe-${p}.png`, fullPage: true });
  }
  await page.goto(`/a/aidpe-performance-app/incidents?from=${from}&to=${to}`);
  await page.waitForTimeout(3000);
  const ed = page.locator('#incidents-expr .cm-content');
  await ed.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('aidpe_sim_req');
  await page.waitForTimeout(2000);
  await page.screenshot({ path: `/tmp/probe-completion.png` });
  await page.keyboard.press('Enter');
  await page.keyboard.type('{serv');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/probe-completion2.png` });
  console.log(errors.slice(0, 15).join('\n---\n'));
});
