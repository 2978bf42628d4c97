import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;

export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** App routes, relative to {@link PLUGIN_BASE_URL}. Keep in sync with `includes` in plugin.json. */
export enum ROUTES {
  Overview = 'overview',
  Incidents = 'incidents',
  Actions = 'actions',
  Models = 'models',
}

/**
 * Base URL of the sidecar as seen from the browser. The browser never talks to the sidecar directly:
 * Grafana's plugin proxy matches the `sidecar/*` route in plugin.json, injects the API token from
 * `secureJsonData.apiToken` server-side and forwards the rest of the path to `jsonData.sidecarUrl`.
 */
export const SIDECAR_PROXY_BASE = `/api/plugin-proxy/${PLUGIN_ID}/sidecar`;

export const DEFAULT_SIDECAR_URL = 'http://localhost:8080';
