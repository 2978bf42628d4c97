import { isFetchError } from '@grafana/runtime';

/**
 * Where the user fixes the connection: the app's configuration page (pages, panels, the app config itself) or the
 * AIDPE datasource's settings (queries through the datasource's own proxy routes).
 */
export type ErrorContext = 'app' | 'config' | 'datasource';

export interface DescribeErrorOptions {
  /** Default `app`. */
  context?: ErrorContext;
  /** Append what to do about a wrong URL, token or role (default true); off where the caller says it itself. */
  hint?: boolean;
}

const SETTINGS: Readonly<Record<ErrorContext, string>> = {
  app: 'the app configuration (Administration → Plugins → AIDPE)',
  config: 'the settings above (save before testing)',
  datasource: "the AIDPE datasource's settings",
};

/** A body the sidecar itself wrote (`{ statusCode, error, message }`); Grafana's proxy answers with `{ message }` only. */
function fromSidecar(data: unknown): boolean {
  return Boolean(data && typeof data === 'object' && 'error' in data && typeof data.error === 'string');
}

function bodyMessage(data: unknown): string | undefined {
  return data && typeof data === 'object' && 'message' in data && typeof data.message === 'string'
    ? data.message
    : undefined;
}

/**
 * What to do about a failed call, by status: a wrong sidecar URL or a sidecar that is down (the plugin proxy answers
 * 502/504), a wrong or missing API token (401 from the sidecar), a role that may not call an Editor-only route (403
 * from the proxy). Undefined when the status says nothing the message does not.
 */
export function errorHint(error: unknown, context: ErrorContext = 'app'): string | undefined {
  if (!isFetchError(error)) {
    return undefined;
  }
  const where = SETTINGS[context];
  const message = bodyMessage(error.data) ?? '';
  switch (error.status) {
    case 502:
    case 504:
      if (fromSidecar(error.data)) {
        // The sidecar answered, but its own upstream (Prometheus, Loki, Tempo) failed or timed out.
        return 'The sidecar is up but could not get an answer from its telemetry source: see the dependency health on the Overview page.';
      }
      return `The AIDPE sidecar cannot be reached through Grafana's plugin proxy: check the sidecar URL (as seen from the Grafana server) in ${where}, and that the sidecar is running.`;
    case 401:
      if (/^user:/.test(message)) {
        return 'The sidecar needs a signed-in Grafana user for this (Grafana forwards it as X-Grafana-User): sign in and try again.';
      }
      return `The API token is wrong or missing: set it in ${where}.`;
    case 403:
      if (context === 'config') {
        return 'Changing the app configuration needs the Admin role in Grafana.';
      }
      return 'Grafana refused this for your role: approving, rejecting, rolling back, changing automation and giving feedback need the Editor role.';
    default:
      return undefined;
  }
}

/**
 * Human-readable message for anything thrown by `getBackendSrv().fetch` (or elsewhere): `HTTP <status>: <message>`,
 * then, for a wrong URL, token or role, what to do about it ({@link errorHint}).
 * Grafana's plugin proxy answers with `{ message }` on its own errors (403 route access denied,
 * 404 route not found, 502 bad gateway), the sidecar with `{ error, message }`.
 */
export function describeError(error: unknown, options: DescribeErrorOptions = {}): string {
  if (isFetchError(error)) {
    const detail = bodyMessage(error.data) || error.message || error.statusText;
    const status = error.status ? `HTTP ${error.status}` : 'Request failed';
    const base = detail ? `${status}: ${detail}` : status;
    const hint = options.hint === false ? undefined : errorHint(error, options.context);
    return hint ? `${base.replace(/[.\s]+$/, '')}. ${hint}` : base;
  }
  if (error instanceof Error) {
    return error.message;
  }
  if (typeof error === 'string') {
    return error;
  }
  return 'Unknown error';
}
