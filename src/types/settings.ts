/** How far AIDPE may go on its own when it finds a remediation. */
export type OperatingMode = 'recommend' | 'approve' | 'autonomous';

export const OPERATING_MODES: readonly OperatingMode[] = ['recommend', 'approve', 'autonomous'];

export const DEFAULT_OPERATING_MODE: OperatingMode = 'recommend';

/** Non-secret app settings, stored in the plugin's `jsonData` (readable by any signed-in user). */
export interface AppJsonData {
  /** Base URL of the AIDPE sidecar, as reachable from the Grafana server (not from the browser). */
  sidecarUrl?: string;
  /** Default operating mode for new remediation policies. */
  defaultMode?: OperatingMode;
}

/** Secret app settings, stored encrypted in `secureJsonData`; the browser only ever sees `secureJsonFields`. */
export interface AppSecureJsonData {
  /** Bearer token the Grafana plugin proxy sends to the sidecar (`Authorization: Bearer …`). */
  apiToken?: string;
}

export function isOperatingMode(value: unknown): value is OperatingMode {
  return typeof value === 'string' && (OPERATING_MODES as readonly string[]).includes(value);
}
