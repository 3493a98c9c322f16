import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node; browser end-to-end tests drive Debian's Chromium themselves.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['./test/global-tmp.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
