/**
 * A real stack as Sources: Prometheus for metrics, Loki for logs and Tempo for traces when configured, and
 * Kubernetes (a kubeconfig or the in-cluster service account) for scaling. Whatever is missing is absent with
 * the reason, never guessed.
 */
import type { AidpeConfig } from '../config/config.ts';
import { KUBERNETES_DEFAULT_QUERIES, type StateQueries } from '../automation/serviceState.ts';
import { parseManagedServices, TargetsError } from '../automation/targets.ts';
import type { Actuator, ScaleTarget } from '../automation/types.ts';
import type { RawLogLine } from '../engines/rca/logAnomaly.ts';
import type { GraphSpan } from '../engines/rca/serviceGraph.ts';
import { loadLogSequenceModel, type LogSequenceModelLoad } from '../models/logSequenceModel.ts';
import { LokiClient } from '../telemetry/loki.ts';
import { PrometheusSource } from '../telemetry/prometheus.ts';
import { TempoClient } from '../telemetry/tempo.ts';
import type { DependencyHealth, TelemetrySource } from '../telemetry/types.ts';
import type { Actuation, LogSource, Sources, TraceSource } from './types.ts';

/** Tempo has no bulk fetch: each trace is one request, so live mode samples fewer. */
export const MAX_TEMPO_TRACES = 50;

/** Traces from Tempo as graph spans: a search, then each trace by id. */
export async function tempoSpans(
  tempo: TempoClient,
  startMs: number,
  endMs: number,
  limit: number
): Promise<GraphSpan[]> {
  const found = await tempo.search({ startMs, endMs, limit });
  const traces = await Promise.all(found.map((f) => tempo.traceById(f.traceId, { startMs, endMs })));
  return traces.flatMap((t) =>
    (t?.spans ?? []).map((s) => ({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      service: s.service,
      startMs: s.startMs,
      durationMs: s.durationMs,
      error: s.statusCode === 'error',
      // The span name lets the RCA compare operations (call signatures, own time): code-level evidence.
      operation: s.name,
    }))
  );
}

export function tempoTraceSource(tempo: TempoClient): TraceSource {
  return {
    kind: 'tempo',
    description: `Tempo trace search (up to ${MAX_TEMPO_TRACES} traces)`,
    maxTraces: MAX_TEMPO_TRACES,
    rankingSample: MAX_TEMPO_TRACES,
    spans: (startMs, endMs, limit) => tempoSpans(tempo, startMs, endMs, Math.min(limit, MAX_TEMPO_TRACES)),
    health: () => tempo.health(),
  };
}

/** Loki log lines: one query over all services; the stream label `service` names the service. */
export function lokiLogLines(
  loki: LokiClient,
  selector = '{service=~".+"}',
  limit = 5000
): (startMs: number, endMs: number) => Promise<RawLogLine[]> {
  return async (startMs, endMs) => {
    const r = await loki.queryRange({ query: selector, startMs, endMs, limit, direction: 'forward' });
    if (r.resultType !== 'streams') {
      return [];
    }
    return r.streams.flatMap((s) =>
      s.entries.map((e) => ({
        service: s.labels['service'] ?? '',
        timeMs: e.timeMs,
        message: e.line,
        level: s.labels['level'] ?? s.labels['detected_level'],
      }))
    );
  };
}

export function lokiLogSource(loki: LokiClient, loadModel: () => Promise<LogSequenceModelLoad>): LogSource {
  // Loaded once, on the first ranking that needs it.
  let model: Promise<LogSequenceModelLoad> | undefined;
  return {
    kind: 'loki',
    lines: lokiLogLines(loki),
    sequenceModel: async () => {
      const m = await (model ??= loadModel());
      return m.state === 'loaded'
        ? { model: { spec: m.spec, vocabulary: m.vocabulary, nextTemplateProbabilities: m.nextTemplateProbabilities } }
        : { unavailable: m.error };
    },
    health: () => loki.health(),
  };
}

/** What live mode lacks to run the optimisation loop; empty when it can run. */
export function missingLiveSettings(config: AidpeConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const missing: string[] = [];
  if (!config.kubernetes.kubeconfig && !env.KUBERNETES_SERVICE_HOST) {
    missing.push('kubernetes.kubeconfig (or run in-cluster)');
  }
  if (!config.automation.services) {
    missing.push('automation.services (AIDPE_AUTOMATION_SERVICES)');
  }
  const q = config.automation.queries;
  if (!q.requestRate) {
    missing.push('automation.queries.requestRate (AIDPE_QUERY_REQUEST_RATE)');
  }
  if (!q.sliLatencyP95Seconds) {
    missing.push('automation.queries.sliLatencyP95Seconds (AIDPE_QUERY_SLI_LATENCY_P95)');
  }
  if (!q.sliErrorRatio) {
    missing.push('automation.queries.sliErrorRatio (AIDPE_QUERY_SLI_ERROR_RATIO)');
  }
  return missing;
}

export function liveStateQueries(config: AidpeConfig): StateQueries {
  const q = config.automation.queries;
  return {
    requestRate: q.requestRate!,
    sliLatencyP95Seconds: q.sliLatencyP95Seconds!,
    sliErrorRatio: q.sliErrorRatio!,
    cpuUtilization: q.cpuUtilization ?? KUBERNETES_DEFAULT_QUERIES.cpuUtilization,
    readyReplicas: q.readyReplicas ?? KUBERNETES_DEFAULT_QUERIES.readyReplicas!,
  };
}

function actuatorHealth(actuator: Actuator, target: ScaleTarget): () => Promise<DependencyHealth> {
  return async () => {
    const checkedAt = new Date().toISOString();
    const started = performance.now();
    try {
      await actuator.read(target);
      return {
        name: 'kubernetes',
        state: 'up',
        detail: `read ${target.namespace}/${target.deployment}`,
        checkedAt,
        latencyMs: performance.now() - started,
      };
    } catch (err) {
      return {
        name: 'kubernetes',
        state: 'down',
        detail: `cannot read ${target.namespace}/${target.deployment}`,
        checkedAt,
        lastError: { message: (err as Error).message, at: checkedAt },
      };
    }
  };
}

/** The Kubernetes actuator for the configured workloads, or what is missing. */
export async function kubernetesActuation(config: AidpeConfig): Promise<Actuation | { unavailable: string }> {
  const missing = missingLiveSettings(config);
  if (missing.length > 0) {
    return { unavailable: `live mode: set ${missing.join(', ')}` };
  }
  let targets: ScaleTarget[];
  try {
    targets = parseManagedServices(config.automation.services!, config.kubernetes.namespace);
  } catch (err) {
    if (err instanceof TargetsError) {
      return { unavailable: err.message };
    }
    throw err;
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const { KubernetesActuator } = await import('../automation/kubernetesActuator.ts');
  const kubeConfig = new KubeConfig();
  try {
    if (config.kubernetes.kubeconfig) {
      kubeConfig.loadFromFile(config.kubernetes.kubeconfig);
    } else {
      kubeConfig.loadFromCluster();
    }
    if (config.kubernetes.context) {
      kubeConfig.setCurrentContext(config.kubernetes.context);
    }
  } catch (err) {
    return {
      unavailable: `kubernetes.kubeconfig: cannot load ${config.kubernetes.kubeconfig ?? 'the in-cluster configuration'}: ${(err as Error).message}`,
    };
  }
  const actuator = new KubernetesActuator({ kubeConfig });
  return { actuator, targets, queries: liveStateQueries(config), health: actuatorHealth(actuator, targets[0]!) };
}

export function prometheusMetrics(config: AidpeConfig): PrometheusSource {
  return new PrometheusSource({
    baseUrl: config.prometheus.url!,
    timeoutMs: config.prometheus.timeoutMs,
    retries: config.prometheus.retries,
    ...(config.prometheus.bearerToken ? { bearerToken: config.prometheus.bearerToken } : {}),
  });
}

/** Live metrics, logs and traces (no actuation: see `kubernetesActuation`). */
export function liveReadSources(
  config: AidpeConfig,
  overrides: { metrics?: TelemetrySource | undefined; now?: (() => number) | undefined } = {}
): Omit<Sources, 'actuation'> {
  const tempo = config.tempo.url
    ? new TempoClient({ baseUrl: config.tempo.url, timeoutMs: config.tempo.timeoutMs })
    : undefined;
  const loki = config.loki.url
    ? new LokiClient({ baseUrl: config.loki.url, timeoutMs: config.loki.timeoutMs })
    : undefined;
  return {
    mode: 'live',
    metrics: overrides.metrics ?? prometheusMetrics(config),
    traces: tempo ? tempoTraceSource(tempo) : undefined,
    logs: loki ? lokiLogSource(loki, () => loadLogSequenceModel({ modelsDir: config.modelsDir })) : undefined,
    now: overrides.now ?? Date.now,
    serviceGraphMetrics: true,
    evidenceDefaults: undefined,
    entryService: undefined,
    cluster: undefined,
  };
}

export async function liveSources(config: AidpeConfig): Promise<Sources> {
  return { ...liveReadSources(config), actuation: await kubernetesActuation(config) };
}
