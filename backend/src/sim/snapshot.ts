/**
 * The read-side views of the cluster: a service's and the cluster's state now, and a deployment with its
 * pods, replicas and HPA.
 */
import type { HpaObjectSpec } from '../kube/types.ts';
import type { FaultType } from './faults.ts';
import type { ServiceRuntime } from './state.ts';
import type { ServiceSpec } from './topology.ts';

export interface ServiceSnapshot {
  service: string;
  tier: ServiceSpec['tier'];
  arrivalRps: number;
  throughputRps: number;
  errorRatio: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  cpuUtilization: number;
  cpuCores: number;
  memoryBytes: number;
  queueBacklog: number;
  replicas: { desired: number; ready: number; starting: number };
  hpa: HpaObjectSpec | undefined;
  version: string;
  activeFaults: FaultType[];
}

export interface ClusterSnapshot {
  timeMs: number;
  seed: number;
  services: ServiceSnapshot[];
}

export interface DeploymentInfo {
  service: string;
  spec: ServiceSpec;
  replicas: number;
  readyReplicas: number;
  startingReplicas: number;
  pods: Array<{ name: string; ready: boolean; restarts: number; version: string }>;
  hpa: HpaObjectSpec | undefined;
  version: string;
}

export function serviceSnapshotOf(st: ServiceRuntime, activeFaults: FaultType[]): ServiceSnapshot {
  return {
    service: st.spec.name,
    tier: st.spec.tier,
    arrivalRps: st.arrivalRps,
    throughputRps: st.throughputRps,
    errorRatio: st.errorRatio,
    latencyP50Ms: st.p50,
    latencyP95Ms: st.p95,
    latencyP99Ms: st.p99,
    cpuUtilization: st.cpuUtil,
    cpuCores: st.cpuCores,
    memoryBytes: st.memoryBytes,
    queueBacklog: st.backlog,
    replicas: { desired: st.desired, ready: st.ready, starting: st.starting },
    hpa: st.hpa ? { ...st.hpa } : undefined,
    version: st.version,
    activeFaults,
  };
}

export function deploymentInfo(st: ServiceRuntime, nowMs: number): DeploymentInfo {
  return {
    service: st.spec.name,
    spec: structuredClone({
      ...st.spec,
      replicas: st.desired,
      version: st.version,
      ...(st.hpa ? { hpa: st.hpa } : {}),
    }),
    replicas: st.desired,
    readyReplicas: st.ready,
    startingReplicas: st.starting,
    pods: st.pods.map((p) => ({
      name: p.name,
      ready: p.readyAtMs <= nowMs,
      restarts: p.restarts,
      version: p.version,
    })),
    hpa: st.hpa ? { ...st.hpa } : undefined,
    version: st.version,
  };
}
