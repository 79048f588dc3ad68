import base from '../../eslint.config.mjs';
import reactHooks from 'eslint-plugin-react-hooks';

export default [
  ...base,
  { plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },
];
