import type { Host } from '../core/context.js';
import { newId } from '../core/ids.js';
import { SYNC_SCHEMA_EPOCH, type PushAudit, type PushBatch, type PushChange, type PushMutation } from './contract-protocol.js';
import { ackedSeq } from './sync-state.js';
import { fromDriver, syncTableOf, travels } from './sync-tables.js';

/**
 * docs/sync.md "Push": up to 2,000 mutations a batch (the contract's cap) by default. The hub's
 * per-batch cost is largely fixed (its lookups and one statement per table), so a catch-up ingests
 * faster in big batches: 4.4-4.8k mutations/s in batches of 500 or 1,000 here, 5.6k in 2,000
 * (bench/hub-ingest.ts, same run). A live edit still goes in a batch of its own.
 */
export const DEFAULT_PUSH_MUTATIONS = 2_000;
/**
 * Telemetry readings travel inline (a `batch` change's id range): a batch stops adding mutations once
 * they carry this many rows, so a backlog of flushes cannot make a body past the hub's limit (413 on
 * every retry would stall the queue). A single mutation over it still goes alone (MAX_BATCH_ROWS).
 */
export const MAX_INLINED_ROWS = 50_000;
/** The contract's caps (contract-protocol.ts): a batch past them would be refused whole by the hub. */
const MAX_MUTATIONS = 2_000;
const MAX_BATCH_ROWS = 50_000;

interface HeaderRow {
  seq: number;
  id: string;
  epoch: number;
  hlc: string;
  action: string;
  actorId: string | null;
  auditFrom: number | null;
  auditTo: number | null;
  at: number;
}

interface ChangeRow {
  mutationSeq: number;
  tableName: string;
  rowId: string;
  op: PushChange['op'];
  fields: string | null;
}

interface AuditRow {
  seq: number;
  id: string;
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
 * The next push batch of `orgId`: the mutations after the acknowledged seq, in seq order, all of one
 * epoch (a batch names one (node, epoch) chain), each with its change rows (fields parsed), its audit
 * rows (the org's chain seq range audit_from..audit_to, synced columns only) and, for a `batch`
 * change, the rows of its id range. Null when nothing waits.
 *
 * Reads only: nothing moves until the hub's answer is applied (applyPushAnswer), so a batch lost on
 * the way is simply read again.
 */
export function readPushBatch(host: Host, orgId: string, opts: { maxMutations?: number; maxInlinedRows?: number } = {}): PushBatch | null {
  const { sqlite } = host;
  const limit = Math.max(1, Math.min(opts.maxMutations ?? DEFAULT_PUSH_MUTATIONS, MAX_MUTATIONS));
  const acked = ackedSeq(sqlite, orgId);
  const first = sqlite
    .prepare('SELECT epoch FROM mutations WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT 1')
    .pluck()
    .get(orgId, acked) as number | undefined;
  if (first === undefined) return null;
  const epoch = sqlite.prepare('SELECT node_id AS nodeId, seq_floor AS seqFloor FROM node_epochs WHERE epoch = ?').get(first) as
    { nodeId: string; seqFloor: number } | undefined;
  // Every epoch is recorded when it starts (server/core/node-state-store.ts); a header without one is a broken file.
  if (!epoch) throw new Error(`mutations of epoch ${first} have no node_epochs row: cannot name their node for the hub`);

  const headers = sqlite
    .prepare(
      `SELECT seq, id, epoch, hlc, action, actor_id AS actorId, audit_from AS auditFrom, audit_to AS auditTo, at
       FROM mutations WHERE org_id = ? AND seq > ? AND epoch = ? ORDER BY seq LIMIT ?`,
    )
    .all(orgId, acked, first, limit) as HeaderRow[];
  const fromSeq = headers[0]!.seq;

  const listed = sqlite
    .prepare(
      `SELECT c.mutation_seq AS mutationSeq, c.table_name AS tableName, c.row_id AS rowId, c.op, c.fields
       FROM changes c WHERE c.mutation_seq BETWEEN ? AND ? ORDER BY c.mutation_seq, c.n`,
    )
    .all(fromSeq, headers[headers.length - 1]!.seq) as ChangeRow[];
  headers.splice(inlinedCut(headers, listed, opts.maxInlinedRows ?? MAX_INLINED_ROWS));
  const toSeq = headers[headers.length - 1]!.seq;
  const changes = listed.filter((c) => c.mutationSeq <= toSeq);
  const changesBySeq = new Map<number, PushChange[]>();
  for (const c of changes) {
    let list = changesBySeq.get(c.mutationSeq);
    if (!list) changesBySeq.set(c.mutationSeq, (list = []));
    list.push(toPushChange(host, c));
  }

  const audits = auditRows(host, orgId, headers);
  const mutations: PushMutation[] = headers.map((h) => ({
    id: h.id,
    seq: h.seq,
    hlc: h.hlc,
    action: h.action,
    actorId: h.actorId,
    at: h.at,
    changes: changesBySeq.get(h.seq) ?? [],
    audit: h.auditFrom === null ? [] : (audits.get(h.seq) ?? []),
  }));
  return {
    node: epoch.nodeId,
    epoch: first,
    // Acknowledged within this epoch: the hub keeps one chain per (node, epoch).
    afterSeq: acked >= epoch.seqFloor ? acked : null,
    toSeq,
    key: newId(),
    schema: SYNC_SCHEMA_EPOCH,
    mutations,
  };
}

/** How many of `headers` fit under the inlined-row cap, counted from their batch changes' ranges; at least one. */
function inlinedCut(headers: readonly HeaderRow[], changes: readonly ChangeRow[], maxRows: number): number {
  const rowsBySeq = new Map<number, number>();
  for (const c of changes) {
    if (c.op !== 'batch' || c.fields === null) continue;
    const { count } = JSON.parse(c.fields) as { count: number };
    rowsBySeq.set(c.mutationSeq, (rowsBySeq.get(c.mutationSeq) ?? 0) + count);
  }
  let rows = 0;
  for (let i = 0; i < headers.length; i++) {
    rows += rowsBySeq.get(headers[i]!.seq) ?? 0;
    if (i > 0 && rows > maxRows) return i;
  }
  return headers.length;
}

function toPushChange(host: Host, c: ChangeRow): PushChange {
  const fields = c.fields === null ? null : (JSON.parse(c.fields) as Record<string, unknown>);
  if (c.op !== 'batch') return { t: c.tableName, r: c.rowId, op: c.op, f: fields };
  const range = fields as { from: number; to: number; count: number };
  if (range.count > MAX_BATCH_ROWS)
    throw new Error(`${c.tableName} ${c.rowId}: ${range.count} rows in one range, more than a push may carry (${MAX_BATCH_ROWS})`);
  return { t: c.tableName, r: c.rowId, op: 'batch', f: null, rows: batchRows(host, c.tableName, range.from, range.to) };
}

/** The rows of a batch table's id range: synced columns by DB name plus `id`, the local integer id. */
function batchRows(host: Host, tableName: string, from: number, to: number): Record<string, unknown>[] {
  const t = syncTableOf(tableName, 'changes.table_name');
  const cols = t.columns.filter((c) => c.name === 'id' || travels(c));
  const rows = host.sqlite
    .prepare(`SELECT ${cols.map((c) => `"${c.name}"`).join(', ')} FROM "${tableName}" WHERE id BETWEEN ? AND ? ORDER BY id`)
    .raw()
    .all(from, to) as unknown[][];
  return rows.map((values) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < cols.length; i++) {
      const v = fromDriver(cols[i]!, values[i]);
      // Null columns are left out, as the change log leaves them out of an insert.
      if (v !== null) out[cols[i]!.name] = v;
    }
    return out;
  });
}

/** The batch's audit rows, by the mutation whose audit_from..audit_to holds them. */
function auditRows(host: Host, orgId: string, headers: HeaderRow[]): Map<number, PushAudit[]> {
  const out = new Map<number, PushAudit[]>();
  const ranged = headers.filter((h) => h.auditFrom !== null && h.auditTo !== null);
  if (ranged.length === 0) return out;
  const lo = Math.min(...ranged.map((h) => h.auditFrom!));
  const hi = Math.max(...ranged.map((h) => h.auditTo!));
  const rows = host.sqlite
    .prepare(
      `SELECT seq, id, actor_id AS actorId, action, entity, entity_id AS entityId, before, after, request_id AS requestId, at
       FROM audit_log WHERE org_id = ? AND seq BETWEEN ? AND ? ORDER BY seq`,
    )
    .all(orgId, lo, hi) as AuditRow[];
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  for (const h of ranged) {
    const list: PushAudit[] = [];
    for (let s = h.auditFrom!; s <= h.auditTo!; s++) {
      const r = bySeq.get(s);
      if (!r) continue;
      list.push({
        id: r.id,
        actorId: r.actorId,
        action: r.action,
        entity: r.entity,
        entityId: r.entityId,
        // Stored as JSON text written by JSON.stringify; sent as JSON so the wire does not escape it twice.
        before: r.before === null ? null : (JSON.parse(r.before) as unknown),
        after: r.after === null ? null : (JSON.parse(r.after) as unknown),
        requestId: r.requestId,
        at: r.at,
      });
    }
    out.set(h.seq, list);
  }
  return out;
}
