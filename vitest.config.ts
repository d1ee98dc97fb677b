import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'server/**/*.test.ts',
      'db/**/*.test.ts',
      'scripts/**/*.test.ts',
      'main/**/*.test.ts',
      'preload/**/*.test.ts',
      // Pure renderer logic (no DOM) runs under Node too; components are covered end to end.
      'renderer/**/*.test.ts',
      'e2e/**/*.e2e.test.ts',
    ],
    // Builds the host bundle and the console once, so end-to-end tests run what users run; starts
    // one throwaway PostgreSQL cluster for the hub's tests.
    globalSetup: ['e2e/global-setup.ts', 'server/testing/pg-global-setup.ts'],
    // Every in-process host counts its writes against the change log; a write that escaped it fails the test (issue 13).
    setupFiles: ['server/testing/census-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
  },
});
