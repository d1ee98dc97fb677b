import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  /** Superuser URL of this file's own database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Replaces the database part of a PostgreSQL URL. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, empty database on the run's cluster (server/testing/pg-global-setup.ts), dropped by
 * `drop()`. Its URL connects as the superuser, which bypasses row-level security: a test of
 * tenancy must connect as the hub's own role, the way the hub does.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = inject('pgUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return {
    url: withDatabase(admin, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
