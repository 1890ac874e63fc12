import type { TestProject } from 'vitest/node';
import { startThrowawayCluster } from './throwaway-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL superuser URL for this run: TEST_DATABASE_URL, or a throwaway cluster's. */
    pgAdminUrl: string;
  }
}

/**
 * vitest globalSetup: one PostgreSQL for the whole run. TEST_DATABASE_URL (a superuser's URL)
 * is used as it is; unset, a throwaway cluster is started here and stopped at teardown. Each test
 * file then makes its own database in it (fresh-database.ts), so files run in parallel.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['TEST_DATABASE_URL'];
  if (given !== undefined && given !== '') {
    project.provide('pgAdminUrl', given);
    return async () => {};
  }
  const started = Date.now();
  const cluster = await startThrowawayCluster();
  if (process.env['PG_SETUP_TIMING'] === '1') console.log(`throwaway PostgreSQL up in ${Date.now() - started} ms at ${cluster.url}`);
  project.provide('pgAdminUrl', cluster.url);
  return () => cluster.stop();
}
