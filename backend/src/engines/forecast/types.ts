/**
 * Forecast engine contracts. The engine is pure: series in, quantile forecasts out, no I/O
 * (ONNX sessions are handed in already loaded).
 */

/** A regularly sampled series: values[i] is at lastTimestamp - (n-1-i)*stepSeconds. NaN marks a gap. */
export interface RegularSeries {
  values: Float64Array;
  stepSeconds: number;
  /** Unix seconds of the last value. */
  lastTimestamp: number;
}

/** One forecast path: the median and the quantiles the caller asked for, all of length horizon. */
export interface QuantileForecast {
  p50: Float64Array;
  /** Keyed by quantile level, e.g. 0.1, 0.9, 0.025, 0.975. */
  quantiles: Map<number, Float64Array>;
}

/** Why a forecast is missing or partial: a code a UI can switch on and a sentence a person can read. */
export interface ForecastReason {
  code:
    | 'insufficient_history'
    | 'constant_series'
    | 'gaps_imputed'
    | 'trailing_gap'
    | 'history_truncated_at_gap'
    | 'no_seasonality'
    | 'horizon_beyond_deep_models'
    | 'deep_models_unavailable'
    | 'candidate_failed'
    | 'too_short_for_deep_models'
    | 'too_short_for_backtest'
    | 'level_shift';
  message: string;
}

export interface CandidateScore {
  model: string;
  /** Mean absolute error over the backtest origins, scaled by the in-sample naive MAE (MASE-like); null when no backtest was possible. */
  backtestMase: number | null;
  weight: number;
}

export interface ForecastOutcome {
  status: 'ok' | 'partial' | 'none';
  reasons: ForecastReason[];
  /** Timestamps (unix seconds) of the forecast steps; empty when status is none. */
  timestamps: number[];
  forecast: QuantileForecast | undefined;
  /** The model (or ensemble) that produced it and why. */
  model: string;
  explanation: string;
  candidates: CandidateScore[];
  /** Backtest error of the chosen combination (scaled MAE over the backtest origins), when backtested. */
  backtestMase: number | undefined;
  /** The primary (strongest) detected season in steps, 0 when none. */
  seasonPeriod: number;
  /** Every detected seasonal period in steps, shortest first. */
  seasonPeriods: number[];
}

export interface ForecastOptions {
  horizon: number;
  /** Quantile levels besides the median; default 0.1 and 0.9. */
  quantiles?: number[];
  /** Restrict candidates (names as in CandidateScore.model); default all available. */
  models?: string[];
}

/**
 * How the backtest table becomes a forecast. The defaults (engine.ts) were chosen by leave-one-source-out
 * with `aidpe forecast-eval`; the evaluation tries others on the same backtest tables.
 */
export interface EnsembleSettings {
  /** Combine at most this many candidates… */
  maxCombined: number;
  /** …and only those within this factor of the best backtest error. */
  combineWithin: number;
  /** Candidates left out of the default ensemble (they did not help out of sample). */
  excluded: readonly string[];
  /** Adaptive conformal step size γ per backtest origin (0: plain split conformal). */
  conformalRate: number;
  /** Multiplier on the conformal quantiles (1: none). */
  intervalInflation: number;
  /** Intercept-correct the forecast after a level shift at the end of the history (levelShift.ts); default on. */
  levelShiftCorrection?: boolean;
}
