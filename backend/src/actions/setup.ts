/**
 * Wires the optimisation loop from the configuration: on the embedded cluster in demo mode (the simulator
 * actuator), or against Kubernetes in live mode when a kubeconfig (or the in-cluster service account), the
 * managed workloads and the request-rate / SLI queries are configured. Anything missing is named in the
 * answer instead of starting a loop that would act blind.
 */
import type { AidpeConfig } from '../config/config.ts';
import type { SimulatedCluster } from '../sim/cluster.ts';
import type { Store } from '../store/types.ts';
import type { DependencyHealth, TelemetrySource } from '../telemetry/types.ts';
import { ActionLoop } from './loop.ts';
import { KUBERNETES_DEFAULT_QUERIES, simulatorStateQueries, type StateQueries } from './serviceState.ts';
import { SimulatorActuator } from './simulatorActuator.ts';
import { parseManagedServices, simulatorTargets, TargetsError } from './targets.ts';
import type { Actuator, ScaleTarget } from './types.ts';

export interface LoopSetup {
  loop?: ActionLoop;
  /** Why there is no loop. */
  unavailable?: string;
  /** The Kubernetes API's health, when the Kubernetes actuator is in use. */
  kubernetesHealth?: () => Promise<DependencyHealth>;
}

/** What live mode lacks to run the loop; empty when it can run. */
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

export async function setupActionLoop(
  config: AidpeConfig,
  deps: { store: Store | undefined; telemetry: TelemetrySource; cluster: SimulatedCluster | undefined }
): Promise<LoopSetup> {
  const { store, telemetry, cluster } = deps;
  if (!store) {
    return { unavailable: 'the store is not available, and actions must be recorded before they are applied' };
  }
  // The RL actor only when asked for, and only if its model verifies against its card.
  let policyOptions: Pick<ConstructorParameters<typeof ActionLoop>[0], 'policyFor' | 'modelVersion'> = {};
  if (config.automation.policy === 'rl') {
    const { loadRlPolicyModel } = await import('../models/rlPolicyModel.ts');
    const { RlPolicy } = await import('../engines/optimiser/rl.ts');
    const model = await loadRlPolicyModel({ modelsDir: config.modelsDir });
    if (model.state !== 'loaded') {
      return { unavailable: `automation.policy rl: ${model.error}` };
    }
    const infer = model.infer;
    const entryService = cluster?.topology.entry;
    policyOptions = {
      policyFor: (target, baseline) =>
        new RlPolicy(infer, {
          baselines: baseline ? { [target.service]: baseline } : {},
          ...(entryService ? { entryService } : {}),
        }),
      modelVersion: `rl/${model.version ?? 'unversioned'}@${model.sha256.slice(0, 12)}`,
    };
  }
  const common = {
    store,
    telemetry,
    sloMs: config.automation.sloMs,
    defaultMode: config.defaultActionMode,
    intervalSeconds: config.automation.intervalSeconds,
    ...policyOptions,
  };
  if (cluster) {
    // The loop's clock is the simulated one, which the telemetry follows.
    return {
      loop: new ActionLoop({
        ...common,
        actuator: new SimulatorActuator(cluster),
        targets: simulatorTargets(cluster, config.kubernetes.namespace),
        queries: simulatorStateQueries(cluster.topology.entry),
        now: () => cluster.timeMs,
        wallIntervalMs: (config.automation.intervalSeconds * 1000) / config.simulator.speed,
      }),
    };
  }
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
  const { KubernetesActuator } = await import('./kubernetesActuator.ts');
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
  return {
    loop: new ActionLoop({ ...common, actuator, targets, queries: liveStateQueries(config) }),
    kubernetesHealth: actuatorHealth(actuator, targets[0]!),
  };
}
