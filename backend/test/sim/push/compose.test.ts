/**
 * The compose stack wires the push: the sidecar's environment names Loki's port, Tempo's query port and
 * Tempo's OTLP/HTTP receiver as tempo.yaml declares them, and that environment configures a push of logs to
 * Loki's push API and traces to the OTLP receiver.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/config.ts';
import { simulatorPushOptions } from '../../../src/sim/push/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

test('docker-compose: the sidecar pushes to Loki and to the OTLP receiver tempo.yaml opens', () => {
  const compose = parse(read('docker-compose.yaml')) as {
    services: Record<string, { environment?: Record<string, string>; ports?: string[] }>;
  };
  const tempo = parse(read('provisioning/tempo/tempo.yaml')) as {
    server: { http_listen_port: number };
    distributor: { receivers: { otlp: { protocols: { http: { endpoint: string } } } } };
  };
  const env = compose.services.sidecar!.environment!;
  const port = (u: string) => new URL(u).port;
  const host = (u: string) => new URL(u).hostname;
  const otlpPort = tempo.distributor.receivers.otlp.protocols.http.endpoint.split(':').pop()!;
  assert.equal(host(env.AIDPE_LOKI_URL!), 'loki');
  assert.equal(port(env.AIDPE_LOKI_URL!), '3100');
  assert.equal(host(env.AIDPE_TEMPO_URL!), 'tempo');
  assert.equal(port(env.AIDPE_TEMPO_URL!), String(tempo.server.http_listen_port));
  assert.equal(host(env.AIDPE_TEMPO_OTLP_URL!), 'tempo');
  assert.equal(port(env.AIDPE_TEMPO_OTLP_URL!), otlpPort);
  assert.ok(compose.services.tempo!.ports!.some((p) => p.endsWith(`:${otlpPort}`)));
  assert.equal(env.AIDPE_SIM_EMBEDDED, 'true');
  const aidpeEnv = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('AIDPE_') && !String(v).startsWith('${'))
  );
  const config = loadConfig({ env: aidpeEnv });
  assert.equal(config.simulator.backgroundNoise, true);
  assert.equal(config.simulator.detailedTelemetry, true);
  const push = simulatorPushOptions(config);
  assert.equal(push?.loki?.url, 'http://loki:3100');
  assert.equal(push?.tempo?.url, `http://tempo:${otlpPort}`);
});
