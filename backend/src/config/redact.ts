import type { AidpeConfig } from './config.ts';

/** A URL as it may be shown: its password (a PostgreSQL URL may carry one) replaced, the rest kept. */
export function urlWithoutPassword(url: string, unparseable: string): string {
  try {
    const u = new URL(url);
    if (u.password) {
      u.password = '***';
    }
    return u.toString();
  } catch {
    return unparseable;
  }
}

/** The config as it may be shown to users: secrets replaced by a marker. */
export function redactConfig(config: AidpeConfig): unknown {
  const hide = (v: string | undefined) => (v ? '<configured>' : undefined);
  return {
    ...config,
    // The store URL says where the store is; only its password is hidden.
    storeUrl: config.storeUrl && urlWithoutPassword(config.storeUrl, '<configured, unparseable>'),
    apiToken: hide(config.apiToken),
    prometheus: { ...config.prometheus, bearerToken: hide(config.prometheus.bearerToken) },
    loki: { ...config.loki, bearerToken: hide(config.loki.bearerToken) },
    tempo: { ...config.tempo, bearerToken: hide(config.tempo.bearerToken) },
  };
}
