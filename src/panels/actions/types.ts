/** Options of the Actions panel; the defaults show everything the loop has, refreshed every 30 seconds. */
export interface ActionsPanelOptions {
  /** Only this service's actions (empty: all services). */
  service: string;
  /** How many of the newest actions to load. */
  limit: number;
  /** Reload every so many seconds; 0 turns it off (the Refresh button still works). */
  refreshSeconds: number;
  showAutomation: boolean;
  showHistory: boolean;
}

export const DEFAULT_OPTIONS: ActionsPanelOptions = {
  service: '',
  limit: 100,
  refreshSeconds: 30,
  showAutomation: true,
  showHistory: true,
};

const clampInt = (value: unknown, min: number, max: number, fallback: number) => {
  const n = Number(value);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : fallback;
};

/** Options as stored (older dashboards may lack some): filled with the defaults, numbers clamped. */
export function withDefaults(options: Partial<ActionsPanelOptions> | undefined): ActionsPanelOptions {
  const merged = { ...DEFAULT_OPTIONS, ...options };
  return {
    service: typeof merged.service === 'string' ? merged.service.trim() : '',
    limit: clampInt(merged.limit, 1, 1000, DEFAULT_OPTIONS.limit),
    refreshSeconds: clampInt(merged.refreshSeconds, 0, 3600, DEFAULT_OPTIONS.refreshSeconds),
    showAutomation: merged.showAutomation !== false,
    showHistory: merged.showHistory !== false,
  };
}
