import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray, isNull, max, ne } from 'drizzle-orm';
import type pg from 'pg';
import { ConflictError, NotFoundError } from '../../errors.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../auth/passwords.js';
import { accountByEmail } from '../db/lookups.js';
import { withOrg, type HubTx } from '../db/pool.js';
import { hubAccounts, hubOrgs, hubSessions, orgVersions } from '../db/schema.js';
import type { HubConfig } from '../deps.js';
import { newSecret, sha256 } from '../secrets.js';
import type { AccountView, CreateAccountRequest, CreateOrgInput, UpdateAccountRequest } from './contract.js';

export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return slug || 'org';
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = (err as { cause?: unknown }).cause ?? err;
  return (e as { code?: string }).code === '23505' && String((e as { constraint?: string }).constraint ?? '').includes(constraint);
}

/**
 * An operator creates an org and its first hub admin (cli.ts `create-org`). Runs as the app role in
 * the new org, like everything else: the policies check the rows it writes. Its version counter row
 * is created here, so a push can lock it from the first batch.
 */
export async function createOrg(
  pool: pg.Pool,
  now: number,
  input: CreateOrgInput,
): Promise<{ orgId: string; accountId: string; slug: string }> {
  const orgId = randomUUID();
  const accountId = randomUUID();
  const slug = input.slug ?? slugOf(input.name);
  const passwordHash = await hashPassword(input.adminPassword);
  try {
    await withOrg(pool, orgId, async ({ db }) => {
      await db.insert(hubOrgs).values({ id: orgId, name: input.name, slug, createdAt: now });
      await db.insert(orgVersions).values({ orgId, version: 0 });
      await db.insert(hubAccounts).values({
        id: accountId,
        orgId,
        email: input.adminEmail.trim(),
        name: input.adminName,
        role: 'admin',
        passwordHash,
        createdAt: now,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err, 'slug'))
      throw new ConflictError('slug_taken', `An org with the slug "${slug}" exists already: choose another with --slug.`);
    if (isUniqueViolation(err, 'email'))
      throw new ConflictError('email_taken', `${input.adminEmail} has a hub account already (e-mails are unique on a hub).`);
    throw err;
  }
  return { orgId, accountId, slug };
}

/**
 * Hub account sign-in. The e-mail finds the org (a SECURITY DEFINER lookup, ids only); the password
 * is checked inside that org. An unknown e-mail spends the same scrypt time as a wrong password.
 */
export async function login(
  pool: pg.Pool,
  config: HubConfig,
  now: number,
  email: string,
  password: string,
): Promise<{ token: string; expiresAt: number; orgId: string; accountId: string; role: 'admin' | 'manager' } | null> {
  const found = await accountByEmail(pool, email);
  if (!found) {
    await verifyPassword(password, DUMMY_HASH);
    return null;
  }
  const account = await withOrg(pool, found.orgId, async ({ db }) => {
    const [row] = await db
      .select({ passwordHash: hubAccounts.passwordHash, role: hubAccounts.role })
      .from(hubAccounts)
      .where(and(eq(hubAccounts.id, found.accountId), eq(hubAccounts.active, true)));
    return row;
  });
  if (!account || !(await verifyPassword(password, account.passwordHash))) return null;
  const token = newSecret('hubs_');
  const expiresAt = now + config.sessionTtlMs;
  await withOrg(pool, found.orgId, ({ db }) =>
    db
      .insert(hubSessions)
      .values({ id: randomUUID(), orgId: found.orgId, accountId: found.accountId, tokenHash: sha256(token), createdAt: now, expiresAt }),
  );
  return { token, expiresAt, orgId: found.orgId, accountId: found.accountId, role: account.role };
}

/** The signed-in account and its org, for GET /auth/me. */
export async function me(pool: pg.Pool, auth: { orgId: string; accountId: string; sessionId: string }) {
  return withOrg(pool, auth.orgId, async ({ db }) => {
    const [row] = await db
      .select({
        email: hubAccounts.email,
        name: hubAccounts.name,
        role: hubAccounts.role,
        orgName: hubOrgs.name,
        slug: hubOrgs.slug,
        expiresAt: hubSessions.expiresAt,
      })
      .from(hubAccounts)
      .innerJoin(hubOrgs, eq(hubOrgs.id, hubAccounts.orgId))
      .innerJoin(hubSessions, eq(hubSessions.id, auth.sessionId))
      .where(eq(hubAccounts.id, auth.accountId));
    if (!row) throw new NotFoundError('account');
    return {
      accountId: auth.accountId,
      email: row.email,
      name: row.name,
      role: row.role,
      org: { id: auth.orgId, name: row.orgName, slug: row.slug },
      expiresAt: new Date(row.expiresAt).toISOString(),
    };
  });
}

/** Ends this session (sign-out): the token is refused from now on. */
export async function logout(pool: pg.Pool, now: number, auth: { orgId: string; sessionId: string }): Promise<void> {
  await withOrg(pool, auth.orgId, ({ db }) =>
    db
      .update(hubSessions)
      .set({ revokedAt: now })
      .where(and(eq(hubSessions.id, auth.sessionId), isNull(hubSessions.revokedAt))),
  );
}

const VIEW = {
  id: hubAccounts.id,
  email: hubAccounts.email,
  name: hubAccounts.name,
  role: hubAccounts.role,
  active: hubAccounts.active,
  createdAt: hubAccounts.createdAt,
};

async function lastSignIns(db: HubTx['db'], ids?: string[]): Promise<Map<string, number>> {
  const rows = await db
    .select({ accountId: hubSessions.accountId, at: max(hubSessions.createdAt) })
    .from(hubSessions)
    .where(ids ? inArray(hubSessions.accountId, ids) : undefined)
    .groupBy(hubSessions.accountId);
  return new Map(rows.filter((r) => r.at !== null).map((r) => [r.accountId, Number(r.at)]));
}

type Row = { id: string; email: string; name: string; role: 'admin' | 'manager'; active: boolean; createdAt: number };
const view = (r: Row, last: Map<string, number>): AccountView => ({
  ...r,
  createdAt: new Date(r.createdAt).toISOString(),
  lastSignInAt: last.has(r.id) ? new Date(last.get(r.id)!).toISOString() : null,
});

export async function listAccounts(pool: pg.Pool, orgId: string): Promise<AccountView[]> {
  return withOrg(pool, orgId, async ({ db }) => {
    const rows = await db.select(VIEW).from(hubAccounts).orderBy(asc(hubAccounts.email));
    const last = await lastSignIns(db);
    return rows.map((r) => view(r, last));
  });
}

export async function createAccount(pool: pg.Pool, orgId: string, now: number, input: CreateAccountRequest): Promise<AccountView> {
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  try {
    return await withOrg(pool, orgId, async ({ db }) => {
      const [row] = await db
        .insert(hubAccounts)
        .values({ id, orgId, email: input.email.trim(), name: input.name, role: input.role, passwordHash, createdAt: now })
        .returning(VIEW);
      return view(row!, new Map());
    });
  } catch (err) {
    if (isUniqueViolation(err, 'email'))
      throw new ConflictError('email_taken', `${input.email} has a hub account already (e-mails are unique on a hub).`);
    throw err;
  }
}

/**
 * An admin changes an account of their org. The last active admin cannot be demoted or disabled (the
 * org would have nobody to administer it); disabling, demoting or a new password ends the account's
 * sessions, so a removed manager is out at once rather than when the token expires.
 */
export async function updateAccount(
  pool: pg.Pool,
  orgId: string,
  now: number,
  id: string,
  input: UpdateAccountRequest,
): Promise<AccountView> {
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return withOrg(pool, orgId, async ({ db, client }) => {
    // Serialises admin changes within the org, so two admins demoting each other cannot both succeed.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hub-accounts:${orgId}`]);
    const [current] = await db.select(VIEW).from(hubAccounts).where(eq(hubAccounts.id, id));
    if (!current) throw new NotFoundError('account');
    const losesAdmin = current.role === 'admin' && current.active && (input.role === 'manager' || input.active === false);
    if (losesAdmin) {
      const [{ n } = { n: 0 }] = await db
        .select({ n: count() })
        .from(hubAccounts)
        .where(and(eq(hubAccounts.role, 'admin'), eq(hubAccounts.active, true), ne(hubAccounts.id, id)));
      if (n === 0)
        throw new ConflictError('last_admin', 'This is the last active admin of the organization: make another account an admin first.');
    }
    const [row] = await db
      .update(hubAccounts)
      .set({
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.role === undefined ? {} : { role: input.role }),
        ...(input.active === undefined ? {} : { active: input.active }),
        ...(passwordHash === undefined ? {} : { passwordHash }),
      })
      .where(eq(hubAccounts.id, id))
      .returning(VIEW);
    if (input.active === false || passwordHash !== undefined || (input.role !== undefined && input.role !== current.role)) {
      await db
        .update(hubSessions)
        .set({ revokedAt: now })
        .where(and(eq(hubSessions.accountId, id), isNull(hubSessions.revokedAt)));
    }
    return view(row!, await lastSignIns(db, [id]));
  });
}

export async function renameOrg(pool: pg.Pool, orgId: string, name: string): Promise<void> {
  await withOrg(pool, orgId, ({ db }) => db.update(hubOrgs).set({ name }).where(eq(hubOrgs.id, orgId)));
}
