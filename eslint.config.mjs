// ESLint's flat config: the recommended JavaScript and typescript-eslint rules over every source
// file, with the globals of the runtime each folder runs in (the webview runs in a browser,
// everything else in Node). Formatting is Prettier's job (`npm run format`), not ESLint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/', 'out/', 'node_modules/', '.code-server/', '.test-artifacts/', '.vscode-test/', '.rnn/', 'media/', 'test/fixtures/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // `_name` marks a parameter a signature needs but the body does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The CLI's launcher is a CommonJS file that loads the bundle.
    files: ['bin/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['webview-ui/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
);
