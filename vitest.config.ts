import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.js'],
    environment: 'node',
    globalSetup: ['./vitest.tmpdir.ts'],
    // The mesh's data-plane threads run from source through tsx, whose cache would outlive the run's temp dir.
    env: { TSX_DISABLE_CACHE: '1' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
