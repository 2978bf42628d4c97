/** Overall state reported by the sidecar. */
export type HealthStatus = 'up' | 'degraded' | 'down';

/** State of a single dependency of the sidecar (Prometheus, Loki, Tempo, models …). */
export type DependencyState = HealthStatus | 'disabled';

export interface DependencyError {
  message: string;
  /** ISO-8601 timestamp. */
  at: string;
}

export interface DependencyHealth {
  name: string;
  state: DependencyState;
  detail?: string;
  lastError?: DependencyError;
  latencyMs?: number;
  /** ISO-8601 timestamp of the last check. */
  checkedAt: string;
}

/** Response of `GET /api/v1/health` on the sidecar. */
export interface HealthReport {
  status: HealthStatus;
  version: string;
  mode: 'demo' | 'live';
  uptimeSeconds: number;
  dependencies: DependencyHealth[];
}

// ------------------------------------------------------------------------------------------------
// Forecasts (`POST /api/v1/forecast`, `GET /api/v1/forecast/models`); mirrors backend/src/routes/forecast.ts.

/** Body of `POST /api/v1/forecast` in query mode (the plugin never sends inline series). */
export interface ForecastRequest {
  /** PromQL range expression. */
  query: string;
  /** Unix milliseconds (the sidecar also takes seconds, RFC 3339 or `now-1h`). */
  start: number;
  end: number;
  stepSeconds: number;
  /** Exactly one of `horizon` (steps) or `horizonSeconds`. */
  horizon?: number;
  horizonSeconds?: number;
  /** Quantile levels besides the median; the sidecar defaults to `[0.1, 0.9]`. */
  quantiles?: number[];
  /** Restrict the ensemble to these candidates. */
  models?: string[];
}

export type ForecastStatus = 'ok' | 'partial' | 'none';

/** Why a forecast is partial or missing, e.g. `insufficient_history`, `trailing_gap`, `deep_models_unavailable`. */
export interface ForecastReason {
  code: string;
  message: string;
}

/** A Grafana data frame as the sidecar serialises it (column-wise, `null` for gaps). */
export interface ForecastFrameJson {
  name: string;
  fields: Array<{
    name: string;
    type: 'time' | 'number';
    values: Array<number | null>;
    /** Grafana field config: `custom.lineStyle`, `custom.fillBelowTo`, `custom.fillOpacity`, `description` … */
    config?: Record<string, unknown>;
  }>;
}

export interface ForecastCandidate {
  model: string;
  backtestMase: number | null;
  weight: number;
}

export interface SeriesForecast {
  labels: Record<string, string>;
  name: string;
  status: ForecastStatus;
  reasons: ForecastReason[];
  model: string;
  explanation: string;
  backtestMase: number | null;
  candidates: ForecastCandidate[];
  /** Season length in steps, 0 when none. */
  seasonPeriod: number;
  stepSeconds: number | null;
  /** Forecast steps. */
  horizon: number;
  frame: ForecastFrameJson;
}

export type ModelState = 'loaded' | 'missing' | 'corrupt' | 'checksum_mismatch';

export interface ForecastModelStatus {
  name: string;
  file: string;
  version?: string;
  state: ModelState;
  error?: string;
}

export interface ForecastResponse {
  series: SeriesForecast[];
  warnings: string[];
  cached: boolean;
  models: ForecastModelStatus[];
}

export interface ForecastModelsResponse {
  models: ForecastModelStatus[];
  /** Statistical candidates, always available. */
  statistical: string[];
  warnings: string[];
}

/**
 * What the AIDPE datasource puts in `frame.meta.custom` of every forecast frame; the forecast panel reads it
 * (defensively: frames may come from any datasource).
 */
export interface ForecastFrameMeta {
  aidpe: 'forecast';
  status: ForecastStatus;
  reasons: ForecastReason[];
  model: string;
  explanation: string;
  backtestMase: number | null;
  candidates: ForecastCandidate[];
  seasonPeriod: number;
  stepSeconds: number | null;
  horizon: number;
  labels: Record<string, string>;
  cached: boolean;
}
