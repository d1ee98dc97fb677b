import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { HUB_APP_ROLE } from './pool.js';

/**
 * The login the hub serves through (docs/sync.md, Tenancy). It owns nothing and inherits nothing: its
 * only power is SET ROLE to depotdesk_hub_app, which each transaction does (pool.ts). So a statement
 * that got past the app and ran RESET ROLE would hold no privilege at all, where a pool connected as
 * the owner would be back to the owner, able to switch the policies off.
 */

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
export const DEFAULT_APP_LOGIN = 'depotdesk_hub_web';

/** Creates (or re-passwords) the app login as the database owner; returns the URL the hub serves with. */
export async function createAppLogin(ownerUrl: string, opts: { name?: string; password?: string } = {}): Promise<string> {
  const name = opts.name ?? DEFAULT_APP_LOGIN;
  if (!ROLE_NAME.test(name)) throw new Error(`"${name}" is not a plain role name (a-z, 0-9, _).`);
  const password = opts.password ?? randomBytes(24).toString('base64url');
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = client.escapeIdentifier(name);
    const literal = client.escapeLiteral(password);
    // Roles are cluster-wide and may be made concurrently (tests, two hubs): create, or else update.
    await client.query(`DO $$
      BEGIN
        CREATE ROLE ${role} LOGIN NOINHERIT PASSWORD ${literal};
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        ALTER ROLE ${role} LOGIN NOINHERIT PASSWORD ${literal};
      END $$`);
    await client.query(`GRANT ${client.escapeIdentifier(HUB_APP_ROLE)} TO ${role}`).catch((err: { code?: string }) => {
      // A concurrent identical GRANT races on pg_auth_members; it is granted either way.
      if (err.code !== '23505' && err.code !== 'XX000') throw err;
    });
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = name;
  url.password = password;
  return url.toString();
}

/**
 * Refuses to serve through a login that could undo tenancy: a superuser, a BYPASSRLS role, one that
 * owns a table of this database, or one without the app role.
 */
export async function checkAppLogin(pool: pg.Pool): Promise<void> {
  const res = await pool.query<{ login: string; super: boolean; bypass: boolean; owns: number; member: boolean }>(
    `SELECT r.rolname AS login, r.rolsuper AS super, r.rolbypassrls AS bypass,
            (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owns,
            pg_has_role(r.oid, $1, 'MEMBER') AS member
       FROM pg_roles r WHERE r.rolname = current_user`,
    [HUB_APP_ROLE],
  );
  const r = res.rows[0];
  if (!r) throw new Error('The hub cannot see its own login role.');
  const why = [
    r.super && 'is a superuser',
    r.bypass && 'bypasses row-level security',
    r.owns > 0 && `owns ${r.owns} relation(s)`,
    !r.member && `is not a member of ${HUB_APP_ROLE}`,
  ].filter(Boolean);
  if (why.length)
    throw new Error(
      `The hub will not serve as ${r.login}: it ${why.join(', ')}. Make a login with \`npm run hub -- create-login --database-url <owner URL>\` and pass its URL as --app-database-url.`,
    );
}
