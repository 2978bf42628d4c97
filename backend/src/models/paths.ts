/** Where the shipped models live: the repository's models/ folder (overridable with `modelsDir`). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultModelsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models');
}
