/**
 * The sidecar's OpenAPI document, built from the routes' TypeBox schemas exactly as `/docs` serves it (in
 * demo mode, so the simulator's routes are in it too). `npm run openapi -w backend` writes it to
 * `src/api/openapi.json`, against which the plugin's typed client is checked (`src/api/openapi.test.ts`).
 */
import { buildApp } from './app.ts';
import { loadConfig } from './config/config.ts';
import { SimulatedCluster } from './sim/cluster.ts';
import { defaultTopology, syntheticDiurnalTrace } from './sim/index.ts';
import { SimulatorSource } from './telemetry/simulatorSource.ts';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const cluster = new SimulatedCluster({
    seed: 1,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: Date.UTC(2025, 0, 1),
  });
  const config = loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent', apiToken: 'openapi' } });
  const app = await buildApp({ config, telemetry: new SimulatorSource(cluster), cluster, logger: false });
  try {
    await app.ready();
    const doc = app.swagger() as unknown as Record<string, unknown>;
    // The version changes with every release; the contract does not.
    return { ...doc, info: { ...(doc.info as Record<string, unknown>), version: 'see /api/v1/health' } };
  } finally {
    await app.close();
  }
}

/** Stable text for the committed copy: sorted keys, two-space indent, a final newline. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])])
          )
        : v;
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}
