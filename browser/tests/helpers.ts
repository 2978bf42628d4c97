/** Helpers the browser specs share: test ids, screenshots kept as artefacts, the sidecar's own API. */
import { expect, type Page, type TestInfo } from '@playwright/test';

export const tid = (id: string) => `data-testid ${id}`;

/** Keeps a screenshot as a test artefact (browser/test-results/<test>/<name>.png). */
export async function shot(page: Page, info: TestInfo, name: string, fullPage = false): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  await info.attach(name, { path, contentType: 'image/png' });
}

export async function api<T>(page: Page, path: string, init?: { method?: string; data?: unknown }): Promise<T> {
  const res = await page.request.fetch(`/sidecar-direct${path}`, {
    method: init?.method ?? 'GET',
    ...(init?.data !== undefined ? { data: init.data } : {}),
  });
  expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBeTruthy();
  return (await res.json()) as T;
}

/**
 * Sets the page's clock to the demo cluster's: the harness runs the cluster 20× faster than the wall clock, and
 * queries end at the browser's "now" (as they do in Grafana, where both clocks agree). Call before `goto`.
 */
export async function syncClock(page: Page): Promise<number> {
  const { timeMs } = await api<{ timeMs: number }>(page, '/api/v1/sim/status');
  await page.clock.install({ time: timeMs });
  return timeMs;
}
