import pluginJson from './plugin.json';
import datasourceJson from './datasources/sidecar/plugin.json';
import panelJson from './panels/forecast/plugin.json';
import actionsPanelJson from './panels/actions/plugin.json';
import rcaPanelJson from './panels/rca/plugin.json';
import { ROUTES } from './constants';

type Route = {
  path: string;
  method?: string;
  reqRole?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
};

type Include = { type: string; name: string; path?: string; defaultNav?: boolean };

const routes = (pluginJson as unknown as { routes: Route[] }).routes;
const includes = pluginJson.includes as Include[];
const datasourceRoutes = (datasourceJson as unknown as { routes: Route[] }).routes;

/**
 * Where Grafana's app plugin proxy sends `method path` (pkg/api/pluginproxy): the first route whose method and
 * path match wins; a trailing `*` matches one or more further segments, which are appended to the route URL;
 * a route without `*` matches its path exactly and forwards to its URL as is.
 */
function appProxyTarget(method: string, path: string): { route: Route; upstream: string } | undefined {
  for (const route of routes) {
    if (route.method && route.method !== method) {
      continue;
    }
    let rest: string;
    if (route.path.endsWith('/*')) {
      const prefix = route.path.slice(0, -1);
      if (!path.startsWith(prefix) || path.length === prefix.length) {
        continue;
      }
      rest = `/${path.slice(prefix.length)}`;
    } else if (route.path === path) {
      rest = '';
    } else {
      continue;
    }
    return { route, upstream: route.url.replace('{{ .JsonData.sidecarUrl }}', '') + rest };
  }
  return undefined;
}

describe('plugin.json', () => {
  test('identity', () => {
    expect(pluginJson.id).toBe('aidpe-performance-app');
    expect(pluginJson.name).toBe('AIDPE');
    expect(pluginJson.info.author.name).toBe('AIDPE');
    expect(pluginJson.dependencies.grafanaDependency).toBe('>=12.3.0');
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

  test('mutating action routes require Editor and come before the catch-all (first match wins)', () => {
    const catchAll = routes.findIndex((r) => r.path === 'sidecar/*');
    const actions = routes.findIndex((r) => r.path === 'sidecar/api/v1/actions/*');
    expect(catchAll).toBe(routes.length - 1);
    expect(actions).toBeGreaterThanOrEqual(0);
    expect(actions).toBeLessThan(catchAll);
    expect(routes[actions]).toMatchObject({
      method: 'POST',
      reqRole: 'Editor',
      url: '{{ .JsonData.sidecarUrl }}/api/v1/actions',
    });
  });

  test('automation changes (every method under automation/) require Editor and come before the catch-all', () => {
    const catchAll = routes.findIndex((r) => r.path === 'sidecar/*');
    const automation = routes.findIndex((r) => r.path === 'sidecar/api/v1/automation/*');
    expect(automation).toBeGreaterThanOrEqual(0);
    expect(automation).toBeLessThan(catchAll);
    expect(routes[automation]).toMatchObject({
      reqRole: 'Editor',
      url: '{{ .JsonData.sidecarUrl }}/api/v1/automation',
    });
    // No method: PUT (mode) and POST (resume) alike.
    expect(routes[automation].method).toBeUndefined();
  });

  test('the actions panel follows the nested plugin conventions and reads the sidecar itself', () => {
    expect(actionsPanelJson).toMatchObject({ type: 'panel', id: 'aidpe-actions-panel', skipDataQuery: true });
    expect(actionsPanelJson.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
    expect(actionsPanelJson.dependencies.grafanaDependency).toBe(pluginJson.dependencies.grafanaDependency);
    expect(actionsPanelJson.info.logos.small).toBe('img/logo.svg');
  });

  test('anomaly feedback (a POST under anomalies/) requires Editor and comes before the catch-all', () => {
    const catchAll = routes.findIndex((r) => r.path === 'sidecar/*');
    const feedback = routes.findIndex((r) => r.path === 'sidecar/api/v1/anomalies/*');
    expect(feedback).toBeGreaterThanOrEqual(0);
    expect(feedback).toBeLessThan(catchAll);
    expect(routes[feedback]).toMatchObject({
      method: 'POST',
      reqRole: 'Editor',
      url: '{{ .JsonData.sidecarUrl }}/api/v1/anomalies',
    });
  });

  test.each([
    // Viewers run anomaly queries and read feedback through the catch-all…
    ['POST', 'sidecar/api/v1/anomalies', 'sidecar/*', '/api/v1/anomalies'],
    ['GET', 'sidecar/api/v1/anomalies/feedback', 'sidecar/*', '/api/v1/anomalies/feedback'],
    ['GET', 'sidecar/api/v1/health', 'sidecar/*', '/api/v1/health'],
    // …while giving feedback and acting need Editor, and the id reaches the sidecar.
    [
      'POST',
      'sidecar/api/v1/anomalies/an-1a2b3c4d-1735689600000/feedback',
      'sidecar/api/v1/anomalies/*',
      '/api/v1/anomalies/an-1a2b3c4d-1735689600000/feedback',
    ],
    ['POST', 'sidecar/api/v1/actions/42/approve', 'sidecar/api/v1/actions/*', '/api/v1/actions/42/approve'],
    // Everyone reads actions and the audit trail; changing the automation needs Editor.
    ['GET', 'sidecar/api/v1/actions', 'sidecar/*', '/api/v1/actions'],
    ['GET', 'sidecar/api/v1/actions/42', 'sidecar/*', '/api/v1/actions/42'],
    ['GET', 'sidecar/api/v1/audit', 'sidecar/*', '/api/v1/audit'],
    [
      'PUT',
      'sidecar/api/v1/automation/services/frontend',
      'sidecar/api/v1/automation/*',
      '/api/v1/automation/services/frontend',
    ],
    [
      'POST',
      'sidecar/api/v1/automation/services/frontend/resume',
      'sidecar/api/v1/automation/*',
      '/api/v1/automation/services/frontend/resume',
    ],
  ])('app proxy: %s %s → route %s → sidecar %s', (method, path, routePath, upstream) => {
    expect(appProxyTarget(method, path)).toEqual({ route: expect.objectContaining({ path: routePath }), upstream });
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

  test('datasource proxy routes only expose what the datasource needs, each with the server-side token', () => {
    expect(datasourceRoutes.map((r) => r.path)).toEqual([
      'sidecar/api/v1/forecast',
      // Not sidecar/api/v1/anomalies: Grafana matches datasource routes by prefix, and that would also let
      // Viewers POST .../anomalies/{id}/feedback, which only the app's Editor route may reach.
      'sidecar/api/v1/anomalies/query',
      'sidecar/api/v1/rca/graph',
      // GET only: reading actions from dashboards; decisions go through the app's Editor-only routes.
      'sidecar/api/v1/actions',
      'sidecar/api/v1/health',
    ]);
    expect(datasourceRoutes.find((r) => r.path === 'sidecar/api/v1/anomalies/query')?.method).toBe('POST');
    expect(datasourceRoutes.find((r) => r.path === 'sidecar/api/v1/actions')?.method).toBe('GET');
    for (const route of datasourceRoutes) {
      // The datasource proxy strips the route path and appends the rest to the route URL.
      expect(route.url).toBe(`{{ .JsonData.sidecarUrl }}/${route.path.replace(/^sidecar\//, '')}`);
      expect(route.headers).toContainEqual({ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' });
    }
    const templates = JSON.stringify(datasourceRoutes).match(/{{[^}]*}}/g) ?? [];
    for (const t of templates) {
      expect(t).toMatch(/^{{ \.(JsonData|SecureJsonData)\.\w+ }}$/);
    }
  });
});
