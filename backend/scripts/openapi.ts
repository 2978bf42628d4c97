/** Writes the sidecar's OpenAPI document (default `../src/api/openapi.json`, the plugin's copy). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocument, stableJson } from '../src/openapiSpec.ts';

const out = resolve(process.argv[2] ?? '../src/api/openapi.json');
writeFileSync(out, stableJson(await openApiDocument()));
process.stdout.write(`wrote ${out}\n`);
