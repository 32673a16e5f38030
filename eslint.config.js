import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Which layer may import what (electron included) is checked by dependency-cruiser: .dependency-cruiser.cjs.
  { files: ['**/*.mjs', '**/*.js', '**/*.cjs'], languageOptions: { globals: { module: 'readonly', require: 'readonly', process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly' } } },
  // Playwright fixtures must destructure their (empty) dependencies.
  { files: ['e2e/**/*.ts'], rules: { 'no-empty-pattern': 'off' } },
);
