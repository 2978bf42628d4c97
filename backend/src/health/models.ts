/**
 * Health of the shipped ONNX models: the forecasting models as the registry loaded them (a missing,
 * corrupt or tampered one degrades the dependency; the engine then falls back to its statistical
 * candidates), and every other model present with its model card. Details name models and files
 * relative to the models directory, never its absolute path (health is public).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { HealthCheck } from './registry.ts';
import type { ForecastModelStatus } from '../models/forecastRegistry.ts';

import { defaultModelsDir } from '../models/paths.ts';

export { defaultModelsDir } from '../models/paths.ts';

/** What the forecast model registry reports (loadForecastCandidates), passed in to keep this module free of onnxruntime. */
export type ForecastModelsProbe = () => Promise<{
  models: ForecastModelStatus[];
  deepNames: string[];
  warnings: string[];
}>;

const FALLBACK = 'the forecast engine falls back to its statistical models';

export function modelsHealthCheck(dir: string | undefined, forecast?: ForecastModelsProbe): HealthCheck {
  const modelsDir = dir ?? defaultModelsDir();
  return async () => {
    const checkedAt = new Date().toISOString();
    if (!existsSync(modelsDir)) {
      const message = `the models directory does not exist${forecast ? `; ${FALLBACK}` : ''}`;
      const detail = 'models directory missing';
      return { name: 'models', state: 'down', detail, checkedAt, lastError: { message, at: checkedAt } };
    }
    const problems: string[] = [];
    const parts: string[] = [];

    if (forecast) {
      const loaded = await forecast();
      if (loaded.models.length === 0) {
        problems.push(`no forecasting models in forecast/; the forecast engine uses its statistical models only`);
      } else {
        parts.push(
          `forecast: ${loaded.models.map((m) => `${m.name}${m.version ? ` ${m.version}` : ''} ${m.state}`).join(', ')}`
        );
        for (const m of loaded.models.filter((s) => s.state !== 'loaded')) {
          problems.push(
            `forecast model ${m.name} (${basename(m.file)}) is ${m.state.replace('_', ' ')}${m.error ? `: ${m.error}` : ''}; ${FALLBACK}`
          );
        }
      }
    }

    // Other models (anomaly, …) must at least come with their card; the forecast registry checks its own.
    const forecastPrefix = `forecast${sep}`;
    const onnx = readdirSync(modelsDir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.onnx') && !(forecast && f.startsWith(forecastPrefix))
    );
    if (onnx.length > 0) {
      parts.push(`${onnx.length} other model(s)`);
      const missingCards = onnx.filter((f) => !existsSync(join(modelsDir, f.replace(/\.onnx$/, '.card.json'))));
      if (missingCards.length > 0) {
        problems.push(`model card missing for ${missingCards.join(', ')}`);
      }
    }

    const detail = parts.length > 0 ? parts.join('; ') : 'models directory';
    if (problems.length > 0) {
      return {
        name: 'models',
        state: 'degraded',
        detail,
        checkedAt,
        lastError: { message: problems.join('; '), at: checkedAt },
      };
    }
    if (!forecast && onnx.length === 0) {
      return { name: 'models', state: 'disabled', detail: 'no ONNX models in the models directory yet', checkedAt };
    }
    return { name: 'models', state: 'up', detail, checkedAt };
  };
}
