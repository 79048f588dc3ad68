/** Browser tests: each file starts the product (sandbox, API, console) and drives Chromium. */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
  moduleNameMapper: { '^@sms-seq/engine$': '<rootDir>/../../packages/engine/src/index.ts' },
  testTimeout: 180_000,
};
