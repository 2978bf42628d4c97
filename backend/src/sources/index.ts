/** Chooses the Sources once, from the configuration: the embedded cluster in demo mode, the real stack live. */
import type { AidpeConfig } from '../config/config.ts';
import type { SimulatedCluster } from '../sim/cluster.ts';
import type { TelemetrySource } from '../telemetry/types.ts';
import { kubernetesActuation, liveReadSources, liveSources } from './live.ts';
import { simulatorSources } from './simulator.ts';
import type { Sources } from './types.ts';

export async function createSources(config: AidpeConfig, cluster: SimulatedCluster | undefined): Promise<Sources> {
  if (config.mode === 'demo' && cluster) {
    return simulatorSources(cluster, config);
  }
  return cluster ? embeddedLiveSources(config, cluster) : liveSources(config);
}

/**
 * Live mode with the embedded cluster as the workload (`aidpe demo --via-prometheus`, the compose stack): every
 * metric answer goes through Prometheus, which scrapes the cluster; logs and traces come from Loki and Tempo when
 * configured (the cluster pushes to them), else from the cluster itself; the cluster's scale API is the actuator
 * unless Kubernetes is configured.
 */
export async function embeddedLiveSources(config: AidpeConfig, cluster: SimulatedCluster): Promise<Sources> {
  const live = liveReadSources(config);
  const simulated = simulatorSources(cluster, config);
  const kubernetesConfigured = Boolean(config.kubernetes.kubeconfig || process.env.KUBERNETES_SERVICE_HOST);
  return {
    ...live,
    traces: live.traces ?? simulated.traces,
    logs: live.logs ?? simulated.logs,
    actuation: kubernetesConfigured ? await kubernetesActuation(config) : simulated.actuation,
    // Prometheus holds the cluster's own metric names, so the simulator's evidence queries apply.
    evidenceDefaults: simulated.evidenceDefaults,
    entryService: simulated.entryService,
    cluster,
  };
}

/**
 * Sources from parts a caller already built (tests, scripts): a given metrics source and clock, the cluster
 * when there is one; no Kubernetes actuation (an action loop, if any, is built by the caller).
 */
export function sourcesFromParts(parts: {
  config: AidpeConfig;
  metrics: TelemetrySource;
  cluster?: SimulatedCluster | undefined;
  now?: (() => number) | undefined;
}): Sources {
  if (parts.cluster) {
    return {
      ...simulatorSources(parts.cluster, parts.config),
      metrics: parts.metrics,
      ...(parts.now ? { now: parts.now } : {}),
    };
  }
  return {
    ...liveReadSources(parts.config, { metrics: parts.metrics, now: parts.now }),
    actuation: { unavailable: 'no actuator is configured' },
  };
}

export type { Actuation, LogSource, Sources, TraceSource } from './types.ts';
export { isActuation } from './types.ts';

/** `sourcesFromParts` with the configured actuation (Kubernetes in live mode), for callers that build the loop. */
export async function assembleSources(parts: {
  config: AidpeConfig;
  metrics: TelemetrySource;
  cluster?: SimulatedCluster | undefined;
  now?: (() => number) | undefined;
}): Promise<Sources> {
  const sources = sourcesFromParts(parts);
  return parts.cluster ? sources : { ...sources, actuation: await kubernetesActuation(parts.config) };
}
