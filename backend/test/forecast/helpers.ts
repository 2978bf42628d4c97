/** Shared pieces of the forecast API tests: an app on a scripted telemetry source and synthetic series. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { TelemetrySource } from '../../src/telemetry/types.ts';
import { ScriptedTelemetry } from '../helpers/fakeTelemetry.ts';

export const NOW_MS = 1_700_000_000_000;

/** An empty models dir (statistical candidates only), removed by the caller's cleanup. */
export function tempModelsDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-fc-models-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function forecastApp(
  opts: { telemetry?: TelemetrySource; modelsDir?: string; now?: () => number } = {}
): Promise<{ app: FastifyInstance; telemetry: ScriptedTelemetry; close: () => Promise<void> }> {
  const scripted = new ScriptedTelemetry();
  const models = opts.modelsDir === undefined ? tempModelsDir() : undefined;
  const config = loadConfig({
    env: {
      AIDPE_MODE: 'live',
      AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1',
      AIDPE_MODELS_DIR: opts.modelsDir ?? models!.dir,
    },
  });
  const app = await buildApp({
    config,
    telemetry: opts.telemetry ?? scripted,
    logger: false,
    now: opts.now ?? (() => NOW_MS),
  });
  return {
    app,
    telemetry: scripted,
    close: async () => {
      await app.close();
      models?.cleanup();
    },
  };
}

/** Deterministic standard normal draws (mulberry32 + Box–Muller). */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A daily-seasonal series: `days` days at `stepSeconds`, ending at endSec (unix seconds, step-aligned). */
export function dailySeries(
  opts: { days?: number; stepSeconds?: number; endSec?: number; noise?: number; seed?: number } = {}
): {
  timestamps: number[];
  values: number[];
} {
  const step = opts.stepSeconds ?? 300;
  const n = Math.round(((opts.days ?? 4) * 86400) / step);
  const end = opts.endSec ?? Math.floor(NOW_MS / 1000 / step) * step;
  const z = gaussian(opts.seed ?? 7);
  const timestamps = Array.from({ length: n }, (_, i) => end - (n - 1 - i) * step);
  const values = timestamps.map(
    (t) => 200 + 80 * Math.sin((2 * Math.PI * (t % 86400)) / 86400) + (opts.noise ?? 5) * z()
  );
  return { timestamps, values };
}

export interface FrameField {
  name: string;
  type: string;
  values: Array<number | null>;
  config?: { custom?: Record<string, unknown> } & Record<string, unknown>;
}

export function field(frame: { fields: FrameField[] }, name: string): FrameField {
  const f = frame.fields.find((x) => x.name === name);
  if (!f) {
    throw new Error(`frame has no field ${name}: ${frame.fields.map((x) => x.name).join(', ')}`);
  }
  return f;
}
