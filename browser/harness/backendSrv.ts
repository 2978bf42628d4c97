/**
 * The part of Grafana's BackendSrv the plugin uses (`fetch`, `get`, `post`, `delete`, `put`), over the
 * browser's fetch, with Grafana's response and error shapes: `{ data, status, ok, … }`, and on failure a
 * FetchError-like `{ status, statusText, data }` so the plugin's error handling runs as it does in Grafana.
 */
import { from, type Observable } from 'rxjs';

interface FetchOptions {
  url: string;
  method?: string;
  data?: unknown;
  params?: Record<string, unknown>;
  headers?: Record<string, string>;
}

interface FetchResponse<T> {
  data: T;
  status: number;
  statusText: string;
  ok: boolean;
  headers: Headers;
  url: string;
  type: string;
  redirected: boolean;
  config: FetchOptions;
}

async function doFetch<T>(options: FetchOptions): Promise<FetchResponse<T>> {
  let url = options.url;
  if (options.params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(options.params)) if (v !== undefined && v !== null) q.set(k, String(v));
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const method = options.method ?? 'GET';
  const res = await fetch(url, {
    method,
    headers: { ...(options.data !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.data !== undefined ? { body: JSON.stringify(options.data) } : {}),
  });
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  const response = {
    data: data as T,
    status: res.status,
    statusText: res.statusText,
    ok: res.ok,
    headers: res.headers,
    url,
    type: res.type,
    redirected: res.redirected,
    config: options,
  };
  if (!res.ok) throw { ...response, message: (data as { message?: string } | undefined)?.message ?? res.statusText };
  return response;
}

export const harnessBackendSrv = {
  fetch<T>(options: FetchOptions): Observable<FetchResponse<T>> {
    return from(doFetch<T>(options));
  },
  async request<T>(options: FetchOptions): Promise<T> {
    return (await doFetch<T>(options)).data;
  },
  async datasourceRequest<T>(options: FetchOptions): Promise<FetchResponse<T>> {
    return doFetch<T>(options);
  },
  get<T>(url: string, params?: Record<string, unknown>): Promise<T> {
    return doFetch<T>({ url, method: 'GET', ...(params ? { params } : {}) }).then((r) => r.data);
  },
  post<T>(url: string, data?: unknown): Promise<T> {
    return doFetch<T>({ url, method: 'POST', data }).then((r) => r.data);
  },
  put<T>(url: string, data?: unknown): Promise<T> {
    return doFetch<T>({ url, method: 'PUT', data }).then((r) => r.data);
  },
  delete<T>(url: string): Promise<T> {
    return doFetch<T>({ url, method: 'DELETE' }).then((r) => r.data);
  },
};

/** No dashboard variables in the harness: text passes through unchanged. */
export const harnessTemplateSrv = {
  replace: (text?: string) => text ?? '',
  getVariables: () => [],
  containsTemplate: () => false,
  updateTimeRange: () => undefined,
};
