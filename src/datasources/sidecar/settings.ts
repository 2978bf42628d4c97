import type { DataSourceJsonData } from '@grafana/data';

/** Non-secret datasource settings (`jsonData`). */
export interface SidecarJsonData extends DataSourceJsonData {
  /** Base URL of the AIDPE sidecar as reached from the Grafana server; used by the proxy routes in plugin.json. */
  sidecarUrl?: string;
}

/** Secret datasource settings (`secureJsonData`): write-only, injected server-side by the proxy routes. */
export interface SidecarSecureJsonData {
  apiToken?: string;
}
