/**
 * Load figures of a running demo sidecar on loopback (autocannon, bounded): latency p50/p99 and throughput for a
 * cached forecast, an inline forecast, an anomaly query, and /api/v1/health while inline forecasts saturate the
 * engines. Targets (issue 20): cached forecast p99 < 50 ms at 500 req/s; /health p99 < 50 ms under saturation.
 * Prints a table and writes bench-results/load.json (repo root).
 * Run: npm run bench:load [-- --seconds 10] [-- --only health]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { startSidecar } from '../src/server.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, only: { type: 'string' }, out: { type: 'string' } },
});
const seconds = Math.max(1, Number(values.seconds));
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outPath = values.out ?? join(repoRoot, 'bench-results', 'load.json');

/** The part of autocannon's options and result used here (the package ships no types). */
interface CannonOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  duration: number;
  overallRate?: number;
}
interface CannonResult {
  latency: { p50: number; p99: number; max: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = (await import('autocannon' as string)).default as (o: CannonOptions) => Promise<CannonResult>;

const json = { 'content-type': 'application/json' };
const inlineSeries = (n: number) => ({
  timestamps: Array.from({ length: n }, (_, i) => 1_735_689_600 + 60 * i),
  values: Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin((2 * Math.PI * i) / 1440) + (i % 7)),
});
const cachedForecast = JSON.stringify({
  query: 'aidpe_sim_request_rate{service="frontend"}',
  start: 'now-1h',
  stepSeconds: 60,
  horizon: 10,
});
const inlineForecast = JSON.stringify({ series: [inlineSeries(2000)], horizon: 60 });
const anomalyQuery = JSON.stringify({
  query: 'aidpe_sim_latency_seconds{quantile="0.95"}',
  start: 'now-1h',
  stepSeconds: 15,
});

interface Row {
  name: string;
  connections: number;
  rate: string;
  p50Ms: number;
  p99Ms: number;
  reqPerSecond: number;
  non2xx: number;
  errors: number;
  target?: string;
  met?: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'aidpe-load-'));
const config = loadConfig({
  env: {},
  overrides: {
    mode: 'demo',
    logLevel: 'silent',
    'server.host': '127.0.0.1',
    'server.port': 0,
    storePath: join(dir, 'aidpe.db'),
  },
});
const sidecar = await startSidecar(config, { logger: false });
const base = sidecar.url;
const rows: Row[] = [];
const selected = (name: string) => values.only === undefined || name.includes(values.only);

function row(name: string, r: CannonResult, connections: number, rate: string, target?: [string, boolean]): Row {
  const out: Row = {
    name,
    connections,
    rate,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    reqPerSecond: Math.round(r.requests.average * 10) / 10,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    ...(target ? { target: target[0], met: target[1] } : {}),
  };
  rows.push(out);
  if (r.non2xx > 0) {
    // A scenario whose requests are refused measures the refusal, not the work: say so loudly.
    console.warn(`${name}: ${r.non2xx} answers were not 2xx — the figures below do not measure the work`);
  }
  return out;
}

try {
  if (selected('cached forecast')) {
    // One call fills the cache (the answer is kept for one step); the measured ones are hits.
    await fetch(`${base}/api/v1/forecast`, { method: 'POST', headers: json, body: cachedForecast });
    const r = await autocannon({
      url: `${base}/api/v1/forecast`,
      method: 'POST',
      headers: json,
      body: cachedForecast,
      connections: 20,
      duration: seconds,
      overallRate: 500,
    });
    row('cached forecast', r, 20, '500/s', ['p99 < 50 ms at 500 req/s', r.latency.p99 < 50 && r.non2xx === 0]);
  }
  if (selected('inline forecast')) {
    const r = await autocannon({
      url: `${base}/api/v1/forecast`,
      method: 'POST',
      headers: json,
      body: inlineForecast,
      connections: 4,
      duration: seconds,
    });
    row('inline forecast (2,000 points)', r, 4, 'max');
  }
  if (selected('anomaly query')) {
    const r = await autocannon({
      url: `${base}/api/v1/anomalies`,
      method: 'POST',
      headers: json,
      body: anomalyQuery,
      connections: 4,
      duration: seconds,
    });
    row('anomaly query (1 h at 15 s, default detector)', r, 4, 'max');
  }
  if (selected('health')) {
    // The engines saturated by inline forecasts (more connections than workers: requests queue), health beside it.
    const [load, health] = await Promise.all([
      autocannon({
        url: `${base}/api/v1/forecast`,
        method: 'POST',
        headers: json,
        body: inlineForecast,
        connections: 8,
        duration: seconds,
      }),
      autocannon({ url: `${base}/api/v1/health`, connections: 2, duration: seconds, overallRate: 50 }),
    ]);
    row('  engines saturated (inline forecasts)', load, 8, 'max');
    row('health under saturation', health, 2, '50/s', [
      'p99 < 50 ms while engines are saturated',
      health.latency.p99 < 50 && health.non2xx === 0,
    ]);
  }
} finally {
  await sidecar.close();
  rmSync(dir, { recursive: true, force: true });
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  `${'scenario'.padEnd(48)}${pad('conn', 5)}${pad('rate', 7)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('req/s', 8)}${pad('non2xx', 8)}${pad('err', 5)}  target`
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(48)}${pad(r.connections, 5)}${pad(r.rate, 7)}${pad(r.p50Ms, 8)}${pad(r.p99Ms, 8)}${pad(r.reqPerSecond, 8)}${pad(r.non2xx, 8)}${pad(r.errors, 5)}  ${r.target ? `${r.target}: ${r.met ? 'met' : 'NOT met'}` : ''}`
  );
}
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, JSON.stringify({ seconds, rows }, null, 2));
console.log(`wrote ${outPath}`);
