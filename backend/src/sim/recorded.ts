/**
 * The read-only view of the recorded cluster that the log and trace generators work from: the clock, the
 * services with their timelines and call graph, the events, and the retained tick range.
 */
import type { CodeFaultOnOperation } from './codefaults.ts';
import type { ClusterEvent } from './events.ts';
import type { ServiceRuntime } from './state.ts';

export interface RecordedCluster {
  readonly seed: number;
  readonly startTimeMs: number;
  readonly tickMs: number;
  /** The entry (gateway) service. */
  readonly entry: string;
  /** Services in call order (callers first). */
  readonly order: readonly string[];
  /** Throws for an unknown service, naming the known ones. */
  service(name: string): ServiceRuntime;
  events(): readonly ClusterEvent[];
  /** Retained ticks [from, to] whose time lies in [startMs, endMs]. */
  tickRange(startMs: number, endMs: number): [number, number];
  /** The oldest retained tick. */
  firstTick(): number;
  /** The newest tick. */
  lastTick(): number;
  /** The code-level faults whose window holds `timeMs` on a service (check the tick's faultMask too). */
  codeFaultsAt(service: string, timeMs: number): CodeFaultOnOperation[];
  /** Benign errors in healthy services' logs and retried transient failures in traces. */
  readonly backgroundNoise: boolean;
  /** Span attributes (pod, response size, …). */
  readonly detailedTelemetry: boolean;
}

/** Routes of the entry service (the demo shop's HTTP API). */
export const GATEWAY_ROUTES: readonly string[] = [
  'GET /',
  'GET /product/{id}',
  'POST /cart',
  'GET /cart',
  'POST /cart/checkout',
  'POST /setCurrency',
  'GET /static/{file}',
];

/** The operations a service serves: the entry's routes, else its callers' call operations. */
export function incomingOperations(cluster: RecordedCluster, st: ServiceRuntime): readonly string[] {
  if (st.spec.name === cluster.entry) {
    return GATEWAY_ROUTES;
  }
  const ops: string[] = [];
  for (const callerName of st.callers) {
    for (const c of cluster.service(callerName).spec.calls) {
      if (c.to === st.spec.name && !ops.includes(c.operation)) {
        ops.push(c.operation);
      }
    }
  }
  return ops.length > 0 ? ops : ['Handle'];
}
