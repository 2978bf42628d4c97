/**
 * What a person sees in the three panels, in a real Chromium, against a live sidecar on the embedded
 * default (the harness: `browser/server.mts`). Effects are checked through the sidecar's own API.
 */
import { expect, test, type Page } from '@playwright/test';
import { api, shot, syncClock, tid } from './helpers';

interface Action {
  id: string;
  service: string;
  status: string;
  decidedBy?: string;
  rolledBackBy?: string;
  before?: { hpa?: { minReplicas: number; maxReplicas: number; targetCpuUtilization: number } };
}

async function pendingAction(page: Page): Promise<Action> {
  let found: Action | undefined;
  await expect
    .poll(
      async () => {
        found = (await api<{ actions: Action[] }>(page, '/api/v1/actions?status=pending_approval')).actions[0];
        return found !== undefined;
      },
      { message: 'the loop proposes an action waiting for approval', timeout: 60_000 }
    )
    .toBe(true);
  return found!;
}

test("forecast overlay: Grafana's time-series renderer with the band, the median, a now line and a tooltip", async ({
  page,
}, info) => {
  const query = { queryType: 'forecast', expr: 'aidpe_sim_request_rate{service="frontend"}', horizon: '1h' };
  await page.goto(`/?panel=forecast&span=120&query=${encodeURIComponent(JSON.stringify(query))}`);
  const chart = page.getByTestId(tid('forecast-panel-chart'));
  await expect(chart).toBeVisible();
  // uPlot draws on a canvas; the legend is Grafana's (VizLegend), with the plain names.
  await expect(chart.locator('canvas')).toHaveCount(1);
  await expect(chart).toContainText('Actual');
  await expect(chart).toContainText('Forecast');
  await expect(chart).toContainText('80% band');
  await expect(page.getByTestId(tid('forecast-panel-now'))).toHaveCount(1);
  // Units come from the field config: the sidecar's request-rate series are requests per second.
  await expect(chart.locator('.u-axis').first()).toBeVisible();
  // Hovering the plot shows Grafana's tooltip with every visible series at that time.
  const box = (await chart.locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await expect(page.getByTestId(tid('forecast-panel-tooltip'))).toBeVisible();
  await shot(page, info, 'forecast');
});

test('forecast overlay: anomalous regions from an anomalies query in the same panel are shaded and marked', async ({
  page,
}, info) => {
  // A 10 s step gives the detector its 288 warm-up points within the demo's hour of history.
  const expr = 'aidpe_sim_latency_seconds{service="frontend", quantile="0.95"}';
  await api(page, '/api/v1/sim/faults', {
    method: 'POST',
    data: { service: 'frontend', type: 'latency', durationSeconds: 900, intensity: 6 },
  });
  await page.waitForTimeout(15_000);
  const queries = [
    { queryType: 'forecast', expr, step: '10s', horizon: '15m' },
    { queryType: 'anomalies', expr, step: '10s', format: 'annotations' },
  ];
  await expect
    .poll(
      async () => {
        await syncClock(page);
        await page.goto(`/?panel=forecast&span=70&query=${encodeURIComponent(JSON.stringify(queries))}`);
        await page.getByTestId(tid('forecast-panel-chart')).waitFor({ timeout: 30_000 });
        return page.getByTestId(tid('forecast-panel-region')).count();
      },
      { timeout: 90_000, intervals: [5_000], message: 'the injected latency fault shows as an anomalous region' }
    )
    .toBeGreaterThan(0);
  await shot(page, info, 'forecast-regions');
});

test('forecast overlay: a query with no data says why instead of drawing an empty chart', async ({ page }) => {
  const query = { queryType: 'forecast', expr: 'aidpe_sim_request_rate{service="no-such-service"}', horizon: '1h' };
  await page.goto(`/?panel=forecast&span=120&query=${encodeURIComponent(JSON.stringify(query))}`);
  await expect(page.getByTestId(tid('forecast-panel-chart'))).toHaveCount(0);
  await expect(page.locator('#root')).toContainText(/no data|No data|nothing to forecast|no series/i);
});

test('actions: a viewer sees the decision buttons disabled with the reason; the proxy refuses a forced call', async ({
  page,
}, info) => {
  const action = await pendingAction(page);
  await page.goto('/?panel=actions&role=Viewer');
  const approve = page.getByTestId(tid(`actions-panel-approve-${action.id}`));
  await expect(approve).toBeVisible();
  await expect(approve).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId(tid('actions-panel-role-notice'))).toContainText(
    'needs the AIDPE "Action approver" role'
  );
  // Grafana's route (reqAction actions:approve) answers 403 to a viewer who calls the endpoint anyway.
  const forced = await page.evaluate(
    async (id) =>
      (
        await fetch(`/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/actions/approve/${id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    action.id
  );
  expect(forced).toBe(403);
  await shot(page, info, 'actions-viewer');
});

test('actions: an editor approves (applied, audited under their name), then rolls back (the HPA is restored exactly)', async ({
  page,
}, info) => {
  const action = await pendingAction(page);
  await page.goto('/?panel=actions&role=Editor');
  await page.getByTestId(tid(`actions-panel-approve-${action.id}`)).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId(tid('actions-panel-note')).fill('browser test approval');
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect
    .poll(async () => (await api<{ action: Action }>(page, `/api/v1/actions/${action.id}`)).action.status, {
      timeout: 30_000,
    })
    .toBe('applied');
  const applied = (await api<{ action: Action }>(page, `/api/v1/actions/${action.id}`)).action;
  expect(applied.decidedBy).toBe('editor');
  const audit = await api<{ entries: Array<{ action: string; actor: string; subject: string }> }>(
    page,
    '/api/v1/audit?limit=500'
  );
  expect(
    audit.entries.some((e) => e.subject === action.id && e.action === 'action.approved' && e.actor === 'editor')
  ).toBe(true);
  await shot(page, info, 'actions-approved');

  // The panel shows the applied action with a rollback button.
  await page.reload();
  const rollback = page.getByTestId(tid(`actions-panel-rollback-${action.id}`));
  await expect(rollback).toBeVisible();
  await rollback.click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /Roll back/ })
    .click();
  await expect
    .poll(async () => (await api<{ action: Action }>(page, `/api/v1/actions/${action.id}`)).action.status, {
      timeout: 30_000,
    })
    .toBe('rolled_back');
  const deployments = await api<
    Array<{ service: string; hpa?: { minReplicas: number; maxReplicas: number; targetCpuUtilization: number } }>
  >(page, '/api/v1/sim/deployments');
  const hpa = deployments.find((d) => d.service === action.service)?.hpa;
  expect({
    minReplicas: hpa?.minReplicas,
    maxReplicas: hpa?.maxReplicas,
    targetCpuUtilization: hpa?.targetCpuUtilization,
  }).toEqual(applied.before?.hpa);
  await shot(page, info, 'actions-rolled-back');
});

test('RCA explorer: an injected fault is ranked first, with its tier, the path and Explore links', async ({
  page,
}, info) => {
  await api(page, '/api/v1/sim/faults', {
    method: 'POST',
    data: { service: 'payment', type: 'latency', durationSeconds: 3600, intensity: 4 },
  });
  // 20× clock: about eight simulated minutes of the fault.
  await page.waitForTimeout(25_000);
  await expect
    .poll(
      async () => {
        await page.goto('/?panel=rca&span=20&options=' + encodeURIComponent(JSON.stringify({ service: 'frontend' })));
        // The tier shows once the ranking has answered (the container is there while it loads).
        await page
          .getByTestId(tid('rca-explorer-tier'))
          .waitFor({ timeout: 30_000 })
          .catch(() => undefined);
        const first = page.locator('[data-testid^="data-testid rca-explorer-candidate-"]').first();
        return (await first.count()) ? first.getAttribute('data-testid') : undefined;
      },
      { timeout: 90_000, intervals: [5_000] }
    )
    .toBe(tid('rca-explorer-candidate-payment'));
  await expect(page.getByTestId(tid('rca-explorer-tier'))).toHaveText(/CONFIRMED|LIKELY|INCONCLUSIVE/);
  // The ranked answer comes first, then the service graph, handed to Grafana's Node Graph panel (a labelled
  // stand-in here lists its frames): the culprit named on its node, coloured as unusual, its path highlighted.
  const candidates = await page.getByTestId(tid('rca-explorer-candidates')).boundingBox();
  const graph = await page.getByTestId(tid('rca-explorer-graph')).boundingBox();
  expect(graph!.y).toBeGreaterThan(candidates!.y);
  const renderer = page.getByTestId('harness-panel-renderer');
  await expect(renderer).toHaveAttribute('data-plugin-id', 'nodeGraph');
  await expect(page.getByTestId('harness-node-payment')).toContainText('#1 likely cause');
  await expect(page.getByTestId('harness-highlighted-edges')).toContainText('payment');
  const link = page.locator('[data-testid^="data-testid rca-explorer-link-payment-"]').first();
  await expect(link).toHaveAttribute('href', /\/explore\?schemaVersion=1&panes=/);
  await shot(page, info, 'rca', true);
});
