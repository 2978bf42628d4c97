/**
 * The pages' `service` variable: the services AIDPE knows about, from the sidecar (every service the action loop
 * manages and every service an incident was opened for), with "All" first. Its value is kept in the URL
 * (`var-service=cart`) like any dashboard variable.
 */
import { from, type Observable } from 'rxjs';
import { CustomVariable, type VariableValueOption } from '@grafana/scenes';
import { listActions, listIncidents } from '../api/sidecarClient';
import { ALL_SERVICES, SERVICE_VARIABLE } from './context';

/** Every service named by the automation status or an incident, sorted, each once. */
export function knownServices(
  automation: { services?: Array<{ service: string }> } | undefined,
  incidents: Array<{ labels?: Record<string, string> }> | undefined
): string[] {
  const names = new Set<string>();
  for (const s of automation?.services ?? []) {
    names.add(s.service);
  }
  for (const i of incidents ?? []) {
    if (i.labels?.service) {
      names.add(i.labels.service);
    }
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

async function loadServices(): Promise<VariableValueOption[]> {
  // Each source on its own: a failing one (no store, watcher off) leaves the other's services.
  const [actions, incidents] = await Promise.allSettled([listActions({ limit: 1 }), listIncidents()]);
  const services = knownServices(
    actions.status === 'fulfilled' ? (actions.value.automation ?? undefined) : undefined,
    incidents.status === 'fulfilled' ? incidents.value.incidents : undefined
  );
  return services.map((s) => ({ label: s, value: s }));
}

export class ServiceVariable extends CustomVariable {
  getValueOptions(): Observable<VariableValueOption[]> {
    return from(loadServices());
  }
}

export function serviceVariable(): ServiceVariable {
  return new ServiceVariable({
    name: SERVICE_VARIABLE,
    label: 'Service',
    query: '',
    includeAll: true,
    defaultToAll: true,
    allValue: ALL_SERVICES,
    isMulti: false,
  });
}
