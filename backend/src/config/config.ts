/**
 * Sidecar configuration: defaults < config file (YAML or JSON) < environment variables.
 * Validation names the key, what was expected, what was found and where it came from,
 * because a sidecar that starts with a typo'd URL is worse than one that refuses to start.
 */
import { readFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parse as parseYaml } from 'yaml';

export type RunMode = 'demo' | 'live';
export type ActionMode = 'recommend' | 'approve' | 'autonomous';

export interface EndpointConfig {
  url: string | undefined;
  timeoutMs: number;
  retries: number;
  bearerToken: string | undefined;
}

export interface AidpeConfig {
  mode: RunMode;
  server: {
    host: string;
    port: number;
    /** Changes (decisions, mode switches, feedback, simulator writes) per client per minute. */
    changesPerMinute: number;
  };
  /** Where the long-running engines run (compute/pool.ts). */
  compute: {
    /** Worker threads; 0 runs the engines on the event loop (no limits: for debugging only). */
    workers: number;
    /** Requests that may wait for a worker; beyond this they are refused with 503 and Retry-After. */
    maxQueued: number;
    /** A request's computation is stopped after this long (under Grafana's 30 s proxy timeout). */
    timeoutMs: number;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** When set, every /api/v1 call except health must carry `Authorization: Bearer <token>`. */
  apiToken: string | undefined;
  defaultActionMode: ActionMode;
  prometheus: EndpointConfig;
  loki: EndpointConfig;
  tempo: EndpointConfig;
  kubernetes: { kubeconfig: string | undefined; context: string | undefined; namespace: string };
  simulator: {
    seed: number;
    /** `azure-10`, `azure-100`, or a path to a `timestamp,value` CSV. */
    workload: string;
    peakRps: number;
    /** Simulated seconds per wall-clock second in the paced clock. */
    speed: number;
    tickSeconds: number;
    randomFaults: number;
  };
  dataDir: string | undefined;
  modelsDir: string | undefined;
  storePath: string | undefined;
  /** A PostgreSQL URL (postgres://…): the store several sidecar replicas share; wins over storePath. */
  storeUrl: string | undefined;
  automation: {
    /** How often the optimisation loop runs (seconds of the telemetry clock). */
    intervalSeconds: number;
    /** The user-facing p95 latency objective the guards and outcomes are judged against. */
    sloMs: number;
    /** Managed workloads in live mode: `service=namespace/deployment[/hpa]`, comma-separated. */
    services: string | undefined;
    /** The policy behind the guards: the forecast-driven one (default) or the trained RL actor (models/autoscale). */
    policy: 'predictive' | 'rl';
    /** Live mode: PromQL templates ($service, $namespace, $deployment) for the loop's state. */
    queries: {
      requestRate: string | undefined;
      sliLatencyP95Seconds: string | undefined;
      sliErrorRatio: string | undefined;
      cpuUtilization: string | undefined;
      readyReplicas: string | undefined;
    };
  };
}

/** Engine worker threads by default: the cores less one (the event loop's), 1 to 4. */
export const defaultWorkerCount = (): number => Math.max(1, Math.min(4, availableParallelism() - 1));

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid AIDPE configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function defaultConfig(): AidpeConfig {
  const endpoint = (): EndpointConfig => ({ url: undefined, timeoutMs: 10_000, retries: 2, bearerToken: undefined });
  return {
    mode: 'demo',
    server: { host: '127.0.0.1', port: 8080, changesPerMinute: 60 },
    compute: { workers: defaultWorkerCount(), maxQueued: 32, timeoutMs: 25_000 },
    logLevel: 'info',
    apiToken: undefined,
    defaultActionMode: 'recommend',
    prometheus: endpoint(),
    loki: endpoint(),
    tempo: endpoint(),
    kubernetes: { kubeconfig: undefined, context: undefined, namespace: 'default' },
    simulator: { seed: 42, workload: 'azure-100', peakRps: 400, speed: 1, tickSeconds: 5, randomFaults: 3 },
    dataDir: undefined,
    modelsDir: undefined,
    storePath: undefined,
    storeUrl: undefined,
    automation: {
      intervalSeconds: 60,
      sloMs: 250,
      services: undefined,
      policy: 'predictive',
      queries: {
        requestRate: undefined,
        sliLatencyP95Seconds: undefined,
        sliErrorRatio: undefined,
        cpuUtilization: undefined,
        readyReplicas: undefined,
      },
    },
  };
}

/** Environment variable → dotted config key. Documented in README. */
export const ENV_KEYS: Record<string, string> = {
  AIDPE_MODE: 'mode',
  AIDPE_HOST: 'server.host',
  AIDPE_PORT: 'server.port',
  AIDPE_CHANGES_PER_MINUTE: 'server.changesPerMinute',
  AIDPE_COMPUTE_WORKERS: 'compute.workers',
  AIDPE_COMPUTE_MAX_QUEUED: 'compute.maxQueued',
  AIDPE_COMPUTE_TIMEOUT_MS: 'compute.timeoutMs',
  AIDPE_LOG_LEVEL: 'logLevel',
  AIDPE_API_TOKEN: 'apiToken',
  AIDPE_DEFAULT_ACTION_MODE: 'defaultActionMode',
  AIDPE_PROMETHEUS_URL: 'prometheus.url',
  AIDPE_PROMETHEUS_TIMEOUT_MS: 'prometheus.timeoutMs',
  AIDPE_PROMETHEUS_TOKEN: 'prometheus.bearerToken',
  AIDPE_LOKI_URL: 'loki.url',
  AIDPE_TEMPO_URL: 'tempo.url',
  AIDPE_KUBECONFIG: 'kubernetes.kubeconfig',
  AIDPE_KUBE_CONTEXT: 'kubernetes.context',
  AIDPE_KUBE_NAMESPACE: 'kubernetes.namespace',
  AIDPE_SIM_SEED: 'simulator.seed',
  AIDPE_SIM_WORKLOAD: 'simulator.workload',
  AIDPE_SIM_PEAK_RPS: 'simulator.peakRps',
  AIDPE_SIM_SPEED: 'simulator.speed',
  AIDPE_SIM_RANDOM_FAULTS: 'simulator.randomFaults',
  AIDPE_DATA_DIR: 'dataDir',
  AIDPE_MODELS_DIR: 'modelsDir',
  AIDPE_STORE_PATH: 'storePath',
  AIDPE_STORE_URL: 'storeUrl',
  AIDPE_AUTOMATION_INTERVAL_SECONDS: 'automation.intervalSeconds',
  AIDPE_SLO_MS: 'automation.sloMs',
  AIDPE_AUTOMATION_SERVICES: 'automation.services',
  AIDPE_AUTOMATION_POLICY: 'automation.policy',
  AIDPE_QUERY_REQUEST_RATE: 'automation.queries.requestRate',
  AIDPE_QUERY_SLI_LATENCY_P95: 'automation.queries.sliLatencyP95Seconds',
  AIDPE_QUERY_SLI_ERROR_RATIO: 'automation.queries.sliErrorRatio',
  AIDPE_QUERY_CPU_UTILIZATION: 'automation.queries.cpuUtilization',
  AIDPE_QUERY_READY_REPLICAS: 'automation.queries.readyReplicas',
};

type Source = string; // e.g. "config file /etc/aidpe.yaml" or "AIDPE_PORT"
type Raw = Record<string, unknown>;

interface Field {
  key: string;
  check: (value: unknown) => { ok: true; value: unknown } | { ok: false; expected: string };
}

const str = (v: unknown) =>
  typeof v === 'string' && v.length > 0
    ? ({ ok: true, value: v } as const)
    : ({ ok: false, expected: 'a non-empty string' } as const);
const url = (v: unknown) => {
  if (typeof v !== 'string') {
    return { ok: false, expected: 'an http(s) URL' } as const;
  }
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      return { ok: false, expected: 'an http(s) URL' } as const;
    }
    return { ok: true, value: v.replace(/\/+$/, '') } as const;
  } catch {
    return { ok: false, expected: 'an http(s) URL such as http://localhost:9090' } as const;
  }
};
const num =
  (min: number, max: number, integer = false) =>
  (v: unknown) => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      return { ok: false, expected: `${integer ? 'an integer' : 'a number'} between ${min} and ${max}` } as const;
    }
    return { ok: true, value: n } as const;
  };
const oneOf = (options: readonly string[]) => (v: unknown) =>
  typeof v === 'string' && options.includes(v)
    ? ({ ok: true, value: v } as const)
    : ({ ok: false, expected: `one of ${options.join(' | ')}` } as const);

const endpointFields = (name: string): Field[] => [
  { key: `${name}.url`, check: url },
  { key: `${name}.timeoutMs`, check: num(100, 600_000, true) },
  { key: `${name}.retries`, check: num(0, 10, true) },
  { key: `${name}.bearerToken`, check: str },
];

const FIELDS: Field[] = [
  { key: 'mode', check: oneOf(['demo', 'live']) },
  { key: 'server.host', check: str },
  { key: 'server.port', check: num(0, 65535, true) },
  { key: 'server.changesPerMinute', check: num(1, 1_000_000, true) },
  { key: 'compute.workers', check: num(0, 64, true) },
  { key: 'compute.maxQueued', check: num(0, 100_000, true) },
  { key: 'compute.timeoutMs', check: num(100, 600_000, true) },
  { key: 'logLevel', check: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
  { key: 'apiToken', check: str },
  { key: 'defaultActionMode', check: oneOf(['recommend', 'approve', 'autonomous']) },
  ...endpointFields('prometheus'),
  ...endpointFields('loki'),
  ...endpointFields('tempo'),
  { key: 'kubernetes.kubeconfig', check: str },
  { key: 'kubernetes.context', check: str },
  { key: 'kubernetes.namespace', check: str },
  { key: 'simulator.seed', check: num(0, 2 ** 32 - 1, true) },
  { key: 'simulator.workload', check: str },
  { key: 'simulator.peakRps', check: num(0.1, 1e6) },
  { key: 'simulator.speed', check: num(0.01, 100_000) },
  { key: 'simulator.tickSeconds', check: num(1, 60, true) },
  { key: 'simulator.randomFaults', check: num(0, 1000, true) },
  { key: 'dataDir', check: str },
  { key: 'modelsDir', check: str },
  { key: 'storePath', check: str },
  {
    key: 'storeUrl',
    check: (v: unknown) =>
      typeof v === 'string' && /^postgres(ql)?:\/\/./.test(v)
        ? ({ ok: true, value: v } as const)
        : ({ ok: false, expected: 'a PostgreSQL URL such as postgres://aidpe@db:5432/aidpe' } as const),
  },
  { key: 'automation.intervalSeconds', check: num(5, 3600, true) },
  { key: 'automation.sloMs', check: num(1, 600_000) },
  { key: 'automation.services', check: str },
  { key: 'automation.policy', check: oneOf(['predictive', 'rl']) },
  { key: 'automation.queries.requestRate', check: str },
  { key: 'automation.queries.sliLatencyP95Seconds', check: str },
  { key: 'automation.queries.sliErrorRatio', check: str },
  { key: 'automation.queries.cpuUtilization', check: str },
  { key: 'automation.queries.readyReplicas', check: str },
];
const KNOWN = new Set(FIELDS.map((f) => f.key));

function flatten(obj: Raw, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out.push(...flatten(v as Raw, key));
    } else {
      out.push([key, v]);
    }
  }
  return out;
}

function setPath(target: Raw, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node = node[part] as Raw;
  }
  node[parts[parts.length - 1]!] = value;
}

export function readConfigFile(path: string): Raw {
  if (!existsSync(path)) {
    throw new ConfigError([`config file ${path}: not found`]);
  }
  const text = readFileSync(path, 'utf8');
  try {
    const parsed: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    if (parsed === null || parsed === undefined) {
      return {};
    }
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError([`config file ${path}: expected a mapping of keys at the top level`]);
    }
    return parsed as Raw;
  } catch (err) {
    if (err instanceof ConfigError) {
      throw err;
    }
    throw new ConfigError([`config file ${path}: cannot parse (${(err as Error).message.split('\n')[0]})`]);
  }
}

/**
 * Builds the validated configuration. `overrides` are CLI flags (already dotted keys);
 * they win over the environment, which wins over the file.
 */
export function loadConfig(
  options: {
    file?: string | undefined;
    env?: NodeJS.ProcessEnv;
    overrides?: Record<string, unknown>;
  } = {}
): AidpeConfig {
  const env = options.env ?? process.env;
  const layers: Array<[Source, Array<[string, unknown]>]> = [];
  const file = options.file ?? env.AIDPE_CONFIG;
  if (file) {
    layers.push([`config file ${file}`, flatten(readConfigFile(file))]);
  }
  const fromEnv: Array<[string, unknown]> = [];
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const v = env[name];
    if (v !== undefined && v !== '') {
      fromEnv.push([key, v]);
    }
  }
  layers.push(['environment', fromEnv]);
  if (options.overrides) {
    layers.push(['command line', Object.entries(options.overrides).filter(([, v]) => v !== undefined)]);
  }

  const config = defaultConfig() as unknown as Raw;
  const problems: string[] = [];
  const envNameOf = (key: string) => Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0];
  for (const [source, entries] of layers) {
    for (const [key, value] of entries) {
      const where = source === 'environment' ? `${envNameOf(key)}` : source;
      if (!KNOWN.has(key)) {
        problems.push(`${key} (${where}): unknown key; known keys are ${[...KNOWN].join(', ')}`);
        continue;
      }
      const field = FIELDS.find((f) => f.key === key)!;
      const result = field.check(value);
      if (!result.ok) {
        problems.push(`${key} (${where}): expected ${result.expected}, got ${JSON.stringify(value)}`);
        continue;
      }
      setPath(config, key, result.value);
    }
  }
  const typed = config as unknown as AidpeConfig;
  if (typed.mode === 'live' && !typed.prometheus.url) {
    problems.push(
      'prometheus.url: required in live mode (set AIDPE_PROMETHEUS_URL or prometheus.url in the config file)'
    );
  }
  if (!typed.apiToken && !isLoopbackHost(typed.server.host)) {
    problems.push(
      `apiToken: required when the sidecar listens beyond loopback (server.host ${JSON.stringify(typed.server.host)}); set AIDPE_API_TOKEN to a secret (Grafana's plugin proxy adds it), or listen on 127.0.0.1`
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return typed;
}

/** Whether a listen address is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The config as it may be shown to users: secrets replaced by a marker. */
export function redactConfig(config: AidpeConfig): unknown {
  const hide = (v: string | undefined) => (v ? '<configured>' : undefined);
  return {
    ...config,
    apiToken: hide(config.apiToken),
    prometheus: { ...config.prometheus, bearerToken: hide(config.prometheus.bearerToken) },
    loki: { ...config.loki, bearerToken: hide(config.loki.bearerToken) },
    tempo: { ...config.tempo, bearerToken: hide(config.tempo.bearerToken) },
  };
}
