/**
 * `aidpe demo --via-prometheus`: the demo on the real path. A real Prometheus (Debian's binary) is backfilled
 * with the embedded cluster's warm-up history and scrapes the cluster (/sim/metrics) and the sidecar's own
 * predictions (/metrics); the sidecar runs in live mode against it, so every answer goes through PromQL and the
 * Prometheus connector as it would on a real stack.
 */
import { spawnSync } from 'node:child_process';
import type { AidpeConfig } from '../config/config.ts';
import {
  freePort,
  PROMETHEUS_BIN,
  PROMTOOL_BIN,
  startPrometheus,
  type RunningPrometheus,
} from '../localstack/prometheus.ts';
import { startSidecar, type RunningSidecar } from '../server.ts';

export const INSTALL_PROMETHEUS = 'apt-get install prometheus (Debian/Ubuntu), or set PROMETHEUS_BIN and PROMTOOL_BIN';

export class MissingPrometheusError extends Error {
  override readonly name = 'MissingPrometheusError';
}

/** Throws a MissingPrometheusError naming the install command when the binaries are not there. */
export function checkPrometheusBinaries(): void {
  for (const bin of [PROMETHEUS_BIN, PROMTOOL_BIN]) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (r.error || r.status !== 0) {
      throw new MissingPrometheusError(
        `--via-prometheus needs ${bin} (${r.error ? (r.error as NodeJS.ErrnoException).code : `exit ${r.status}`}): ${INSTALL_PROMETHEUS}`
      );
    }
  }
}

/** Adds the labels a scrape would attach (job, instance) to every sample of an OpenMetrics text. */
export function withTargetLabels(openMetrics: string, labels: Record<string, string>): string {
  const extra = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return openMetrics
    .split('\n')
    .map((line) => {
      if (line === '' || line.startsWith('#')) {
        return line;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*?)\})?( .*)$/.exec(line);
      if (!m) {
        return line;
      }
      const inner = m[3] ? `${m[3]},${extra}` : extra;
      return `${m[1]}{${inner}}${m[4]}`;
    })
    .join('\n');
}

export interface ViaPrometheus {
  sidecar: RunningSidecar;
  prometheus: RunningPrometheus;
  config: AidpeConfig;
  close(): Promise<void>;
}

export async function startViaPrometheus(
  base: AidpeConfig,
  options: { logger?: boolean | Record<string, unknown>; scrapeIntervalSeconds?: number } = {}
): Promise<ViaPrometheus> {
  checkPrometheusBinaries();
  const promPort = await freePort();
  const config: AidpeConfig = {
    ...base,
    mode: 'live',
    simulator: { ...base.simulator, embedded: true },
    prometheus: { ...base.prometheus, url: `http://127.0.0.1:${promPort}` },
  };
  const sidecar = await startSidecar(config, options.logger !== undefined ? { logger: options.logger } : {});
  try {
    const cluster = sidecar.demo!.cluster;
    const target = new URL(sidecar.url).host;
    const range = cluster.historyRange();
    // The warm-up history as if it had been scraped: the same job and instance labels the live scrapes get.
    const history = withTargetLabels(cluster.openMetricsHistory(range.startMs, cluster.now()), {
      job: 'aidpe_sim',
      instance: target,
    });
    const prometheus = await startPrometheus({
      port: promPort,
      backfillOpenMetrics: history,
      scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? 5,
      jobs: [
        { name: 'aidpe_sim', targets: [target], metricsPath: '/sim/metrics' },
        { name: 'aidpe_sidecar', targets: [target], metricsPath: '/metrics' },
      ],
      extraArgs: ['--web.enable-remote-write-receiver'],
    });
    return {
      sidecar,
      prometheus,
      config,
      async close() {
        await sidecar.close();
        await prometheus.stop();
      },
    };
  } catch (err) {
    await sidecar.close();
    throw err;
  }
}
