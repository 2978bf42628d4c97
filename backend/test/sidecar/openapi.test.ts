/** The plugin's copy of the OpenAPI document (`src/api/openapi.json`) is the one the routes produce now. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument, stableJson } from '../../src/openapiSpec.ts';

test('src/api/openapi.json is current (refresh it with `npm run openapi -w backend`)', async () => {
  const committed = readFileSync(fileURLToPath(new URL('../../../src/api/openapi.json', import.meta.url)), 'utf8');
  const current = stableJson(await openApiDocument());
  if (committed !== current) {
    const paths = (t: string) => Object.keys((JSON.parse(t) as { paths: object }).paths).sort();
    assert.deepEqual(paths(committed), paths(current), 'paths differ');
    assert.fail('the schemas differ: run `npm run openapi -w backend` and commit src/api/openapi.json');
  }
});
