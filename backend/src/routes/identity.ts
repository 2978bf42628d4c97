/**
 * Who is deciding. A decision (approve, reject, roll back, resolve, mode, resume, anomaly feedback) is audited
 * under the user Grafana's plugin proxy forwards as `X-Grafana-User` — and that header is believed only when the
 * request also carried the API token Grafana adds (the token guard in security.ts has checked it by then), so a
 * caller who reaches the port without Grafana cannot decide as anyone. With no token configured the sidecar
 * cannot tell Grafana from anyone else: then only loopback callers may decide, and the audit says so.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../config/config.ts';

export interface Identity {
  user: string;
  /** How the sidecar knew the user, recorded beside it in the audit. */
  credential: string;
}

export type Identify = (req: FastifyRequest, action: string) => Identity | { refused: string; status: 401 | 403 };

/** The audit's name for a token: a short hash, enough to tell two tokens apart, useless to log in with. */
export function tokenLabel(token: string): string {
  return `grafana-proxy (api token sha256:${createHash('sha256').update(token).digest('hex').slice(0, 8)})`;
}

const NO_TOKEN = 'loopback (no API token configured: the forwarded user is not verified)';

export function identifyFromGrafana(apiToken: string | undefined): Identify {
  const credential = apiToken ? tokenLabel(apiToken) : NO_TOKEN;
  return (req, action) => {
    const forwarded = req.headers['x-grafana-user'];
    const user = typeof forwarded === 'string' ? forwarded.trim() : '';
    if (!apiToken && !isLoopbackHost(req.ip.replace(/^::ffff:/, ''))) {
      return {
        status: 403,
        refused: `authorization: ${action} needs the API token Grafana adds; no token is configured, so only loopback callers may decide (set AIDPE_API_TOKEN)`,
      };
    }
    if (user === '' || user.length > 200) {
      return { status: 401, refused: `user: ${action} needs the user Grafana forwards as X-Grafana-User` };
    }
    // The token guard ran first: with a token configured, a request that reaches here carried it.
    return { user, credential };
  };
}
