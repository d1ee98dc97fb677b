import type { Statement } from 'better-sqlite3';
import { v5 } from 'uuid';
import type { Sqlite } from '../../db/client.js';
import type { ChangeOp } from '../../db/schema/history.js';
import { AppError } from '../errors.js';
import type { Ctx, MutationKey } from './context.js';
import { newId, UUID_RE } from './ids.js';

/**
 * Namespace of mutation ids derived from an Idempotency-Key that is not itself a UUID.
 * NEVER change it: a replay must derive the same id as the first attempt, even across versions.
 */
export const MUTATION_KEY_NAMESPACE = 'a4c7e3f2-5b1d-4e8a-9c06-2f7d81b3e94a';

/**
 * The id of the `index`-th mutation (0-based) of a keyed request. The first is the key itself
 * when it is a UUID (the crew outbox's action id, so a replay is recognised by it), else a UUIDv5
 * of scope and key (a key is only unique per user); later ones derive from the first, so a
 * replayed request that runs the same mutations again gets the same ids again.
 */
export function mutationIdFor(key: Pick<MutationKey, 'scope' | 'key'>, index: number): string {
  const first = UUID_RE.test(key.key) ? key.key.toLowerCase() : v5(`${key.scope}\n${key.key}`, MUTATION_KEY_NAMESPACE);
  return index === 0 ? first : v5(String(index), first);
}

/** A change row waiting for its mutation's header (the header's seq is its key). */
export interface PendingChange {
  table: string;
  rowId: string;
  op: ChangeOp;
  fields: string | null;
}

/** What a finished mutation wrote, for its header. */
export interface MutationSummary {
  action: string;
  at: number;
  auditFrom: number | null;
  auditTo: number | null;
  changes: readonly PendingChange[];
}

// Both inserts run for every mutation (the change insert for every row of it), so they are prepared
// once per connection rather than built by the query builder each time.
const statementCache = new WeakMap<Sqlite, { header: Statement; change: Statement }>();
function statementsFor(sqlite: Sqlite) {
  let s = statementCache.get(sqlite);
  if (!s) {
    s = {
      header: sqlite.prepare(
        'INSERT INTO mutations (id, org_id, epoch, hlc, action, actor_id, request_hash, audit_from, audit_to, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      change: sqlite.prepare('INSERT INTO changes (mutation_seq, n, table_name, row_id, op, fields) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    statementCache.set(sqlite, s);
  }
  return s;
}

/**
 * Writes one mutation's header and its change rows, numbered from 0, all under one HLC stamp.
 * Runs inside the mutation's transaction, after its rows, so a rollback takes the header with it.
 * Returns the header's seq.
 */
export function writeMutation(ctx: Ctx, m: MutationSummary): number {
  const { host } = ctx;
  const s = statementsFor(host.sqlite);
  const key = ctx.mutationKey;
  const id = key ? mutationIdFor(key, key.used) : newId();
  const actor = ctx.actor.userId ?? `system:${ctx.actor.name}`;
  let seq: number;
  try {
    seq = Number(
      s.header.run(id, ctx.orgId, host.epoch, host.hlc.next(), m.action, actor, key?.requestHash ?? null, m.auditFrom, m.auditTo, m.at)
        .lastInsertRowid,
    );
  } catch (err) {
    // Only a keyed mutation can reuse an id: the same key sent again with other effects.
    if (key && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new AppError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
      );
    }
    throw err;
  }
  if (key) key.used += 1;
  for (let n = 0; n < m.changes.length; n++) {
    const c = m.changes[n]!;
    s.change.run(seq, n, c.table, c.rowId, c.op, c.fields);
  }
  return seq;
}
