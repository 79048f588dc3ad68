// Unit tests of the console's pure helpers (src/**/*.spec.ts) and the browser tests
// (test/**/*.e2e-spec.ts: each file starts the product — sandbox, API, console — and drives Chromium).
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
  moduleNameMapper: {
    '^@sms-seq/engine$': '<rootDir>/../../packages/engine/src/index.ts',
    // The engine's own test data builders (aTool().withStep(…)), for the unit tests.
    '^@sms-seq/engine/testing$': '<rootDir>/../../packages/engine/src/testing/builders.ts',
  },
  testTimeout: 180_000,
};
