import type { TestProject } from 'vitest/node';
import { startLocalCluster, type LocalCluster } from '../hub/local-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's throwaway PostgreSQL cluster (server/testing/pg.ts makes a database per file). */
    pgUrl: string;
  }
}

let cluster: LocalCluster | undefined;

/**
 * One throwaway PostgreSQL cluster per test run (6–9 s to initdb here), shared by every file that
 * needs one; each file makes its own database in it. DEPOTDESK_TEST_PG_URL points the tests at a
 * cluster someone already runs instead.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env.DEPOTDESK_TEST_PG_URL;
  if (given) {
    project.provide('pgUrl', given);
    return () => {};
  }
  cluster = await startLocalCluster();
  project.provide('pgUrl', cluster.url);
  return () => cluster?.stop();
}
