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
  tempo: EndpointConfig & {
    /**
     * Where the embedded cluster pushes its traces as OTLP/HTTP JSON (`<otlpUrl>/v1/traces`, e.g. Tempo's
     * receiver on :4318) when it differs from `url` (Tempo's query API on :3200). Default: `url`.
     */
    otlpUrl: string | undefined;
  };
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
    /**
     * Live mode only: also run the embedded cluster as the workload (its /sim/metrics for Prometheus to scrape,
     * its scale API as the actuator when no Kubernetes is configured) while every answer goes through Prometheus.
     */
    embedded: boolean;
    /** Simulated history computed before the paced clock starts (the demo's backfilled past). */
    warmupSeconds: number;
    /** Healthy services log benign errors routinely (retried timeouts, cache misses, deprecated APIs). */
    backgroundNoise: boolean;
    /** Spans carry k8s.pod.name / response.size attributes and the metrics a response-size gauge. */
    detailedTelemetry: boolean;
    /** The embedded cluster pushes its logs to `loki.url` and its traces to `tempo.otlpUrl` (or `tempo.url`). */
    push: boolean;
    /** How often it reads new telemetry and flushes the push queues. */
    pushIntervalSeconds: number;
    /**
     * The embedded cluster as the data plane of a real API server (sim/kubeMirror.ts): its services take their
     * replicas from the Deployments of `namespace`, read with this kubeconfig (live mode, simulator.embedded).
     */
    mirror: {
      kubeconfig: string | undefined;
      context: string | undefined;
      /** Default: kubernetes.namespace. */
      namespace: string | undefined;
      /** Also write the pods' Ready status back as a kubelet would (needs list pods, patch pods/status). */
      podStatus: boolean;
    };
  };
  /** What the sidecar watches by itself (incidents, forecast accuracy, prediction series). */
  watch: {
    /** Extra PromQL to score for incidents; by default the managed services' SLI queries (demo: the simulator's). */
    queries: WatchQueryConfig[];
    /** Extra PromQL to forecast (accuracy tracking, prediction series); by default the managed services' request rate. */
    forecasts: WatchQueryConfig[];
    /** Lead times (seconds ahead) published as `aidpe_forecast` series. */
    leadTimesSeconds: number[];
    /** At most this many label sets per published metric; beyond it the status says so. */
    maxSeries: number;
    /** How often the watched queries are scored for incidents (seconds). */
    everySeconds: number;
    /** How often each watched forecast is issued again (seconds of the telemetry clock). */
    forecastEverySeconds: number;
  };
  dataDir: string | undefined;
  modelsDir: string | undefined;
  storePath: string | undefined;
  /** A PostgreSQL URL (postgres://…): the store several sidecar replicas share; wins over storePath. */
  storeUrl: string | undefined;
  /**
   * Several sidecar replicas: only the leader runs the action loop. On a coordination.k8s.io Lease when the
   * loop drives Kubernetes, else on a PostgreSQL advisory lock when the store is PostgreSQL, else off.
   */
  leaderElection: {
    /** The Lease's namespace (default: the in-cluster service account's namespace, else kubernetes.namespace). */
    namespace: string | undefined;
    leaseDurationSeconds: number;
    renewDeadlineSeconds: number;
    retryPeriodSeconds: number;
    /** This replica's name in the Lease (default: host name, process id and a random suffix). */
    identity: string | undefined;
  };
  automation: {
    /** How often the optimisation loop runs (seconds of the telemetry clock). */
    intervalSeconds: number;
    /** The user-facing p95 latency objective the guards and outcomes are judged against. */
    sloMs: number;
    /** Managed workloads in live mode: `service=namespace/deployment[/hpa]`, comma-separated. */
    services: string | undefined;
    /** The policy behind the guards: the forecast-driven one (default) or the trained RL actor (models/autoscale). */
    policy: 'predictive' | 'rl';
    /** An applied action's outcome (p95 before and after against the SLO) is recorded this long after it. */
    outcomeDelaySeconds: number;
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

/** A watched query: PromQL, and optionally its step and (forecasts) horizon; omitted ones follow the data. */
export interface WatchQueryConfig {
  query: string;
  stepSeconds?: number | undefined;
  horizonSeconds?: number | undefined;
}

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
    tempo: { ...endpoint(), otlpUrl: undefined },
    kubernetes: { kubeconfig: undefined, context: undefined, namespace: 'default' },
    simulator: {
      seed: 42,
      workload: 'azure-100',
      peakRps: 400,
      speed: 1,
      tickSeconds: 5,
      randomFaults: 3,
      embedded: false,
      warmupSeconds: 21_600,
      backgroundNoise: false,
      detailedTelemetry: false,
      push: true,
      pushIntervalSeconds: 2,
      mirror: { kubeconfig: undefined, context: undefined, namespace: undefined, podStatus: false },
    },
    dataDir: undefined,
    modelsDir: undefined,
    storePath: undefined,
    storeUrl: undefined,
    leaderElection: {
      namespace: undefined,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      identity: undefined,
    },
    automation: {
      intervalSeconds: 60,
      sloMs: 250,
      services: undefined,
      policy: 'predictive',
      outcomeDelaySeconds: 300,
      queries: {
        requestRate: undefined,
        sliLatencyP95Seconds: undefined,
        sliErrorRatio: undefined,
        cpuUtilization: undefined,
        readyReplicas: undefined,
      },
    },
    watch: {
      queries: [],
      forecasts: [],
      leadTimesSeconds: [600, 1800, 3600],
      maxSeries: 500,
      everySeconds: 60,
      forecastEverySeconds: 300,
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
  AIDPE_TEMPO_OTLP_URL: 'tempo.otlpUrl',
  AIDPE_KUBECONFIG: 'kubernetes.kubeconfig',
  AIDPE_KUBE_CONTEXT: 'kubernetes.context',
  AIDPE_KUBE_NAMESPACE: 'kubernetes.namespace',
  AIDPE_SIM_SEED: 'simulator.seed',
  AIDPE_SIM_WORKLOAD: 'simulator.workload',
  AIDPE_SIM_PEAK_RPS: 'simulator.peakRps',
  AIDPE_SIM_SPEED: 'simulator.speed',
  AIDPE_SIM_RANDOM_FAULTS: 'simulator.randomFaults',
  AIDPE_SIM_EMBEDDED: 'simulator.embedded',
  AIDPE_SIM_WARMUP_SECONDS: 'simulator.warmupSeconds',
  AIDPE_SIM_BACKGROUND_NOISE: 'simulator.backgroundNoise',
  AIDPE_SIM_DETAILED_TELEMETRY: 'simulator.detailedTelemetry',
  AIDPE_SIM_PUSH: 'simulator.push',
  AIDPE_SIM_PUSH_INTERVAL_SECONDS: 'simulator.pushIntervalSeconds',
  AIDPE_SIM_MIRROR_KUBECONFIG: 'simulator.mirror.kubeconfig',
  AIDPE_SIM_MIRROR_CONTEXT: 'simulator.mirror.context',
  AIDPE_SIM_MIRROR_NAMESPACE: 'simulator.mirror.namespace',
  AIDPE_SIM_MIRROR_POD_STATUS: 'simulator.mirror.podStatus',
  AIDPE_WATCH_QUERIES: 'watch.queries',
  AIDPE_WATCH_FORECASTS: 'watch.forecasts',
  AIDPE_WATCH_LEAD_TIMES_SECONDS: 'watch.leadTimesSeconds',
  AIDPE_WATCH_MAX_SERIES: 'watch.maxSeries',
  AIDPE_WATCH_EVERY_SECONDS: 'watch.everySeconds',
  AIDPE_WATCH_FORECAST_EVERY_SECONDS: 'watch.forecastEverySeconds',
  AIDPE_DATA_DIR: 'dataDir',
  AIDPE_MODELS_DIR: 'modelsDir',
  AIDPE_STORE_PATH: 'storePath',
  AIDPE_STORE_URL: 'storeUrl',
  AIDPE_LEADER_NAMESPACE: 'leaderElection.namespace',
  AIDPE_LEADER_LEASE_SECONDS: 'leaderElection.leaseDurationSeconds',
  AIDPE_LEADER_RENEW_DEADLINE_SECONDS: 'leaderElection.renewDeadlineSeconds',
  AIDPE_LEADER_RETRY_SECONDS: 'leaderElection.retryPeriodSeconds',
  AIDPE_LEADER_IDENTITY: 'leaderElection.identity',
  AIDPE_AUTOMATION_INTERVAL_SECONDS: 'automation.intervalSeconds',
  AIDPE_SLO_MS: 'automation.sloMs',
  AIDPE_AUTOMATION_SERVICES: 'automation.services',
  AIDPE_AUTOMATION_POLICY: 'automation.policy',
  AIDPE_AUTOMATION_OUTCOME_DELAY_SECONDS: 'automation.outcomeDelaySeconds',
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

const bool = (v: unknown) =>
  typeof v === 'boolean'
    ? ({ ok: true, value: v } as const)
    : v === 'true' || v === 'false'
      ? ({ ok: true, value: v === 'true' } as const)
      : ({ ok: false, expected: 'true or false' } as const);

/** A list given as a YAML/JSON array, or in an environment variable as JSON or one item per line. */
function listOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) {
    return value;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return text === ''
    ? []
    : text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
}

const watchQueries = (v: unknown) => {
  const expected =
    'a list of PromQL strings or {query, stepSeconds?, horizonSeconds?} objects (in the environment: JSON, or one query per line)';
  const list = listOf(v);
  if (!list) {
    return { ok: false, expected } as const;
  }
  const out: WatchQueryConfig[] = [];
  for (const item of list) {
    const entry = typeof item === 'string' ? { query: item } : item;
    if (entry === null || typeof entry !== 'object') {
      return { ok: false, expected } as const;
    }
    const { query, stepSeconds, horizonSeconds, ...rest } = entry as Record<string, unknown>;
    const positive = (x: unknown) => x === undefined || (typeof x === 'number' && Number.isFinite(x) && x > 0);
    if (typeof query !== 'string' || query.trim() === '' || Object.keys(rest).length > 0) {
      return { ok: false, expected } as const;
    }
    if (!positive(stepSeconds) || !positive(horizonSeconds)) {
      return { ok: false, expected: `${expected} with positive stepSeconds and horizonSeconds` } as const;
    }
    out.push({
      query,
      ...(stepSeconds !== undefined ? { stepSeconds: stepSeconds as number } : {}),
      ...(horizonSeconds !== undefined ? { horizonSeconds: horizonSeconds as number } : {}),
    });
  }
  return { ok: true, value: out } as const;
};

const leadTimes = (v: unknown) => {
  const list = typeof v === 'string' ? v.split(',').map((x) => Number(x.trim())) : v;
  return Array.isArray(list) && list.length > 0 && list.every((x) => typeof x === 'number' && x > 0 && x <= 7 * 86_400)
    ? ({ ok: true, value: [...(list as number[])].sort((a, b) => a - b) } as const)
    : ({ ok: false, expected: 'a list of seconds ahead between 1 and 604800, e.g. 600,1800,3600' } as const);
};

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
  { key: 'tempo.otlpUrl', check: url },
  { key: 'kubernetes.kubeconfig', check: str },
  { key: 'kubernetes.context', check: str },
  { key: 'kubernetes.namespace', check: str },
  { key: 'simulator.seed', check: num(0, 2 ** 32 - 1, true) },
  { key: 'simulator.workload', check: str },
  { key: 'simulator.peakRps', check: num(0.1, 1e6) },
  { key: 'simulator.speed', check: num(0.01, 100_000) },
  { key: 'simulator.tickSeconds', check: num(1, 60, true) },
  { key: 'simulator.randomFaults', check: num(0, 1000, true) },
  { key: 'simulator.embedded', check: bool },
  { key: 'simulator.warmupSeconds', check: num(0, 7 * 86_400, true) },
  { key: 'simulator.backgroundNoise', check: bool },
  { key: 'simulator.detailedTelemetry', check: bool },
  { key: 'simulator.push', check: bool },
  { key: 'simulator.pushIntervalSeconds', check: num(0.1, 3600) },
  { key: 'simulator.mirror.kubeconfig', check: str },
  { key: 'simulator.mirror.context', check: str },
  { key: 'simulator.mirror.namespace', check: str },
  { key: 'simulator.mirror.podStatus', check: bool },
  { key: 'watch.queries', check: watchQueries },
  { key: 'watch.forecasts', check: watchQueries },
  { key: 'watch.leadTimesSeconds', check: leadTimes },
  { key: 'watch.maxSeries', check: num(1, 100_000, true) },
  { key: 'watch.everySeconds', check: num(1, 3600, true) },
  { key: 'watch.forecastEverySeconds', check: num(1, 86_400, true) },
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
  { key: 'leaderElection.namespace', check: str },
  { key: 'leaderElection.leaseDurationSeconds', check: num(1, 3600, true) },
  { key: 'leaderElection.renewDeadlineSeconds', check: num(0.1, 3600) },
  { key: 'leaderElection.retryPeriodSeconds', check: num(0.05, 600) },
  { key: 'leaderElection.identity', check: str },
  { key: 'automation.intervalSeconds', check: num(5, 3600, true) },
  { key: 'automation.sloMs', check: num(1, 600_000) },
  { key: 'automation.services', check: str },
  { key: 'automation.policy', check: oneOf(['predictive', 'rl']) },
  { key: 'automation.outcomeDelaySeconds', check: num(1, 86_400, true) },
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
  if (typed.simulator.mirror.kubeconfig) {
    // The mirror drives the embedded cluster from the API server, so the loop must act through that server too.
    if (!typed.kubernetes.kubeconfig && !env.KUBERNETES_SERVICE_HOST) {
      problems.push(
        'kubernetes.kubeconfig: required with simulator.mirror.kubeconfig (the loop must scale through the API server the simulator mirrors)'
      );
    }
  }
  const le = typed.leaderElection;
  if (!(le.retryPeriodSeconds < le.renewDeadlineSeconds && le.renewDeadlineSeconds < le.leaseDurationSeconds)) {
    problems.push(
      `leaderElection: expected retryPeriodSeconds < renewDeadlineSeconds < leaseDurationSeconds, got ${le.retryPeriodSeconds} / ${le.renewDeadlineSeconds} / ${le.leaseDurationSeconds}`
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

export { redactConfig } from './redact.ts';
