import { isFetchError } from '@grafana/runtime';

/**
 * Human-readable message for anything thrown by `getBackendSrv().fetch` (or elsewhere).
 * Grafana's plugin proxy answers with `{ message }` on its own errors (403 route access denied,
 * 404 route not found, 502 bad gateway), the sidecar with `{ error, message }`.
 */
export function describeError(error: unknown): string {
  if (isFetchError(error)) {
    const data: unknown = error.data;
    const fromBody =
      data && typeof data === 'object' && 'message' in data && typeof data.message === 'string'
        ? data.message
        : undefined;
    const detail = fromBody || error.message || error.statusText;
    const status = error.status ? `HTTP ${error.status}` : 'Request failed';
    return detail ? `${status}: ${detail}` : status;
  }
  if (error instanceof Error) {
    return error.message;
  }
  if (typeof error === 'string') {
    return error;
  }
  return 'Unknown error';
}
