import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';

/**
 * Where the hub's committed migrations live: beside this file from source; in the bundle
 * (dist/host/hub.js, whose import.meta.url is the bundle's) in dist/host/hub-migrations, which
 * scripts/build-host.mjs copies there (dist/host/migrations is the depot's SQLite set).
 */
export function hubMigrationsFolder(): string {
  const fromEnv = process.env.DEPOTDESK_HUB_MIGRATIONS;
  if (fromEnv) return fromEnv;
  const here = path.dirname(fileURLToPath(import.meta.url));
  return process.env.DEPOTDESK_BUNDLE_ENTRY ? path.join(here, 'hub-migrations') : path.join(here, 'migrations');
}

/**
 * Brings the hub's database up to date, connected as the URL's role: the database owner (the tables,
 * policies and lookup functions belong to it; the hub then serves as depotdesk_hub_app). drizzle's
 * migrator applies the pending migrations in one transaction and records them in
 * drizzle.__drizzle_migrations, so a second run is a no-op.
 */
export async function migrateHub(databaseUrl: string, opts: { migrationsFolder?: string } = {}): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: opts.migrationsFolder ?? hubMigrationsFolder() });
  } finally {
    await client.end();
  }
}
