/** Options of the forecast overlay panel; the defaults let a user only pick a query. */
export interface ForecastPanelOptions {
  /** Draw the p2.5–p97.5 band when the query returns one. */
  showBand95: boolean;
  /** Opacity of the 80% band in percent; the 95% band is drawn at half of it. */
  bandOpacity: number;
  /** Vertical "now" marker at the last actual value. */
  showNow: boolean;
}

export const DEFAULT_OPTIONS: ForecastPanelOptions = {
  showBand95: true,
  bandOpacity: 20,
  showNow: true,
};

/** Options as stored (older dashboards may lack some): filled with the defaults, opacity clamped to 0–100. */
export function withDefaults(options: Partial<ForecastPanelOptions> | undefined): ForecastPanelOptions {
  const merged = { ...DEFAULT_OPTIONS, ...options };
  const opacity = Number(merged.bandOpacity);
  return {
    showBand95: merged.showBand95 !== false,
    showNow: merged.showNow !== false,
    bandOpacity: Number.isFinite(opacity) ? Math.min(100, Math.max(0, opacity)) : DEFAULT_OPTIONS.bandOpacity,
  };
}
