/**
 * Grafana's plugin-proxy route matching, as the app proxy (pkg/api/pluginproxy/pluginproxy.go) and the datasource
 * proxy (ds_proxy.go) do it, for the tests and the browser harness: the first route whose method fits and whose
 * path matches decides; if the user may not use it, the answer is 403 (no later route is tried); no match is 404.
 *
 * - App routes are matched as route patterns (pkg/web/tree.go): static segments match exactly (after
 *   unescaping), a trailing `*` matches one or more further segments, which are appended to the route URL; a
 *   route without `*` forwards to its URL as is.
 * - Datasource routes are matched by path prefix, and the rest of the path is appended to the route URL.
 * - Access: `reqAction` against the user's RBAC permissions when set, else `reqRole` against the org role.
 */
import { roleIncludes } from '../domain/access/permissions';

export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: string;
  reqAction?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}

export interface ProxyUser {
  orgRole: string;
  permissions: Record<string, boolean>;
}

export type ProxyAnswer =
  | { status: 404 }
  | { status: 403; route: PluginRoute }
  | { status: 'forward'; route: PluginRoute; upstreamPath: string };

const segments = (path: string) =>
  path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });

/** The `*` part of an app route pattern match, `''` for an exact match, `undefined` when it does not match. */
export function matchAppPattern(pattern: string, path: string): string | undefined {
  const want = segments(pattern);
  const got = segments(path);
  const glob = want[want.length - 1] === '*';
  const fixed = glob ? want.slice(0, -1) : want;
  if (glob ? got.length <= fixed.length : got.length !== fixed.length) {
    return undefined;
  }
  if (!fixed.every((s, i) => s === got[i])) {
    return undefined;
  }
  return glob ? got.slice(fixed.length).join('/') : '';
}

function allowed(route: PluginRoute, user: ProxyUser): boolean {
  if (route.reqAction) {
    return Boolean(user.permissions[route.reqAction]);
  }
  return route.reqRole ? roleIncludes(user.orgRole, route.reqRole) : true;
}

function upstream(route: PluginRoute, rest: string): string {
  const base = route.url.replace('{{ .JsonData.sidecarUrl }}', '');
  return rest ? `${base.replace(/\/+$/, '')}/${rest.replace(/^\/+/, '')}` : base;
}

/** Where the app plugin proxy sends `method proxyPath` (the part after `/api/plugin-proxy/<id>/`). */
export function appProxy(routes: PluginRoute[], method: string, proxyPath: string, user: ProxyUser): ProxyAnswer {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) {
      continue;
    }
    const rest = matchAppPattern(route.path, proxyPath);
    if (rest === undefined) {
      continue;
    }
    if (!allowed(route, user)) {
      return { status: 403, route };
    }
    return { status: 'forward', route, upstreamPath: upstream(route, rest) };
  }
  return { status: 404 };
}

/** Where the datasource proxy sends `method proxyPath` (the part after `/api/datasources/proxy/uid/<uid>/`). */
export function datasourceProxy(
  routes: PluginRoute[],
  method: string,
  proxyPath: string,
  user: ProxyUser
): ProxyAnswer {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) {
      continue;
    }
    if (!proxyPath.startsWith(route.path)) {
      continue;
    }
    if (!allowed(route, user)) {
      return { status: 403, route };
    }
    return { status: 'forward', route, upstreamPath: upstream(route, proxyPath.slice(route.path.length)) };
  }
  return { status: 404 };
}
