// Two Jest projects in one run:
//  - unit: pure logic next to the code (libs/**, apps/**), no broker, no database;
//  - integration: test/**, against the real Kafka broker and PostgreSQL that
//    test/global-setup.js starts (or reuses). Jest runs a project's globalSetup only
//    when one of its tests is selected, so `npx jest libs/ledger` needs no broker.
// swc transpiles TypeScript, and jose's ESM-only build, to CommonJS.
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', require('./swc-jest.json')] };
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  moduleNameMapper: { '^@liaison/([a-z-]+)$': '<rootDir>/libs/$1/src' },
};
module.exports = {
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      setupFilesAfterEnv: ['<rootDir>/test/setup-integration.js'],
      // fault-infra stops and restarts the shared broker and PostgreSQL, fault-cluster runs a
      // three-broker cluster of its own: test/run.sh runs each alone, after the rest.
      testPathIgnorePatterns: [
        ...(process.env.LIAISON_FAULT_INFRA === '1' ? [] : ['/test/e2e/fault-infra\\.spec\\.ts$']),
        ...(process.env.LIAISON_FAULT_CLUSTER === '1' ? [] : ['/test/e2e/fault-cluster\\.spec\\.ts$']),
      ],
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.js',
      globalTeardown: '<rootDir>/test/global-teardown.js',
    },
  ],
};
