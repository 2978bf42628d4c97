/**
 * The plugin's API types. Every response type is derived from the generated contract (`generated/sidecar.ts`,
 * `npm run api:types`): the sidecar declares a schema for every route. Request bodies and the small unions the
 * UI switches on are written here.
 */
import type { ResponseOf } from './contract';

/** Response of `GET /api/v1/health` on the sidecar. */
export type HealthReport = ResponseOf<'/api/v1/health', 'get'>;
/** Overall state reported by the sidecar. */
export type HealthStatus = HealthReport['status'];
/** State of a single dependency of the sidecar (Prometheus, Loki, Tempo, models …). */
export type DependencyHealth = HealthReport['dependencies'][number];
export type DependencyState = DependencyHealth['state'];
export type DependencyError = NonNullable<DependencyHealth['lastError']>;

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

/** Response of `POST /api/v1/forecast`. */
export type ForecastResponse = ResponseOf<'/api/v1/forecast', 'post'>;
export type SeriesForecast = ForecastResponse['series'][number];
export type ForecastStatus = SeriesForecast['status'];
/** Why a forecast is partial or missing, e.g. `insufficient_history`, `trailing_gap`, `deep_models_unavailable`. */
export type ForecastReason = SeriesForecast['reasons'][number];
export type ForecastCandidate = SeriesForecast['candidates'][number];
/** A forecast frame: `time`, `value`, `forecast`, `lower`/`upper` (and `lower95`/`upper95`). */
export type ForecastFrameJson = SeriesForecast['frame'];

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

/** Response of `GET /api/v1/forecast/models`. */
export type ForecastModelsResponse = ResponseOf<'/api/v1/forecast/models', 'get'>;
export type ForecastModelStatus = ForecastModelsResponse['models'][number];
export type ModelState = ForecastModelStatus['state'];
/** What a model card says (only on `GET /api/v1/forecast/models`). */
export type ModelCardSummary = NonNullable<ForecastModelStatus['card']>;
export type ModelValidation = ModelCardSummary['validation'][string];

/** Response of `GET /api/v1/forecast/accuracy`. */
export type ForecastAccuracyResponse = ResponseOf<'/api/v1/forecast/accuracy', 'get'>;
export type ModelAccuracy = ForecastAccuracyResponse['models'][number];
/** One accuracy measurement of a model at `t` (Unix ms of the forecast). */
export type AccuracyPoint = ModelAccuracy['points'][number];
export type AccuracyMetric = ModelAccuracy['metric'];
export type SeriesAccuracy = ForecastAccuracyResponse['series'][number];

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
  /** The univariate detector; the sidecar's default when absent (see the OpenAPI description). */
  detector?: AnomalyDetectorName;
}

/**
 * The univariate detectors the sidecar accepts. Old names still accepted: `aidpe` (residual-likelihood), `artime`
 * (art) and `ensemble` (the removed CAD-based ensemble: the default, art-residual, answers).
 */
export type AnomalyDetectorName = 'art-residual' | 'art' | 'residual-likelihood' | 'aidpe' | 'artime' | 'ensemble';

export type AnomalySeverity = 'low' | 'medium' | 'high' | 'critical';

/** Where a series' threshold came from: the sidecar default, feedback on the series, or the request. */
export type ThresholdSource = 'default' | 'feedback' | 'request';

/** A stretch where the anomaly score passed the series' threshold. */
export type AnomalyRegion = SeriesAnomalies['regions'][number];

export type SeriesAnomalies = AnomalyResponse['series'][number];

/** A region shaped as a Grafana annotation event. */
export type AnomalyAnnotation = AnomalyResponse['annotations'][number];

export type AnomalyResponse = ResponseOf<'/api/v1/anomalies', 'post'>;

export type FeedbackVerdict = 'true_positive' | 'false_positive';

/** Body of `POST /api/v1/anomalies/{id}/feedback`; the user is the one Grafana forwards (`X-Grafana-User`). */
export interface AnomalyFeedbackRequest {
  verdict: FeedbackVerdict;
  reason?: string;
}

/** What the sidecar stored (201). */
export type AnomalyFeedbackRecord = ResponseOf<'/api/v1/anomalies/{id}/feedback', 'post'>;

/** Response of `GET /api/v1/anomalies/feedback`. */
export type AnomalyFeedbackList = ResponseOf<'/api/v1/anomalies/feedback', 'get'>;

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

// ------------------------------------------------------------------------------------------------
// Actions (`GET /api/v1/actions`, `POST /api/v1/actions/approve|reject|rollback/{id}`, `GET /api/v1/audit`,
// `PUT /api/v1/automation/services/{service}`); mirrors backend/src/automation/types.ts and the optimiser's types.

/** recommend: dry run, nothing applied; approve: a person approves in Grafana; autonomous: applied within the guards. */
export type AutomationMode = 'recommend' | 'approve' | 'autonomous';

/** parametric: the policy tunes the HPA; direct: it sets the replica count. */
export type IntegrationMode = 'parametric' | 'direct';

export type ActionStatus =
  | 'proposed'
  | 'pending_approval'
  | 'applying'
  | 'applied'
  | 'failed'
  | 'rejected'
  | 'expired'
  | 'rolling_back'
  | 'rolled_back';

export const ACTION_STATUSES: readonly ActionStatus[] = [
  'proposed',
  'pending_approval',
  'applying',
  'applied',
  'failed',
  'rejected',
  'expired',
  'rolling_back',
  'rolled_back',
];

export interface ScaleTarget {
  service: string;
  namespace: string;
  deployment: string;
  hpa?: string;
}

/** HPA fields; the utilisation target is 0..1. */
export interface HpaFields {
  minReplicas: number;
  maxReplicas: number;
  targetCpuUtilization: number;
}

export type HpaChange = Partial<HpaFields>;

export interface WorkloadScaleState {
  replicas: number;
  hpa?: HpaFields;
  resourceVersions?: { scale?: string; hpa?: string };
  lastActionId?: string;
}

/** The change an action makes: replicas (direct) or HPA fields (parametric). */
export interface ActionChange {
  replicas?: number;
  hpa?: HpaChange;
}

export type SafetyRule =
  | 'validity'
  | 'circuit_breaker'
  | 'freeze_window'
  | 'hard_bounds'
  | 'max_step'
  | 'cooldown'
  | 'slo_guard'
  | 'forecast_capacity_guard'
  | 'budget'
  | 'target_bounds'
  | 'feasible_projection';

/** One safety rule's verdict on a proposal. */
export type RuleDecision = ActionRecord['guard']['decisions'][number];

export type GuardOutcome = 'allowed' | 'modified' | 'rejected' | 'noop';

/** The forecast a proposal rests on (req/s at the service). */
export interface ProposalForecast {
  p50: number;
  p90: number;
  p10?: number;
  horizonSeconds: number;
}

export interface PredictedEffect {
  replicasBefore: number;
  replicasAfter: number;
  capacityRpsBefore?: number;
  capacityRpsAfter?: number;
  forecastP90Rps?: number;
}

/** Measured after the outcome delay; a latency is `null` when no sample was there to measure. */
export type ActionOutcome = NonNullable<ActionRecord['outcome']>;

export type ActionRecord = ActionList['actions'][number];

export type ServiceAutomation = AutomationStatus['services'][number];

/** The action loop's state, per service. */
export type AutomationStatus = NonNullable<ActionList['automation']>;
/** `GET /api/v1/automation`: the loop's status, or running false with the reason when there is no loop. */
export type AutomationAnswer = ResponseOf<'/api/v1/automation', 'get'>;

/** Query of `GET /api/v1/actions`; empty filters mean all. */
export interface ActionListQuery {
  status?: ActionStatus[];
  service?: string;
  limit?: number;
}

/** Response of `GET /api/v1/actions` (newest first). */
export type ActionList = ResponseOf<'/api/v1/actions', 'get'>;

/** Response of approve / reject / `GET /api/v1/actions/{id}`. */
export type ActionResponse = ResponseOf<'/api/v1/actions/{id}', 'get'>;

/** Response of rollback: the rolled-back action and the rollback's own record. */
export type RollbackResponse = ResponseOf<'/api/v1/actions/rollback/{id}', 'post'>;

/** Body of approve / reject / rollback; the user is the one Grafana forwards (`X-Grafana-User`). */
export interface ActionDecisionRequest {
  note?: string;
}

export type AuditEntry = AuditList['entries'][number];

/** Response of `GET /api/v1/audit`. */
export type AuditList = ResponseOf<'/api/v1/audit', 'get'>;

// ------------------------------------------------------------------------------------------------
// Root-cause analysis (`POST /api/v1/rca`, `POST /api/v1/rca/graph`); mirrors backend/src/routes/rca.ts,
// backend/src/engines/rca/rank.ts, backend/src/engines/rca/serviceGraph.ts and backend/src/rca/collect.ts.

/** Body of `POST /api/v1/rca`. */
export interface RcaRequest {
  /** Window start: Unix ms (the sidecar also takes s, RFC 3339 or `now-15m`). */
  start: number | string;
  end?: number | string;
  /** The user-facing service (default: the entry service). */
  symptom?: string;
  /** One latency / error-ratio series per service, labelled `service` (required outside the demo). */
  latencyQuery?: string;
  errorQuery?: string;
  stepSeconds?: number;
}

export type RcaConfidenceTier = 'CONFIRMED' | 'LIKELY' | 'INCONCLUSIVE';

export type EvidenceLanguage = 'promql' | 'logql' | 'traceql';

/** The exact query behind a piece of evidence and the range to look at (baseline start … window end). */
export interface RcaEvidenceQuery {
  signal: 'latency' | 'errors' | 'memory' | 'logs' | 'traces';
  language: EvidenceLanguage;
  query: string;
  startMs: number;
  endMs: number;
  stepSeconds?: number;
}

export type RcaCandidate = RcaResponse['candidates'][number];

/** Per-service evidence the ranking used (scores 0..1, onsets Unix ms, self times ms). */
export type RcaServiceEvidence = RcaResponse['evidence'][number];

export type RcaServiceNode = RcaServiceGraph['nodes'][number];

export type RcaServiceEdge = RcaServiceGraph['edges'][number];

export type RcaServiceGraph = RcaGraphResponse['graph'];

/** A Node Graph frame as the sidecar serialises it (`nodes` or `edges`). */
export interface NodeGraphFrameJson {
  name: string;
  meta?: Record<string, unknown>;
  fields: Array<{
    name: string;
    type: 'string' | 'number';
    values: Array<string | number | null>;
    config?: Record<string, unknown>;
  }>;
}

/** Response of `POST /api/v1/rca`. */
export type RcaResponse = ResponseOf<'/api/v1/rca', 'post'>;

/** Body of `POST /api/v1/rca/graph`. */
export interface RcaGraphRequest {
  start: number | string;
  end?: number | string;
  /** Traces to sample (default 200, at most 500; at most 50 from Tempo). */
  limit?: number;
}

/** Response of `POST /api/v1/rca/graph`. */
export type RcaGraphResponse = ResponseOf<'/api/v1/rca/graph', 'post'>;

// ------------------------------------------------------------------------------------------------
// Incidents opened by the sidecar's watcher (`GET /api/v1/incidents`); mirrors backend/src/watch/incidents.ts.

export type SidecarIncident = IncidentListResponse['incidents'][number];

/** Response of `GET /api/v1/incidents`, newest first. */
export type IncidentListResponse = ResponseOf<'/api/v1/incidents', 'get'>;

// ------------------------------------------------------------------------------------------------
// Responses the sidecar's OpenAPI document does not describe: none now. `ResponseOf` would use an entry here while
// the generated contract has no schema for an operation; `contract.ts` fails the typecheck, naming the path, once
// it is documented.

export type UndocumentedResponses = Record<never, never>;
