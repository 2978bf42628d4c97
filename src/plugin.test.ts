import pluginJson from './plugin.json';
import { ROUTES } from './constants';

type Route = {
  path: string;
  method?: string;
  reqRole?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
};

const routes = (pluginJson as unknown as { routes: Route[] }).routes;

describe('plugin.json', () => {
  test('identity', () => {
    expect(pluginJson.id).toBe('aidpe-performance-app');
    expect(pluginJson.name).toBe('AIDPE');
    expect(pluginJson.info.author.name).toBe('AIDPE');
    expect(pluginJson.dependencies.grafanaDependency).toBe('>=12.3.0');
  });

  test('every app route has a page in includes, and Overview is the default', () => {
    const pages = pluginJson.includes.filter((i) => i.path.startsWith('/a/'));
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
});
