/**
 * Service topology of the simulated cluster: services, capacities, call graph (a DAG), with
 * validation and a default Online-Boutique/TrainTicket-shaped topology.
 */

import type { HpaObjectSpec, HpaScalingRules } from '../kube/types.ts';

export type ServiceTier = 'gateway' | 'mid' | 'data';

export interface CallSpec {
  to: string;
  /** Mean number of calls to `to` per request served (may be fractional). */
  callsPerRequest: number;
  operation: string;
}

export interface ServiceSpec {
  name: string;
  tier: ServiceTier;
  cpuRequestCores: number;
  /** Requests per second one replica serves at 100% CPU. */
  serviceRatePerReplica: number;
  /** Servers per replica (the c of M/M/c is ready replicas × this). */
  concurrencyPerReplica: number;
  /** Network and framework overhead added to every request. */
  baseLatencyMs: number;
  podStartupSeconds: number;
  replicas: number;
  hpa?: HpaObjectSpec;
  memoryBaseBytes: number;
  memoryLimitBytes: number;
  timeoutMs: number;
  version: string;
  calls: CallSpec[];
}

export interface Topology {
  entry: string;
  services: ServiceSpec[];
}

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

/** Validates a topology and returns service names in topological order (callers before callees). */
export function validateTopology(topology: Topology): string[] {
  const byName = new Map<string, ServiceSpec>();
  if (!Array.isArray(topology.services) || topology.services.length === 0) {
    throw new TopologyError('topology has no services');
  }
  for (const s of topology.services) {
    if (!s.name || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s.name)) {
      throw new TopologyError(`service name ${JSON.stringify(s.name)} is not a valid DNS-1123 label`);
    }
    if (byName.has(s.name)) {
      throw new TopologyError(`duplicate service "${s.name}"`);
    }
    byName.set(s.name, s);
  }
  if (!byName.has(topology.entry)) {
    throw new TopologyError(`entry service "${topology.entry}" is not defined`);
  }
  const positive = (s: ServiceSpec, field: keyof ServiceSpec): void => {
    const v = s[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new TopologyError(`service "${s.name}": ${String(field)} must be a positive number (got ${String(v)})`);
    }
  };
  for (const s of topology.services) {
    positive(s, 'cpuRequestCores');
    positive(s, 'serviceRatePerReplica');
    positive(s, 'concurrencyPerReplica');
    positive(s, 'memoryBaseBytes');
    positive(s, 'memoryLimitBytes');
    positive(s, 'timeoutMs');
    if (!Number.isInteger(s.concurrencyPerReplica)) {
      throw new TopologyError(`service "${s.name}": concurrencyPerReplica must be an integer`);
    }
    if (!Number.isInteger(s.replicas) || s.replicas < 0) {
      throw new TopologyError(`service "${s.name}": replicas must be a non-negative integer (got ${s.replicas})`);
    }
    if (!(s.baseLatencyMs >= 0) || !(s.podStartupSeconds >= 0)) {
      throw new TopologyError(`service "${s.name}": baseLatencyMs and podStartupSeconds must be >= 0`);
    }
    if (s.memoryLimitBytes <= s.memoryBaseBytes) {
      throw new TopologyError(`service "${s.name}": memoryLimitBytes must exceed memoryBaseBytes`);
    }
    if (s.hpa) {
      validateHpa(s.name, s.hpa);
    }
    for (const c of s.calls) {
      if (!byName.has(c.to)) {
        throw new TopologyError(`service "${s.name}" calls unknown service "${c.to}"`);
      }
      if (c.to === s.name) {
        throw new TopologyError(`service "${s.name}" calls itself (cycle)`);
      }
      if (!Number.isFinite(c.callsPerRequest) || c.callsPerRequest < 0) {
        throw new TopologyError(`call ${s.name} -> ${c.to}: callsPerRequest must be >= 0`);
      }
    }
  }
  // Cycle detection with DFS, producing a topological order.
  const state = new Map<string, 0 | 1 | 2>();
  const order: string[] = [];
  const visit = (name: string, path: string[]): void => {
    const st = state.get(name) ?? 0;
    if (st === 2) {
      return;
    }
    if (st === 1) {
      const from = path.indexOf(name);
      throw new TopologyError(`call graph has a cycle: ${[...path.slice(from), name].join(' -> ')}`);
    }
    state.set(name, 1);
    const spec = byName.get(name) as ServiceSpec;
    for (const c of spec.calls) {
      visit(c.to, [...path, name]);
    }
    state.set(name, 2);
    order.push(name);
  };
  visit(topology.entry, []);
  for (const s of topology.services) {
    visit(s.name, []);
  }
  return order.reverse();
}

export function validateHpa(service: string, hpa: HpaObjectSpec): void {
  if (!Number.isInteger(hpa.minReplicas) || hpa.minReplicas < 1) {
    throw new TopologyError(`service "${service}": hpa.minReplicas must be an integer >= 1`);
  }
  if (!Number.isInteger(hpa.maxReplicas) || hpa.maxReplicas < hpa.minReplicas) {
    throw new TopologyError(`service "${service}": hpa.maxReplicas must be an integer >= minReplicas`);
  }
  if (!(hpa.targetCpuUtilization > 0 && hpa.targetCpuUtilization <= 1)) {
    throw new TopologyError(`service "${service}": hpa.targetCpuUtilization must be in (0, 1]`);
  }
  if (hpa.behavior) {
    for (const dir of ['scaleUp', 'scaleDown'] as const) {
      const r: HpaScalingRules | undefined = hpa.behavior[dir];
      if (r) {
        validateScalingRules(service, dir, r);
      }
    }
  }
}

/** The API server's validation of HPAScalingRules (autoscaling/v2). */
function validateScalingRules(service: string, dir: string, r: HpaScalingRules): void {
  const at = `service "${service}": hpa.behavior.${dir}`;
  const w = r.stabilizationWindowSeconds;
  if (w !== undefined && !(Number.isInteger(w) && w >= 0 && w <= 3600)) {
    throw new TopologyError(`${at}.stabilizationWindowSeconds must be an integer in 0..3600`);
  }
  if (r.selectPolicy !== undefined && !['Max', 'Min', 'Disabled'].includes(r.selectPolicy)) {
    throw new TopologyError(`${at}.selectPolicy must be Max, Min or Disabled`);
  }
  if (r.tolerance !== undefined && !(r.tolerance >= 0)) {
    throw new TopologyError(`${at}.tolerance must be >= 0`);
  }
  if (r.policies !== undefined) {
    if (r.policies.length === 0) {
      throw new TopologyError(`${at}.policies must have at least one policy`);
    }
    for (const [i, p] of r.policies.entries()) {
      if (p.type !== 'Pods' && p.type !== 'Percent') {
        throw new TopologyError(`${at}.policies[${i}].type must be Pods or Percent`);
      }
      if (!(Number.isInteger(p.value) && p.value > 0)) {
        throw new TopologyError(`${at}.policies[${i}].value must be an integer > 0`);
      }
      if (!(Number.isInteger(p.periodSeconds) && p.periodSeconds > 0 && p.periodSeconds <= 1800)) {
        throw new TopologyError(`${at}.policies[${i}].periodSeconds must be an integer in 1..1800`);
      }
    }
  }
}

/** Steady-state request rate of every service when the entry receives `entryRps` (fan-out along the DAG). */
export function propagateRates(
  topology: Topology,
  entryRps: number,
  order = validateTopology(topology)
): Map<string, number> {
  const byName = new Map(topology.services.map((s) => [s.name, s]));
  const rates = new Map<string, number>(order.map((n) => [n, 0]));
  rates.set(topology.entry, entryRps);
  for (const name of order) {
    const spec = byName.get(name) as ServiceSpec;
    const r = rates.get(name) ?? 0;
    for (const c of spec.calls) {
      rates.set(c.to, (rates.get(c.to) ?? 0) + r * c.callsPerRequest);
    }
  }
  return rates;
}

/** Default peak request rate at the gateway the default topology is sized for. */
export const DEFAULT_PEAK_RPS = 400;

const MiB = 1024 * 1024;

interface Row {
  name: string;
  tier: ServiceTier;
  cpu: number;
  conc: number;
  replicas: number;
  /** Utilisation at DEFAULT_PEAK_RPS with `replicas` ready. */
  peakUtil: number;
  baseMs: number;
  startup: number;
  memMiB: number;
  limitMiB: number;
  timeoutMs: number;
  hpa?: HpaObjectSpec;
  calls: CallSpec[];
}

const ROWS: Row[] = [
  {
    name: 'frontend',
    tier: 'gateway',
    cpu: 0.5,
    conc: 4,
    replicas: 3,
    peakUtil: 0.55,
    baseMs: 4,
    startup: 20,
    memMiB: 180,
    limitMiB: 512,
    timeoutMs: 5000,
    hpa: { minReplicas: 3, maxReplicas: 12, targetCpuUtilization: 0.7 },
    calls: [
      { to: 'auth', callsPerRequest: 1, operation: 'Authenticate' },
      { to: 'catalog', callsPerRequest: 1.5, operation: 'GetProduct' },
      { to: 'currency', callsPerRequest: 1.2, operation: 'Convert' },
      { to: 'cart', callsPerRequest: 0.4, operation: 'GetCart' },
      { to: 'recommendation', callsPerRequest: 0.3, operation: 'ListRecommendations' },
      { to: 'ad', callsPerRequest: 0.5, operation: 'GetAds' },
      { to: 'checkout', callsPerRequest: 0.05, operation: 'PlaceOrder' },
      { to: 'shipping', callsPerRequest: 0.05, operation: 'GetQuote' },
    ],
  },
  {
    name: 'auth',
    tier: 'mid',
    cpu: 0.25,
    conc: 4,
    replicas: 2,
    peakUtil: 0.5,
    baseMs: 2,
    startup: 10,
    memMiB: 96,
    limitMiB: 256,
    timeoutMs: 1000,
    calls: [{ to: 'user', callsPerRequest: 0.3, operation: 'GetUser' }],
  },
  {
    name: 'user',
    tier: 'mid',
    cpu: 0.25,
    conc: 2,
    replicas: 2,
    peakUtil: 0.45,
    baseMs: 2,
    startup: 15,
    memMiB: 128,
    limitMiB: 384,
    timeoutMs: 1000,
    calls: [{ to: 'user-db', callsPerRequest: 1, operation: 'SELECT users' }],
  },
  {
    name: 'catalog',
    tier: 'mid',
    cpu: 0.5,
    conc: 4,
    replicas: 3,
    peakUtil: 0.6,
    baseMs: 2,
    startup: 15,
    memMiB: 220,
    limitMiB: 512,
    timeoutMs: 2000,
    hpa: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 },
    calls: [{ to: 'catalog-db', callsPerRequest: 0.6, operation: 'SELECT products' }],
  },
  {
    name: 'recommendation',
    tier: 'mid',
    cpu: 0.5,
    conc: 2,
    replicas: 2,
    peakUtil: 0.55,
    baseMs: 3,
    startup: 25,
    memMiB: 300,
    limitMiB: 768,
    timeoutMs: 2000,
    calls: [{ to: 'catalog', callsPerRequest: 1, operation: 'ListProducts' }],
  },
  {
    name: 'currency',
    tier: 'mid',
    cpu: 0.2,
    conc: 4,
    replicas: 2,
    peakUtil: 0.5,
    baseMs: 1,
    startup: 8,
    memMiB: 64,
    limitMiB: 192,
    timeoutMs: 1000,
    calls: [],
  },
  {
    name: 'cart',
    tier: 'mid',
    cpu: 0.3,
    conc: 4,
    replicas: 2,
    peakUtil: 0.45,
    baseMs: 2,
    startup: 12,
    memMiB: 110,
    limitMiB: 320,
    timeoutMs: 1500,
    calls: [{ to: 'redis-cart', callsPerRequest: 1.5, operation: 'HGETALL' }],
  },
  {
    name: 'ad',
    tier: 'mid',
    cpu: 0.3,
    conc: 2,
    replicas: 2,
    peakUtil: 0.4,
    baseMs: 2,
    startup: 30,
    memMiB: 256,
    limitMiB: 640,
    timeoutMs: 1000,
    calls: [],
  },
  {
    name: 'checkout',
    tier: 'mid',
    cpu: 0.3,
    conc: 2,
    replicas: 2,
    peakUtil: 0.4,
    baseMs: 3,
    startup: 15,
    memMiB: 140,
    limitMiB: 384,
    timeoutMs: 4000,
    calls: [
      { to: 'cart', callsPerRequest: 1, operation: 'EmptyCart' },
      { to: 'catalog', callsPerRequest: 2, operation: 'GetProduct' },
      { to: 'currency', callsPerRequest: 2, operation: 'Convert' },
      { to: 'shipping', callsPerRequest: 1, operation: 'ShipOrder' },
      { to: 'payment', callsPerRequest: 1, operation: 'Charge' },
      { to: 'email', callsPerRequest: 1, operation: 'SendOrderConfirmation' },
      { to: 'postgres-orders', callsPerRequest: 2, operation: 'INSERT orders' },
    ],
  },
  {
    name: 'shipping',
    tier: 'mid',
    cpu: 0.2,
    conc: 2,
    replicas: 2,
    peakUtil: 0.4,
    baseMs: 2,
    startup: 10,
    memMiB: 80,
    limitMiB: 256,
    timeoutMs: 1500,
    calls: [],
  },
  {
    name: 'payment',
    tier: 'mid',
    cpu: 0.2,
    conc: 2,
    replicas: 2,
    peakUtil: 0.45,
    baseMs: 5,
    startup: 12,
    memMiB: 90,
    limitMiB: 256,
    timeoutMs: 3000,
    calls: [{ to: 'postgres-orders', callsPerRequest: 1, operation: 'UPDATE payments' }],
  },
  {
    name: 'email',
    tier: 'mid',
    cpu: 0.2,
    conc: 2,
    replicas: 1,
    peakUtil: 0.4,
    baseMs: 3,
    startup: 10,
    memMiB: 100,
    limitMiB: 256,
    timeoutMs: 3000,
    calls: [],
  },
  {
    name: 'redis-cart',
    tier: 'data',
    cpu: 0.25,
    conc: 1,
    replicas: 1,
    peakUtil: 0.45,
    baseMs: 1,
    startup: 20,
    memMiB: 200,
    limitMiB: 1024,
    timeoutMs: 500,
    calls: [],
  },
  {
    name: 'postgres-orders',
    tier: 'data',
    cpu: 1,
    conc: 8,
    replicas: 1,
    peakUtil: 0.5,
    baseMs: 1,
    startup: 60,
    memMiB: 600,
    limitMiB: 2048,
    timeoutMs: 2000,
    calls: [],
  },
  {
    name: 'catalog-db',
    tier: 'data',
    cpu: 1,
    conc: 8,
    replicas: 1,
    peakUtil: 0.55,
    baseMs: 1,
    startup: 60,
    memMiB: 700,
    limitMiB: 2048,
    timeoutMs: 2000,
    calls: [],
  },
  {
    name: 'user-db',
    tier: 'data',
    cpu: 0.5,
    conc: 4,
    replicas: 1,
    peakUtil: 0.4,
    baseMs: 1,
    startup: 45,
    memMiB: 400,
    limitMiB: 1024,
    timeoutMs: 2000,
    calls: [],
  },
];

/**
 * The default 16-service topology (frontend gateway → mid-tier services → data stores), sized so that
 * `peakRps` (default DEFAULT_PEAK_RPS) at the gateway keeps CPU utilisation around 40–60% with the default replicas.
 */
export function defaultTopology(opts: { peakRps?: number } = {}): Topology {
  const peakRps = opts.peakRps ?? DEFAULT_PEAK_RPS;
  if (!(peakRps > 0)) {
    throw new TopologyError('defaultTopology: peakRps must be > 0');
  }
  const draft: Topology = {
    entry: 'frontend',
    services: ROWS.map((r) => ({
      name: r.name,
      tier: r.tier,
      cpuRequestCores: r.cpu,
      serviceRatePerReplica: 1,
      concurrencyPerReplica: r.conc,
      baseLatencyMs: r.baseMs,
      podStartupSeconds: r.startup,
      replicas: r.replicas,
      ...(r.hpa ? { hpa: { ...r.hpa } } : {}),
      memoryBaseBytes: r.memMiB * MiB,
      memoryLimitBytes: r.limitMiB * MiB,
      timeoutMs: r.timeoutMs,
      version: '1.0.0',
      calls: r.calls.map((c) => ({ ...c })),
    })),
  };
  const rates = propagateRates(draft, peakRps);
  for (const [i, s] of draft.services.entries()) {
    const row = ROWS[i] as Row;
    const lambda = rates.get(s.name) ?? 0;
    s.serviceRatePerReplica = Math.max(1, Math.round(lambda / (row.replicas * row.peakUtil)));
  }
  validateTopology(draft);
  return draft;
}
