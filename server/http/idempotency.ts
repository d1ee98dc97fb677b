import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Request } from 'express';
import { idempotencyKeys } from '../../db/schema/index.js';
import type { Host } from '../core/context.js';
import { AppError, ValidationError } from '../errors.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export interface StoredResponse {
  status: number;
  body: string;
}

export interface IdempotencyClaim {
  scope: string;
  key: string;
  requestHash: string;
}

/** Who a key belongs to: the same key from two users is two different requests. */
function scopeOf(req: Request): string {
  const actor = req.ctx?.actor;
  return actor?.userId ? `${req.ctx?.orgId}:${actor.userId}` : `anon:${req.ip ?? ''}`;
}

export function readClaim(req: Request): IdempotencyClaim | null {
  const key = req.get('idempotency-key');
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ValidationError('The Idempotency-Key header must be 1–200 visible ASCII characters.', [
      { field: 'header.idempotency-key', message: 'must be 1–200 visible ASCII characters' },
    ]);
  }
  const requestHash = createHash('sha256')
    .update(`${req.method} ${req.baseUrl}${req.path}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
  return { scope: scopeOf(req), key, requestHash };
}

function keyReused(): AppError {
  return new AppError(
    422,
    'idempotency_key_reused',
    'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
  );
}

/** A stored answer to replay, or null to go ahead. The same key with a different request is refused. */
export function lookup(host: Host, claim: IdempotencyClaim): StoredResponse | null {
  const row = host.db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)))
    .get();
  if (!row || host.clock.now() - row.createdAt > IDEMPOTENCY_TTL_MS) return null;
  if (row.requestHash !== claim.requestHash) {
    throw keyReused();
  }
  return { status: row.status, body: row.body };
}

/** A keyed request whose mutation is in the log: it was applied once, at `appliedAt`. */
export interface AppliedMutation {
  mutationId: string;
  appliedAt: number;
}

/**
 * The second look, after the stored answer (kept 24 h) is gone: the request's first mutation took
 * the key's id (server/core/mutation-log.ts), and mutation headers are kept for the replay horizon
 * (30 days by default; server/sync/compaction.ts), so a crew action sent again after days offline
 * is recognised here. The same actor with the same request is a replay; anything else under that
 * id is another request reusing the key, refused for as long as the header exists.
 */
export function lookupMutation(host: Host, claim: IdempotencyClaim, mutationId: string, actorId: string): AppliedMutation | null {
  const row = host.sqlite.prepare('SELECT actor_id, request_hash, at FROM mutations WHERE id = ?').get(mutationId) as
    { actor_id: string | null; request_hash: string | null; at: number } | undefined;
  if (!row) {
    // Lost here by a restore but held by the hub (server/sync/replayable.ts). The hub does not keep
    // the request's hash, so the actor alone tells a replay from a reuse of the key.
    const lost = host.sqlite
      .prepare('SELECT actor_id AS actorId, applied_at AS appliedAt FROM sync_replayable WHERE mutation_id = ?')
      .get(mutationId) as { actorId: string | null; appliedAt: number } | undefined;
    if (!lost) return null;
    if (lost.actorId !== actorId) throw keyReused();
    return { mutationId, appliedAt: lost.appliedAt };
  }
  if (row.actor_id !== actorId || row.request_hash !== claim.requestHash) {
    throw keyReused();
  }
  return { mutationId, appliedAt: row.at };
}

export function remember(host: Host, claim: IdempotencyClaim, response: StoredResponse): void {
  const now = host.clock.now();
  host.db
    .insert(idempotencyKeys)
    .values({ ...claim, ...response, createdAt: now })
    .onConflictDoUpdate({
      target: [idempotencyKeys.scope, idempotencyKeys.key],
      set: { ...response, requestHash: claim.requestHash, createdAt: now },
    })
    .run();
}

export function pruneExpired(host: Host): number {
  return host.db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, host.clock.now() - IDEMPOTENCY_TTL_MS))
    .run().changes;
}
