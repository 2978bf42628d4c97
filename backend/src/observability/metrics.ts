/** The sidecar's own Prometheus metrics. One registry per app so tests never share state. */
import { Registry, Histogram, Counter, Gauge, collectDefaultMetrics } from 'prom-client';

export interface SidecarMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  engineDuration: Histogram<'engine' | 'operation'>;
  errors: Counter<'component' | 'kind'>;
  dependencyUp: Gauge<'dependency'>;
  /** Circuit breaker state per connector: 0 closed, 1 half-open, 2 open. */
  dependencyCircuit: Gauge<'dependency'>;
  /** Time a function as an engine operation; records errors too. */
  timeEngine<T>(engine: string, operation: string, fn: () => Promise<T>): Promise<T>;
}

export function createSidecarMetrics(options: { defaultMetrics?: boolean } = {}): SidecarMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'aidpe-sidecar' });
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: 'aidpe_' });
  }
  const httpRequestDuration = new Histogram({
    name: 'aidpe_http_request_duration_seconds',
    help: 'HTTP request latency of the sidecar API, by route template.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const engineDuration = new Histogram({
    name: 'aidpe_engine_duration_seconds',
    help: 'Time spent inside engines (forecast, anomaly, optimiser, rca) per operation.',
    labelNames: ['engine', 'operation'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'aidpe_errors_total',
    help: 'Errors by component and kind (bad_query, timeout, unreachable, upstream, internal...).',
    labelNames: ['component', 'kind'] as const,
    registers: [registry],
  });
  const dependencyUp = new Gauge({
    name: 'aidpe_dependency_up',
    help: 'Dependency state at the last health check: 1 up, 0.5 degraded, 0 down (disabled ones are absent).',
    labelNames: ['dependency'] as const,
    registers: [registry],
  });
  const dependencyCircuit = new Gauge({
    name: 'aidpe_dependency_circuit_state',
    help: "A connector's circuit breaker at the last health check: 0 closed, 1 half-open (probing), 2 open (calls fail at once).",
    labelNames: ['dependency'] as const,
    registers: [registry],
  });
  return {
    registry,
    httpRequestDuration,
    engineDuration,
    errors,
    dependencyUp,
    dependencyCircuit,
    async timeEngine(engine, operation, fn) {
      const end = engineDuration.startTimer({ engine, operation });
      try {
        return await fn();
      } catch (err) {
        errors.inc({ component: engine, kind: 'internal' });
        throw err;
      } finally {
        end();
      }
    },
  };
}

/** The engines' worker pool at scrape time: busy and queued tasks, and those refused, timed out or cancelled. */
export function registerComputeMetrics(
  registry: Registry,
  stats: () => { workers: number; busy: number; queued: number; refused: number; timedOut: number; cancelled: number }
): void {
  new Gauge({
    name: 'aidpe_compute_tasks',
    help: 'Engine tasks now: busy (running on a worker), queued (waiting), and the pool size (workers).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = stats();
      this.set({ state: 'busy' }, s.busy);
      this.set({ state: 'queued' }, s.queued);
      this.set({ state: 'workers' }, s.workers);
    },
  });
  new Gauge({
    name: 'aidpe_compute_tasks_stopped',
    help: 'Engine tasks since start that did not finish: refused (queue full, 503), time_limit (stopped, 503), cancelled (client gone).',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      const s = stats();
      this.set({ reason: 'refused' }, s.refused);
      this.set({ reason: 'time_limit' }, s.timedOut);
      this.set({ reason: 'cancelled' }, s.cancelled);
    },
  });
}

/** What /metrics shows of the streaming detector states (loop/streamingStates.ts `stats()`), per owner. */
export interface StreamingStateCounts {
  live: number;
  evicted: number;
  expired: number;
  purged: number;
}

/** Gauges read at scrape time from the owners' states: the API's streaming mode and the incident watcher. */
export function registerStreamingStateMetrics(
  registry: Registry,
  owners: Record<string, () => StreamingStateCounts | undefined>
): void {
  const read = () =>
    Object.entries(owners).flatMap(([owner, stats]) => {
      const s = stats();
      return s ? [[owner, s] as const] : [];
    });
  new Gauge({
    name: 'aidpe_streaming_states',
    help: 'Streaming detector states held in memory, per owner (api, incidents).',
    labelNames: ['owner'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [owner, s] of read()) {
        this.set({ owner }, s.live);
      }
    },
  });
  new Gauge({
    name: 'aidpe_streaming_states_dropped',
    help: 'Streaming detector states dropped since start, per owner and reason: lru (memory cap), ttl (unused in memory), store_ttl (deleted from the store).',
    labelNames: ['owner', 'reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [owner, s] of read()) {
        this.set({ owner, reason: 'lru' }, s.evicted);
        this.set({ owner, reason: 'ttl' }, s.expired);
        this.set({ owner, reason: 'store_ttl' }, s.purged);
      }
    },
  });
}
