import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the real panels in Debian's Chromium, against a live sidecar on the embedded default
 * (`browser/server.mts` bundles the harness and starts both). Screenshots are kept as test artefacts in
 * `browser/test-results/`. The `@grafana/plugin-e2e` specs under `tests/` need a Grafana server
 * (`playwright.config.ts`, run against docker compose).
 */
const PORT = Number(process.env.AIDPE_HARNESS_PORT ?? 3999);

export default defineConfig({
  testDir: './browser/tests',
  outputDir: './browser/test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1100, height: 800 },
    screenshot: 'on',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `node --import tsx browser/server.mts --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
