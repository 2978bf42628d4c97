#!/usr/bin/env node
/**
 * The plugin's API types, generated from the sidecar's OpenAPI document (`src/api/openapi.json`, which
 * `npm run openapi -w backend` rewrites) with openapi-typescript and formatted with the repository's Prettier
 * settings, so the output is the same on every machine.
 *
 *   node scripts/api-types.mjs           write src/api/generated/sidecar.ts
 *   node scripts/api-types.mjs --check   exit 1 when the committed file differs from what the document gives
 *
 * `npm run test:frontend` runs the check first: a sidecar change that alters the contract fails the plugin's
 * tests until the types are regenerated (and the code that uses them still typechecks).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, 'src/api/openapi.json');
const out = resolve(root, 'src/api/generated/sidecar.ts');
const check = process.argv.includes('--check');

const BANNER = `/**
 * Generated from src/api/openapi.json by scripts/api-types.mjs (openapi-typescript): do not edit by hand.
 * Regenerate with \`npm run api:types\` after \`npm run openapi -w backend\`.
 */
`;

const ast = await openapiTS(pathToFileURL(spec), { alphabetize: true, silent: true });
const options = { ...(await prettier.resolveConfig(out)), filepath: out };
const generated = await prettier.format(BANNER + astToString(ast), options);

if (check) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    /* missing: stale */
  }
  if (current !== generated) {
    process.stderr.write(
      `${relative(root, out)} is stale: it does not match ${relative(root, spec)}. Run \`npm run api:types\` and commit the result.\n`
    );
    process.exit(1);
  }
  process.stdout.write(`${relative(root, out)} matches ${relative(root, spec)}\n`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, generated);
  process.stdout.write(`wrote ${relative(root, out)}\n`);
}
