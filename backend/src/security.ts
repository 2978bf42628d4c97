/**
 * The sidecar's perimeter, registered before any route: security headers, the API token on every route but
 * liveness and the scrape targets (judged on the matched route, never the raw URL), a per-client limit on
 * failed token attempts, and a per-client rate limit on the routes that change something.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';

/**
 * Routes anyone may call without the token: liveness, readiness and the two Prometheus scrape targets. Matched
 * against the route the router chose (after it decoded the path), never against the raw URL, so
 * `/%61pi/v1/audit` is judged as `/api/v1/audit`. Unmatched paths need the token too.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  '/api/v1/health',
  '/api/v1/ready',
  '/metrics',
  '/sim/metrics',
]);

/** POST routes that only read (queries with bodies too long for a URL): not rate limited as changes. */
const READ_ONLY_POSTS: ReadonlySet<string> = new Set([
  '/api/v1/query/range',
  '/api/v1/query/instant',
  '/api/v1/forecast',
  '/api/v1/anomalies',
  '/api/v1/anomalies/query',
  '/api/v1/rca',
  '/api/v1/rca/graph',
]);

export interface SecurityOptions {
  apiToken: string | undefined;
  /** Changes (approve, rollback, mode switches, feedback, simulator writes) per client per minute. */
  changesPerMinute?: number;
  /** Failed token attempts per client per minute before it is refused with 429. */
  failedAuthPerMinute?: number;
  now?: () => number;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** The Bearer credential of an Authorization header; the scheme is case-insensitive (RFC 7235). */
export function bearerCredential(header: string | undefined): string | undefined {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header ?? '');
  return match && match[1]!.toLowerCase() === 'bearer' ? match[2] : undefined;
}

/** Counts failures per key over a sliding minute; bounded (the oldest keys are dropped first). */
export class FailureWindow {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 10_000
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it is under the limit. */
  blockedFor(key: string, nowMs: number): number {
    const recent = (this.hits.get(key) ?? []).filter((t) => nowMs - t < this.windowMs);
    return recent.length >= this.limit ? this.windowMs - (nowMs - recent[0]!) : 0;
  }

  record(key: string, nowMs: number): void {
    const recent = (this.hits.get(key) ?? []).filter((t) => nowMs - t < this.windowMs);
    recent.push(nowMs);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) {
      this.hits.delete(this.hits.keys().next().value!);
    }
  }
}

function unauthorized(reply: FastifyReply) {
  return reply.status(401).header('www-authenticate', 'Bearer').send({
    statusCode: 401,
    error: 'Unauthorized',
    message: 'authorization: a valid Bearer token is required',
    field: 'authorization',
  });
}

/** onRequest hook: 401 unless the matched route is public or the Bearer token matches (constant time, length hidden). */
export function bearerTokenGuard(token: string, failures?: FailureWindow, now: () => number = Date.now) {
  const expected = sha256(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && PUBLIC_ROUTES.has(route)) {
      return;
    }
    const waitMs = failures?.blockedFor(request.ip, now()) ?? 0;
    if (waitMs > 0) {
      return reply
        .status(429)
        .header('retry-after', String(Math.ceil(waitMs / 1000)))
        .send({
          statusCode: 429,
          error: 'Too Many Requests',
          message: 'authorization: too many failed attempts',
          field: 'authorization',
        });
    }
    const given = bearerCredential(request.headers.authorization);
    if (given !== undefined && timingSafeEqual(sha256(given), expected)) {
      return;
    }
    failures?.record(request.ip, now());
    return unauthorized(reply);
  };
}

/** Whether a route changes state (and so is rate limited per client). */
export function isChangeRoute(method: string | string[], url: string): boolean {
  const methods = Array.isArray(method) ? method : [method];
  return methods.some((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)) && !READ_ONLY_POSTS.has(url);
}

export async function registerSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  // Swagger UI's inline bootstrap needs its own CSP (swagger-ui's staticCSP); everything else gets helmet's.
  await app.register(helmet, { global: true, contentSecurityPolicy: false });
  // Before the rate-limit plugin, whose own onRoute hook reads the config this one sets.
  const changesPerMinute = opts.changesPerMinute ?? 60;
  app.addHook('onRoute', (route) => {
    if (isChangeRoute(route.method, route.url)) {
      route.config = { ...(route.config as object), rateLimit: { max: changesPerMinute, timeWindow: 60_000 } };
    }
  });
  await app.register(rateLimit, {
    global: false,
    // Behind Grafana every request comes from Grafana: the forwarded user keeps people apart.
    keyGenerator: (req) => `${req.ip}|${String(req.headers['x-grafana-user'] ?? '')}`,
  });
  if (opts.apiToken) {
    const failures = new FailureWindow(opts.failedAuthPerMinute ?? 30);
    app.addHook('onRequest', bearerTokenGuard(opts.apiToken, failures, opts.now));
  }
}
