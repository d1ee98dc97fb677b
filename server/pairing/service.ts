import { randomInt } from 'node:crypto';
import type { z } from 'zod';
import { pairingCodes } from '../../db/schema/index.js';
import type { Host } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { openSession, signedIn, type AuthedCtx, type SessionMeta } from '../auth/service.js';
import { hashToken } from '../auth/tokens.js';
import type { PairingCodeCreateRequest } from './contract.js';
import { activeCodes, codeByHash, userById, userInOrg } from './repo.js';

/** No 0/O, 1/I/L: the code is read off a screen and may be typed by hand on a phone. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

/** One message for every bad claim, so a guesser learns nothing about which codes exist. */
const BAD_CODE = 'This pairing code is wrong, expired or already used. Ask the dispatcher for a new one.';

function newCode(): string {
  let raw = '';
  for (let i = 0; i < CODE_LENGTH; i++) raw += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return raw;
}

/** "abcd efgh", "ABCD-EFGH" → "ABCDEFGH"; null when it cannot be a code at all. */
export function normaliseCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[\s-]+/g, '');
  if (raw.length !== CODE_LENGTH) return null;
  for (const ch of raw) if (!CODE_ALPHABET.includes(ch)) return null;
  return raw;
}

function display(raw: string): string {
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

export function createPairingCode(ctx: AuthedCtx, input: z.infer<typeof PairingCodeCreateRequest>) {
  const user = userInOrg(ctx, input.userId);
  if (!user) throw new NotFoundError('user', input.userId);
  if (user.role !== 'technician') {
    throw new ValidationError('Only a technician can be paired with a crew phone.', [
      { field: 'body.userId', message: `is a ${user.role}, not a technician` },
    ]);
  }
  if (!user.active) {
    throw new ValidationError('This technician is deactivated and cannot be paired.', [
      { field: 'body.userId', message: 'is deactivated' },
    ]);
  }
  const raw = newCode();
  const row = mutate(ctx, 'pairing.code_created', (w) =>
    w.insert(pairingCodes, {
      userId: user.id,
      codeHash: hashToken(raw),
      createdBy: ctx.actor.userId,
      expiresAt: w.now + input.ttlMinutes * 60_000,
      usedAt: null,
      usedSessionId: null,
      revokedAt: null,
    }),
  );
  const code = display(raw);
  return {
    id: row.id,
    userId: user.id,
    code,
    expiresAt: iso(row.expiresAt),
    // A path, not a URL: phones reach the host on its LAN origin (HTTPS, crew port), which only the
    // console knows how it is being served; it prefixes that base URL when drawing the QR code.
    pairUrl: `/crew/#/pair?code=${code}`,
  };
}

export function listPairingCodes(ctx: AuthedCtx, filter: { userId?: string | undefined }) {
  return activeCodes(ctx, filter).map(({ code: c, userName }) => ({
    id: c.id,
    userId: c.userId,
    userName,
    createdBy: c.createdBy,
    createdAt: iso(c.createdAt),
    expiresAt: iso(c.expiresAt),
  }));
}

/** Revoking a used, revoked or expired code changes nothing (a paired phone is revoked via its session). */
export function revokePairingCode(ctx: AuthedCtx, id: string): void {
  mutate(ctx, 'pairing.code_revoked', (w) => {
    const c = w.get(pairingCodes, id, 'pairing code');
    if (c.usedAt !== null || c.revokedAt !== null) return;
    w.update(pairingCodes, id, { revokedAt: w.now }, { before: c });
  });
}

type CodeRow = typeof pairingCodes.$inferSelect;
function claimable(c: CodeRow | undefined, now: number): c is CodeRow {
  return !!c && c.usedAt === null && c.revokedAt === null && c.expiresAt > now;
}

/**
 * A phone trades a code for a crew session of the technician it was made for. Marking the code
 * used and opening the session are one mutation, so a code can never yield two sessions.
 */
export function claimPairingCode(host: Host, input: { code: string }, meta: Omit<SessionMeta, 'kind'>) {
  const raw = normaliseCode(input.code);
  const found = raw ? codeByHash(host, hashToken(raw)) : undefined;
  if (!claimable(found, host.clock.now())) throw new UnauthorizedError(BAD_CODE);
  const user = userById(host, found.userId);
  if (!user || !user.active || user.role !== 'technician' || user.orgId !== found.orgId) throw new UnauthorizedError(BAD_CODE);
  const ctx = { host, orgId: found.orgId, actor: { userId: user.id, role: user.role, name: user.name } };
  const opened = mutate(ctx, 'pairing.claimed', (w) => {
    // Re-read under the write lock: two phones racing with one code must not both get in.
    const fresh = w.find(pairingCodes, found.id);
    if (!claimable(fresh, w.now)) throw new UnauthorizedError(BAD_CODE);
    const session = openSession(w, user.id, { ...meta, kind: 'crew' });
    w.update(pairingCodes, found.id, { usedAt: w.now, usedSessionId: session.sessionId }, { before: fresh });
    return session;
  });
  return signedIn(host, opened);
}
