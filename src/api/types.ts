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
export interface SidecarFrameJson {
  name: string;
  fields: Array<{
    name: string;
    type: 'time' | 'number';
    values: Array<number | null>;
    /** Grafana field config: `custom.lineStyle`, `custom.fillBelowTo`, `custom.fillOpacity`, `description` … */
    config?: Record<string, unknown>;
  }>;
}

/** A forecast frame: `time`, `value`, `forecast`, `lower`/`upper` (and `lower95`/`upper95`). */
export type ForecastFrameJson = SidecarFrameJson;

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

export interface ModelValidation {
  windows: number;
  pinball: number;
  mae: number | null;
  coverage80: number | null;
}

/** What a model card says (only on `GET /api/v1/forecast/models`). */
export interface ModelCardSummary {
  architecture?: string;
  parameters?: number;
  trainedAt?: string;
  sha256?: string;
  /** Per validation data source, in normalised units. */
  validation: Record<string, ModelValidation>;
}

export interface ForecastModelStatus {
  name: string;
  file: string;
  version?: string;
  state: ModelState;
  error?: string;
  card?: ModelCardSummary;
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

// ------------------------------------------------------------------------------------------------
// Anomalies (`POST /api/v1/anomalies`, `POST /api/v1/anomalies/{id}/feedback`, `GET /api/v1/anomalies/feedback`);
// mirrors backend/src/routes/anomalies.ts.

/** Body of `POST /api/v1/anomalies` in query mode (the plugin never sends inline series). */
export interface AnomalyRequest {
  /** PromQL range expression. */
  query: string;
  /** Unix milliseconds; the sidecar reaches back 1,440 steps before `start` to warm its detector up. */
  start: number;
  end: number;
  stepSeconds: number;
  /** Overrides every series' threshold, in (0, 1). */
  threshold?: number;
}

export type AnomalySeverity = 'low' | 'medium' | 'high' | 'critical';

/** Where a series' threshold came from: the sidecar default, feedback on the series, or the request. */
export type ThresholdSource = 'default' | 'feedback' | 'request';

/** A stretch where the anomaly score passed the series' threshold. */
export interface AnomalyRegion {
  /** Stable id (`an-<hash of the series key>-<startMs>`): the handle for feedback. */
  id: string;
  seriesKey: string;
  startMs: number;
  endMs: number;
  peakMs: number;
  /** Highest score in the region, in [0, 1]. */
  peakScore: number;
  severity: AnomalySeverity;
  /** Points over the threshold. */
  points: number;
}

export interface SeriesAnomalies {
  labels: Record<string, string>;
  name: string;
  seriesKey: string;
  threshold: number;
  thresholdSource: ThresholdSource;
  /** `insufficient_data`: too few samples for the detector to score (scores stay 0). */
  status: 'ok' | 'insufficient_data';
  reason?: string;
  regions: AnomalyRegion[];
  /** `time` (ms), `value`, `score` (0..1). */
  frame: SidecarFrameJson;
}

/** A region shaped as a Grafana annotation event. */
export interface AnomalyAnnotation {
  id: string;
  time: number;
  timeEnd: number;
  title: string;
  text: string;
  tags: string[];
}

export interface AnomalyResponse {
  series: SeriesAnomalies[];
  annotations: AnomalyAnnotation[];
  warnings: string[];
  /** False when the sidecar has no store: feedback cannot be kept (503). */
  storeAvailable: boolean;
}

export type FeedbackVerdict = 'true_positive' | 'false_positive';

/** Body of `POST /api/v1/anomalies/{id}/feedback`; the user is the one Grafana forwards (`X-Grafana-User`). */
export interface AnomalyFeedbackRequest {
  verdict: FeedbackVerdict;
  reason?: string;
}

/** What the sidecar stored (201). */
export interface AnomalyFeedbackRecord {
  id: number;
  regionId: string;
  seriesKey: string;
  verdict: FeedbackVerdict;
  user: string;
  reason: string;
  /** ISO-8601. */
  createdAt: string;
  thresholdBefore: number;
  thresholdAfter: number;
}

/** Response of `GET /api/v1/anomalies/feedback`. */
export interface AnomalyFeedbackList {
  feedback: AnomalyFeedbackRecord[];
}

/** What the AIDPE datasource puts in `frame.meta.custom` of every anomaly frame. */
export interface AnomalyFrameMeta {
  aidpe: 'anomalies';
  status: SeriesAnomalies['status'];
  reason?: string;
  seriesKey: string;
  labels: Record<string, string>;
  threshold: number;
  thresholdSource: ThresholdSource;
  regions: AnomalyRegion[];
  /** Whether feedback on these regions can be stored. */
  storeAvailable: boolean;
}
