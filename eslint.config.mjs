import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      // Tool caches installed by scripts/bootstrap.sh (a Python venv for schemathesis).
      '.cache/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
      'bench-results/',
      'browser/test-results/',
      // The browser-test harness bundle (esbuild output).
      'browser/.build/',
      // Generated from the sidecar's OpenAPI document (scripts/api-types.mjs), checked for staleness instead.
      'src/api/generated/',
    ],
  },
  ...baseConfig,
  {
    // The Node sidecar: same rules as the plugin, its own tsconfig; no React.
    files: ['backend/**/*.ts'],
    languageOptions: { parserOptions: { project: './backend/tsconfig.json' } },
    rules: {
      'react-hooks/rules-of-hooks': 'off',
      'react-hooks/exhaustive-deps': 'off',
      // `import type` beside a value import of the same module is what verbatimModuleSyntax asks for.
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
    },
  },
]);
