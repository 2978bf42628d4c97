/**
 * Health of every dependency, checked concurrently with a per-check time limit so one hung
 * dependency cannot hang /health. A failing check degrades the answer; it never throws.
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

export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly lastErrors = new Map<string, { message: string; at: string }>();

  constructor(private readonly checkTimeoutMs = 5_000) {}

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  static disabled(name: string, detail: string): HealthCheck {
    return async () => ({ name, state: 'disabled', detail, checkedAt: new Date().toISOString() });
  }

  async checkAll(): Promise<DependencyHealth[]> {
    return Promise.all([...this.checks.entries()].map(([name, check]) => this.runOne(name, check)));
  }

  private async runOne(name: string, check: HealthCheck): Promise<DependencyHealth> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`health check timed out after ${this.checkTimeoutMs} ms`)),
            this.checkTimeoutMs
          );
        }),
      ]);
      if (result.lastError) {
        this.lastErrors.set(name, result.lastError);
      }
      return { ...result, name, lastError: result.lastError ?? this.lastErrors.get(name) };
    } catch (err) {
      const lastError = { message: (err as Error).message, at: new Date().toISOString() };
      this.lastErrors.set(name, lastError);
      return {
        name,
        state: 'down',
        lastError,
        latencyMs: Math.round(performance.now() - started),
        checkedAt: new Date().toISOString(),
      };
    } finally {
      if (timer) {
        clearTimeout(timer);
      }
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

export function stateValue(state: DependencyState): number | undefined {
  return state === 'up' ? 1 : state === 'degraded' ? 0.5 : state === 'down' ? 0 : undefined;
}

/** A plain HTTP readiness probe (Loki `/ready`, Tempo `/ready`) until the full connectors land. */
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
