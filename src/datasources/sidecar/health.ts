/** Pure mapping of the sidecar's health report (and an authenticated probe) to Grafana's "Save & test" result. */
import type { TestDataSourceResponse } from '@grafana/data';
import type { DependencyHealth, HealthReport } from '../../api/types';
import { sortDependencies, stateLabel } from '../../utils/health';

/** `prometheus: Up (12 ms)`, `loki: Down (connect ECONNREFUSED …)`, `tempo: Disabled (not configured)`. */
export function describeDependency(dep: DependencyHealth): string {
  const extras: string[] = [];
  if (dep.state === 'up' && typeof dep.latencyMs === 'number') {
    extras.push(`${Math.round(dep.latencyMs)} ms`);
  }
  if (dep.state !== 'up' && dep.lastError?.message) {
    extras.push(dep.lastError.message);
  } else if (dep.state !== 'up' && dep.detail) {
    extras.push(dep.detail);
  }
  return `${dep.name}: ${stateLabel(dep.state)}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`;
}

/** Outcome of the authenticated probe (`GET /api/v1/forecast/models`), which checks the API token. */
export type AuthProbe = { ok: true } | { ok: false; error: string };

export function healthTestResult(report: HealthReport, auth: AuthProbe): TestDataSourceResponse {
  const deps = sortDependencies(report.dependencies);
  const dependencyLines =
    deps.length > 0 ? deps.map(describeDependency).join('\n') : 'The sidecar reported no dependencies.';
  const where = `AIDPE sidecar ${report.version} (${report.mode} mode)`;

  if (!auth.ok) {
    return {
      status: 'error',
      message: `Reached the ${where}, but it refused an authenticated request: ${auth.error}. Check the API token.`,
      details: { message: dependencyLines },
    };
  }
  if (report.status === 'up') {
    return {
      status: 'success',
      message: `Connected to the ${where}: every dependency is up.`,
      details: { message: dependencyLines },
    };
  }
  const troubled = deps.filter((d) => d.state === 'down' || d.state === 'degraded').map((d) => d.name);
  const which = troubled.length > 0 ? `: ${troubled.join(', ')}` : '';
  return {
    status: report.status === 'degraded' ? 'warning' : 'error',
    message: `Connected to the ${where}, which is ${stateLabel(report.status).toLowerCase()}${which}.`,
    details: { message: dependencyLines },
  };
}
