import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { withoutOrg } from './pool.js';

/**
 * The SECURITY DEFINER lookups of migration 0001_tenancy: the only reads that cross orgs, each from a
 * secret (or an e-mail) to ids, before an org is set. Everything else about the row (password hash,
 * expiry, used or not) is then read inside withOrg.
 */

export async function accountByEmail(pool: pg.Pool, email: string): Promise<{ accountId: string; orgId: string } | null> {
  return withoutOrg(pool, async ({ db }) => {
    const r = await db.execute<{ account_id: string; org_id: string }>(sql`SELECT account_id, org_id FROM hub_account_by_email(${email})`);
    const row = r.rows[0];
    return row ? { accountId: row.account_id, orgId: row.org_id } : null;
  });
}

export async function sessionByTokenHash(
  pool: pg.Pool,
  tokenHash: string,
): Promise<{ sessionId: string; accountId: string; orgId: string } | null> {
  return withoutOrg(pool, async ({ db }) => {
    const r = await db.execute<{ session_id: string; account_id: string; org_id: string }>(
      sql`SELECT session_id, account_id, org_id FROM hub_session_by_token(${tokenHash})`,
    );
    const row = r.rows[0];
    return row ? { sessionId: row.session_id, accountId: row.account_id, orgId: row.org_id } : null;
  });
}

/** Only an active node's credential is found: a revoked one answers null (401). */
export async function nodeByCredentialHash(pool: pg.Pool, credentialHash: string): Promise<{ orgId: string; nodeId: string } | null> {
  return withoutOrg(pool, async ({ db }) => {
    const r = await db.execute<{ org_id: string; node_id: string }>(
      sql`SELECT org_id, node_id FROM hub_node_by_credential(${credentialHash})`,
    );
    const row = r.rows[0];
    return row ? { orgId: row.org_id, nodeId: row.node_id } : null;
  });
}

export async function enrolmentCodeByHash(pool: pg.Pool, codeHash: string): Promise<{ codeId: string; orgId: string } | null> {
  return withoutOrg(pool, async ({ db }) => {
    const r = await db.execute<{ code_id: string; org_id: string }>(sql`SELECT code_id, org_id FROM hub_enrolment_code(${codeHash})`);
    const row = r.rows[0];
    return row ? { codeId: row.code_id, orgId: row.org_id } : null;
  });
}
