import base, {
  INTO_ANOTHER_PACKAGE,
  NO_SANDBOX,
  PACKAGE_INTERNALS,
  SPECS,
  TEST_CODE,
  restrict,
} from '../../eslint.config.mjs';
import reactHooks from 'eslint-plugin-react-hooks';

// The console knows the API only by its generated types (src/api/api.types.ts), never its code.
const NO_API_CODE = {
  group: ['@sms-seq/api', '@sms-seq/api/**'],
  message: 'The console uses the API over HTTP, typed by src/api/api.types.ts (generated).',
};

export default [
  ...base,
  { plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: SPECS,
    rules: {
      'no-restricted-imports': restrict(
        PACKAGE_INTERNALS,
        INTO_ANOTHER_PACKAGE,
        TEST_CODE,
        NO_SANDBOX,
        NO_API_CODE,
      ),
    },
  },
];
