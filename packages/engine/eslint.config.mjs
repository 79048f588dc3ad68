import base, {
  INTO_ANOTHER_PACKAGE,
  PACKAGE_INTERNALS,
  SPECS,
  TEST_CODE,
  restrict,
} from '../../eslint.config.mjs';

// The engine is the functional core: no I/O and no other workspace package (they depend on it).
const PURE = { group: ['@sms-seq/*'], message: 'The engine imports no workspace package.' };

export default [
  ...base,
  {
    files: ['src/**/*.ts'],
    ignores: SPECS.filter((g) => g !== '**/test/**'),
    rules: {
      'no-restricted-imports': restrict(PACKAGE_INTERNALS, INTO_ANOTHER_PACKAGE, TEST_CODE, PURE),
    },
  },
];
