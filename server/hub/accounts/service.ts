import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type pg from 'pg';
import { ConflictError } from '../../errors.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../auth/passwords.js';
import { accountByEmail } from '../db/lookups.js';
import { withOrg } from '../db/pool.js';
import { hubAccounts, hubOrgs, hubSessions, orgVersions } from '../db/schema.js';
import type { HubConfig } from '../deps.js';
import { newSecret, sha256 } from '../secrets.js';
import type { CreateOrgInput } from './contract.js';

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
