import { v5 } from 'uuid';
import type { Sqlite } from '../../db/client.js';
import type { ChangeOp } from '../../db/schema/history.js';
import { AppError } from '../errors.js';
import type { Ctx, MutationKey } from './context.js';
import { newId, UUID_RE } from './ids.js';
import { perConnection } from '../../db/per-connection.js';

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

/**
 * One run of consecutive local ids that a batch inserted into a `batch` table (telemetry readings,
 * vehicle positions). Those rows are logged by range, not one change row each: at sensor rates a row
 * per reading would triple the writes, and the values are already in the table.
 *
 * Shape of such a change row (op `batch`): `table_name` the table, `row_id` `"<from>..<to>"` (for a
 * reader of the log; nothing parses it), `fields` `{"from":<first id>,"to":<last id>,"count":<rows>}`
 * with every id in from..to (inclusive) inserted by this mutation and `count = to - from + 1`. A sync
 * client reads the rows of the range from the table; a receiver keys them by (origin node, epoch,
 * local id), since the integer id is unique on this node only. The write census (server/testing/)
 * counts a row of a batch table as logged when a range of its table covers its id.
 */
export interface IdRange {
  from: number;
  to: number;
  count: number;
}

/** Collects the ids a batch inserted into one table, in insert order, as runs of consecutive ids. */
export class IdRanges {
  readonly ranges: IdRange[] = [];

  add(id: number): void {
    const last = this.ranges[this.ranges.length - 1];
    if (last && id === last.to + 1) {
      last.to = id;
      last.count += 1;
    } else {
      // Not expected inside one synchronous flush (SQLite hands out max(id) + 1), but if it ever
      // happens the log stays exact: a new range rather than one that claims ids it did not write.
      this.ranges.push({ from: id, to: id, count: 1 });
    }
  }

  /** The change rows for these ranges of `table`, in id order as inserted. */
  changes(table: string): PendingChange[] {
    return this.ranges.map((r) => ({
      table,
      rowId: `${r.from}..${r.to}`,
      op: 'batch' as const,
      fields: `{"from":${r.from},"to":${r.to},"count":${r.count}}`,
    }));
  }
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
const statementsFor = perConnection((sqlite: Sqlite) => ({
  header: sqlite.prepare(
    'INSERT INTO mutations (id, org_id, epoch, hlc, action, actor_id, request_hash, audit_from, audit_to, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  change: sqlite.prepare('INSERT INTO changes (mutation_seq, n, table_name, row_id, op, fields) VALUES (?, ?, ?, ?, ?, ?)'),
}));

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
      s.header.run(id, ctx.orgId, host.epoch, host.hlc.next(m.at), m.action, actor, key?.requestHash ?? null, m.auditFrom, m.auditTo, m.at)
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
