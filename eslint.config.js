import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Only these files may import Electron; the engine must run in plain Node. */
const ELECTRON_FILES = ['src/electron/**/*.ts', 'src/preload/index.ts'];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only the Electron shell (src/electron/) and src/preload/index.ts may import electron.' }],
          patterns: [{ group: ['electron/*'], message: 'Only the Electron shell files may import electron.' }],
        },
      ],
    },
  },
  { files: ELECTRON_FILES, rules: { 'no-restricted-imports': 'off' } },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly' } } },
  // Playwright fixtures must destructure their (empty) dependencies.
  { files: ['e2e/**/*.ts'], rules: { 'no-empty-pattern': 'off' } },
);
