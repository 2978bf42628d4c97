/**
 * TelemetryErrors as the HTTP core makes them, with the facts the retry loop and the circuit
 * breaker need kept off the public error: whether it may be retried (and after how long the
 * upstream asked), and whether it was a transport failure (no complete HTTP answer).
 */
import { isRecord, snippet } from './helpers.ts';
import { TelemetryError } from '../types.ts';
import type { TelemetryErrorKind } from '../types.ts';

export interface FailureInit {
  kind: TelemetryErrorKind;
  message: string;
  query?: string | undefined;
  upstreamMessage?: string;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Per-error retry facts kept off the public TelemetryError. */
const retryFacts = new WeakMap<TelemetryError, { retryAfterMs?: number }>();
/** Failures where no complete HTTP answer arrived (what the circuit breaker counts). */
export const transportFailures = new WeakSet<TelemetryError>();

/** A TelemetryError from `source`; `retryable` marks an idempotent failure worth another attempt. */
export function telemetryFailure(
  source: string,
  init: FailureInit,
  retryable = false,
  retryAfterMs?: number
): TelemetryError {
  const err = new TelemetryError({
    source,
    kind: init.kind,
    message: init.message,
    ...(init.query !== undefined ? { query: init.query } : {}),
    ...(init.upstreamMessage !== undefined ? { upstreamMessage: init.upstreamMessage } : {}),
    ...(init.status !== undefined ? { status: init.status } : {}),
    ...(init.retryAfterMs !== undefined ? { retryAfterMs: init.retryAfterMs } : {}),
    ...(init.cause !== undefined ? { cause: init.cause } : {}),
  });
  if (retryable) {
    retryFacts.set(err, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  return err;
}

export function isRetryableTelemetryError(err: unknown): boolean {
  return err instanceof TelemetryError && retryFacts.has(err);
}

export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof TelemetryError ? retryFacts.get(err)?.retryAfterMs : undefined;
}

/** The upstream's error text: Loki/Tempo answer text/plain, proxies and the simulator JSON. */
export function upstreamText(text: string): string {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const j: unknown = JSON.parse(t);
      if (isRecord(j)) {
        for (const k of ['error', 'message', 'msg']) {
          const v = j[k];
          if (typeof v === 'string' && v.trim() !== '' && !(k === 'error' && typeof j.message === 'string')) {
            return snippet(v);
          }
        }
      }
    } catch {
      /* not JSON after all */
    }
  }
  return snippet(t);
}
