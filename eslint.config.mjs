// Shared lint rules for every workspace package; each package's own config re-exports this (the
// API adds its folder boundaries: apps/api/eslint.config.mjs). docs/architecture.md explains them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Workspace packages are used through their entry points, never by path into their build or source. */
export const PACKAGE_INTERNALS = {
  group: ['@sms-seq/*/dist', '@sms-seq/*/dist/**', '@sms-seq/*/src', '@sms-seq/*/src/**'],
  message: 'Import the package by its name (its entry point or a declared export), not its files.',
};
export const INTO_ANOTHER_PACKAGE = {
  regex: '^(\\.\\./)+(apps|packages)/',
  message: 'Do not reach into another package by a relative path: depend on it by its name.',
};
export const TEST_CODE = {
  regex: '(^|/)(test|testing)(/|$)',
  message: 'Production code does not import test code (harnesses live in test/support).',
};
export const NO_SANDBOX = {
  group: ['@sms-seq/sandbox', '@sms-seq/sandbox/**'],
  message: 'Only tests and the start script use the sandbox; production code never does.',
};
export const restrict = (...patterns) => ['error', { patterns }];
export const SPECS = ['**/*.spec.ts', '**/*.spec.tsx', '**/*.e2e-spec.ts', '**/test/**'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // Boundaries between packages (bench/ is outside every package and measures them from outside).
  {
    files: ['apps/**/*.{ts,tsx}', 'packages/**/*.{ts,tsx}', 'src/**/*.{ts,tsx}', 'test/**/*.ts'],
    ignores: SPECS,
    rules: {
      'no-restricted-imports': restrict(
        PACKAGE_INTERNALS,
        INTO_ANOTHER_PACKAGE,
        TEST_CODE,
        NO_SANDBOX,
      ),
    },
  },
  { files: SPECS, rules: { 'no-restricted-imports': restrict(PACKAGE_INTERNALS) } },
  // Benchmarks print their results.
  { files: ['bench/**/*.ts'], rules: { 'no-console': 'off' } },
);
