/**
 * Which workloads the optimisation loop manages: every autoscaled service of the embedded cluster in demo
 * mode, or the configured list in live mode (`service=namespace/deployment[/hpa]`, comma-separated).
 */
import type { SimulatedCluster } from '../sim/cluster.ts';
import type { ScaleTarget } from './types.ts';

export class TargetsError extends Error {}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Parses `automation.services`; names must be Kubernetes object names (RFC 1123 subdomains). */
export function parseManagedServices(text: string, defaultNamespace: string): ScaleTarget[] {
  const out: ScaleTarget[] = [];
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([^=]+)=(.+)$/.exec(raw);
    const parts = (m ? m[2]! : raw).split('/');
    const service = (m ? m[1]! : parts.length === 1 ? parts[0]! : parts[1]!).trim();
    let namespace = defaultNamespace;
    let deployment: string;
    let hpa: string | undefined;
    if (parts.length === 1) {
      deployment = parts[0]!;
    } else if (parts.length === 2) {
      [namespace, deployment] = parts as [string, string];
    } else if (parts.length === 3) {
      [namespace, deployment, hpa] = parts as [string, string, string];
    } else {
      throw new TargetsError(`automation.services: "${raw}" — expected service=namespace/deployment[/hpa]`);
    }
    for (const [what, v] of [
      ['namespace', namespace],
      ['deployment', deployment],
      ['hpa', hpa],
    ] as const) {
      if (v !== undefined && !NAME.test(v)) {
        throw new TargetsError(`automation.services: "${raw}" — ${what} "${v}" is not a valid Kubernetes name`);
      }
    }
    if (out.some((t) => t.service === service)) {
      throw new TargetsError(`automation.services: service "${service}" is listed twice`);
    }
    out.push({ service, namespace, deployment, ...(hpa ? { hpa } : {}) });
  }
  if (out.length === 0) {
    throw new TargetsError('automation.services: no workloads listed');
  }
  return out;
}

/** Every service of the simulated cluster that has an HPA (data stores keep fixed replicas). */
export function simulatorTargets(cluster: SimulatedCluster, namespace: string): ScaleTarget[] {
  return cluster
    .snapshot()
    .services.filter((s) => s.hpa)
    .map((s) => ({ service: s.service, namespace, deployment: s.service, hpa: s.service }));
}
