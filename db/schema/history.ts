import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, json } from './columns.js';

/**
 * Append-only (trigger-enforced): who did what, with the row before and after. Each org's rows form
 * a hash chain (`seq`, `prev_hash`, `hash`; see db/audit-chain.ts) so that an edit made behind the
 * application's back shows. The chain columns are null only on rows from before migration 0009
 * until they are chained at the next start.
 */
export const auditLog = sqliteTable('audit_log', {
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
}, (t) => [
  index('audit_log_entity_idx').on(t.orgId, t.entity, t.entityId, t.at),
  index('audit_log_org_at_idx').on(t.orgId, t.at),
  // The chain's order and its head lookup; unique, so the chain cannot fork.
  uniqueIndex('audit_log_chain_idx').on(t.orgId, t.seq),
]);

/**
 * Append-only change feed for sync. `seq` is this depot's local sequence (the cursor a replica
 * pulls from); `hlc` orders changes across depots.
 */
export const changeLog = sqliteTable('change_log', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  orgId: text('org_id').notNull(),
  tableName: text('table_name').notNull(),
  rowId: text('row_id').notNull(),
  op: text('op', { enum: ['insert', 'update', 'delete'] }).notNull(),
  row: json('row'),
  hlc: text('hlc').notNull(),
  originDepot: text('origin_depot').notNull(),
  at: integer('at').notNull(),
}, (t) => [index('change_log_org_seq_idx').on(t.orgId, t.seq), index('change_log_row_idx').on(t.tableName, t.rowId)]);

/** Stored responses for `Idempotency-Key` so a retried POST replays instead of acting twice. */
export const idempotencyKeys = sqliteTable('idempotency_keys', {
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  status: integer('status').notNull(),
  body: text('body').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_created_idx').on(t.createdAt)]);

/** Per-org counters (work-order numbers), bumped inside the writing transaction. */
export const counters = sqliteTable('counters', {
  orgId: text('org_id').notNull(),
  name: text('name').notNull(),
  value: integer('value').notNull(),
}, (t) => [primaryKey({ columns: [t.orgId, t.name] })]);

/** Host-level settings (this depot's identity for the change log, first-run state). */
export const hostSettings = sqliteTable('host_settings', {
  key: text('key').primaryKey(),
  value: json('value').notNull(),
});

