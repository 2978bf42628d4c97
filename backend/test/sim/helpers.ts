import type { ServiceSpec, Topology } from '../../src/sim/index.ts';

const MiB = 1024 * 1024;

export function svc(name: string, over: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    tier: 'mid',
    cpuRequestCores: 0.5,
    serviceRatePerReplica: 100,
    concurrencyPerReplica: 2,
    baseLatencyMs: 1,
    podStartupSeconds: 30,
    replicas: 2,
    memoryBaseBytes: 100 * MiB,
    memoryLimitBytes: 300 * MiB,
    timeoutMs: 2000,
    version: '1.0.0',
    calls: [],
    ...over,
  };
}

/** gateway → api → db, capacities 400 / 200 / 400 req/s. */
export function smallTopology(apiOver: Partial<ServiceSpec> = {}): Topology {
  return {
    entry: 'gateway',
    services: [
      svc('gateway', {
        tier: 'gateway',
        serviceRatePerReplica: 200,
        concurrencyPerReplica: 4,
        calls: [{ to: 'api', callsPerRequest: 1, operation: 'Get' }],
      }),
      svc('api', { calls: [{ to: 'db', callsPerRequest: 1, operation: 'SELECT' }], ...apiOver }),
      svc('db', { tier: 'data', serviceRatePerReplica: 400, concurrencyPerReplica: 8, replicas: 1 }),
    ],
  };
}

export const flat = { name: 'flat', stepSeconds: 60, values: [1, 1] };

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

export function pearson(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return num / Math.sqrt(da * db);
}
