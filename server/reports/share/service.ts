import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { shareLinks } from '../../../db/schema/index.js';
import { hashPassword } from '../../auth/passwords.js';
import type { Ctx, Host } from '../../core/context.js';
import { mutate } from '../../core/mutate.js';
import { AppError, NotFoundError } from '../../errors.js';
import { iso } from '../../http/contract-common.js';
import { getWorkOrder } from '../../work-orders/repo.js';
import type { CreatedShareLinkDto, ShareLinkDto } from '../contract-exports.js';

/** Share links: a customer's read-only view of one work order, by a short secret code. */

export type ShareRow = typeof shareLinks.$inferSelect;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const CODE_LENGTH = 12;
export const CODE_PATTERN = /^[0-9A-Za-z]{12}$/;
/** Longest a link may live: a customer's view of a job, not a permanent door. */
const MAX_DAYS = 366;

/** 12 base62 characters (≈71 bits), drawn without modulo bias. */
export function newShareCode(): string {
  let out = '';
  while (out.length < CODE_LENGTH) {
    for (const b of randomBytes(16)) {
      // 248 = 4 × 62: bytes at or above it would favour the first characters.
      if (b < 248 && out.length < CODE_LENGTH) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

export function shareState(row: ShareRow, now: number): ShareLinkDto['state'] {
  if (row.revokedAt !== null) return 'revoked';
  return row.expiresAt <= now ? 'expired' : 'active';
}

export function toShareDto(row: ShareRow, now: number): ShareLinkDto {
  return {
    id: row.id,
    workOrderId: row.workOrderId,
    codeHint: row.codeHint,
    hasPassword: row.passwordHash !== null,
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    opens: row.opens,
    lastOpenedAt: iso(row.lastOpenedAt),
    createdAt: iso(row.createdAt),
    state: shareState(row, now),
  };
}

export async function createShare(
  ctx: Ctx,
  workOrderId: string,
  input: { expiresAt: string; password?: string | undefined },
): Promise<CreatedShareLinkDto> {
  const wo = getWorkOrder(ctx, workOrderId);
  const now = ctx.host.clock.now();
  const expiresAt = Date.parse(input.expiresAt);
  if (expiresAt <= now || expiresAt > now + MAX_DAYS * 86_400_000) {
    throw new AppError(422, 'invalid_expiry', `A share link must expire in the future and within ${MAX_DAYS} days.`, [
      { field: 'body.expiresAt', message: 'must be after now and within a year' },
    ]);
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const code = newShareCode();
  const row = mutate(
    ctx,
    'share_link.created',
    (w) =>
      w.insert(shareLinks, {
        workOrderId: wo.id,
        codeHash: hashCode(code),
        codeHint: code.slice(0, 4),
        passwordHash,
        expiresAt,
        revokedAt: null,
        opens: 0,
        lastOpenedAt: null,
        createdBy: ctx.actor.userId,
      }),
    { workOrderId: wo.id },
  );
  return { ...toShareDto(row, now), code, url: `/s/${code}` };
}

export function listShares(ctx: Ctx, workOrderId: string): ShareLinkDto[] {
  getWorkOrder(ctx, workOrderId);
  const now = ctx.host.clock.now();
  return ctx.host.db
    .select()
    .from(shareLinks)
    .where(and(eq(shareLinks.workOrderId, workOrderId), eq(shareLinks.orgId, ctx.orgId)))
    .orderBy(desc(shareLinks.createdAt), desc(shareLinks.id))
    .all()
    .map((r) => toShareDto(r, now));
}

export function revokeShare(ctx: Ctx, id: string): ShareLinkDto {
  const found = ctx.host.db
    .select()
    .from(shareLinks)
    .where(and(eq(shareLinks.id, id), eq(shareLinks.orgId, ctx.orgId)))
    .get();
  // A link on a work order the caller may not see is "not found" like any other.
  if (!found) throw new NotFoundError('share link', id);
  getWorkOrder(ctx, found.workOrderId);
  const row = mutate(
    ctx,
    'share_link.revoked',
    (w) => {
      const before = w.get(shareLinks, id, 'share link');
      if (before.revokedAt !== null) return before;
      return w.update(shareLinks, id, { revokedAt: w.now }, { before }).after;
    },
    { workOrderId: found.workOrderId },
  );
  return toShareDto(row, ctx.host.clock.now());
}

/** The link a code names, in any org (the code is the only credential a customer has), or undefined. */
export function findByCode(host: Host, code: string): ShareRow | undefined {
  if (!CODE_PATTERN.test(code)) return undefined;
  return host.db
    .select()
    .from(shareLinks)
    .where(eq(shareLinks.codeHash, hashCode(code)))
    .get();
}

/**
 * Counts one opening of the status page, through the write path as the link's org. `opens` and
 * `lastOpenedAt` are local (counted where the link is opened), so this is a setLocal: no version
 * bump, audit entry or change row for a customer looking at a page.
 */
export function countOpen(host: Host, row: ShareRow): void {
  const ctx: Ctx = { host, orgId: row.orgId, actor: { userId: null, role: 'system', name: 'share link' } };
  mutate(ctx, 'share_link.opened', (w) => {
    const current = w.get(shareLinks, row.id, 'share link');
    w.setLocal(shareLinks, row.id, { opens: current.opens + 1, lastOpenedAt: w.now });
  });
}
