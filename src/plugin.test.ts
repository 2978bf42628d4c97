import pluginJson from './plugin.json';
import datasourceJson from './datasources/sidecar/plugin.json';
import panelJson from './panels/forecast/plugin.json';
import actionsPanelJson from './panels/actions/plugin.json';
import rcaPanelJson from './panels/rca/plugin.json';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import packageJson from '../package.json';
import scenesJson from '@grafana/scenes/package.json';
import { plugin as appPlugin } from './module';
import { ROUTES } from './constants';
import { AIDPE_ACTIONS, defaultPermissions } from './domain/access/permissions';
import { appProxy, datasourceProxy, matchAppPattern, type PluginRoute } from './test/proxyRoutes';

type Include = { type: string; name: string; path?: string; defaultNav?: boolean };

const routes = (pluginJson as unknown as { routes: PluginRoute[] }).routes;
const includes = pluginJson.includes as Include[];
const datasourceRoutes = (datasourceJson as unknown as { routes: PluginRoute[] }).routes;

const userOf = (orgRole: string) => ({ orgRole, permissions: defaultPermissions(orgRole) });
const VIEWER = userOf('Viewer');
const EDITOR = userOf('Editor');
/** A Grafana server admin who is a Viewer of the org: the proxy judges the org role and RBAC, not the server role. */
const SERVER_ADMIN_VIEWER = { orgRole: 'Viewer', permissions: defaultPermissions('Viewer', true) };
/** An approver whose organisation took the rollback role away. */
const APPROVER_ONLY = {
  orgRole: 'Editor',
  permissions: { ...defaultPermissions('Editor'), 'aidpe-performance-app.actions:rollback': false },
};

describe('plugin.json', () => {
  test('identity', () => {
    expect(pluginJson.id).toBe('aidpe-performance-app');
    expect(pluginJson.name).toBe('AIDPE');
    expect(pluginJson.info.author.name).toBe('AIDPE');
  });

  test('grafanaDependency is the Grafana version the plugin builds against (@grafana/* packages), not an older one', () => {
    const built = packageJson.dependencies['@grafana/runtime'];
    const [major, minor] = built.split('.');
    expect(pluginJson.dependencies.grafanaDependency).toBe(`>=${major}.${minor}.0`);
    for (const name of ['@grafana/data', '@grafana/ui', '@grafana/schema', '@grafana/i18n']) {
      expect((packageJson.dependencies as Record<string, string>)[name]).toBe(built);
    }
    // @grafana/scenes declares the Grafana versions it runs on: the declared minimum must be among them.
    expect(scenesJson.peerDependencies['@grafana/runtime']).toBe(`>=${major}.${minor}`);
  });

  test('the dashboards ship in the plugin (includes) and pick their datasources by variable, not by uid', () => {
    const dashboards = includes.filter((i) => i.type === 'dashboard');
    expect(dashboards.map((d) => d.path)).toEqual([
      'dashboards/aidpe-forecast.json',
      'dashboards/aidpe-incident.json',
      'dashboards/aidpe-actions.json',
    ]);
    for (const d of dashboards) {
      const json = JSON.parse(readFileSync(join(__dirname, d.path!), 'utf8')) as {
        title: string;
        uid: string;
        templating: { list: Array<{ type: string; name: string; query?: string }> };
      };
      expect(json.title).toBe(d.name);
      const text = JSON.stringify(json);
      // Every datasource reference is a variable; the variables select by plugin type.
      for (const [, uid] of text.matchAll(/"uid":"([^"]*)"/g)) {
        if (uid !== json.uid && uid !== '-- Grafana --') {
          expect(uid).toMatch(/^\$\{\w+\}$/);
        }
      }
      expect(json.templating.list).toContainEqual(
        expect.objectContaining({ type: 'datasource', name: 'aidpe', query: 'aidpe-sidecar-datasource' })
      );
    }
  });

  test('UI extensions: every link the app registers is declared in plugin.json (Grafana shows only declared ones)', () => {
    const declared = (
      pluginJson as unknown as { extensions: { addedLinks: Array<{ targets: string[]; title: string }> } }
    ).extensions.addedLinks;
    const registered = appPlugin.addedLinkConfigs.map((l) => ({ targets: [l.targets].flat(), title: l.title }));
    expect(registered).toEqual(declared.map((l) => ({ targets: l.targets, title: l.title })));
    expect(declared.map((l) => `${l.targets.join()} ${l.title}`)).toEqual([
      'grafana/dashboard/panel/menu Explain with AIDPE',
      'grafana/dashboard/panel/menu Forecast this',
      'grafana/alerting/instance/action Explain with AIDPE',
    ]);
  });

  test('every app route has a page in includes, and Overview is the default', () => {
    const pages = includes.filter((i) => i.type === 'page' && i.path?.startsWith('/a/'));
    expect(pages.map((p) => p.path)).toEqual(Object.values(ROUTES).map((r) => `/a/%PLUGIN_ID%/${r}`));
    expect(pages.filter((p) => p.defaultNav).map((p) => p.name)).toEqual(['Overview']);
  });

  test('every proxy route targets the configured sidecar with the server-side token', () => {
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(route.url.startsWith('{{ .JsonData.sidecarUrl }}')).toBe(true);
      expect(route.headers).toContainEqual({ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' });
    }
  });

  test('route templates only use fields Grafana provides (.JsonData / .SecureJsonData)', () => {
    const templates = JSON.stringify(routes).match(/{{[^}]*}}/g) ?? [];
    for (const t of templates) {
      expect(t).toMatch(/^{{ \.(JsonData|SecureJsonData)\.\w+ }}$/);
    }
  });

  test('every route names its method and is guarded by one of the plugin RBAC actions', () => {
    const actions = Object.values(AIDPE_ACTIONS) as string[];
    for (const route of routes) {
      expect({ path: route.path, method: route.method }).toEqual({
        path: route.path,
        method: expect.stringMatching(/^(GET|POST|PUT)$/),
      });
      expect(actions).toContain(route.reqAction);
    }
    // The catch-all reads only, and comes last (first match wins).
    expect(routes[routes.length - 1]).toMatchObject({
      path: 'sidecar/*',
      method: 'GET',
      reqAction: AIDPE_ACTIONS.read,
    });
    expect(routes.filter((r) => r.path === 'sidecar/*')).toHaveLength(1);
  });

  test.each([
    // Reads for everyone with the app's Reader role (Viewers by default).
    ['GET', 'sidecar/api/v1/health', VIEWER, '/api/v1/health'],
    ['GET', 'sidecar/api/v1/anomalies/feedback', VIEWER, '/api/v1/anomalies/feedback'],
    ['GET', 'sidecar/api/v1/actions', VIEWER, '/api/v1/actions'],
    ['GET', 'sidecar/api/v1/actions/42', VIEWER, '/api/v1/actions/42'],
    ['GET', 'sidecar/api/v1/audit', VIEWER, '/api/v1/audit'],
    ['GET', 'sidecar/api/v1/sim/status', VIEWER, '/api/v1/sim/status'],
    // Analysis (CPU-heavy) for the Analyst role, Viewers by default: exact paths only.
    ['POST', 'sidecar/api/v1/forecast', VIEWER, '/api/v1/forecast'],
    ['POST', 'sidecar/api/v1/anomalies', VIEWER, '/api/v1/anomalies'],
    ['POST', 'sidecar/api/v1/rca', VIEWER, '/api/v1/rca'],
    ['POST', 'sidecar/api/v1/rca/graph', VIEWER, '/api/v1/rca/graph'],
    ['POST', 'sidecar/api/v1/query/instant', VIEWER, '/api/v1/query/instant'],
    // Decisions, automation and feedback for Editors, the id reaching the sidecar.
    ['POST', 'sidecar/api/v1/actions/approve/42', EDITOR, '/api/v1/actions/approve/42'],
    ['POST', 'sidecar/api/v1/actions/reject/42', EDITOR, '/api/v1/actions/reject/42'],
    ['POST', 'sidecar/api/v1/actions/rollback/42', EDITOR, '/api/v1/actions/rollback/42'],
    ['PUT', 'sidecar/api/v1/automation/services/frontend', EDITOR, '/api/v1/automation/services/frontend'],
    [
      'POST',
      'sidecar/api/v1/automation/services/frontend/resume',
      EDITOR,
      '/api/v1/automation/services/frontend/resume',
    ],
    [
      'POST',
      'sidecar/api/v1/anomalies/an-1a2b3c4d-1735689600000/feedback',
      EDITOR,
      '/api/v1/anomalies/an-1a2b3c4d-1735689600000/feedback',
    ],
  ])('app proxy forwards %s %s for %p to the sidecar %s', (method, path, user, upstream) => {
    expect(appProxy(routes, method, path, user)).toMatchObject({ status: 'forward', upstreamPath: upstream });
  });

  test.each([
    // Viewers (and server admins who are org Viewers) may not decide, change automation or move thresholds.
    ['POST', 'sidecar/api/v1/actions/approve/42', VIEWER, 403],
    ['POST', 'sidecar/api/v1/actions/rollback/42', SERVER_ADMIN_VIEWER, 403],
    // An approver without the rollback permission cannot roll back, not even by the id-first path.
    ['POST', 'sidecar/api/v1/actions/rollback/42', APPROVER_ONLY, 403],
    ['POST', 'sidecar/api/v1/actions/42/rollback', APPROVER_ONLY, 404],
    ['PUT', 'sidecar/api/v1/automation/services/frontend', VIEWER, 403],
    ['POST', 'sidecar/api/v1/anomalies/an-1/feedback', SERVER_ADMIN_VIEWER, 403],
    // The simulator's writes are not proxied at all (not even for Admins): nothing in the UI needs them.
    ['PUT', 'sidecar/api/v1/sim/deployments/frontend/replicas', userOf('Admin'), 404],
    ['POST', 'sidecar/api/v1/sim/faults', userOf('Admin'), 404],
    // No write reaches the sidecar through the catch-all, and no other method does.
    ['POST', 'sidecar/api/v1/forecast/models', EDITOR, 404],
    ['POST', 'sidecar/api/v1/query/range', EDITOR, 404],
    ['DELETE', 'sidecar/api/v1/actions/42', userOf('Admin'), 404],
    ['PUT', 'sidecar/api/v1/actions/approve/42', userOf('Admin'), 404],
    ['POST', 'sidecar/api/v1/actions/42/approve', userOf('Admin'), 404],
    // Users without a role in the org read nothing.
    ['GET', 'sidecar/api/v1/health', userOf('None'), 403],
  ])('app proxy refuses %s %s for %p with %s', (method, path, user, status) => {
    expect(appProxy(routes, method, path, user).status).toBe(status);
  });

  test('route patterns: a trailing * needs at least one more segment; exact paths match only themselves', () => {
    expect(matchAppPattern('sidecar/api/v1/anomalies/*', 'sidecar/api/v1/anomalies')).toBeUndefined();
    expect(matchAppPattern('sidecar/api/v1/anomalies/*', 'sidecar/api/v1/anomalies/a/feedback')).toBe('a/feedback');
    expect(matchAppPattern('sidecar/api/v1/forecast', 'sidecar/api/v1/forecast/models')).toBeUndefined();
    // Segments are compared unescaped, as Grafana does.
    expect(matchAppPattern('sidecar/api/v1/actions/approve/*', 'sidecar/api/v1/%61ctions/approve/1')).toBe('1');
  });

  test('nested datasource and panel are included by name and type, with ids that follow the naming convention', () => {
    const nested = includes.filter((i) => i.type === 'datasource' || i.type === 'panel');
    expect(nested).toEqual([
      { type: 'datasource', name: datasourceJson.name },
      { type: 'panel', name: panelJson.name },
      { type: 'panel', name: actionsPanelJson.name },
      { type: 'panel', name: rcaPanelJson.name },
    ]);
    expect(datasourceJson).toMatchObject({
      type: 'datasource',
      id: 'aidpe-sidecar-datasource',
      backend: false,
      annotations: true,
    });
    expect(panelJson).toMatchObject({ type: 'panel', id: 'aidpe-forecast-panel' });
    expect(rcaPanelJson).toMatchObject({ type: 'panel', id: 'aidpe-rca-panel' });
    for (const nestedJson of [datasourceJson, panelJson, rcaPanelJson]) {
      expect(nestedJson.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
      expect(nestedJson.dependencies.grafanaDependency).toBe(pluginJson.dependencies.grafanaDependency);
      // %PLUGIN_ID% would be replaced with the app's id at build time.
      expect(JSON.stringify(nestedJson)).not.toContain('%PLUGIN_ID%');
    }
  });

  test('datasource proxy routes only expose what the datasource needs, each with its method and the server-side token', () => {
    expect(datasourceRoutes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST sidecar/api/v1/forecast',
      'GET sidecar/api/v1/forecast/models',
      // Not sidecar/api/v1/anomalies: Grafana matches datasource routes by prefix, and that would also let
      // Viewers POST .../anomalies/{id}/feedback, which only the app's guarded route may reach.
      'POST sidecar/api/v1/anomalies/query',
      'POST sidecar/api/v1/rca/graph',
      // PromQL completion and template-variable queries (label values).
      'POST sidecar/api/v1/query/instant',
      // Completion metadata (label values, series by match[]): cheap GET lookups, Prometheus-shaped.
      'GET sidecar/api/v1/label',
      'GET sidecar/api/v1/series',
      // GET only: reading actions from dashboards; decisions go through the app's guarded routes.
      'GET sidecar/api/v1/actions',
      'GET sidecar/api/v1/health',
    ]);
    for (const route of datasourceRoutes) {
      // The datasource proxy strips the route path and appends the rest to the route URL.
      expect(route.url).toBe(`{{ .JsonData.sidecarUrl }}/${route.path.replace(/^sidecar\//, '')}`);
      expect(route.headers).toContainEqual({ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' });
    }
    expect(datasourceProxy(datasourceRoutes, 'POST', 'sidecar/api/v1/anomalies/an-1/feedback', VIEWER).status).toBe(
      404
    );
    expect(datasourceProxy(datasourceRoutes, 'POST', 'sidecar/api/v1/sim/faults', EDITOR).status).toBe(404);
    expect(datasourceProxy(datasourceRoutes, 'GET', 'sidecar/api/v1/forecast/models', VIEWER)).toMatchObject({
      status: 'forward',
      upstreamPath: '/api/v1/forecast/models',
    });
    const templates = JSON.stringify(datasourceRoutes).match(/{{[^}]*}}/g) ?? [];
    for (const t of templates) {
      expect(t).toMatch(/^{{ \.(JsonData|SecureJsonData)\.\w+ }}$/);
    }
  });
});
