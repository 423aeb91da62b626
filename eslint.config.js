import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import boundaries from './eslint-rules/boundaries.js';

// Globals a pure verifier must never touch: time, randomness, I/O, the environment.
const IMPURE_GLOBALS = [
  'process',
  'fetch',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'performance',
  'crypto',
  'console',
  'require',
  'Buffer',
  'localStorage',
  'window',
  'document',
  'XMLHttpRequest',
  'WebSocket',
].map((name) => ({ name, message: 'verifier/ is pure: pass this in as an argument instead.' }));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test/vectors/**', '.data/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { proofroom: { rules: { boundaries } } },
    rules: {
      'proofroom/boundaries': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment only in a config.ts module.',
        },
      ],
    },
  },
  {
    files: ['**/config.ts', 'test/**', 'bench/**', 'eslint-rules/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests mutate JSON fixtures field by field; typing every path would only restate the JSON.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['verifier/**/*.ts'],
    ignores: ['verifier/node/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': ['error', ...IMPURE_GLOBALS],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date']",
          message: 'verifier/ is pure: take the time as an argument.',
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'verifier/ is pure: take the time as an argument.',
        },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'verifier/ is pure: take randomness as an argument.',
        },
      ],
    },
  }
);
