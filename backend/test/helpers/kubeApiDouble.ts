/**
 * A loopback Kubernetes API test double (node:http, tests only) for the Kubernetes actuator. It keeps
 * Deployments (with their scale subresource) and autoscaling/v2 HPAs in memory and honours the API
 * server's semantics the actuator relies on:
 *  - every persisted change bumps `metadata.resourceVersion` (one cluster-wide counter, like etcd's
 *    revision); the scale subresource shares its Deployment's resourceVersion; a no-op write bumps nothing;
 *  - a write carrying a stale `metadata.resourceVersion` → 409 Conflict (a `Status`, reason Conflict);
 *  - unknown objects → 404 NotFound; a forbidden verb/resource → 403 Forbidden; a wrong bearer token → 401;
 *  - invalid values (negative replicas, minReplicas < 1, maxReplicas < minReplicas, averageUtilization
 *    <= 0) → 422 with reason Invalid and `details.causes` naming each field, as the API server answers;
 *  - `?dryRun=All` validates and answers the would-be object without persisting; other values → 400;
 *  - PATCH honours its Content-Type: `application/merge-patch+json` (RFC 7386) and
 *    `application/json-patch+json` (RFC 6902); anything else → 415 (strategic merge patch is not
 *    modelled here, so a test proves which patch type the client really sent).
 * Test hooks: `delayMs` (a slow server, for timeouts), `concurrentWriter` (another writer bumps an
 * object's resourceVersion just before the next write(s), so they carry a stale one), `forbid`, and
 * `requests`, a record of every request with its parsed body and the status answered.
 */
import { after, before, beforeEach } from 'node:test';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export type KubeVerb = 'get' | 'update' | 'patch';
export type KubeResource = 'deployments' | 'deployments/scale' | 'horizontalpodautoscalers';
type StoredKind = 'deployments' | 'horizontalpodautoscalers';

export interface KubeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The Content-Type header as sent (parameters included). */
  contentType: string | undefined;
  authorization: string | undefined;
  /** The body parsed as JSON; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  resource: KubeResource | undefined;
  verb: KubeVerb | undefined;
  dryRun: boolean;
  /** The HTTP status answered (0 while the answer is pending, e.g. delayed). */
  status: number;
}

export interface DeploymentSeed {
  namespace: string;
  name: string;
  replicas: number;
  annotations?: Record<string, string>;
}

export interface HpaSeed {
  namespace: string;
  name: string;
  /** The Deployment it scales (scaleTargetRef.name); defaults to `name`. */
  deployment?: string;
  minReplicas?: number;
  maxReplicas: number;
  /** autoscaling/v2 MetricSpec list, stored as given. */
  metrics?: unknown[];
  annotations?: Record<string, string>;
}

type Json = Record<string, unknown>;

interface StoredObject {
  kind: StoredKind;
  /** The full object as the API server would serve it. */
  object: Json;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json
  ) {
    super(String(body.message));
  }
}

const GROUP: Record<StoredKind, string> = { deployments: 'apps', horizontalpodautoscalers: 'autoscaling' };

function statusBody(code: number, reason: string, message: string, details?: Json): Json {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function notFound(kind: StoredKind, name: string): HttpStatusError {
  return new HttpStatusError(
    404,
    statusBody(404, 'NotFound', `${kind}.${GROUP[kind]} "${name}" not found`, { name, group: GROUP[kind], kind })
  );
}

function conflict(kind: StoredKind, name: string): HttpStatusError {
  const message = `Operation cannot be fulfilled on ${kind}.${GROUP[kind]} "${name}": the object has been modified; please apply your changes to the latest version and try again`;
  return new HttpStatusError(409, statusBody(409, 'Conflict', message, { name, group: GROUP[kind], kind }));
}

function badRequest(message: string): HttpStatusError {
  return new HttpStatusError(400, statusBody(400, 'BadRequest', message));
}

interface Cause {
  field: string;
  message: string;
}

function invalid(qualifiedKind: string, group: string, name: string, causes: Cause[]): HttpStatusError {
  const message = `${qualifiedKind}.${group} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`;
  return new HttpStatusError(
    422,
    statusBody(422, 'Invalid', message, {
      name,
      group,
      kind: qualifiedKind,
      causes: causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field })),
    })
  );
}

const clone = <T>(v: T): T => structuredClone(v);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else (lists too) replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) {
    return clone(patch);
  }
  const result: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw new Error(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: Json | unknown[]; key: string } {
  let node: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) {
      node = node[Number(token)];
    } else if (isObject(node)) {
      node = node[token];
    } else {
      node = undefined;
    }
    if (node === undefined) {
      throw new Error(`path ${path} does not exist`);
    }
  }
  if (!Array.isArray(node) && !isObject(node)) {
    throw new Error(`path ${path} does not exist`);
  }
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function getAt(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const token of decodePointer(path)) {
    if (Array.isArray(node)) {
      node = node[Number(token)];
    } else if (isObject(node)) {
      node = node[token];
    } else {
      return undefined;
    }
  }
  return node;
}

function arrayIndex(arr: unknown[], key: string, forAdd: boolean, path: string): number {
  if (forAdd && key === '-') {
    return arr.length;
  }
  const i = Number(key);
  if (!/^(0|[1-9][0-9]*)$/.test(key) || i > arr.length || (!forAdd && i === arr.length)) {
    throw new Error(`index out of range at ${path}`);
  }
  return i;
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const tokens = decodePointer(path);
  if (tokens.length === 0) {
    return clone(value);
  }
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, key, true, path), 0, clone(value));
  } else {
    parent[key] = clone(value);
  }
  return doc;
}

function removeAt(doc: unknown, path: string): unknown {
  const tokens = decodePointer(path);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, key, false, path), 1);
  } else {
    if (!(key in parent)) {
      throw new Error(`path ${path} does not exist`);
    }
    delete parent[key];
  }
  return doc;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test); throws on a failed op. */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw new Error('a JSON patch must be a list of operations');
  }
  let doc = clone(target);
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new Error('each JSON patch operation needs op and path');
    }
    const path = op.path;
    switch (op.op) {
      case 'add':
        doc = addAt(doc, path, op.value);
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'replace':
        if (getAt(doc, path) === undefined) {
          throw new Error(`replace: path ${path} does not exist`);
        }
        doc = addAt(removeAt(doc, path), path, op.value);
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') {
          throw new Error(`${op.op} needs from`);
        }
        const value = getAt(doc, op.from);
        if (value === undefined) {
          throw new Error(`${op.op}: path ${op.from} does not exist`);
        }
        if (op.op === 'move') {
          doc = removeAt(doc, op.from);
        }
        doc = addAt(doc, path, value);
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(op.value)) {
          throw new Error(`test failed at ${path}`);
        }
        break;
      default:
        throw new Error(`unknown JSON patch op ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}

const ACCEPTED_PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json'];

function routeOf(
  path: string
): { kind: StoredKind; resource: KubeResource; namespace: string; name: string } | undefined {
  const apps = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/.exec(path);
  if (apps) {
    const [, namespace = '', name = '', scale] = apps;
    return {
      kind: 'deployments',
      resource: scale ? 'deployments/scale' : 'deployments',
      namespace: decodeURIComponent(namespace),
      name: decodeURIComponent(name),
    };
  }
  const hpa = /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers\/([^/]+)$/.exec(path);
  if (hpa) {
    const [, namespace = '', name = ''] = hpa;
    return {
      kind: 'horizontalpodautoscalers',
      resource: 'horizontalpodautoscalers',
      namespace: decodeURIComponent(namespace),
      name: decodeURIComponent(name),
    };
  }
  return undefined;
}

function metadataOf(o: Json): Json {
  return o.metadata as Json;
}
function specOf(o: Json): Json {
  return isObject(o.spec) ? o.spec : {};
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function validateDeploymentSpec(spec: Json): Cause[] {
  const r = spec.replicas;
  if (!isInt(r)) {
    return [{ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(r)}: must be an integer` }];
  }
  if (r < 0) {
    return [{ field: 'spec.replicas', message: `Invalid value: ${r}: must be greater than or equal to 0` }];
  }
  return [];
}

function validateHpaSpec(spec: Json): Cause[] {
  const causes: Cause[] = [];
  const min = spec.minReplicas ?? 1;
  const max = spec.maxReplicas;
  if (!isInt(min) || min < 1) {
    causes.push({
      field: 'spec.minReplicas',
      message: `Invalid value: ${JSON.stringify(min)}: must be greater than or equal to 1`,
    });
  }
  if (!isInt(max) || max < 1) {
    causes.push({
      field: 'spec.maxReplicas',
      message: `Invalid value: ${JSON.stringify(max)}: must be greater than 0`,
    });
  } else if (isInt(min) && max < min) {
    causes.push({
      field: 'spec.maxReplicas',
      message: `Invalid value: ${max}: must be greater than or equal to \`minReplicas\``,
    });
  }
  const metrics = spec.metrics ?? [];
  if (!Array.isArray(metrics)) {
    causes.push({ field: 'spec.metrics', message: 'Invalid value: must be a list' });
  } else {
    metrics.forEach((m: unknown, i) => {
      const target = isObject(m) && isObject(m.resource) && isObject(m.resource.target) ? m.resource.target : undefined;
      if (target?.type === 'Utilization') {
        const u = target.averageUtilization;
        if (!isInt(u) || u <= 0) {
          causes.push({
            field: `spec.metrics[${i}].resource.target.averageUtilization`,
            message: `Invalid value: ${JSON.stringify(u)}: must be greater than 0`,
          });
        }
      }
    });
  }
  return causes;
}

function validateAnnotations(metadata: Json): Cause[] {
  const a = metadata.annotations;
  if (a === undefined) {
    return [];
  }
  if (!isObject(a) || !Object.values(a).every((v) => typeof v === 'string')) {
    return [{ field: 'metadata.annotations', message: 'Invalid value: annotation values must be strings' }];
  }
  return [];
}

export class KubeApiDouble {
  /** Set once started; read it inside tests, not at module load. */
  baseUrl = '';
  readonly token: string;
  requests: KubeRequest[] = [];
  /** How long every answer waits, in ms (a slow API server). */
  delayMs = 0;
  private readonly objects = new Map<string, StoredObject>();
  private revision = 1000;
  private forbidden: Array<{ verb: KubeVerb; resource: KubeResource }> = [];
  private pendingConcurrentWrites = new Map<string, number>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(token = 'aidpe-test-token') {
    this.token = token;
  }

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
    this.timers.clear();
    for (const socket of this.sockets) {
      socket.destroy();
    }
    const server = this.server;
    if (server) {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  /** Forgets objects, requests and injected behaviour (between tests). */
  reset(): void {
    this.objects.clear();
    this.requests = [];
    this.delayMs = 0;
    this.forbidden = [];
    this.pendingConcurrentWrites.clear();
  }

  addDeployment(seed: DeploymentSeed): Json {
    const object: Json = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: seed.name,
        namespace: seed.namespace,
        uid: `uid-deployment-${seed.namespace}-${seed.name}`,
        resourceVersion: this.nextVersion(),
        generation: 1,
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { app: seed.name },
        ...(seed.annotations ? { annotations: { ...seed.annotations } } : {}),
      },
      spec: {
        replicas: seed.replicas,
        selector: { matchLabels: { app: seed.name } },
        template: {
          metadata: { labels: { app: seed.name } },
          spec: { containers: [{ name: seed.name, image: `example/${seed.name}:1` }] },
        },
      },
      status: { replicas: seed.replicas, readyReplicas: seed.replicas },
    };
    this.objects.set(this.key('deployments', seed.namespace, seed.name), { kind: 'deployments', object });
    return clone(object);
  }

  addHpa(seed: HpaSeed): Json {
    const object: Json = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name: seed.name,
        namespace: seed.namespace,
        uid: `uid-hpa-${seed.namespace}-${seed.name}`,
        resourceVersion: this.nextVersion(),
        creationTimestamp: '2026-01-01T00:00:00Z',
        ...(seed.annotations ? { annotations: { ...seed.annotations } } : {}),
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: seed.deployment ?? seed.name },
        minReplicas: seed.minReplicas ?? 1,
        maxReplicas: seed.maxReplicas,
        ...(seed.metrics ? { metrics: clone(seed.metrics) } : {}),
      },
      status: { currentReplicas: seed.minReplicas ?? 1, desiredReplicas: seed.minReplicas ?? 1 },
    };
    this.objects.set(this.key('horizontalpodautoscalers', seed.namespace, seed.name), {
      kind: 'horizontalpodautoscalers',
      object,
    });
    return clone(object);
  }

  /** The stored Deployment (a copy), or undefined. */
  deployment(namespace: string, name: string): Json | undefined {
    const o = this.objects.get(this.key('deployments', namespace, name));
    return o ? clone(o.object) : undefined;
  }

  hpa(namespace: string, name: string): Json | undefined {
    const o = this.objects.get(this.key('horizontalpodautoscalers', namespace, name));
    return o ? clone(o.object) : undefined;
  }

  /** Answers 403 to this verb on this resource (RBAC without the permission). */
  forbid(verb: KubeVerb, resource: KubeResource): void {
    this.forbidden.push({ verb, resource });
  }

  /**
   * Another writer changes the object just before each of the next `times` writes to it (Infinity: every
   * write), so those writes carry a stale resourceVersion — what a real concurrent update does.
   */
  concurrentWriter(kind: StoredKind, namespace: string, name: string, times = 1): void {
    this.pendingConcurrentWrites.set(this.key(kind, namespace, name), times);
  }

  /** The requests that tried to change something (PUT/PATCH), dry runs included. */
  writes(): KubeRequest[] {
    return this.requests.filter((r) => r.method === 'PUT' || r.method === 'PATCH');
  }

  private key(kind: StoredKind, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
  }

  private nextVersion(): string {
    this.revision += 1;
    return String(this.revision);
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString();
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const route = routeOf(url.pathname);
      const verb: KubeVerb | undefined =
        req.method === 'GET' ? 'get' : req.method === 'PUT' ? 'update' : req.method === 'PATCH' ? 'patch' : undefined;
      const seen: KubeRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        body,
        resource: route?.resource,
        verb,
        dryRun: url.searchParams.get('dryRun') === 'All',
        status: 0,
      };
      this.requests.push(seen);
      const answer = (): void => {
        let status: number;
        let payload: Json;
        try {
          payload = this.handle(seen, text, route);
          status = 200;
        } catch (e) {
          if (!(e instanceof HttpStatusError)) {
            throw e;
          }
          status = e.status;
          payload = e.body;
        }
        seen.status = status;
        if (res.destroyed) {
          return;
        }
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
      };
      if (this.delayMs > 0) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          answer();
        }, this.delayMs);
        this.timers.add(timer);
      } else {
        answer();
      }
    });
  }

  private handle(seen: KubeRequest, text: string, route: ReturnType<typeof routeOf>): Json {
    if (seen.authorization !== `Bearer ${this.token}`) {
      throw new HttpStatusError(401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    }
    if (route === undefined) {
      throw new HttpStatusError(404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const { kind, resource, namespace, name } = route;
    if (seen.verb === undefined) {
      throw new HttpStatusError(
        405,
        statusBody(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`)
      );
    }
    if (this.forbidden.some((f) => f.verb === seen.verb && f.resource === resource)) {
      const message = `${kind}.${GROUP[kind]} "${name}" is forbidden: User "system:serviceaccount:aidpe:aidpe-sidecar" cannot ${seen.verb} resource "${resource}" in API group "${GROUP[kind]}" in the namespace "${namespace}"`;
      throw new HttpStatusError(403, statusBody(403, 'Forbidden', message, { name, group: GROUP[kind], kind }));
    }
    const dryRun = seen.query.get('dryRun');
    if (dryRun !== null && dryRun !== 'All') {
      throw badRequest(`Invalid dryRun parameter: ${JSON.stringify(dryRun)}; the only valid value is "All"`);
    }
    const key = this.key(kind, namespace, name);
    const stored = this.objects.get(key);
    if (stored === undefined) {
      throw notFound(kind, name);
    }
    const isScale = resource === 'deployments/scale';
    if (seen.verb === 'get') {
      return isScale ? scaleView(stored.object) : clone(stored.object);
    }

    // A concurrent writer lands between the client's read and this write.
    const pending = this.pendingConcurrentWrites.get(key) ?? 0;
    if (pending > 0) {
      this.pendingConcurrentWrites.set(key, pending - 1);
      const meta = metadataOf(stored.object);
      meta.annotations = {
        ...(isObject(meta.annotations) ? meta.annotations : {}),
        'example.com/other-writer': this.nextVersion(),
      };
      meta.resourceVersion = String(this.revision);
    }

    const currentView = isScale ? scaleView(stored.object) : clone(stored.object);
    const currentVersion = String(metadataOf(stored.object).resourceVersion);
    let next: unknown;
    if (seen.verb === 'update') {
      if (!isObject(seen.body)) {
        throw badRequest('the body of the request is not a JSON object');
      }
      next = seen.body;
    } else {
      const type = (seen.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!ACCEPTED_PATCH_TYPES.includes(type)) {
        throw new HttpStatusError(
          415,
          statusBody(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${ACCEPTED_PATCH_TYPES.join(', ')}`
          )
        );
      }
      let patch: unknown;
      try {
        patch = JSON.parse(text);
      } catch {
        throw badRequest('the patch is not valid JSON');
      }
      if (type === 'application/merge-patch+json') {
        next = applyMergePatch(currentView, patch);
      } else {
        try {
          next = applyJsonPatch(currentView, patch);
        } catch (e) {
          throw new HttpStatusError(
            422,
            statusBody(
              422,
              'Invalid',
              `the server rejected our request due to an error in our request: ${(e as Error).message}`
            )
          );
        }
      }
    }
    if (!isObject(next) || !isObject(next.metadata)) {
      throw badRequest('the object has no metadata');
    }
    const nextMeta = next.metadata;
    if (nextMeta.name !== undefined && nextMeta.name !== name) {
      throw badRequest(
        `the name of the object (${String(nextMeta.name)}) does not match the name on the URL (${name})`
      );
    }
    // The precondition: a resourceVersion in what was written must be the current one.
    if (nextMeta.resourceVersion !== undefined && String(nextMeta.resourceVersion) !== currentVersion) {
      throw conflict(kind, name);
    }

    const updated = clone(stored.object);
    const updatedMeta = metadataOf(updated);
    let causes: Cause[];
    let qualifiedKind: string;
    let group: string;
    if (isScale) {
      const replicas = specOf(next).replicas;
      causes = validateDeploymentSpec({ replicas });
      qualifiedKind = 'Scale';
      group = 'autoscaling';
      (updated.spec as Json).replicas = replicas;
    } else {
      causes = [
        ...validateAnnotations(nextMeta),
        ...(kind === 'deployments' ? validateDeploymentSpec(specOf(next)) : validateHpaSpec(specOf(next))),
      ];
      qualifiedKind = kind === 'deployments' ? 'Deployment' : 'HorizontalPodAutoscaler';
      group = GROUP[kind];
      // Only spec, labels and annotations are writable here; status and server-set metadata stay.
      updated.spec = clone(specOf(next));
      for (const field of ['annotations', 'labels'] as const) {
        if (nextMeta[field] === undefined) {
          delete updatedMeta[field];
        } else {
          updatedMeta[field] = clone(nextMeta[field]);
        }
      }
    }
    if (causes.length > 0) {
      throw invalid(qualifiedKind, group, name, causes);
    }

    const changed = JSON.stringify(updated) !== JSON.stringify(stored.object);
    if (changed && seen.dryRun === false) {
      if (
        JSON.stringify(updated.spec) !== JSON.stringify(stored.object.spec) &&
        typeof updatedMeta.generation === 'number'
      ) {
        updatedMeta.generation += 1;
      }
      updatedMeta.resourceVersion = this.nextVersion();
      stored.object = updated;
    }
    const answered = seen.dryRun ? updated : stored.object;
    return isScale ? scaleView(answered) : clone(answered);
  }
}

function scaleView(deployment: Json): Json {
  const meta = metadataOf(deployment);
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: specOf(deployment).replicas },
    status: { replicas: (deployment.status as Json | undefined)?.replicas ?? 0, selector: `app=${String(meta.name)}` },
  };
}

/** Registers the node:test hooks that start the double, reset it before each test and stop it. */
export function useKubeApiDouble(token?: string): KubeApiDouble {
  const double = new KubeApiDouble(token);
  before(() => double.start());
  after(() => double.close());
  beforeEach(() => double.reset());
  return double;
}

/** A KubeConfig that talks to `server` over plain http with a bearer token (what the tests construct actuators from). */
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
