/**
 * Validates the sidecar base URL. Returns an error message, or `undefined` when the value is valid.
 * The URL is resolved by the Grafana server (plugin proxy), so it must be absolute http(s).
 */
export function validateSidecarUrl(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) {
    return 'Sidecar URL is required';
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return 'Enter a valid URL, e.g. http://localhost:8080';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'The URL must start with http:// or https://';
  }
  if (!url.hostname) {
    return 'The URL must include a host name';
  }
  if (url.username || url.password) {
    return 'Do not put credentials in the URL; use the API token field instead';
  }
  if (url.search || url.hash) {
    return 'The URL must not contain a query string or fragment';
  }
  return undefined;
}

/** Canonical form saved to jsonData: trimmed, without trailing slashes. */
export function normalizeSidecarUrl(value: string): string {
  return value.trim().replace(/\/+$/, '');
}
