/**
 * Starts the sidecar for real: picks the telemetry source (the embedded demo cluster or the
 * configured Prometheus), builds the app and listens. `close()` stops clocks and the server.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { AidpeConfig } from './config/config.ts';
import { PrometheusSource } from './telemetry/prometheus.ts';
import { SimulatorSource } from './telemetry/simulatorSource.ts';
import type { TelemetrySource } from './telemetry/types.ts';
import { createDemoCluster, type DemoCluster } from './sim/demo.ts';

export interface RunningSidecar {
  app: FastifyInstance;
  url: string;
  demo: DemoCluster | undefined;
  telemetry: TelemetrySource;
  close(): Promise<void>;
}

export async function startSidecar(config: AidpeConfig, options: { logger?: boolean | Record<string, unknown> } = {}): Promise<RunningSidecar> {
  let demo: DemoCluster | undefined;
  let telemetry: TelemetrySource;
  if (config.mode === 'demo') {
    demo = createDemoCluster(config);
    telemetry = new SimulatorSource(demo.cluster);
  } else {
    telemetry = new PrometheusSource({
      baseUrl: config.prometheus.url!,
      timeoutMs: config.prometheus.timeoutMs,
      retries: config.prometheus.retries,
      ...(config.prometheus.bearerToken ? { bearerToken: config.prometheus.bearerToken } : {}),
    });
  }
  const app = await buildApp({ config, telemetry, cluster: demo?.cluster, ...(options.logger !== undefined ? { logger: options.logger } : {}) });
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  demo?.runner.start();
  return {
    app,
    url: address,
    demo,
    telemetry,
    async close() {
      demo?.runner.stop();
      await app.close();
    },
  };
}
