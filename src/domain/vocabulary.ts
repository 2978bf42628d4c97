/**
 * Plain words for what the sidecar names technically: forecast models, accuracy metrics, anomaly scores. The UI
 * shows the plain name and keeps the technical term for a tooltip, so people who know the term can still find
 * it and people who don't are not stopped by it.
 */

export interface Term {
  /** What the UI shows. */
  label: string;
  /** The technical name and what it means, for a tooltip. */
  technical: string;
}

const MODELS: Readonly<Record<string, Term>> = {
  naive: { label: 'Last value', technical: 'naive: repeats the last observed value' },
  seasonal_naive: { label: 'Same time yesterday', technical: 'seasonal_naive: repeats the previous day' },
  seasonal_median: {
    label: 'Typical day',
    technical: 'seasonal_median: median of the same time of day over recent days',
  },
  seasonal_level: {
    label: 'Daily shape at the current level',
    technical: 'seasonal_level: the typical day shifted to the recent level',
  },
  median_1h: { label: 'Last hour’s median', technical: 'median_1h: median of the last hour' },
  median_6h: { label: 'Last 6 hours’ median', technical: 'median_6h: median of the last 6 hours' },
  median_1d: { label: 'Last day’s median', technical: 'median_1d: median of the last day' },
  weekly_median: {
    label: 'Typical week',
    technical: 'weekly_median: median of the same time over the last three weeks',
  },
  seasonal_trend: {
    label: 'Daily shape with trend',
    technical: 'seasonal_trend: typical day plus a robust (Theil–Sen) growth trend',
  },
  lstm: { label: 'Neural network (LSTM)', technical: 'lstm: ONNX long short-term memory model shipped in models/' },
  tft_lite: {
    label: 'Neural network (transformer)',
    technical: 'tft_lite: ONNX temporal fusion transformer (lite) shipped in models/',
  },
  autoets: { label: 'Exponential smoothing', technical: 'autoets: automatically selected ETS model' },
  mstl: { label: 'Seasonal decomposition', technical: 'mstl: multiple seasonal-trend decomposition by LOESS' },
  none: { label: 'No model', technical: 'none: no forecast could be made' },
  aidpe_ensemble: {
    label: "AIDPE's blend",
    technical: 'aidpe_ensemble: the inverse-error weighted blend of the best candidates that every forecast uses',
  },
};

/** A forecast model in plain words; `ensemble(a+b)` becomes "Blend of A and B". Unknown names pass through. */
export function modelTerm(name: string | undefined): Term {
  if (!name) {
    return { label: 'Unknown model', technical: 'the sidecar named no model' };
  }
  const ensemble = /^ensemble\((.*)\)$/.exec(name);
  if (ensemble) {
    const parts = ensemble[1]!.split('+').filter(Boolean);
    const labels = parts.map((p) => modelTerm(p).label.toLowerCase());
    const list = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}` : labels[0];
    return {
      label: `Blend of ${list ?? 'models'}`,
      technical: `${name}: weighted by each model's backtest error (inverse-error ensemble)`,
    };
  }
  if (name === 'ensemble') {
    return { label: 'Blend of the best models', technical: 'ensemble: weighted by backtest error' };
  }
  return MODELS[name] ?? { label: name, technical: name };
}

/** Accuracy and anomaly metrics in plain words. */
export const METRIC_TERMS = {
  mase: {
    label: 'Error vs. naive',
    technical:
      'Scaled mean absolute error (MASE): the forecast error divided by the error of repeating the last value; below 1 beats it',
  },
  relativeToNaive: {
    label: 'Error vs. naive',
    technical: 'Backtest MAE relative to the naive (last value) forecast on the same windows; below 1 beats it',
  },
  coverage80: {
    label: 'Inside the 80% band',
    technical: 'Realised coverage of the p10–p90 band: the share of actual values that fell inside it (ideal 80%)',
  },
  pinball: {
    label: 'Band error',
    technical: 'Pinball (quantile) loss: how far actual values fell from each predicted quantile',
  },
  wql: {
    label: 'Band error (weighted)',
    technical: 'Weighted quantile loss (wQL) over the predicted quantiles, scaled by the series level',
  },
  anomalyScore: {
    label: 'How unusual',
    technical: 'Anomaly score in [0, 1]: the detector’s likelihood that the point is not normal behaviour',
  },
} as const satisfies Record<string, Term>;
