import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import { AppError, ConflictError } from '../../errors.js';
import { SYNC_SCHEMA_EPOCH, type EnrolAnswer, type EnrolRequest } from '../../sync/contract-protocol.js';
import { accountByEmail, enrolmentCodeByHash } from '../db/lookups.js';
import { withOrg } from '../db/pool.js';
import { enrolmentCodes, hubAccounts, hubOrgs, nodes, orgVersions } from '../db/schema.js';
import type { AccountAuth } from '../http/auth.js';
import { newEnrolmentCode, newSecret, normaliseCode, sha256 } from '../secrets.js';

/** A hub admin issues a one-use code for their own org (the org of their session, nothing else). */
export async function issueEnrolmentCode(
  pool: pg.Pool,
  admin: Pick<AccountAuth, 'orgId' | 'accountId'>,
  now: number,
  ttlMs: number,
): Promise<{ code: string; expiresAt: number }> {
  const code = newEnrolmentCode();
  const expiresAt = now + ttlMs;
  await withOrg(pool, admin.orgId, ({ db }) =>
    db.insert(enrolmentCodes).values({
      id: randomUUID(),
      orgId: admin.orgId,
      codeHash: sha256(normaliseCode(code)),
      createdBy: admin.accountId,
      createdAt: now,
      expiresAt,
    }),
  );
  return { code, expiresAt };
}

/**
 * `npm run hub -- issue-code --admin-email …`: codes issued on the hub's own machine, for a hub with
 * no console yet. The e-mail must name an active admin account; the codes are theirs, as if issued
 * through the API with their session.
 */
export async function issueCodesAsAdmin(pool: pg.Pool, email: string, count: number, now: number, ttlMs: number) {
  const account = await accountByEmail(pool, email);
  const role = account
    ? await withOrg(pool, account.orgId, async ({ db }) => {
        const [row] = await db.select({ role: hubAccounts.role }).from(hubAccounts).where(eq(hubAccounts.id, account.accountId));
        return row?.role ?? null;
      })
    : null;
  if (!account || role !== 'admin') throw new AppError(403, 'not_an_admin', `${email} is not a hub admin account.`);
  const codes: { code: string; expiresAt: number }[] = [];
  for (let i = 0; i < count; i++) codes.push(await issueEnrolmentCode(pool, account, now, ttlMs));
  return codes;
}

const refused = (code: string, message: string) => new AppError(401, code, message);

/**
 * A depot enrols with a code (docs/sync.md, Identity and enrolment). The code alone picks the org:
 * the body's `orgId` is only the depot's claim, which binds an unbound org's replica org id or must
 * equal a bound one. One transaction: the code is locked, checked and spent, the node's credential
 * written (a re-enrolment replaces the old one, which then stops working), or nothing happens.
 */
export async function enrol(pool: pg.Pool, now: number, req: EnrolRequest): Promise<EnrolAnswer> {
  const found = await enrolmentCodeByHash(pool, sha256(normaliseCode(req.code)));
  if (!found)
    throw refused('enrolment_code_invalid', 'This enrolment code is not one the hub issued. Check it, or ask a hub admin for a new one.');
  if (req.schema !== SYNC_SCHEMA_EPOCH) {
    throw new AppError(
      410,
      'schema_incompatible',
      `This depot speaks sync schema ${req.schema}; the hub speaks ${SYNC_SCHEMA_EPOCH}. Update the older of the two first.`,
      [],
      {
        hubSchema: SYNC_SCHEMA_EPOCH,
      },
    );
  }
  const credential = newSecret('hubn_');
  try {
    return await withOrg(pool, found.orgId, async ({ db }) => {
      const [code] = await db.select().from(enrolmentCodes).where(eq(enrolmentCodes.id, found.codeId)).for('update');
      if (!code) throw refused('enrolment_code_invalid', 'This enrolment code is not one the hub issued.');
      if (code.usedAt !== null)
        throw refused(
          'enrolment_code_used',
          'This enrolment code was used already (codes are good for one enrolment). Ask a hub admin for a new one.',
        );
      if (code.expiresAt <= now)
        throw refused('enrolment_code_expired', 'This enrolment code has expired (codes last 24 hours). Ask a hub admin for a new one.');
      const [org] = await db.select().from(hubOrgs).where(eq(hubOrgs.id, found.orgId)).for('update');
      if (!org) throw refused('enrolment_code_invalid', 'This enrolment code is not one the hub issued.');
      let replicaOrgId = org.replicaOrgId;
      if (replicaOrgId === null) {
        replicaOrgId = req.orgId;
        await db.update(hubOrgs).set({ replicaOrgId }).where(eq(hubOrgs.id, org.id));
      } else if (replicaOrgId !== req.orgId && !req.join) {
        // A joining depot (first-run setup) has no history yet and adopts the org's id from the answer.
        throw new ConflictError(
          'org_mismatch',
          `This depot belongs to another organization (its org id ${req.orgId}) than the one "${org.name}" replicates (${replicaOrgId}): two organizations' histories are not merged. Join from a new depot's first-run setup instead.`,
          { replicaOrgId },
        );
      }
      const values = {
        depotCode: req.depotCode,
        depotName: req.depotName,
        credentialHash: sha256(credential),
        softwareVersion: req.version,
        schema: req.schema,
        state: 'active' as const,
        enrolledAt: now,
      };
      await db
        .insert(nodes)
        .values({ orgId: org.id, id: req.node, ...values })
        .onConflictDoUpdate({ target: [nodes.orgId, nodes.id], set: values });
      await db
        .update(enrolmentCodes)
        .set({ usedAt: now, usedByNode: req.node })
        .where(and(eq(enrolmentCodes.id, code.id), sql`used_at IS NULL`));
      await db.insert(orgVersions).values({ orgId: org.id, version: 0 }).onConflictDoNothing();
      return { credential, hubOrgId: org.id, orgName: org.name, replicaOrgId };
    });
  } catch (err) {
    const cause = ((err as { cause?: unknown }).cause ?? err) as { code?: string; constraint?: string };
    if (cause.code === '23505' && String(cause.constraint).includes('replica_org_id')) {
      throw new ConflictError(
        'org_enrolled_elsewhere',
        `This depot's organization (${req.orgId}) is already replicated by another organization on this hub. Ask that organization's hub admin for a code.`,
      );
    }
    throw err;
  }
}
