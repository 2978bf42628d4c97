/**
 * Test helper: a real Kubernetes control plane on loopback (etcd, kube-apiserver with RBAC and, when asked,
 * kube-controller-manager), started by scripts/k8s/start.sh from the binaries scripts/k8s/build.sh built
 * from the k8s.io/kubernetes Go module, and stopped by scripts/k8s/stop.sh. Every control plane a test
 * started is also stopped on process exit, so a crashed test leaves none behind.
 *
 * Outside CI, tests skip with `kubeControlPlaneMissing()` as the reason when the binaries are not built yet
 * (the build takes a while once); in CI (`CI` set) a missing build is a failure, never a skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { RequestContext } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPTS = join(REPO_ROOT, 'scripts', 'k8s');
/** The sidecar's shipped RBAC and network policy. */
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

/** Why no control plane can run here (the reason to skip), or undefined when one can. Throws in CI instead. */
export function kubeControlPlaneMissing(): string | undefined {
  const problems: string[] = [];
  const built = spawnSync('bash', [join(SCRIPTS, 'build.sh'), '--check'], { encoding: 'utf8' });
  if (built.status !== 0) {
    problems.push('kube-apiserver / kube-controller-manager are not built: run `bash scripts/k8s/build.sh` once');
  }
  if (!process.env.ETCD_BIN && spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).status !== 0) {
    problems.push('etcd is missing: `apt-get install etcd-server` (or set ETCD_BIN)');
  }
  if (problems.length === 0) {
    return undefined;
  }
  const reason = `no Kubernetes control plane for these tests: ${problems.join('; ')}`;
  if (process.env.CI) {
    throw new Error(`${reason} (CI must run them: .ci/run builds and installs both)`);
  }
  return reason;
}

export interface KubeControlPlane {
  /** https://127.0.0.1:<port> */
  url: string;
  caFile: string;
  stateDir: string;
  /** A cluster-admin (system:masters) configuration, for seeding and inspecting. */
  admin: KubeConfig;
  adminApps: AppsV1Api;
  adminAutoscaling: AutoscalingV2Api;
  adminCore: CoreV1Api;
  adminObjects: KubernetesObjectApi;
  /** A configuration that authenticates with this bearer token (and nothing else). */
  kubeConfigForToken(token: string, beforeRequest?: BeforeRequest): KubeConfig;
  /** Writes a kubeconfig file for the token (for processes started by the test); returns its path. */
  writeKubeconfig(token: string, name: string): string;
  /** A token for a ServiceAccount (TokenRequest API), so a test acts exactly as RBAC lets that account. */
  serviceAccountToken(namespace: string, name: string, expirationSeconds?: number): Promise<string>;
  /** Creates (or replaces) every object of a manifest; `edit` may change each before it is sent. */
  applyManifest(yamlText: string, edit?: (o: KubernetesObject) => KubernetesObject | undefined): Promise<void>;
  createNamespace(name: string): Promise<void>;
  /** The end of a component's log (etcd, kube-apiserver, kube-controller-manager), for failure messages. */
  logTail(component: string, lines?: number): string;
  stop(): Promise<void>;
}

/** Runs before a request leaves (after authentication is applied): a test hook for interleaving writers. */
export type BeforeRequest = (method: string, url: string) => Promise<void>;

/** A KubeConfig that lets a test act between the client's decision to send a request and its sending. */
class HookedKubeConfig extends KubeConfig {
  constructor(private readonly beforeRequest: BeforeRequest) {
    super();
  }
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    await this.beforeRequest(context.getHttpMethod().toString(), context.getUrl());
  }
}

const running = new Set<string>();
let exitHookInstalled = false;
function stopSync(stateDir: string): void {
  spawnSync('bash', [join(SCRIPTS, 'stop.sh'), stateDir], { stdio: 'ignore' });
  running.delete(stateDir);
}

export async function startKubeControlPlane(options: { controllerManager?: boolean } = {}): Promise<KubeControlPlane> {
  const stateDir = mkdtempSync(join(tmpdir(), 'aidpe-k8s-'));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const dir of running) {
        stopSync(dir);
      }
    });
  }
  running.add(stateDir);
  const args = [join(SCRIPTS, 'start.sh'), stateDir];
  if (options.controllerManager === false) {
    args.push('--no-controller-manager');
  }
  // start.sh blocks until every component is ready; asynchronously, so the test runner's timers keep running.
  const { status, stderr } = await new Promise<{ status: number | null; stderr: string }>((done) => {
    // The owner pid lets start.sh's watchdog stop the control plane even if this process is killed outright.
    const env = { ...process.env, AIDPE_K8S_OWNER_PID: String(process.pid) };
    const child = spawn('bash', args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code) => done({ status: code, stderr: err }));
  });
  if (status !== 0) {
    stopSync(stateDir);
    throw new Error(`scripts/k8s/start.sh failed (exit ${status}):\n${stderr}`);
  }
  const env = Object.fromEntries(
    readFileSync(join(stateDir, 'env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
  ) as Record<string, string>;
  const url = env.KUBE_APISERVER_URL!;
  const caFile = env.KUBE_CA_FILE!;

  const configFor = (token: string, beforeRequest?: BeforeRequest): KubeConfig => {
    const kc = beforeRequest ? new HookedKubeConfig(beforeRequest) : new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'aidpe-test', server: url, caFile, skipTLSVerify: false }],
      users: [{ name: 'user', token }],
      contexts: [{ name: 'ctx', cluster: 'aidpe-test', user: 'user', namespace: 'default' }],
      currentContext: 'ctx',
    });
    return kc;
  };
  const admin = configFor(env.KUBE_TOKEN_ADMIN!);
  const adminCore = admin.makeApiClient(CoreV1Api);
  const adminObjects = KubernetesObjectApi.makeApiClient(admin);

  return {
    url,
    caFile,
    stateDir,
    admin,
    adminApps: admin.makeApiClient(AppsV1Api),
    adminAutoscaling: admin.makeApiClient(AutoscalingV2Api),
    adminCore,
    adminObjects,
    kubeConfigForToken: configFor,
    writeKubeconfig(token, name) {
      const path = join(stateDir, `kubeconfig-${name}.yaml`);
      writeFileSync(
        path,
        [
          'apiVersion: v1',
          'kind: Config',
          `clusters: [{ name: aidpe-test, cluster: { server: "${url}", certificate-authority: "${caFile}" } }]`,
          `users: [{ name: ${name}, user: { token: "${token}" } }]`,
          `contexts: [{ name: ${name}, context: { cluster: aidpe-test, user: ${name} } }]`,
          `current-context: ${name}`,
        ].join('\n'),
        { mode: 0o600 }
      );
      return path;
    },
    async serviceAccountToken(namespace, name, expirationSeconds = 3600) {
      const answer = await adminCore.createNamespacedServiceAccountToken({
        namespace,
        name,
        body: { spec: { audiences: [], expirationSeconds } },
      });
      const token = answer.status?.token;
      if (!token) {
        throw new Error(`no token issued for ${namespace}/${name}`);
      }
      return token;
    },
    async applyManifest(yamlText, edit = (o) => o) {
      for (const doc of parseAllDocuments(yamlText)) {
        const raw = doc.toJS() as KubernetesObject | null;
        const object = raw ? edit(raw) : undefined;
        if (!object) {
          continue;
        }
        try {
          await adminObjects.create(object);
        } catch (err) {
          if ((err as { code?: number }).code !== 409) {
            throw new Error(`cannot create ${object.kind} ${object.metadata?.name}: ${(err as Error).message}`);
          }
          await adminObjects.replace(object);
        }
      }
    },
    async createNamespace(name) {
      try {
        await adminCore.createNamespace({ body: { metadata: { name } } });
      } catch (err) {
        if ((err as { code?: number }).code !== 409) {
          throw err;
        }
      }
    },
    logTail(component, lines = 40) {
      const path = join(stateDir, 'logs', `${component}.log`);
      return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n') : '';
    },
    async stop() {
      stopSync(stateDir);
    },
  };
}
