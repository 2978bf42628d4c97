/**
 * A real Prometheus on a free loopback port (optionally backfilled with OpenMetrics through promtool), for
 * `aidpe demo --via-prometheus` and the tests.
 *
 * Binaries: `prometheus` / `promtool` on PATH (Debian/Ubuntu: `apt-get install prometheus`),
 * or PROMETHEUS_BIN / PROMTOOL_BIN. Every started process is also killed on process exit, so a
 * crash never leaves one behind; callers should still call stop().
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? 'promtool';
const INSTALL_HINT = 'install it with `apt-get install prometheus` (Debian/Ubuntu) or set PROMETHEUS_BIN/PROMTOOL_BIN';

export interface ScrapeJob {
  name: string;
  /** host:port targets. */
  targets: string[];
  /** Default /metrics. */
  metricsPath?: string;
}

export interface StartPrometheusOptions {
  /** host:port targets scraped as job "aidpe_test". */
  scrapeTargets?: string[];
  /** More scrape jobs (besides scrapeTargets). */
  jobs?: ScrapeJob[];
  /** Listen on this loopback port (default: a free one). */
  port?: number;
  /** Scrape interval (and timeout) in seconds. Default 1. */
  scrapeIntervalSeconds?: number;
  /** Scrape path on the targets. Default /metrics. */
  metricsPath?: string;
  /** OpenMetrics text (ending with `# EOF`) turned into TSDB blocks with promtool before start. */
  backfillOpenMetrics?: string;
  /** How long to wait for /-/ready. Default 30 000 ms. */
  readyTimeoutMs?: number;
  extraArgs?: string[];
}

export interface RunningPrometheus {
  url: string;
  port: number;
  /** Temp dir holding config and storage (removed by stop()). */
  dir: string;
  /** Last lines Prometheus wrote to stderr (its log). */
  logTail(): string;
  stop(): Promise<void>;
}

/** Running children and their temp dirs, killed/removed on process exit if a test forgot stop(). */
const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [child, dir] of live) {
      try {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      } catch {
        /* already gone */
      }
    }
  });
}

/**
 * A detached shell that outlives this process: if this process dies without stopping Prometheus
 * (crash, SIGKILL, runner timeout), it terminates Prometheus and removes the temp dir.
 */
function startWatchdog(promPid: number | undefined, dir: string): void {
  if (promPid === undefined || process.platform === 'win32') {
    return;
  }
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do kill -0 ${promPid} 2>/dev/null || exit 0; sleep 1; done`,
    `kill ${promPid} 2>/dev/null; sleep 3; kill -9 ${promPid} 2>/dev/null; rm -rf '${dir.replace(/'/g, "'\\''")}'`,
  ].join('\n');
  try {
    spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    /* best effort */
  }
}

/** A loopback port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

class Tail {
  private buf = '';
  constructor(private readonly max = 8192) {}
  push(chunk: Buffer | string): void {
    this.buf += chunk.toString();
    if (this.buf.length > this.max) {
      this.buf = this.buf.slice(-this.max);
    }
  }
  lines(n = 20): string {
    return this.buf.trimEnd().split('\n').slice(-n).join('\n');
  }
}

function backfill(openMetrics: string, dir: string, storageDir: string): void {
  const file = join(dir, 'backfill.om.txt');
  writeFileSync(file, openMetrics.endsWith('\n') ? openMetrics : `${openMetrics}\n`);
  const r = spawnSync(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, storageDir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `promtool binary ${JSON.stringify(PROMTOOL_BIN)} not found: ${INSTALL_HINT}`
        : `promtool failed to start: ${r.error.message}`
    );
  }
  if (r.status !== 0) {
    throw new Error(
      `promtool tsdb create-blocks-from openmetrics exited ${r.status}:\n${`${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-20).join('\n')}`
    );
  }
}

async function probeReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function startOnce(
  opts: StartPrometheusOptions,
  dir: string,
  storageDir: string,
  configFile: string
): Promise<RunningPrometheus> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const tail = new Tail();
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${storageDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Backfilled history may be far in the past; keep all of it.
      '--storage.tsdb.retention.time=100y',
      '--web.enable-lifecycle',
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  installExitHook();
  live.set(child, dir);
  startWatchdog(child.pid, dir);
  child.stdout?.on('data', (c: Buffer) => tail.push(c));
  child.stderr?.on('data', (c: Buffer) => tail.push(c));

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve();
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      live.delete(child);
      resolve();
    });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) {
      return;
    }
    stopped = true;
    if (!exited && !spawnError) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (spawnError) {
      if (spawnError.code === 'ENOENT') {
        throw new Error(`prometheus binary ${JSON.stringify(PROMETHEUS_BIN)} not found: ${INSTALL_HINT}`);
      }
      throw new Error(`prometheus failed to start: ${spawnError.message}`);
    }
    if (exited) {
      const err = new Error(
        `prometheus exited (code ${exited.code}, signal ${exited.signal}) before becoming ready on ${url}. Log tail:\n${tail.lines()}`
      );
      (err as Error & { addressInUse?: boolean }).addressInUse = /address already in use/i.test(tail.lines(50));
      throw err;
    }
    if (await probeReady(url)) {
      // Never let a forgotten Prometheus keep the test process alive; the exit hook and the
      // watchdog kill it once this process is gone.
      child.unref();
      for (const s of [child.stdout, child.stderr]) {
        (s as unknown as { unref?: () => void } | null)?.unref?.();
      }
      return { url, port, dir, logTail: () => tail.lines(), stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(
    `prometheus on ${url} was not ready after ${opts.readyTimeoutMs ?? 30_000} ms. Log tail:\n${tail.lines()}`
  );
}

/** Starts Prometheus; resolves once /-/ready answers 200. Always pair with `after(() => prom.stop())`. */
export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-prom-'));
  const storageDir = join(dir, 'data');
  const configFile = join(dir, 'prometheus.yml');
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
    const targets = opts.scrapeTargets ?? [];
    const jobs: ScrapeJob[] = [
      ...(targets.length > 0 ? [{ name: 'aidpe_test', targets, metricsPath: opts.metricsPath ?? '/metrics' }] : []),
      ...(opts.jobs ?? []),
    ];
    // JSON is valid YAML.
    const config = {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: '15s' },
      scrape_configs: jobs.map((j) => ({
        job_name: j.name,
        metrics_path: j.metricsPath ?? '/metrics',
        scrape_interval: interval,
        scrape_timeout: interval,
        static_configs: [{ targets: j.targets }],
      })),
    };
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    if (opts.backfillOpenMetrics !== undefined) {
      backfill(opts.backfillOpenMetrics, dir, storageDir);
    }

    for (let attempt = 1; ; attempt++) {
      try {
        const running = await startOnce(opts, dir, storageDir, configFile);
        return {
          ...running,
          stop: async () => {
            await running.stop();
            cleanup();
          },
        };
      } catch (err) {
        // The free port can be taken between our check and Prometheus binding it: try another.
        if (attempt < 3 && (err as { addressInUse?: boolean }).addressInUse) {
          continue;
        }
        throw err;
      }
    }
  } catch (err) {
    cleanup();
    throw err;
  }
}
