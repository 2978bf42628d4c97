/**
 * The simulator as the data plane of a real Kubernetes API server (`simulator.mirror.*`). The Deployments of
 * one namespace are listed and watched; each simulated service with a Deployment of its name (or named by the
 * Deployment's `aidpe.io/simulated-service` annotation) takes its desired replicas from the Deployment's
 * `spec.replicas`, whoever set them (the real HPA controller, the sidecar's actuator, kubectl). New pods become
 * ready after the simulator's start-up delay, as a kubelet would bring them up, and the simulator's own HPA
 * leaves those services alone (kube-controller-manager's HPA controller owns them).
 *
 * Optionally (`podStatus`) the mirror writes the pods' status back as a kubelet would: phase Running and the
 * Ready condition for as many of the Deployment's pods (oldest first) as the simulator has ready, so the
 * Deployment's `readyReplicas` follows the simulator. That needs `list pods` and `patch pods/status` — a
 * kubelet's or an admin's rights, never the sidecar's role (deploy/rbac), so the mirror has its own kubeconfig.
 */
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import type { AidpeConfig } from '../config/config.ts';
import type { SimulatedCluster } from './cluster.ts';

/** On a Deployment: the simulated service it drives, when the names differ. */
export const SIMULATED_SERVICE_ANNOTATION = 'aidpe.io/simulated-service';

/** The part of the simulated cluster the mirror drives. */
export type MirroredCluster = Pick<
  SimulatedCluster,
  'serviceNames' | 'setReplicas' | 'setExternallyScaled' | 'getDeployment'
>;

export interface MirroredDeployment {
  deployment: string;
  service: string;
  /** The Deployment's spec.replicas as last seen. */
  replicas: number;
  /** Its pods' label selector (matchLabels as `k=v,…`), for the pod status; undefined without matchLabels. */
  selector: string | undefined;
}

export interface KubeMirrorStatus {
  namespace: string;
  /** Whether the last list or watch succeeded (false while retrying). */
  connected: boolean;
  mirrored: MirroredDeployment[];
  /** Deployments of the namespace that drive no simulated service (no such service, or one already mirrored). */
  ignored: string[];
  lastError?: { message: string; at: string };
}

/**
 * What the Deployments say, applied to the simulated cluster (no I/O: the watch loop below feeds it). A
 * deleted Deployment takes its pods with it, so its service drops to 0 replicas and stays externally scaled
 * until the mirror is released.
 */
export class DeploymentMirror {
  private readonly byDeployment = new Map<string, MirroredDeployment>();
  private readonly ignoredNames = new Set<string>();

  constructor(
    private readonly cluster: MirroredCluster,
    readonly namespace: string
  ) {}

  /** A Deployment was listed, added or changed. */
  upsert(d: V1Deployment): void {
    const name = d.metadata?.name;
    if (!name) {
      return;
    }
    const service = d.metadata?.annotations?.[SIMULATED_SERVICE_ANNOTATION] ?? name;
    const previous = this.byDeployment.get(name);
    if (previous && previous.service !== service) {
      this.remove(name);
    }
    const taken = [...this.byDeployment.values()].some((m) => m.service === service && m.deployment !== name);
    if (!this.cluster.serviceNames().includes(service) || taken) {
      this.ignoredNames.add(name);
      return;
    }
    this.ignoredNames.delete(name);
    // spec.replicas defaults to 1 in the API; a missing value means the server has not defaulted it yet.
    const replicas = d.spec?.replicas ?? 1;
    const labels = d.spec?.selector?.matchLabels;
    const selector =
      labels && Object.keys(labels).length > 0
        ? Object.entries(labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        : undefined;
    this.byDeployment.set(name, { deployment: name, service, replicas, selector });
    this.cluster.setExternallyScaled(service, true);
    if (this.cluster.getDeployment(service).replicas !== replicas) {
      this.cluster.setReplicas(service, replicas, `deployment ${this.namespace}/${name}`);
    }
  }

  /** A Deployment was deleted: its pods go with it. */
  remove(name: string): void {
    this.ignoredNames.delete(name);
    const m = this.byDeployment.get(name);
    if (!m) {
      return;
    }
    this.byDeployment.delete(name);
    this.cluster.setReplicas(m.service, 0, `deployment ${this.namespace}/${name} deleted`);
  }

  /** A full list: what is gone was deleted, the rest is upserted. */
  resync(items: readonly V1Deployment[]): void {
    const names = new Set(items.map((d) => d.metadata?.name).filter((n): n is string => Boolean(n)));
    for (const name of [...this.byDeployment.keys()]) {
      if (!names.has(name)) {
        this.remove(name);
      }
    }
    for (const name of [...this.ignoredNames]) {
      if (!names.has(name)) {
        this.ignoredNames.delete(name);
      }
    }
    for (const d of items) {
      this.upsert(d);
    }
  }

  /** Hands every mirrored service back to the simulator's own autoscaler (replicas stay where they are). */
  release(): void {
    for (const m of this.byDeployment.values()) {
      this.cluster.setExternallyScaled(m.service, false);
    }
    this.byDeployment.clear();
    this.ignoredNames.clear();
  }

  mirrored(): MirroredDeployment[] {
    return [...this.byDeployment.values()].map((m) => ({ ...m }));
  }

  ignored(): string[] {
    return [...this.ignoredNames].sort();
  }
}

/** Which of a Deployment's pods should be Ready: the `ready` oldest that are not being deleted. */
export function podReadiness(pods: readonly V1Pod[], ready: number): Array<{ pod: V1Pod; ready: boolean }> {
  const created = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  return pods
    .filter((p) => !p.metadata?.deletionTimestamp)
    .sort((a, b) => created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .map((pod, i) => ({ pod, ready: i < ready }));
}

const isPodReady = (p: V1Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export interface KubeMirrorOptions {
  cluster: MirroredCluster;
  kubeConfig: KubeConfig;
  namespace: string;
  /** Write the pods' phase and Ready condition back as a kubelet would (needs list pods, patch pods/status). */
  podStatus?: boolean;
  /** How often the simulator's ready pods are compared with the API server's (wall ms). Default 1000. */
  podStatusEveryMs?: number;
  /** Wait after a failed list or watch before listing again (wall ms). Default 2000. */
  retryMs?: number;
  /** The server ends each watch after this long; it is resumed from the last resourceVersion. Default 20. */
  watchTimeoutSeconds?: number;
  onError?: (what: string, err: unknown) => void;
}

/** Lists and watches the namespace's Deployments into a `DeploymentMirror`, re-listing after errors. */
export class KubeMirror {
  readonly namespace: string;
  private readonly deployments: DeploymentMirror;
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly watcher: Watch;
  private readonly o: Required<Omit<KubeMirrorOptions, 'onError'>> & Pick<KubeMirrorOptions, 'onError'>;
  private stopped = false;
  private connected = false;
  private lastError: { message: string; at: string } | undefined;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private statusBusy = false;
  /** Per Deployment: the simulator's ready count last written, and when; re-written when either is stale. */
  private written = new Map<string, { ready: number; atMs: number }>();

  constructor(options: KubeMirrorOptions) {
    this.o = { podStatus: false, podStatusEveryMs: 1000, retryMs: 2000, watchTimeoutSeconds: 20, ...options };
    this.namespace = options.namespace;
    this.deployments = new DeploymentMirror(options.cluster, options.namespace);
    this.apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.watcher = new Watch(options.kubeConfig);
  }

  /** Starts mirroring; resolves after the first list (or its first failure: it keeps retrying meanwhile). */
  async start(): Promise<void> {
    if (this.running) {
      return;
    }
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.running = this.run(firstAttempt);
    if (this.o.podStatus) {
      this.statusTimer = setInterval(() => void this.syncPodStatus(), this.o.podStatusEveryMs);
      this.statusTimer.unref();
    }
    await attempted;
  }

  /** Stops watching and hands the services back to the simulator's autoscaler. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.statusTimer);
    this.abort?.abort();
    this.wake?.();
    await this.running;
    this.deployments.release();
  }

  status(): KubeMirrorStatus {
    return {
      namespace: this.namespace,
      connected: this.connected,
      mirrored: this.deployments.mirrored(),
      ignored: this.deployments.ignored(),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  private failed(what: string, err: unknown): void {
    this.connected = false;
    const message = `${what}: ${(err as Error)?.message ?? String(err)}`;
    this.lastError = { message, at: new Date().toISOString() };
    this.o.onError?.(`kubernetes mirror (${this.namespace}): ${what}`, err);
  }

  private async run(firstAttempt: () => void): Promise<void> {
    let resourceVersion: string | undefined;
    while (!this.stopped) {
      try {
        if (resourceVersion === undefined) {
          const list = await this.apps.listNamespacedDeployment({ namespace: this.namespace });
          this.deployments.resync(list.items);
          this.markWritesStale();
          resourceVersion = list.metadata?.resourceVersion ?? '0';
          this.connected = true;
          firstAttempt();
        }
        resourceVersion = await this.watchFrom(resourceVersion);
      } catch (err) {
        resourceVersion = undefined;
        if (this.stopped) {
          break;
        }
        this.failed('list/watch deployments', err);
        firstAttempt();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.o.retryMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    firstAttempt();
  }

  /** One watch from `resourceVersion`; resolves with the last one seen, or undefined when a re-list is needed. */
  private watchFrom(resourceVersion: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      let latest: string | undefined = resourceVersion;
      const path = `/apis/apps/v1/namespaces/${encodeURIComponent(this.namespace)}/deployments`;
      const onEvent = (phase: string, obj: V1Deployment & { code?: number }): void => {
        if (phase === 'ERROR') {
          // 410 Gone (too old a resourceVersion) or another failure: the stream ends; list again.
          latest = undefined;
          return;
        }
        if (obj.metadata?.resourceVersion && latest !== undefined) {
          latest = obj.metadata.resourceVersion;
        }
        if (phase === 'ADDED' || phase === 'MODIFIED') {
          this.deployments.upsert(obj);
          this.written.delete(obj.metadata?.name ?? '');
        } else if (phase === 'DELETED' && obj.metadata?.name) {
          this.deployments.remove(obj.metadata.name);
        }
      };
      const done = (err: unknown): void => {
        this.abort = undefined;
        if (err && !this.stopped) {
          reject(err instanceof Error ? err : new Error(String(err)));
        } else {
          resolve(latest);
        }
      };
      this.watcher
        .watch(
          path,
          { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.o.watchTimeoutSeconds },
          onEvent,
          done
        )
        .then((controller) => {
          this.abort = controller;
          if (this.stopped) {
            controller.abort();
          }
        }, reject);
    });
  }

  private markWritesStale(): void {
    this.written.clear();
  }

  /** Kubelet-like: the Ready condition on as many of each Deployment's pods as the simulator has ready. */
  private async syncPodStatus(): Promise<void> {
    if (this.statusBusy || this.stopped || !this.connected) {
      return;
    }
    this.statusBusy = true;
    try {
      for (const m of this.deployments.mirrored()) {
        if (!m.selector) {
          continue;
        }
        const ready = this.o.cluster.getDeployment(m.service).readyReplicas;
        const last = this.written.get(m.deployment);
        // Re-checked when the simulator's count moved, the Deployment changed, and every 10 s regardless.
        if (last && last.ready === ready && Date.now() - last.atMs < 10_000) {
          continue;
        }
        const pods = await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: m.selector });
        let complete = true;
        for (const { pod, ready: want } of podReadiness(pods.items, ready)) {
          if (want === isPodReady(pod)) {
            continue;
          }
          const now = new Date();
          const status = want
            ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] }
            : { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }] };
          try {
            await this.core.patchNamespacedPodStatus(
              { namespace: this.namespace, name: pod.metadata!.name!, body: { status } },
              setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
            );
          } catch (err) {
            complete = false;
            this.o.onError?.(`kubernetes mirror (${this.namespace}): pod ${pod.metadata?.name} status`, err);
          }
        }
        // Fewer pods than ready (the ReplicaSet controller has not created them yet): look again next time.
        if (complete && pods.items.length >= ready) {
          this.written.set(m.deployment, { ready, atMs: Date.now() });
        }
      }
    } catch (err) {
      this.o.onError?.(`kubernetes mirror (${this.namespace}): pod status`, err);
    } finally {
      this.statusBusy = false;
    }
  }
}

/** The mirror the configuration asks for (`simulator.mirror.*`), started; throws when its kubeconfig cannot load. */
export async function startKubeMirror(
  config: AidpeConfig,
  cluster: MirroredCluster,
  onError?: (what: string, err: unknown) => void
): Promise<KubeMirror> {
  const m = config.simulator.mirror;
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(m.kubeconfig!);
    if (m.context) {
      kubeConfig.setCurrentContext(m.context);
    }
  } catch (err) {
    throw new Error(`simulator.mirror.kubeconfig: cannot load ${m.kubeconfig}: ${(err as Error).message}`);
  }
  const mirror = new KubeMirror({
    cluster,
    kubeConfig,
    namespace: m.namespace ?? config.kubernetes.namespace,
    podStatus: m.podStatus,
    ...(onError ? { onError } : {}),
  });
  await mirror.start();
  return mirror;
}

/**
 * The sidecar's one call (server.ts): the mirror when `simulator.mirror.kubeconfig` is set, else undefined. The
 * optimisation loop must then act through the API server the simulator mirrors (live mode with the embedded
 * cluster, or `aidpe demo --via-prometheus`, and kubernetes.kubeconfig): anything else would scale the simulator
 * behind the mirror's back, so it is refused.
 */
export async function startKubeMirrorWhenConfigured(
  config: AidpeConfig,
  cluster: MirroredCluster | undefined,
  actuatorKind: string | undefined,
  onError?: (what: string, err: unknown) => void
): Promise<KubeMirror | undefined> {
  if (!config.simulator.mirror.kubeconfig) {
    return undefined;
  }
  if (!cluster || actuatorKind !== 'kubernetes') {
    throw new Error(
      `simulator.mirror.kubeconfig: the mirror needs the embedded cluster with the Kubernetes actuator (live mode with simulator.embedded, or demo --via-prometheus, and kubernetes.kubeconfig); here the cluster is ${cluster ? 'embedded' : 'absent'} and the actuator is ${actuatorKind ?? 'unavailable'}`
    );
  }
  return startKubeMirror(config, cluster, onError);
}
