/**
 * Test helpers: a real Prometheus (the launcher lives in src/localstack/prometheus.ts, shared with
 * `aidpe demo --via-prometheus`), and a Prometheus text exposition for it to scrape.
 */
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export {
  freePort,
  PROMETHEUS_BIN,
  PROMTOOL_BIN,
  startPrometheus,
  type RunningPrometheus,
  type ScrapeJob,
  type StartPrometheusOptions,
} from '../../src/localstack/prometheus.ts';

export interface MetricsTarget {
  /** host:port for a scrape config. */
  target: string;
  url: string;
  /** How many times /metrics was served. */
  scrapes(): number;
  close(): Promise<void>;
}

/** Serves `render()` (Prometheus text exposition) on GET /metrics at a loopback port. */
export async function startMetricsTarget(render: () => string | Promise<string>): Promise<MetricsTarget> {
  let count = 0;
  const server: Server = createHttpServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/metrics')) {
      res.writeHead(404).end('not found\n');
      return;
    }
    Promise.resolve()
      .then(render)
      .then((body) => {
        count++;
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
      })
      .catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/metrics`,
    scrapes: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
