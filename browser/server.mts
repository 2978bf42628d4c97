/**
 * The browser tests' server: bundles the harness (esbuild), starts a live sidecar on the embedded default
 * (demo mode, a throwaway store, a 20× clock, the optimisation loop in approve mode), and serves the harness
 * page plus Grafana's two proxy paths to the sidecar, matched against the plugin.json routes the way
 * Grafana matches them (`src/test/proxyRoutes.ts`): method, route pattern, `reqAction` against the permissions
 * plugin.json's default grants give the harness user's role (cookie `harness_role`, default Editor), the token
 * header, and the forwarded user (`X-Grafana-User`).
 *
 * Run: `node --import tsx browser/server.mts [--port N]` (Playwright's webServer does this).
 */
import { build, type Plugin } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../backend/src/config/config.ts';
import { startSidecar } from '../backend/src/server.ts';
import { defaultPermissions } from '../src/domain/access/permissions.ts';
import { appProxy, datasourceProxy, type PluginRoute } from '../src/test/proxyRoutes.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string', default: '3999' } } });
const port = Number(values.port);
const outdir = join(root, 'browser', '.build');
const API_TOKEN = 'harness-token';

const appRoutes = (JSON.parse(readFileSync(join(root, 'src/plugin.json'), 'utf8')) as { routes: PluginRoute[] }).routes;
const dsRoutes = (
  JSON.parse(readFileSync(join(root, 'src/datasources/sidecar/plugin.json'), 'utf8')) as { routes: PluginRoute[] }
).routes;
const ROLES = ['Viewer', 'Editor', 'Admin', 'None'] as const;
type HarnessRole = (typeof ROLES)[number];

/**
 * @grafana/plugin-compat (a dependency of @grafana/scenes) imports host APIs by name from @grafana/runtime and
 * checks at run time whether each exists, as Grafana's module loader allows; esbuild refuses a named import that
 * the package does not export. Rewritten to property reads of the module namespace: the same run-time behaviour.
 */
const hostApiShim: Plugin = {
  name: 'plugin-compat-host-apis',
  setup(b) {
    b.onLoad({ filter: /@grafana[\\/]plugin-compat[\\/].*\.m?js$/ }, (args) => {
      let n = 0;
      const contents = readFileSync(args.path, 'utf8').replace(
        /import\s*\{([^}]*)\}\s*from\s*'(@grafana\/runtime(?:\/unstable)?)';/g,
        (_m, names: string, from: string) => {
          const ns = `__host${n++}`;
          const bindings = names
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
            .map((x) => {
              const [imported, local] = x.split(/\s+as\s+/);
              return `const ${local ?? imported} = ${ns}[${JSON.stringify(imported)}];`;
            });
          return `import * as ${ns} from '${from}';\n${bindings.join('\n')}`;
        }
      );
      return { contents, loader: 'js' };
    });
  },
};

async function bundle(): Promise<void> {
  await build({
    plugins: [hostApiShim],
    entryPoints: [join(root, 'browser/harness/main.tsx')],
    bundle: true,
    outdir,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.png': 'file' },
  });
}

/** The page: Grafana's boot data for the harness user, with the permissions plugin.json's default grants give the role. */
const index = (permissionsByRole: Record<HarnessRole, Record<string, boolean>>) => `<!doctype html>
<html><head><meta charset="utf-8"><title>AIDPE panel harness</title>
<link rel="stylesheet" href="/main.css">
<script>
  const query = new URLSearchParams(location.search);
  const role = query.get('role') || 'Editor';
  const serverAdmin = query.get('serverAdmin') === '1';
  document.cookie = 'harness_role=' + role + '; path=/';
  const permissionsByRole = ${JSON.stringify(permissionsByRole)};
  // Where @grafana/ui fetches its icons (served below from the package's own copies).
  window.__grafana_public_path__ = '/public/';
  window.grafanaBootData = {
    settings: { buildInfo: { version: '12.4.10', edition: 'Open Source' }, featureToggles: {}, appSubUrl: '', datasources: {}, panels: {}, theme2: {} },
    user: { id: 1, login: role.toLowerCase(), name: role, orgRole: role, isGrafanaAdmin: serverAdmin, permissions: permissionsByRole[role] || {}, theme: 'dark', timezone: 'utc', locale: 'en-US' },
    navTree: [],
  };
</script></head>
<body style="margin:0"><div id="root"></div><script type="module" src="/main.js"></script></body></html>`;

function roleOf(req: IncomingMessage): HarnessRole {
  const m = /(?:^|;\s*)harness_role=(Viewer|Editor|Admin|None)/.exec(req.headers.cookie ?? '');
  return (m?.[1] as HarnessRole | undefined) ?? 'Editor';
}

/** Grafana's two proxies, as `src/test/proxyRoutes.ts` models them (the same code the plugin.json tests use). */
async function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  kind: 'app' | 'datasource',
  proxyPath: string,
  search: string,
  sidecarUrl: string
): Promise<void> {
  const method = req.method ?? 'GET';
  const role = roleOf(req);
  const user = { orgRole: role, permissions: defaultPermissions(role) };
  const answer =
    kind === 'app' ? appProxy(appRoutes, method, proxyPath, user) : datasourceProxy(dsRoutes, method, proxyPath, user);
  if (answer.status === 404) {
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'plugin route match not found' }));
    return;
  }
  if (answer.status === 403) {
    res
      .writeHead(403, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'plugin proxy route access denied' }));
    return;
  }
  const target = `${sidecarUrl}${answer.upstreamPath}${search}`;
  const headers: Record<string, string> = { 'x-grafana-user': role.toLowerCase(), 'x-grafana-org-id': '1' };
  for (const h of answer.route.headers ?? []) {
    headers[h.name.toLowerCase()] = h.content.replace('{{ .SecureJsonData.apiToken }}', API_TOKEN);
  }
  if (req.headers['content-type']) {
    headers['content-type'] = req.headers['content-type'];
  }
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const upstream = await fetch(target, { method, headers, ...(body && method !== 'GET' ? { body } : {}) });
  res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
  res.end(Buffer.from(await upstream.arrayBuffer()));
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

async function main(): Promise<void> {
  await bundle();
  const stateDir = mkdtempSync(join(tmpdir(), 'aidpe-harness-'));
  const config = loadConfig({
    env: {},
    overrides: {
      mode: 'demo',
      logLevel: 'warn',
      apiToken: API_TOKEN,
      'server.port': 0,
      storePath: join(stateDir, 'aidpe.sqlite'),
      defaultActionMode: 'approve',
      // A fast clock (20× real time) so a fault shows in the metrics within seconds; the loop runs every
      // simulated minute (3 s of wall time).
      'automation.intervalSeconds': 60,
      'simulator.speed': 20,
      'simulator.randomFaults': 0,
    },
  });
  const sidecar = await startSidecar(config, { logger: false });
  const permissionsByRole = Object.fromEntries(ROLES.map((r) => [r, defaultPermissions(r)])) as Record<
    HarnessRole,
    Record<string, boolean>
  >;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    const path = url.pathname;
    const fail = (err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `harness proxy: ${(err as Error).message}` }));
    };
    const app = /^\/api\/plugin-proxy\/aidpe-performance-app\/(.*)$/.exec(path);
    if (app) return void proxy(req, res, 'app', app[1]!, url.search, sidecar.url).catch(fail);
    const ds = /^\/api\/datasources\/proxy\/uid\/[^/]+\/(.*)$/.exec(path);
    if (ds) return void proxy(req, res, 'datasource', ds[1]!, url.search, sidecar.url).catch(fail);
    // The tests read the sidecar directly (as an operator's API client would) to check effects.
    const direct = /^\/sidecar-direct(\/.*)$/.exec(path);
    if (direct) {
      return void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const method = req.method ?? 'GET';
        const r = await fetch(`${sidecar.url}${direct[1]}${url.search}`, {
          method,
          headers: {
            authorization: `Bearer ${API_TOKEN}`,
            'x-grafana-user': 'operator',
            ...(chunks.length ? { 'content-type': 'application/json' } : {}),
          },
          ...(chunks.length && method !== 'GET' ? { body: Buffer.concat(chunks) } : {}),
        });
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(Buffer.from(await r.arrayBuffer()));
      })().catch(fail);
    }
    const icon = /^\/public\/build\/img\/icons\/([a-z0-9-]+\/[a-z0-9-]+\.svg)$/.exec(path);
    if (icon) {
      try {
        const body = readFileSync(join(root, 'node_modules/@grafana/ui/dist/public/img/icons', icon[1]!));
        return void res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(body);
      } catch {
        return void res.writeHead(404).end();
      }
    }
    if (path === '/' || path === '/index.html' || path.startsWith('/a/'))
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(index(permissionsByRole));
    try {
      const file = join(outdir, path.replace(/^\/+/, ''));
      if (!file.startsWith(outdir)) throw new Error('outside');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  server.listen(port, '127.0.0.1', () =>
    process.stdout.write(`harness on http://127.0.0.1:${port} (sidecar ${sidecar.url})\n`)
  );
  const stop = async () => {
    server.close();
    await sidecar.close();
    rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

await main();
