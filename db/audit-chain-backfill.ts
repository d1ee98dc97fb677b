import type { Sqlite } from './client.js';
import { auditHash, chainHead, GENESIS_HASH } from './audit-chain.js';

const MARKER = 'audit_chain_backfill';
const BATCH = 5_000;

interface Unchained {
  rowid: number;
  id: string;
  orgId: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: string | null;
  after: string | null;
  requestId: string | null;
  at: number;
}

/**
 * Chains the audit rows written before migration 0009, once: the migration leaves a marker in
 * host_settings and this removes it in the same transaction that chains the rows. Only then, never
 * on a later start: an unchained row found afterwards was put there behind the application's back,
 * and chaining it would launder it (verify reports it instead).
 *
 * Order is rowid. audit_log has a text primary key, so SQLite gave each row max(rowid)+1 as it was
 * inserted and the table is never deleted from: rowid is the true insertion order. `at` is not (rows
 * of one mutation share it, and it is whatever the host clock said), nor is the id (a UUIDv7 made
 * from that same clock). Returns how many rows were chained (0 when there was nothing to do).
 */
export function backfillAuditChain(sqlite: Sqlite): number {
  if (!sqlite.prepare('SELECT 1 FROM host_settings WHERE key = ?').get(MARKER)) return 0;
  return sqlite.transaction(() => {
    const select = sqlite.prepare(
      `SELECT rowid, id, org_id AS orgId, actor_id AS actorId, action, entity, entity_id AS entityId, before, after, request_id AS requestId, at
         FROM audit_log WHERE hash IS NULL AND rowid > ? ORDER BY rowid LIMIT ${BATCH}`,
    );
    const update = sqlite.prepare('UPDATE audit_log SET seq = ?, prev_hash = ?, hash = ? WHERE rowid = ?');
    const heads = new Map<string, { seq: number; hash: string }>();
    let chained = 0;
    let after = 0;
    for (;;) {
      // In batches: better-sqlite3 cannot update while an iterator on the same connection is open.
      const rows = select.all(after) as Unchained[];
      if (rows.length === 0) break;
      for (const { rowid, ...fields } of rows) {
        const head = heads.get(fields.orgId) ?? chainHead(sqlite, fields.orgId) ?? { seq: 0, hash: GENESIS_HASH };
        const row = { ...fields, seq: head.seq + 1, prevHash: head.hash };
        const hash = auditHash(row);
        update.run(row.seq, row.prevHash, hash, rowid);
        heads.set(fields.orgId, { seq: row.seq, hash });
        chained++;
      }
      after = (rows[rows.length - 1] as Unchained).rowid;
    }
    sqlite.prepare('DELETE FROM host_settings WHERE key = ?').run(MARKER);
    return chained;
  })();
}
