import pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';

/** The role the hub serves as (migration 0001_tenancy): owns no table, so row-level security binds it. */
export const HUB_APP_ROLE = 'depotdesk_hub_app';

/** A drizzle handle on one transaction's client. */
export type HubDb = NodePgDatabase;

export interface HubTx {
  db: HubDb;
  /** The same transaction's raw client, for set-based statements drizzle does not build (sync push). */
  client: pg.PoolClient;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createHubPool(databaseUrl: string, opts: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10 });
  // An idle client's socket error would otherwise be an uncaught 'error' event and end the process;
  // the pool drops that client and the next checkout opens a new one.
  pool.on('error', () => {});
  return pool;
}

async function inTransaction<T>(pool: pg.Pool, orgId: string | null, fn: (tx: HubTx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    // set_config(..., true) is SET LOCAL: both end with the transaction, so a pooled connection never
    // carries a role or an org into the next checkout. The role first: from here on every statement,
    // fn's included, is bound by the policies (the connecting owner is too, FORCE, unless superuser).
    await client.query("SELECT set_config('role', $1, true), set_config('app.org_id', $2, true)", [HUB_APP_ROLE, orgId ?? '']);
    const result = await fn({ db: drizzle(client), client });
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      // The connection itself failed: do not hand it back to the pool.
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Runs `fn` in one transaction as the app role with `app.org_id` set to `orgId`: every table then
 * shows and accepts only that org's rows (docs/sync.md, Tenancy). Commits when fn resolves, rolls
 * back when it throws. The org must come from a credential or a session, never from a body.
 */
export function withOrg<T>(pool: pg.Pool, orgId: string, fn: (tx: HubTx) => Promise<T>): Promise<T> {
  if (!UUID.test(orgId)) return Promise.reject(new Error(`withOrg: "${orgId}" is not an org id`));
  return inTransaction(pool, orgId, fn);
}

/**
 * A transaction as the app role with no org: every table reads empty. For the SECURITY DEFINER
 * lookups that find an org from a secret (lookups.ts) before withOrg can be used.
 */
export function withoutOrg<T>(pool: pg.Pool, fn: (tx: HubTx) => Promise<T>): Promise<T> {
  return inTransaction(pool, null, fn);
}

/** `SELECT 1` as the app role: the pool reaches the database and the role exists. */
export async function pingHub(pool: pg.Pool): Promise<boolean> {
  return withoutOrg(pool, async ({ db }) => {
    const r = await db.execute<{ ok: number }>(sql`SELECT 1 AS ok`);
    return r.rows[0]?.ok === 1;
  });
}
