/**
 * `/api/v1/health` answers from cached probe results, and the first read only starts the checks
 * (issue 20). Tests that assert on a dependency read it once the checks they need have landed.
 */
import type { FastifyInstance } from 'fastify';
import { NOT_CHECKED_YET } from '../../src/health/registry.ts';
import type { DependencyHealth } from '../../src/telemetry/types.ts';

export interface HealthBody {
  status: 'up' | 'degraded' | 'down';
  mode: 'demo' | 'live';
  dependencies: DependencyHealth[];
  [key: string]: unknown;
}

/** Every dependency has a first result. */
export const firstRoundDone = (body: HealthBody): boolean =>
  body.dependencies.every((d) => d.detail !== NOT_CHECKED_YET);

/** Reads /api/v1/health until `done` holds (default: every check has a first result), for at most `timeoutMs`. */
export async function settledHealth(
  app: FastifyInstance,
  done: (body: HealthBody) => boolean = firstRoundDone,
  timeoutMs = 20_000
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Untyped, as `inject().json()` is: callers read it as they read the response before.
    const body = (await app.inject({ method: 'GET', url: '/api/v1/health' })).json();
    if (done(body as HealthBody) || Date.now() > deadline) {
      return body;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
