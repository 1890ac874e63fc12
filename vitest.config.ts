import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The crash and benchmark-like tests spawn child processes; two cores, so keep workers modest.
    maxWorkers: 2,
    // One throwaway PostgreSQL for the run (or TEST_DATABASE_URL); each PG test file makes its own database.
    globalSetup: ['test/pg/global-setup.ts'],
  },
});
