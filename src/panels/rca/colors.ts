/**
 * Anomaly score → colour, through the theme's visualization palette (so light and dark themes both work).
 * Scores crowd near 1 (they are calibrated likelihoods), so the bands are uneven.
 */
import type { GrafanaTheme2 } from '@grafana/data';

export type AnomalyBand = 'none' | 'normal' | 'elevated' | 'anomalous' | 'critical';

/** Lower bounds of each band; the ranking treats ≥ 0.5 as a candidate and ≥ 0.9 as anomalous. */
export const BAND_THRESHOLDS = { elevated: 0.5, anomalous: 0.9, critical: 0.99 } as const;

/** Palette colour name per band (resolved by `theme.visualization.getColorByName`). */
export const BAND_COLOR_NAME: Readonly<Record<Exclude<AnomalyBand, 'none'>, string>> = {
  normal: 'green',
  elevated: 'yellow',
  anomalous: 'orange',
  critical: 'red',
};

export function anomalyBand(score: number | null | undefined): AnomalyBand {
  if (score === null || score === undefined || !Number.isFinite(score)) {
    return 'none';
  }
  if (score >= BAND_THRESHOLDS.critical) {
    return 'critical';
  }
  if (score >= BAND_THRESHOLDS.anomalous) {
    return 'anomalous';
  }
  if (score >= BAND_THRESHOLDS.elevated) {
    return 'elevated';
  }
  return 'normal';
}

/** The fill for a service with this score; no score (no metrics for it) → the theme's disabled text colour. */
export function anomalyColor(score: number | null | undefined, theme: GrafanaTheme2): string {
  const band = anomalyBand(score);
  return band === 'none' ? theme.colors.text.disabled : theme.visualization.getColorByName(BAND_COLOR_NAME[band]);
}
