/**
 * The one call the sidecar makes where the embedded cluster runs: push its logs to Loki and its traces
 * to Tempo (OTLP/HTTP) when those URLs are configured.
 */
import type { Registry } from 'prom-client';
import type { AidpeConfig } from '../../config/config.ts';
import type { SimulatedCluster } from '../cluster.ts';
import { SimulatorPush, type SimulatorPushOptions } from './simulatorPush.ts';

export { BatchPusher, type PusherOptions, type PusherStats } from './pusher.ts';
export { BoundedQueue } from './queue.ts';
export { SimulatorPush, type SimulatorPushOptions, type PushEndpoint } from './simulatorPush.ts';

/**
 * What to push where, from the configuration: undefined when `simulator.push` is off or neither `loki.url`
 * nor `tempo.url` / `tempo.otlpUrl` is set. Traces go to `tempo.otlpUrl`, else to `tempo.url` (one host
 * serving both).
 */
export function simulatorPushOptions(
  config: Pick<AidpeConfig, 'loki' | 'tempo' | 'simulator'>
): SimulatorPushOptions | undefined {
  const tempoUrl = config.tempo.otlpUrl ?? config.tempo.url;
  if (!config.simulator.push || (!config.loki.url && !tempoUrl)) {
    return undefined;
  }
  return {
    ...(config.loki.url
      ? { loki: { url: config.loki.url, bearerToken: config.loki.bearerToken, timeoutMs: config.loki.timeoutMs } }
      : {}),
    ...(tempoUrl
      ? { tempo: { url: tempoUrl, bearerToken: config.tempo.bearerToken, timeoutMs: config.tempo.timeoutMs } }
      : {}),
    intervalMs: config.simulator.pushIntervalSeconds * 1000,
  };
}

/** Starts pushing the cluster's telemetry on a timer as configured (undefined: nothing to push). */
export function startSimulatorPush(
  config: Pick<AidpeConfig, 'loki' | 'tempo' | 'simulator'>,
  cluster: SimulatedCluster,
  registry: Registry | undefined,
  onError?: (err: unknown) => void
): SimulatorPush | undefined {
  const opts = simulatorPushOptions(config);
  if (!opts) {
    return undefined;
  }
  const push = new SimulatorPush(cluster, { ...opts, registry });
  push.start(onError);
  return push;
}
