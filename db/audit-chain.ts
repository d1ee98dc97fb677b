import crypto from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Sqlite } from './client.js';
import { perConnection } from './per-connection.js';

/**
 * The audit trail as a hash chain (tamper evidence beyond the append-only triggers, which stop the
 * application but not a person holding the file).
 *
 * Every audit_log row of an organization has a position `seq` (1, 2, 3, … per org, in insertion
 * order), the `prev_hash` of the row before it (GENESIS_HASH for seq 1) and its own `hash`:
 *
 *     hash = lowercase hex SHA-256( UTF-8( canonical(row) ) )
 *     canonical(row) = JSON.stringify([
 *       "depotdesk-audit-v1", seq, id, org_id, actor_id, action, entity, entity_id,
 *       before, after, request_id, at, prev_hash,
 *     ])
 *
 * - exactly these 13 elements, in this order; `JSON.stringify` as ECMAScript defines it (no spaces,
 *   `"` `\` and control characters escaped, other characters as themselves, lone surrogates as \uXXXX);
 * - `seq` and `at` (epoch ms) are JSON integers; every other element is a JSON string or null;
 * - `before` and `after` are the column's stored TEXT exactly as written (a JSON document inside a
 *   string), never re-serialized, so a verifier needs no JSON canonicalization of its own.
 *
 * The hub (or anyone with the file) can recompute the chain from the rows alone; a head hash printed
 * on a report or sent to the hub then witnesses everything before it. What the chain cannot show on
 * its own is a cut-off tail or a fully recomputed chain: that is what the independent witness is for.
 */

export const CHAIN_VERSION = 'depotdesk-audit-v1';
/** prev_hash of an organization's first row. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditFields {
  id: string;
  orgId: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  /** Stored text (JSON), or null. */
  before: string | null;
  after: string | null;
  requestId: string | null;
  at: number;
}

export interface ChainedAudit extends AuditFields {
  seq: number;
  prevHash: string;
  hash: string;
}

export function canonicalAudit(row: AuditFields & { seq: number; prevHash: string }): string {
  return JSON.stringify([
    CHAIN_VERSION,
    row.seq,
    row.id,
    row.orgId,
    row.actorId,
    row.action,
    row.entity,
    row.entityId,
    row.before,
    row.after,
    row.requestId,
    row.at,
    row.prevHash,
  ]);
}

// crypto.hash (Node ≥ 20.12) is the one-shot form: ~3× faster than createHash for inputs this small
// (measured here: 0.6–0.8 µs vs 2–3.5 µs), which matters on the write path and for a million-row verify.
const sha256hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

export function auditHash(row: AuditFields & { seq: number; prevHash: string }): string {
  // Strings are hashed as UTF-8 by both forms.
  return sha256hex(canonicalAudit(row));
}

/** The last row of an org's chain: its position (= the number of rows in the chain), hash and time. */
export interface ChainHead {
  seq: number;
  hash: string;
  at: number;
}

/** One compiled statement per connection and SQL text (the write path runs these for every audit row). */
function cached(sql: string): (sqlite: Sqlite) => Statement {
  return perConnection((sqlite: Sqlite) => sqlite.prepare(sql));
}

// One descent of audit_log_chain_idx: cheap enough to do for every row, and always the committed (or
// own-transaction) truth, so a rolled-back mutation can never leave a stale head behind.
const headStatement = cached('SELECT seq, hash, at FROM audit_log WHERE org_id = ? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1');
const insertStatement = cached(
  'INSERT INTO audit_log (id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);

/** The org's chain head, or null when it has no audit rows yet (also works on a read-only connection). */
export function chainHead(sqlite: Sqlite, orgId: string): ChainHead | null {
  return (headStatement(sqlite).get(orgId) as ChainHead | undefined) ?? null;
}

/**
 * Appends one audit row to its org's chain. Must run inside the writing transaction (mutate()):
 * the head is read from the database there, so the write lock makes it the true head.
 */
export function appendAudit(sqlite: Sqlite, fields: AuditFields): ChainedAudit {
  const head = chainHead(sqlite, fields.orgId);
  const row = { ...fields, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  const chained: ChainedAudit = { ...row, hash: auditHash(row) };
  insertStatement(sqlite).run(
    chained.id,
    chained.orgId,
    chained.actorId,
    chained.action,
    chained.entity,
    chained.entityId,
    chained.before,
    chained.after,
    chained.requestId,
    chained.at,
    chained.seq,
    chained.prevHash,
    chained.hash,
  );
  return chained;
}
