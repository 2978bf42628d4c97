/**
 * The one seam between the sidecar's use cases and the outside world: where metrics, logs and traces come
 * from and what applies scaling changes. `server.ts` chooses it once — the embedded simulator in demo mode,
 * Prometheus / Loki / Tempo / Kubernetes in live mode — and everything else (routes, loops, evaluations)
 * takes it as given, so no use case branches on the mode.
 */
import type { Actuator, ScaleTarget } from '../automation/types.ts';
import type { StateQueries } from '../automation/serviceState.ts';
import type {
  NextTemplateProbabilities,
  RawLogLine,
  SequenceModelSpec,
  TemplateVocabulary,
} from '../engines/rca/logAnomaly.ts';
import type { GraphSpan } from '../engines/rca/serviceGraph.ts';
import type { SimulatedCluster } from '../sim/cluster.ts';
import type { DependencyHealth, TelemetrySource } from '../telemetry/types.ts';

/** Sampled traces of a time range as call-graph spans. */
export interface TraceSource {
  readonly kind: 'simulator' | 'tempo';
  /** How the spans are obtained, for answers that say where their graph came from. */
  readonly description: string;
  /** The most traces one request may sample (Tempo has no bulk fetch: one request per trace). */
  readonly maxTraces: number;
  /** How many traces root-cause ranking samples per window. */
  readonly rankingSample: number;
  spans(startMs: number, endMs: number, limit: number): Promise<GraphSpan[]>;
  /** The trace store's health (its connector's breaker included); absent for the simulator. */
  health?: () => Promise<DependencyHealth>;
}

/** The DeepLog-style next-template model, when one is loaded for these logs. */
export interface LogSequenceModel {
  spec: SequenceModelSpec;
  vocabulary: TemplateVocabulary;
  nextTemplateProbabilities: NextTemplateProbabilities;
}

/** Log lines of every service in a time range, and the sequence model that fits them (if any). */
export interface LogSource {
  readonly kind: 'simulator' | 'loki';
  lines(startMs: number, endMs: number): Promise<RawLogLine[]>;
  /** The sequence model, or why there is none (said in the answer's notes). */
  sequenceModel(): Promise<{ model: LogSequenceModel } | { unavailable: string }>;
  /** The log store's health (its connector's breaker included); absent for the simulator. */
  health?: () => Promise<DependencyHealth>;
}

/** Everything the optimisation loop needs to act on one cluster. */
export interface Actuation {
  actuator: Actuator;
  targets: ScaleTarget[];
  /** PromQL that reads each target's state (request rate, SLIs, CPU, ready replicas). */
  queries: StateQueries;
  /** The cluster's clock, when it is not the wall clock (the simulator's). */
  now?: () => number;
  /** Wall-clock period of the loop, when the cluster's clock runs faster than the wall's. */
  wallIntervalMs?: number;
  /** The actuator's own dependency health (the Kubernetes API). */
  health?: () => Promise<DependencyHealth>;
  /** The user-facing entry service, when known (the RL policy's observation uses it). */
  entryService?: string;
}

/** The default PromQL behind root-cause evidence, where the metric names are known (the simulator's). */
export interface EvidenceQueryDefaults {
  latency: string;
  errors: string;
  resources?: string;
  stepSeconds: number;
}

export interface Sources {
  readonly mode: 'demo' | 'live';
  readonly metrics: TelemetrySource;
  /** Absent when no trace store is configured. */
  readonly traces: TraceSource | undefined;
  /** Absent when no log store is configured. */
  readonly logs: LogSource | undefined;
  /** Absent (with the reason) when nothing can apply scaling changes. */
  readonly actuation: Actuation | { unavailable: string };
  /** "now" for relative times in requests: the simulator's clock in demo mode, the wall clock live. */
  readonly now: () => number;
  /** Whether the call graph may come from Tempo's service-graph metrics in Prometheus (live). */
  readonly serviceGraphMetrics: boolean;
  /** Default evidence queries; live, callers must name their own. */
  readonly evidenceDefaults: EvidenceQueryDefaults | undefined;
  /** The user-facing entry service, when the source knows it. */
  readonly entryService: string | undefined;
  /** The embedded cluster (demo mode only): its own routes (scale, faults, scrape target) need it. */
  readonly cluster: SimulatedCluster | undefined;
}

export const isActuation = (a: Sources['actuation']): a is Actuation => 'actuator' in a;
