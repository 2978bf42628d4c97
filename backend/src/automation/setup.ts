/**
 * Wires the optimisation loop from the configuration and the Sources' actuation: the simulator actuator in demo
 * mode, Kubernetes in live mode when configured (sources/live.ts says what is missing otherwise). Anything
 * missing is named in the answer instead of starting a loop that would act blind.
 */
import type { AidpeConfig } from '../config/config.ts';
import { isActuation, type Sources } from '../sources/types.ts';
import type { Store } from '../store/types.ts';
import type { DependencyHealth } from '../telemetry/types.ts';
import { ActionLoop } from './loop.ts';

export { liveStateQueries, missingLiveSettings } from '../sources/live.ts';

export interface LoopSetup {
  loop?: ActionLoop;
  /** Why there is no loop. */
  unavailable?: string;
  /** The Kubernetes API's health, when the Kubernetes actuator is in use. */
  kubernetesHealth?: () => Promise<DependencyHealth>;
}

export async function setupActionLoop(
  config: AidpeConfig,
  deps: { store: Store | undefined; sources: Sources }
): Promise<LoopSetup> {
  const { store, sources } = deps;
  const actuation = sources.actuation;
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
    const entryService = isActuation(actuation) ? actuation.entryService : undefined;
    policyOptions = {
      policyFor: (target, baseline) =>
        new RlPolicy(infer, {
          baselines: baseline ? { [target.service]: baseline } : {},
          ...(entryService ? { entryService } : {}),
        }),
      modelVersion: `rl/${model.version ?? 'unversioned'}@${model.sha256.slice(0, 12)}`,
    };
  }
  if (!isActuation(actuation)) {
    return { unavailable: actuation.unavailable };
  }
  return {
    loop: new ActionLoop({
      store,
      telemetry: sources.metrics,
      sloMs: config.automation.sloMs,
      defaultMode: config.defaultActionMode,
      intervalSeconds: config.automation.intervalSeconds,
      outcomeAfterSeconds: config.automation.outcomeDelaySeconds,
      ...policyOptions,
      actuator: actuation.actuator,
      targets: actuation.targets,
      queries: actuation.queries,
      ...(actuation.now ? { now: actuation.now } : {}),
      ...(actuation.wallIntervalMs !== undefined ? { wallIntervalMs: actuation.wallIntervalMs } : {}),
    }),
    ...(actuation.health ? { kubernetesHealth: actuation.health } : {}),
  };
}
