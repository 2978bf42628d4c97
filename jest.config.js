// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const baseConfig = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

// Extra ESM-only packages to let through `transformIgnorePatterns`, on top of the scaffold's list of
// known @grafana/* ESM-only dependencies. Add package names here when jest reports
// `SyntaxError: Cannot use import statement outside a module` / `Unexpected token 'export'`.
const extraESModules = [];

// The scaffolded transform only matches .ts/.tsx/.js/.jsx; several ESM-only deps ship `.mjs` entry points.
const [[baseTransformKey, baseTransformValue]] = Object.entries(baseConfig.transform);

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...baseConfig,
  // Only crawl the frontend sources; `backend/` (the Node sidecar) has its own test runner.
  roots: ['<rootDir>/src'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/backend/', '<rootDir>/tests/', '<rootDir>/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/backend/', '<rootDir>/dist/'],
  transform: {
    [baseTransformKey]: baseTransformValue,
    '^.+\\.mjs$': baseTransformValue,
  },
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, ...extraESModules])],
  // Component tests render @grafana/ui trees; on a loaded 2-core CI machine some take longer than jest's 5 s.
  testTimeout: 20000,
};
