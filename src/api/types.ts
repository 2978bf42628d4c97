/** Overall state reported by the sidecar. */
export type HealthStatus = 'up' | 'degraded' | 'down';

/** State of a single dependency of the sidecar (Prometheus, Loki, Tempo, models …). */
export type DependencyState = HealthStatus | 'disabled';

export interface DependencyError {
  message: string;
  /** ISO-8601 timestamp. */
  at: string;
}

export interface DependencyHealth {
  name: string;
  state: DependencyState;
  detail?: string;
  lastError?: DependencyError;
  latencyMs?: number;
  /** ISO-8601 timestamp of the last check. */
  checkedAt: string;
}

/** Response of `GET /api/v1/health` on the sidecar. */
export interface HealthReport {
  status: HealthStatus;
  version: string;
  mode: 'demo' | 'live';
  uptimeSeconds: number;
  dependencies: DependencyHealth[];
}
