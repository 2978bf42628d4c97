import { readFileSync } from 'node:fs';

/** The sidecar package version, read once so every answer and the OpenAPI page agree. */
export const SIDECAR_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
