/**
 * A loopback stand-in for the Kubernetes API, kept only for the faults a real kube-apiserver cannot be made
 * to produce on demand: a server that answers too slowly (timeouts), 5xx answers (with a Status or a proxy's
 * non-JSON body), a body cut off mid-way (truncated), and a connection reset. Everything else — the scale
 * subresource, merge patches, dry run, 409/403/404/422 — is tested against the real API server
 * (test/kube/*). It serves one Deployment `shop/checkout` (3 replicas) and its HPA `shop/checkout-hpa`
 * (2..10, CPU 70%) so that the actuator's reads succeed until a fault is injected.
 */
import { after, before, beforeEach } from 'node:test';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export type Fault =
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; body: string; contentType?: string }
  | { kind: 'truncate' }
  | { kind: 'reset' };

/** Which requests a fault hits: a method and a substring of the path (both optional). */
export interface FaultMatch {
  method?: string;
  path?: string;
}

export interface SeenRequest {
  method: string;
  path: string;
  /** The fault it met, if any. */
  fault?: Fault['kind'];
}

type Json = Record<string, unknown>;

export const NAMESPACE = 'shop';
export const DEPLOYMENT = 'checkout';
export const HPA = 'checkout-hpa';

function deployment(replicas: number, resourceVersion: string): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DEPLOYMENT, namespace: NAMESPACE, resourceVersion },
    spec: { replicas, selector: { matchLabels: { app: DEPLOYMENT } } },
  };
}

function scale(replicas: number, resourceVersion: string): Json {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: DEPLOYMENT, namespace: NAMESPACE, resourceVersion },
    spec: { replicas },
    status: { replicas, selector: `app=${DEPLOYMENT}` },
  };
}

function hpa(minReplicas: number, maxReplicas: number, resourceVersion: string): Json {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: HPA, namespace: NAMESPACE, resourceVersion },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: DEPLOYMENT },
      minReplicas,
      maxReplicas,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
  };
}

export class KubeApiDouble {
  /** Set once started; read it inside tests, not at module load. */
  baseUrl = '';
  readonly token = 'aidpe-test-token';
  requests: SeenRequest[] = [];
  private faults: Array<{ match: FaultMatch; fault: Fault; times: number }> = [];
  private replicas = 3;
  private hpaBounds = { minReplicas: 2, maxReplicas: 10 };
  private revision = 100;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  async start(): Promise<void> {
    const server = createServer((req, res) => this.receive(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const t of this.timers) {
      clearTimeout(t);
    }
    for (const socket of this.sockets) {
      socket.destroy();
    }
    const server = this.server;
    if (server) {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  reset(): void {
    this.requests = [];
    this.faults = [];
    this.replicas = 3;
    this.hpaBounds = { minReplicas: 2, maxReplicas: 10 };
  }

  /** The next `times` requests that match meet the fault (the first matching fault wins). */
  inject(match: FaultMatch, fault: Fault, times = Infinity): void {
    this.faults.push({ match, fault, times });
  }

  /** What the double holds now (writes that got through change it). */
  state(): { replicas: number; minReplicas: number; maxReplicas: number } {
    return { replicas: this.replicas, ...this.hpaBounds };
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? '';
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const seen: SeenRequest = { method, path };
      this.requests.push(seen);
      if (req.headers.authorization !== `Bearer ${this.token}`) {
        this.send(res, 401, { kind: 'Status', status: 'Failure', message: 'Unauthorized', code: 401 });
        return;
      }
      const rule = this.faults.find(
        (f) =>
          f.times > 0 &&
          (!f.match.method || f.match.method === method) &&
          (!f.match.path || path.includes(f.match.path))
      );
      if (rule) {
        rule.times -= 1;
        seen.fault = rule.fault.kind;
      }
      const fault = rule?.fault;
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') {
        res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' });
        res.end(fault.body);
        return;
      }
      const answer = this.answer(method, path, Buffer.concat(chunks).toString());
      if (fault?.kind === 'truncate') {
        // Promise the whole body, send half of it, then drop the connection.
        const text = JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(text.length) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        const t = setTimeout(() => req.socket.destroy(), 20);
        this.timers.add(t);
        return;
      }
      if (fault?.kind === 'delay') {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.send(res, answer.status, answer.body);
        }, fault.ms);
        this.timers.add(t);
        return;
      }
      this.send(res, answer.status, answer.body);
    });
  }

  /** The fault-free answer: reads of the canned objects, writes taken as sent (no validation: not tested here). */
  private answer(method: string, path: string, text: string): { status: number; body: Json } {
    const body = text ? (JSON.parse(text) as Json) : {};
    if (path.endsWith(`/deployments/${DEPLOYMENT}/scale`)) {
      if (method === 'PUT') {
        this.replicas = Number((body.spec as Json | undefined)?.replicas ?? this.replicas);
        this.revision += 1;
      }
      return { status: 200, body: scale(this.replicas, String(this.revision)) };
    }
    if (path.endsWith(`/deployments/${DEPLOYMENT}`)) {
      if (method === 'PATCH') {
        this.revision += 1;
      }
      return { status: 200, body: deployment(this.replicas, String(this.revision)) };
    }
    if (path.endsWith(`/horizontalpodautoscalers/${HPA}`)) {
      if (method === 'PATCH') {
        const spec = (body.spec ?? {}) as Partial<typeof this.hpaBounds>;
        this.hpaBounds = { ...this.hpaBounds, ...spec };
        this.revision += 1;
      }
      return { status: 200, body: hpa(this.hpaBounds.minReplicas, this.hpaBounds.maxReplicas, String(this.revision)) };
    }
    return { status: 404, body: { kind: 'Status', status: 'Failure', message: `${path} not found`, code: 404 } };
  }

  private send(res: ServerResponse, status: number, body: Json): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** Registers the node:test hooks that start the double, reset it before each test and stop it. */
export function useKubeApiDouble(): KubeApiDouble {
  const double = new KubeApiDouble();
  before(() => double.start());
  after(() => double.close());
  beforeEach(() => double.reset());
  return double;
}

/** A KubeConfig that talks to `server` over plain http with a bearer token. */
export function kubeConfigFor(server: string, token: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    // client-node 2.x refuses plain http unless skipTLSVerify is set ("HTTP protocol is not allowed…").
    clusters: [{ name: 'double', server, skipTLSVerify: true }],
    users: [{ name: 'aidpe', token }],
    contexts: [{ name: 'double', cluster: 'double', user: 'aidpe', namespace: 'default' }],
    currentContext: 'double',
  });
  return kubeConfig;
}
