/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }],
    // openapi-backend's ref parser ships as ESM only; jest runs CommonJS, so it is transpiled.
    '^.+/json-schema-ref-parser/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!\\.pnpm/@apidevtools\\+json-schema-ref-parser)(?!@apidevtools/json-schema-ref-parser)',
  ],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
};
