import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, json } from './columns.js';

/**
 * Append-only (trigger-enforced): who did what, with the row before and after. Each org's rows form
 * a hash chain (`seq`, `prev_hash`, `hash`; see db/audit-chain.ts) so that an edit made behind the
 * application's back shows. The chain columns are null only on rows from before migration 0009
 * until they are chained at the next start.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: id(),
    orgId: text('org_id').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    before: json('before'),
    after: json('after'),
    requestId: text('request_id'),
    at: integer('at').notNull(),
    seq: integer('seq'),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    index('audit_log_entity_idx').on(t.orgId, t.entity, t.entityId, t.at),
    index('audit_log_org_at_idx').on(t.orgId, t.at),
    // The chain's order and its head lookup; unique, so the chain cannot fork.
    uniqueIndex('audit_log_chain_idx').on(t.orgId, t.seq),
  ],
);

/**
 * One row per mutation (one `mutate()` call that wrote something): the header every change row of
 * it shares. `seq` is this depot's local order and the cursor a replica pulls from; together with
 * the node and epoch of `node_epochs` it names the mutation globally. `id` is the client's
 * Idempotency-Key or crew action id when there was one, so a replay is recognised for as long as the
 * header is kept. `audit_from`..`audit_to` is the org's audit-chain seq range this mutation wrote.
 */
export const mutations = sqliteTable(
  'mutations',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    orgId: text('org_id').notNull(),
    epoch: integer('epoch').notNull(),
    hlc: text('hlc').notNull(),
    action: text('action').notNull(),
    actorId: text('actor_id'),
    /** Only for keyed mutations: the same key with another body is refused, however old. */
    requestHash: text('request_hash'),
    auditFrom: integer('audit_from'),
    auditTo: integer('audit_to'),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('mutations_id_uq').on(t.id), index('mutations_org_seq_idx').on(t.orgId, t.seq)],
);

export const CHANGE_OPS = ['insert', 'update', 'delete', 'restore', 'batch'] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];

/**
 * What one mutation changed, in order (`n`). `fields` holds only synced columns (by DB name): every
 * non-null one for an insert, the changed ones with their new values for an update, nothing for a
 * delete or restore (the op is the tombstone), `{from, to, count}` local ids for a telemetry batch
 * (see IdRange in server/core/mutation-log.ts).
 * Clustered by mutation (WITHOUT ROWID), so a pull reads a mutation's changes contiguously.
 */
export const changes = sqliteTable(
  'changes',
  {
    mutationSeq: integer('mutation_seq').notNull(),
    n: integer('n').notNull(),
    tableName: text('table_name').notNull(),
    rowId: text('row_id').notNull(),
    op: text('op', { enum: CHANGE_OPS }).notNull(),
    fields: text('fields'),
  },
  (t) => [primaryKey({ columns: [t.mutationSeq, t.n] })],
);

export const EPOCH_REASONS = ['first', 'restore', 'regression', 'clone'] as const;

/**
 * Each epoch of this node's history: a restore, a database found behind its own high-water mark, or
 * a copied data directory starts a new one, so (node, epoch, seq) never names two different
 * mutations. `seq_floor` is the first mutation seq of the epoch.
 */
export const nodeEpochs = sqliteTable('node_epochs', {
  epoch: integer('epoch').primaryKey(),
  nodeId: text('node_id').notNull(),
  startedAt: integer('started_at').notNull(),
  reason: text('reason', { enum: EPOCH_REASONS }).notNull(),
  seqFloor: integer('seq_floor').notNull(),
  /**
   * When this epoch began on a database that was behind (a restore, a file copied back): its own
   * highest seq. Seqs between it and seq_floor were handed out and then lost here; the hub may hold them.
   */
  lostAfterSeq: integer('lost_after_seq'),
});

/** How far the hub has acknowledged this depot's mutations, per org; compaction never passes it. */
export const syncAcks = sqliteTable('sync_acks', {
  orgId: text('org_id').primaryKey(),
  ackedSeq: integer('acked_seq').notNull(),
  ackedAt: integer('acked_at').notNull(),
});

/**
 * Opened inside a compaction transaction so the append-only triggers on `mutations` and `changes`
 * let acknowledged rows go, and nothing else (the same shape as telemetry's retention gate).
 */
export const changeCompactionGate = sqliteTable('change_compaction_gate', {
  orgId: text('org_id').primaryKey(),
  throughSeq: integer('through_seq').notNull(),
});

/** Stored responses for `Idempotency-Key` so a retried POST replays instead of acting twice. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_created_idx').on(t.createdAt)],
);

/** Per-org counters (work-order numbers), bumped inside the writing transaction. */
export const counters = sqliteTable(
  'counters',
  {
    orgId: text('org_id').notNull(),
    name: text('name').notNull(),
    value: integer('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.name] })],
);

/** Host-level settings (this depot's identity for the change log, first-run state). */
export const hostSettings = sqliteTable('host_settings', {
  key: text('key').primaryKey(),
  value: json('value').notNull(),
});
