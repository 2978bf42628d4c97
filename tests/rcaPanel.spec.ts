import { test, expect } from './fixtures';
import { SIDECAR_PROXY_BASE } from '../src/constants';
import { testIds } from '../src/components/testIds';
import incidentDashboard from '../src/dashboards/aidpe-incident.json';

// Needs the compose stack (`npm run build && docker compose up`): Grafana with the app, its nested RCA panel and
// datasource, the provisioned AIDPE datasource (uid aidpe-sidecar) and the provisioned "AIDPE — Incident" dashboard.
// The demo cluster may or may not be in an incident, so the explorer may answer with candidates or INCONCLUSIVE:
// both are answers, and each check accepts either.
const RCA_PANEL = 'Root cause';
const GRAPH_PANEL = 'Service graph';

test.describe('incident dashboard', () => {
  test('the RCA explorer asks the sidecar through the app proxy and shows a tier, the narrative and the graph', async ({
    gotoDashboardPage,
    page,
  }) => {
    const ranked = page.waitForResponse(
      (r) => r.url().endsWith(`${SIDECAR_PROXY_BASE}/api/v1/rca`) && r.request().method() === 'POST'
    );
    const dashboardPage = await gotoDashboardPage({ uid: incidentDashboard.uid });
    const response = await ranked;
    expect(response.ok()).toBeTruthy();
    // The token is injected by Grafana server-side.
    expect(response.request().headers()['authorization']).toBeUndefined();
    expect(response.request().postDataJSON()).toMatchObject({ symptom: 'frontend' });

    const panel = dashboardPage.getPanelByTitle(RCA_PANEL);
    const ids = testIds.rcaExplorer;
    await expect(panel.locator.getByTestId(ids.tier)).toHaveText(/CONFIRMED|LIKELY|INCONCLUSIVE/);
    await expect(panel.locator.getByTestId(ids.narrative)).toBeVisible();
    // The ranked answer first, then the service graph drawn by Grafana's own Node Graph panel.
    const graph = panel.locator.getByTestId(ids.graph);
    await expect(graph).toBeVisible();
    await expect(graph.getByText('frontend').first()).toBeVisible();
    const answer = await panel.locator.getByTestId(ids.narrative).boundingBox();
    expect((await graph.boundingBox())!.y).toBeGreaterThan(answer!.y);
    const candidatesOrEmpty = panel.locator.getByTestId(ids.candidates).or(panel.locator.getByTestId(ids.empty));
    await expect(candidatesOrEmpty.first()).toBeVisible();
    // Where there are candidates, their evidence links open Explore.
    const links = panel.locator.locator('a[href*="/explore?schemaVersion=1&panes="]');
    if ((await panel.locator.getByTestId(ids.candidates).count()) > 0) {
      await expect(links.first()).toBeVisible();
    }
  });

  test('the Node Graph panel is filled by the datasource’s rca query through its route', async ({
    readProvisionedDataSource,
    gotoDashboardPage,
    page,
  }) => {
    const datasource = await readProvisionedDataSource({ fileName: 'aidpe.yaml', name: 'AIDPE' });
    const graph = page.waitForResponse(
      (r) =>
        r.url().includes(`/api/datasources/proxy/uid/${datasource.uid}/sidecar/api/v1/rca/graph`) &&
        r.request().method() === 'POST'
    );
    const dashboardPage = await gotoDashboardPage({ uid: incidentDashboard.uid });
    const response = await graph;
    expect(response.ok()).toBeTruthy();
    const body = await response.json();
    expect(body.frames.map((f: { name: string }) => f.name)).toEqual(['nodes', 'edges']);
    await expect(dashboardPage.getPanelByTitle(GRAPH_PANEL).locator.getByText('frontend').first()).toBeVisible();
  });
});
