/** Health of the shipped ONNX models: present, each with a model card. */
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HealthCheck } from './registry.ts';

export function defaultModelsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models');
}

export function modelsHealthCheck(dir: string | undefined): HealthCheck {
  const modelsDir = dir ?? defaultModelsDir();
  return async () => {
    const checkedAt = new Date().toISOString();
    if (!existsSync(modelsDir)) {
      return { name: 'models', state: 'down', detail: modelsDir, checkedAt, lastError: { message: `models directory ${modelsDir} does not exist`, at: checkedAt } };
    }
    const onnx = readdirSync(modelsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.onnx'));
    if (onnx.length === 0) return { name: 'models', state: 'disabled', detail: `no ONNX models in ${modelsDir} yet`, checkedAt };
    const missingCards = onnx.filter((f) => !existsSync(join(modelsDir, f.replace(/\.onnx$/, '.card.json'))));
    if (missingCards.length > 0) {
      return {
        name: 'models',
        state: 'degraded',
        detail: `${onnx.length} model(s)`,
        checkedAt,
        lastError: { message: `model card missing for ${missingCards.join(', ')}`, at: checkedAt },
      };
    }
    return { name: 'models', state: 'up', detail: `${onnx.length} model(s) in ${modelsDir}`, checkedAt };
  };
}
