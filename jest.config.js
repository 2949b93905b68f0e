// Four layers, one project each, so a developer can run one: `npm run test:unit` etc.
// middy ships ESM only; ts-jest transpiles it (and our TypeScript) to CommonJS for jest's runtime.
const transform = {
  '^.+\\.(t|j)sx?$': [
    'ts-jest',
    {
      tsconfig: { module: 'commonjs', moduleResolution: 'node10', allowJs: true, isolatedModules: true },
      diagnostics: false,
    },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!(@middy)/)'];
const moduleNameMapper = { '^@middy/(.*)$': '<rootDir>/node_modules/@middy/$1/index.js' };
const common = { transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node', clearMocks: true };

/** @type {import('jest').Config} */
module.exports = {
  // Tests await real emulators; on a loaded 2-core CI machine jest's 5 s default failed tests that were only slow.
  // A bound on waiting, never a timed assertion (performance is measured by `npm run bench`). Global, not per project.
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/tests/infra/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      // Every answer of the API a test sees is checked against the OpenAPI document.
      setupFilesAfterEnv: ['<rootDir>/tests/support/contract/contract-hook.ts'],
      globalSetup: '<rootDir>/tests/integration/global-setup.ts',
      globalTeardown: '<rootDir>/tests/integration/global-teardown.ts',
    },
    // The portal web app in Debian's Chromium. Same global setup as integration: jest runs a setup file once per
    // run, so `npm test` starts one stack for both layers, and `npm run test:e2e` one of its own.
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/support/contract/contract-hook.ts'],
      globalSetup: '<rootDir>/tests/integration/global-setup.ts',
      globalTeardown: '<rootDir>/tests/integration/global-teardown.ts',
    },
  ],
};
