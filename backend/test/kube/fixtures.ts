/**
 * Shared set-up of the tests against a real control plane: the shipped RBAC installed as it ships
 * (deploy/rbac), tokens for the sidecar's ServiceAccount, and workloads (a Deployment and its autoscaling/v2
 * HPA) seeded by the admin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject, V1Deployment, V2HorizontalPodAutoscaler, V2MetricSpec } from '@kubernetes/client-node';
import { DEPLOY_DIR, type KubeControlPlane } from '../helpers/kubeControlPlane.ts';
import type { ScaleTarget } from '../../src/automation/types.ts';

export const SIDECAR_NAMESPACE = 'aidpe';
export const SIDECAR_ACCOUNT = 'aidpe-sidecar';

export const memoryMetric = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } },
};
export const cpuMetric = (averageUtilization: number) => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
});
export const podsMetric = {
  type: 'Pods',
  pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } },
};

export function deployManifest(relative: string): string {
  return readFileSync(join(DEPLOY_DIR, relative), 'utf8');
}

/**
 * Installs the sidecar's RBAC exactly as shipped, with the scaler RoleBinding placed in each managed
 * namespace (the one edit the README asks of an installer), and returns a token of its ServiceAccount.
 */
export async function installSidecarRbac(cp: KubeControlPlane, managedNamespaces: string[]): Promise<string> {
  await cp.applyManifest(deployManifest('rbac/serviceaccount.yaml'));
  await cp.applyManifest(deployManifest('rbac/scaler.yaml'));
  await cp.applyManifest(deployManifest('rbac/leader-election.yaml'));
  for (const ns of managedNamespaces) {
    await cp.createNamespace(ns);
    await cp.applyManifest(deployManifest('rbac/scaler-binding.yaml'), (o) => ({
      ...o,
      metadata: { ...o.metadata, namespace: ns },
    }));
  }
  return cp.serviceAccountToken(SIDECAR_NAMESPACE, SIDECAR_ACCOUNT);
}

/** A ServiceAccount bound (in `namespace`) to the shipped scaler role with one verb of one resource removed. */
export async function accountWithout(
  cp: KubeControlPlane,
  namespace: string,
  resource: string,
  verb: string
): Promise<string> {
  const name = `aidpe-without-${verb}-${resource.replace(/\W/g, '-')}`.slice(0, 60);
  const shipped = deployManifest('rbac/scaler.yaml');
  await cp.applyManifest(shipped, (o) => {
    const role = o as KubernetesObject & { rules: Array<{ resources: string[]; verbs: string[] }> };
    return {
      ...role,
      metadata: { name },
      rules: role.rules.map((r) =>
        r.resources.includes(resource) ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r
      ),
    } as KubernetesObject;
  });
  await cp.adminCore.createNamespacedServiceAccount({ namespace: SIDECAR_NAMESPACE, body: { metadata: { name } } });
  await cp.applyManifest(deployManifest('rbac/scaler-binding.yaml'), (o) => {
    const b = o as KubernetesObject & { roleRef: Record<string, string>; subjects: Array<Record<string, string>> };
    return {
      ...b,
      metadata: { name, namespace },
      roleRef: { ...b.roleRef, name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: SIDECAR_NAMESPACE }],
    } as KubernetesObject;
  });
  return cp.serviceAccountToken(SIDECAR_NAMESPACE, name);
}

export interface WorkloadSeed {
  namespace: string;
  name: string;
  replicas: number;
  annotations?: Record<string, string>;
  hpa?: { minReplicas: number; maxReplicas: number; metrics?: unknown[] };
}

/** Creates a Deployment (and an HPA named `<name>-hpa` scaling it) as the admin; returns the actuator target. */
export async function seedWorkload(cp: KubeControlPlane, seed: WorkloadSeed): Promise<ScaleTarget> {
  const labels = { app: seed.name };
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: seed.name,
      namespace: seed.namespace,
      ...(seed.annotations ? { annotations: seed.annotations } : {}),
    },
    spec: {
      replicas: seed.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        // No kubelet runs here: the pods are never scheduled, only counted by the controllers.
        spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
      },
    },
  };
  await cp.adminApps.createNamespacedDeployment({ namespace: seed.namespace, body: deployment });
  const target: ScaleTarget = { service: seed.name, namespace: seed.namespace, deployment: seed.name };
  if (seed.hpa) {
    const hpa: V2HorizontalPodAutoscaler = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: `${seed.name}-hpa`, namespace: seed.namespace },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: seed.name },
        minReplicas: seed.hpa.minReplicas,
        maxReplicas: seed.hpa.maxReplicas,
        ...(seed.hpa.metrics ? { metrics: seed.hpa.metrics as V2MetricSpec[] } : {}),
      },
    };
    await cp.adminAutoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: seed.namespace, body: hpa });
    target.hpa = `${seed.name}-hpa`;
  }
  return target;
}

/** An object as the API server stores it, as plain JSON (the fields the tests look at). */
export interface StoredObject {
  metadata: {
    resourceVersion: string;
    annotations?: Record<string, string>;
    managedFields?: Array<{ manager: string; operation: string; subresource?: string }>;
  };
  spec: { replicas?: number; minReplicas?: number; maxReplicas?: number; metrics?: unknown[]; [k: string]: unknown };
  status?: Record<string, unknown>;
}

/** The stored objects, as the admin reads them (plain JSON). */
export async function stored(
  cp: KubeControlPlane,
  target: ScaleTarget
): Promise<{ deployment: StoredObject; hpa: StoredObject | undefined }> {
  const plain = (o: unknown) => JSON.parse(JSON.stringify(o)) as StoredObject;
  const deployment = plain(
    await cp.adminApps.readNamespacedDeployment({ name: target.deployment, namespace: target.namespace })
  );
  const hpa = target.hpa
    ? plain(
        await cp.adminAutoscaling.readNamespacedHorizontalPodAutoscaler({
          name: target.hpa,
          namespace: target.namespace,
        })
      )
    : undefined;
  return { deployment, hpa };
}

let counter = 0;
/** A fresh object name per test, so tests sharing one control plane never see each other's objects. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
