import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { SIDECAR_PROXY_BASE } from '../constants';
import type { HealthReport } from './types';

/** Path of a sidecar endpoint behind Grafana's plugin proxy, e.g. `sidecarUrl('/api/v1/health')`. */
export function sidecarUrl(path: string): string {
  return `${SIDECAR_PROXY_BASE}/${path.replace(/^\/+/, '')}`;
}

async function get<T>(path: string): Promise<T> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<T>({
      url: sidecarUrl(path),
      method: 'GET',
      // Callers render their own error state; don't pop a global toast as well.
      showErrorAlert: false,
      showSuccessAlert: false,
    })
  );
  return response.data;
}

/** `GET /api/v1/health` on the sidecar, through the plugin proxy route `sidecar/*`. */
export function getHealth(): Promise<HealthReport> {
  return get<HealthReport>('/api/v1/health');
}
