/** Small helpers every HTTP connector (Prometheus, Loki, Tempo) shares: quoting, error classification, Retry-After. */

export function quote(s: string): string {
  return JSON.stringify(s);
}

/** Whitespace-collapsed, cut at `max` characters: upstream bodies quoted in error messages. */
export function snippet(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isStringRecord(v: unknown): v is Record<string, string> {
  return isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** The system error code of a fetch failure, looking through `cause` and AggregateError's `errors`. */
export function errorCode(err: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof err !== 'object' || err === null) {
    return undefined;
  }
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') {
    return e.code;
  }
  const fromCause = errorCode(e.cause, depth + 1);
  if (fromCause !== undefined) {
    return fromCause;
  }
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const c = errorCode(inner, depth + 1);
      if (c !== undefined) {
        return c;
      }
    }
  }
  return undefined;
}

export function isTimeoutError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) {
    return false;
  }
  const name = (err as { name?: unknown }).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return true;
  }
  const code = errorCode(err);
  return (
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  );
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds from now. */
export function parseRetryAfter(h: string | null): number | undefined {
  if (h === null) {
    return undefined;
  }
  const secs = Number(h);
  if (Number.isFinite(secs) && secs >= 0) {
    return secs * 1000;
  }
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
