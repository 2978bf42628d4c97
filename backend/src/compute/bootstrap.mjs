// A worker thread's entry: registers tsx (the sidecar runs its TypeScript sources without a build step), then
// loads the task runner. Plain JavaScript so the worker can start before TypeScript can be loaded.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
