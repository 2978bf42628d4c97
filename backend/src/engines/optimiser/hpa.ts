/**
 * The Kubernetes HPA (the exact controller port in `kube/hpaController.ts`) behind the optimiser's policy
 * interface, so the loop and the replay evaluation can compare it with the other policies.
 */
import { HorizontalPodAutoscalerController, hpaTargetFor } from '../../kube/hpaController.ts';
import type { HpaControllerConfig } from '../../kube/types.ts';
import type { Policy, Proposal, ServiceState } from './types.ts';

/**
 * The HPA port behind the policy interface (direct mode: the replica count the HPA would write, with its
 * reason). Needs `state.pods` and `state.hpa`; call it once per sync period.
 */
export class KubernetesHpaPolicy implements Policy {
  readonly name = 'hpa';
  readonly mode = 'direct' as const;
  readonly controller: HorizontalPodAutoscalerController;

  constructor(config: Partial<HpaControllerConfig> = {}) {
    this.controller = new HorizontalPodAutoscalerController(config);
  }

  propose(state: ServiceState): Proposal | undefined {
    if (!state.hpa || !state.pods) {
      return undefined;
    }
    const r = this.controller.reconcile(
      hpaTargetFor(state.service, state.hpa),
      state.replicas.desired,
      state.pods,
      state.timeMs
    );
    if (!r.rescale) {
      return undefined;
    }
    const util =
      r.utilizationPercent !== undefined
        ? ` (utilisation ${r.utilizationPercent}% vs target ${Math.round(state.hpa.targetCpuUtilization * 100)}%)`
        : '';
    return {
      policy: this.name,
      service: state.service,
      mode: 'direct',
      replicas: r.desiredReplicas,
      reason: `${r.reason}${util}; ${r.conditions.scalingLimited ?? r.conditions.ableToScale ?? ''}`.trim(),
    };
  }
}
