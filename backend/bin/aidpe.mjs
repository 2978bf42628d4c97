#!/usr/bin/env node
// Entry point of the `aidpe` CLI. Runs the TypeScript sources through tsx so a fresh clone needs no build step.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(
    `aidpe needs Node.js 22 or newer; this is ${process.version}.\n` +
      'Run it through npm from the repository (npx aidpe ..., npm run demo) after `npm ci`: the project ships Node 22 as a dev dependency and npm puts it first on PATH.'
  );
  process.exit(1);
}
// node:sqlite (the default store) is stable in use here but still flagged experimental by Node 22: keep that
// one notice off the console so a clean start prints only what the user asked for. Other warnings still show.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  const text = typeof warning === 'string' ? warning : warning?.message;
  if ((type === 'ExperimentalWarning' || warning?.name === 'ExperimentalWarning') && /SQLite/.test(text ?? '')) {
    return;
  }
  return emitWarning(warning, ...rest);
};
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
