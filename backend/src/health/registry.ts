/**
 * Health of every dependency from cached probe results, so /health answers at once whatever the
 * dependencies do: checks run in the background (on an interval, and on the first read), each
 * under a time limit and at most one at a time per dependency; a read returns the last results and,
 * when they are older than `maxAgeMs`, starts a refresh without waiting for it. A failing check
 * degrades the answer; it never throws. Results never show filesystem paths (health is public).
 */
import type { DependencyHealth, DependencyState } from '../telemetry/types.ts';

export type HealthCheck = () => Promise<DependencyHealth>;

export interface HealthReport {
  status: 'up' | 'degraded' | 'down';
  version: string;
  mode: 'demo' | 'live';
  uptimeSeconds: number;
  dependencies: DependencyHealth[];
}

export interface HealthRegistryOptions {
  /** Time limit of one check. Default 5 000. */
  checkTimeoutMs?: number;
  /** Period of the background refresh. Default 10 000. */
  refreshIntervalMs?: number;
  /** A read that finds results older than this starts a background refresh. Default 1 000. */
  maxAgeMs?: number;
  now?: () => number;
}

/** What a dependency reads before its first check finished. */
export const NOT_CHECKED_YET = 'not checked yet: the first check is running';

export class HealthRegistry {
  readonly checkTimeoutMs: number;
  readonly refreshIntervalMs: number;
  readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly checks = new Map<string, HealthCheck>();
  private readonly results = new Map<string, DependencyHealth>();
  private readonly lastErrors = new Map<string, { message: string; at: string }>();
  /** The check call still running per dependency (never two at once, even past its time limit). */
  private readonly running = new Map<string, Promise<DependencyHealth>>();
  private readonly listeners: Array<(dep: DependencyHealth) => void> = [];
  private lastRefreshAtMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** A number is the check time limit (the former signature). */
  constructor(opts: number | HealthRegistryOptions = {}) {
    const o = typeof opts === 'number' ? { checkTimeoutMs: opts } : opts;
    this.checkTimeoutMs = o.checkTimeoutMs ?? 5_000;
    this.refreshIntervalMs = o.refreshIntervalMs ?? 10_000;
    this.maxAgeMs = o.maxAgeMs ?? 1_000;
    this.now = o.now ?? Date.now;
  }

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
    this.results.delete(name);
  }

  static disabled(name: string, detail: string): HealthCheck {
    return async () => ({ name, state: 'disabled', detail, checkedAt: new Date().toISOString() });
  }

  /** Called with each fresh result (e.g. to set gauges). */
  onResult(listener: (dep: DependencyHealth) => void): void {
    this.listeners.push(listener);
  }

  /** Starts the background refresh (idempotent): one now, then every refreshIntervalMs. */
  start(): void {
    if (this.timer) {
      return;
    }
    this.timer = setInterval(() => void this.refresh(), this.refreshIntervalMs);
    this.timer.unref();
    void this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * The cached results, at once: never waits on a check. Starts the background refresh on first use
   * and refreshes results older than maxAgeMs in the background.
   */
  snapshot(): DependencyHealth[] {
    if (!this.timer) {
      this.start();
    } else if (this.lastRefreshAtMs === undefined || this.now() - this.lastRefreshAtMs >= this.maxAgeMs) {
      void this.refresh();
    }
    return this.cached();
  }

  /** Names of dependencies whose first check has not finished. */
  pending(): string[] {
    return [...this.checks.keys()].filter((name) => !this.results.has(name));
  }

  /** Runs every check now and waits for all (CLI and tests); the cache is updated too. */
  async checkAll(): Promise<DependencyHealth[]> {
    await this.refresh();
    return this.cached();
  }

  /** Starts every check that is not already running; resolves when all have a result. */
  refresh(): Promise<void> {
    this.lastRefreshAtMs = this.now();
    return Promise.all([...this.checks.entries()].map(([name, check]) => this.runOne(name, check))).then(() => {});
  }

  private cached(): DependencyHealth[] {
    return [...this.checks.keys()].map(
      (name) =>
        this.results.get(name) ?? {
          name,
          state: 'degraded',
          detail: NOT_CHECKED_YET,
          checkedAt: new Date(this.now()).toISOString(),
        }
    );
  }

  private async runOne(name: string, check: HealthCheck): Promise<void> {
    let call = this.running.get(name);
    if (!call) {
      const started = Promise.resolve().then(check);
      call = started;
      this.running.set(name, started);
      started.then(
        () => this.running.delete(name),
        () => this.running.delete(name)
      );
    }
    const result = redactPaths(await this.withinTimeLimit(name, call));
    if (this.checks.get(name) !== check) {
      return; // re-registered meanwhile
    }
    this.results.set(name, result);
    for (const listener of this.listeners) {
      listener(result);
    }
  }

  private async withinTimeLimit(name: string, call: Promise<DependencyHealth>): Promise<DependencyHealth> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        call,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`health check timed out after ${this.checkTimeoutMs} ms`)),
            this.checkTimeoutMs
          );
          timer.unref(); // a hung check must not keep a closing process alive
        }),
      ]);
      if (result.lastError) {
        this.lastErrors.set(name, result.lastError);
      }
      return { ...result, name, lastError: result.lastError ?? this.lastErrors.get(name) };
    } catch (err) {
      const lastError = { message: (err as Error).message, at: new Date(this.now()).toISOString() };
      this.lastErrors.set(name, lastError);
      return {
        name,
        state: 'down',
        lastError,
        latencyMs: Math.round(performance.now() - started),
        checkedAt: new Date(this.now()).toISOString(),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Overall status: down if a required dependency is down, degraded if anything is not up. */
export function overallStatus(deps: DependencyHealth[], required: ReadonlySet<string>): HealthReport['status'] {
  const active = deps.filter((d) => d.state !== 'disabled');
  if (active.some((d) => d.state === 'down' && required.has(d.name))) {
    return 'down';
  }
  if (active.some((d) => d.state !== 'up')) {
    return 'degraded';
  }
  return 'up';
}

/** Required dependencies that keep the sidecar from serving: down, or not checked yet. */
export function unreadyDependencies(
  deps: DependencyHealth[],
  required: ReadonlySet<string>,
  pending: readonly string[]
): Array<{ name: string; state: DependencyState | 'unchecked'; reason: string }> {
  const out: Array<{ name: string; state: DependencyState | 'unchecked'; reason: string }> = [];
  for (const d of deps) {
    if (!required.has(d.name)) {
      continue;
    }
    if (pending.includes(d.name)) {
      out.push({ name: d.name, state: 'unchecked', reason: NOT_CHECKED_YET });
    } else if (d.state === 'down') {
      out.push({ name: d.name, state: 'down', reason: d.lastError?.message ?? d.detail ?? 'down' });
    }
  }
  return out;
}

export function stateValue(state: DependencyState): number | undefined {
  return state === 'up' ? 1 : state === 'degraded' ? 0.5 : state === 'down' ? 0 : undefined;
}

/** Gauge value of a circuit: 0 closed, 1 half-open, 2 open. */
export function circuitValue(state: NonNullable<DependencyHealth['circuit']>['state']): number {
  return state === 'closed' ? 0 : state === 'half_open' ? 1 : 2;
}

/**
 * An absolute filesystem path (two or more segments, after a space, a quote, '(' or '=', or at the
 * start) becomes its last segment: "sqlite /var/lib/aidpe/aidpe.db" → "sqlite aidpe.db". URLs are
 * left alone (their paths follow a host, not a space).
 */
const ABSOLUTE_PATH = /(^|[\s"'`(=])(?:[A-Za-z]:)?(?:[/\\][\w.@+~-]+){2,}[/\\]?/g;

export function withoutFilesystemPaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, (match, lead: string) => {
    const segments = match
      .slice(lead.length)
      .split(/[/\\]/)
      .filter((s) => s !== '' && !/^[A-Za-z]:$/.test(s));
    return `${lead}${segments[segments.length - 1] ?? ''}`;
  });
}

function redactPaths(dep: DependencyHealth): DependencyHealth {
  const out: DependencyHealth = { ...dep };
  if (out.detail !== undefined) {
    out.detail = withoutFilesystemPaths(out.detail);
  }
  if (out.lastError) {
    out.lastError = { ...out.lastError, message: withoutFilesystemPaths(out.lastError.message) };
  }
  return out;
}

/** A plain HTTP readiness probe (Loki `/ready`, Tempo `/ready`) for a dependency without a connector. */
export function httpReadyCheck(name: string, baseUrl: string, path: string, timeoutMs: number): HealthCheck {
  return async () => {
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    try {
      const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
      const latencyMs = Math.round(performance.now() - started);
      if (res.ok) {
        return { name, state: 'up', detail: baseUrl, latencyMs, checkedAt };
      }
      const body = (await res.text()).slice(0, 200);
      return {
        name,
        state: 'degraded',
        detail: baseUrl,
        latencyMs,
        checkedAt,
        lastError: { message: `${path} answered HTTP ${res.status}: ${body}`, at: checkedAt },
      };
    } catch (err) {
      return {
        name,
        state: 'down',
        detail: baseUrl,
        latencyMs: Math.round(performance.now() - started),
        checkedAt,
        lastError: { message: `${baseUrl}${path}: ${(err as Error).message}`, at: checkedAt },
      };
    }
  };
}
