/**
 * The plugin's API types. Where the sidecar's OpenAPI document declares a response schema, the type is derived
 * from the generated contract (`generated/sidecar.ts`, `npm run api:types`); the rest are hand-written until the
 * sidecar declares them (see {@link UndocumentedResponses}).
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
  /** The detector that scored the series (absent from sidecars older than the field). */
  detector?: AnomalyDetectorName;
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

// ------------------------------------------------------------------------------------------------
// Actions (`GET /api/v1/actions`, `POST /api/v1/actions/{id}/approve|reject|rollback`, `GET /api/v1/audit`,
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
export interface RuleDecision {
  rule: SafetyRule;
  action: 'allowed' | 'clamped' | 'rejected';
  reason: string;
}

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

export interface ActionOutcome {
  measuredAt: string;
  latencyP95BeforeMs: number;
  latencyP95AfterMs: number;
  sloMs: number;
  replicasBefore: number;
  replicasAfter: number;
  verdict: 'improved' | 'neutral' | 'worse';
}

export interface ActionRecord {
  id: string;
  service: string;
  target: ScaleTarget;
  policy: string;
  integration: IntegrationMode;
  mode: AutomationMode;
  status: ActionStatus;
  reason: string;
  proposed: ActionChange;
  change: ActionChange;
  guard: { outcome: GuardOutcome; decisions: RuleDecision[] };
  forecast?: ProposalForecast;
  predictedEffect?: PredictedEffect;
  /** What the loop saw when it decided (or when a person approved); cpuUtilization 0..1. */
  observed?: { latencyP95Ms: number; sloMs: number; requestRateRps: number; cpuUtilization: number };
  before?: WorkloadScaleState;
  after?: WorkloadScaleState;
  outcome?: ActionOutcome;
  error?: string;
  modelVersion?: string;
  /** ISO-8601. */
  createdAt: string;
  updatedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionNote?: string;
  rolledBackBy?: string;
  rolledBackAt?: string;
  rollbackOf?: string;
}

export interface ServiceAutomation {
  service: string;
  mode: AutomationMode;
  policy: string;
  integration: IntegrationMode;
  breaker: { open: boolean; reason?: string; openedAt?: string };
  /** The last failure of the loop for this service (reading its state, proposing, applying). */
  lastError?: string;
}

/** The action loop's state, per service. */
export interface AutomationStatus {
  running: boolean;
  intervalSeconds: number;
  actuator: 'simulator' | 'kubernetes';
  lastRunAt?: string;
  lastError?: string;
  services: ServiceAutomation[];
}

/** Query of `GET /api/v1/actions`; empty filters mean all. */
export interface ActionListQuery {
  status?: ActionStatus[];
  service?: string;
  limit?: number;
}

/** Response of `GET /api/v1/actions` (newest first). */
export interface ActionList {
  actions: ActionRecord[];
  /** `null` when the sidecar runs no action loop (no store, or automation off); `message` then says why. */
  automation: AutomationStatus | null;
  message?: string;
}

/** Response of approve / reject / `GET /api/v1/actions/{id}`. */
export interface ActionResponse {
  action: ActionRecord;
}

/** Response of rollback: the rolled-back action and the rollback's own record. */
export interface RollbackResponse {
  action: ActionRecord;
  rollback: ActionRecord;
}

/** Body of approve / reject / rollback; the user is the one Grafana forwards (`X-Grafana-User`). */
export interface ActionDecisionRequest {
  note?: string;
}

export interface AuditEntry {
  id: number;
  /** ISO-8601. */
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

/** Response of `GET /api/v1/audit`. */
export interface AuditList {
  entries: AuditEntry[];
}

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

export interface RcaCandidate {
  service: string;
  score: number;
  /** Symptom → … → candidate, along calls. */
  path: string[];
  /** Human-readable evidence lines. */
  evidence: string[];
  /** For every candidate below the first: why it ranks lower than the one above it. */
  whyLower?: string;
  /** The score before propagation, and the share of the symptom-personalised random walk (0..1); absent from older sidecars. */
  evidenceScore?: number;
  pagerank?: number;
  /** Absent from sidecars older than the evidence links. */
  evidenceQueries?: RcaEvidenceQuery[];
}

/** Per-service evidence the ranking used (scores 0..1, onsets Unix ms, self times ms). */
export interface RcaServiceEvidence {
  service: string;
  latencyScore: number;
  latencyOnsetMs?: number;
  errorScore: number;
  errorOnsetMs?: number;
  resourceScore?: number;
  resourceOnsetMs?: number;
  selfMsBaseline?: number;
  selfMsIncident?: number;
  ownErrorRateBaseline?: number;
  ownErrorRateIncident?: number;
  /** Further own evidence (wire time into it, CPU, new error log templates), each with a strength and a line. */
  ownSignals?: Array<{ strength: number; line: string }>;
}

export interface RcaServiceNode {
  id: string;
  requests: number;
  errors: number;
  errorRate: number;
  rate: number;
  /** `null` when the JSON carried NaN (no spans). */
  p50Ms: number | null;
  p95Ms: number | null;
  selfMsMean: number;
  downstreamMsMean: number;
  entry: boolean;
}

export interface RcaServiceEdge {
  id: string;
  source: string;
  target: string;
  calls: number;
  errors: number;
  errorRate: number;
  rate: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface RcaServiceGraph {
  nodes: RcaServiceNode[];
  edges: RcaServiceEdge[];
  windowSeconds: number;
  spans: number;
  traces: number;
}

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
export interface RcaResponse {
  symptom: string;
  tier: RcaConfidenceTier;
  candidates: RcaCandidate[];
  explanation: string;
  evidence: RcaServiceEvidence[];
  queries: { latency: string; errors: string; resources?: string; stepSeconds: number };
  /** Absent from older sidecars. */
  window?: { startMs: number; endMs: number; baselineStartMs: number };
  graph?: RcaServiceGraph;
  /** `[nodes, edges]`. */
  frames: NodeGraphFrameJson[];
  /** Data-quality and graph notes (missing parents, clock skew, cycles, empty window); absent from older sidecars. */
  notes?: string[];
  /** Where the call graph came from, and why (absent from older sidecars). */
  graphSource?: 'simulator' | 'tempo' | 'tempo-service-graph-metrics';
  graphSourceDetail?: string;
}

/** Body of `POST /api/v1/rca/graph`. */
export interface RcaGraphRequest {
  start: number | string;
  end?: number | string;
  /** Traces to sample (default 200, at most 500; at most 50 from Tempo). */
  limit?: number;
}

/** Response of `POST /api/v1/rca/graph`. */
export interface RcaGraphResponse {
  /** `tempo`: trace search; `tempo-service-graph-metrics`: Tempo's metrics-generator series in Prometheus. */
  source: 'simulator' | 'tempo' | 'tempo-service-graph-metrics';
  /** Which source and why (absent from older sidecars). */
  sourceDetail?: string;
  graph: RcaServiceGraph;
  /** `[nodes, edges]`. */
  frames: NodeGraphFrameJson[];
  warnings: string[];
}

// ------------------------------------------------------------------------------------------------
// Incidents opened by the sidecar's watcher (`GET /api/v1/incidents`); mirrors backend/src/watch/incidents.ts.

export interface SidecarIncident {
  /** The anomaly region's id (stable per series and start). */
  id: string;
  title: string;
  query: string;
  series: string;
  labels: Record<string, string>;
  severity: AnomalySeverity;
  peakScore: number;
  startMs: number;
  endMs: number;
  openedAtMs: number;
  status: 'open' | 'resolved';
}

/** Response of `GET /api/v1/incidents`, newest first. */
export interface IncidentListResponse {
  incidents: SidecarIncident[];
  /** False when the watcher does not run (it runs in demo mode); `message` says so. */
  running: boolean;
  lastRun?: { atMs: number; error?: string } | null;
  message?: string;
}

// ------------------------------------------------------------------------------------------------
// Responses the sidecar's OpenAPI document does not describe yet. `ResponseOf` uses these only while the
// generated contract has no schema for the operation; `contract.ts` fails the typecheck, naming the path, once
// one of them is documented (then delete its line here and let the generated type take over).

export interface UndocumentedResponses {
  '/api/v1/actions': { get: ActionList };
  '/api/v1/actions/{id}': { get: ActionResponse };
  '/api/v1/actions/{id}/approve': { post: ActionResponse };
  '/api/v1/actions/{id}/reject': { post: ActionResponse };
  '/api/v1/actions/{id}/rollback': { post: RollbackResponse };
  '/api/v1/anomalies': { post: AnomalyResponse };
  '/api/v1/anomalies/query': { post: AnomalyResponse };
  '/api/v1/anomalies/feedback': { get: AnomalyFeedbackList };
  '/api/v1/anomalies/{id}/feedback': { post: AnomalyFeedbackRecord };
  '/api/v1/audit': { get: AuditList };
  '/api/v1/automation': { get: AutomationStatus };
  '/api/v1/automation/services/{service}': { put: AutomationStatus };
  '/api/v1/automation/services/{service}/resume': { post: AutomationStatus };
  '/api/v1/incidents': { get: IncidentListResponse };
  '/api/v1/rca': { post: RcaResponse };
  '/api/v1/rca/graph': { post: RcaGraphResponse };
}
