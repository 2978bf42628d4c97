import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import type { AppJsonData, AppSecureJsonData } from '../types/settings';

export interface PluginSettingsUpdate {
  enabled?: boolean;
  pinned?: boolean;
  jsonData: AppJsonData;
  /**
   * Only the secrets being changed. Leave undefined to keep the stored secrets untouched:
   * Grafana overwrites every key that is present, even with an empty string.
   */
  secureJsonData?: AppSecureJsonData;
}

/** `POST /api/plugins/<id>/settings` (Grafana core API, requires an org admin). */
export async function updatePluginSettings(pluginId: string, data: PluginSettingsUpdate): Promise<void> {
  await lastValueFrom(
    getBackendSrv().fetch({
      url: `/api/plugins/${pluginId}/settings`,
      method: 'POST',
      data,
      showErrorAlert: false,
    })
  );
}
