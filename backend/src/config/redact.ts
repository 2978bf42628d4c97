import type { AidpeConfig } from './config.ts';

/** The config as it may be shown to users: secrets replaced by a marker. */
export function redactConfig(config: AidpeConfig): unknown {
  const hide = (v: string | undefined) => (v ? '<configured>' : undefined);
  // A PostgreSQL URL may carry its password: keep the rest of it, which says where the store is.
  const withoutPassword = (url: string | undefined) => {
    if (!url) {
      return url;
    }
    try {
      const u = new URL(url);
      if (u.password) {
        u.password = '***';
      }
      return u.toString();
    } catch {
      return '<configured, unparseable>';
    }
  };
  return {
    ...config,
    storeUrl: withoutPassword(config.storeUrl),
    apiToken: hide(config.apiToken),
    prometheus: { ...config.prometheus, bearerToken: hide(config.prometheus.bearerToken) },
    loki: { ...config.loki, bearerToken: hide(config.loki.bearerToken) },
    tempo: { ...config.tempo, bearerToken: hide(config.tempo.bearerToken) },
  };
}
