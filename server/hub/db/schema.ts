import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The hub's PostgreSQL schema (docs/sync.md). Every table but `hub_orgs` has `org_id`, and row-level
 * security is forced on all of them (migrations), so a query that forgets its org sees nothing rather
 * than another org's rows. Times are epoch milliseconds as on the depot (bigint, mode number: they fit).
 *
 * The org's synced data is stored generically (`rows`, `facts`, `batch_rows`: table, row id, fields
 * as jsonb), not as a copy of every depot table: the hub merges by the sync policy, not by column
 * types, and a depot one release newer can send a field this hub does not know yet without losing it.
 */

const ms = (name: string) => bigint(name, { mode: 'number' });

export const hubOrgs = pgTable('hub_orgs', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  /** The org id the depots' rows carry; set by the first depot that enrols, never changed after. */
  replicaOrgId: uuid('replica_org_id').unique(),
  /** Cursors below this must re-snapshot (tombstones older than it were purged). */
  floorVersion: ms('floor_version').notNull().default(0),
  createdAt: ms('created_at').notNull(),
});

/** People who sign in to the hub (admins issue enrolment codes; managers read, issue 16). */
export const hubAccounts = pgTable(
  'hub_accounts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'manager'] }).notNull(),
    passwordHash: text('password_hash').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('hub_accounts_email_uq').on(sql`lower(${t.email})`)],
);

export const hubSessions = pgTable('hub_sessions', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  accountId: uuid('account_id').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: ms('created_at').notNull(),
  expiresAt: ms('expires_at').notNull(),
  revokedAt: ms('revoked_at'),
});

export const enrolmentCodes = pgTable('enrolment_codes', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  codeHash: text('code_hash').notNull().unique(),
  createdBy: uuid('created_by').notNull(),
  createdAt: ms('created_at').notNull(),
  expiresAt: ms('expires_at').notNull(),
  usedAt: ms('used_at'),
  usedByNode: uuid('used_by_node'),
});

/** An enrolled depot (its node id) and its credential. */
export const nodes = pgTable(
  'nodes',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    depotCode: text('depot_code').notNull(),
    depotName: text('depot_name').notNull(),
    credentialHash: text('credential_hash').notNull().unique(),
    softwareVersion: text('software_version').notNull(),
    schema: integer('schema').notNull(),
    state: text('state', { enum: ['active', 'revoked'] }).notNull(),
    enrolledAt: ms('enrolled_at').notNull(),
    lastPushAt: ms('last_push_at'),
    lastPullAt: ms('last_pull_at'),
    lastPulledVersion: ms('last_pulled_version'),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] })],
);

/** How far each (node, epoch) of a depot's log is acknowledged: the push chain's gap check. */
export const nodeStreams = pgTable(
  'node_streams',
  {
    orgId: uuid('org_id').notNull(),
    nodeId: uuid('node_id').notNull(),
    epoch: integer('epoch').notNull(),
    ackedSeq: ms('acked_seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.nodeId, t.epoch] })],
);

/** The per-org version counter, updated inside each push transaction (docs/sync.md, Push step 6). */
export const orgVersions = pgTable('org_versions', {
  orgId: uuid('org_id').primaryKey(),
  version: ms('version').notNull().default(0),
});

/** Every mutation the hub has answered, with its answer: exactly-once effects, and the reply to a repeat. */
export const appliedMutations = pgTable(
  'applied_mutations',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    nodeId: uuid('node_id').notNull(),
    epoch: integer('epoch').notNull(),
    seq: ms('seq').notNull(),
    hlc: text('hlc').notNull(),
    action: text('action').notNull(),
    actorId: text('actor_id'),
    outcome: text('outcome', { enum: ['applied', 'refused', 'conflict'] }).notNull(),
    version: ms('version'),
    /** The PushResult sent the first time (contract-protocol.ts), replayed for a duplicate. */
    result: jsonb('result').notNull(),
    appliedAt: ms('applied_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('applied_mutations_node_idx').on(t.orgId, t.nodeId, t.epoch, t.seq)],
);

/**
 * Current state of every `entity` row: fields by DB column name, and per field its HLC (`clocks`,
 * last writer wins) and the org version that last changed it (`versions`, so a pull sends only the
 * fields past the cursor). `version` is the max of `versions`, indexed for pulls.
 */
export const rows = pgTable(
  'rows',
  {
    orgId: uuid('org_id').notNull(),
    tbl: text('tbl').notNull(),
    rowId: text('row_id').notNull(),
    fields: jsonb('fields').notNull(),
    clocks: jsonb('clocks').notNull(),
    versions: jsonb('versions').notNull(),
    version: ms('version').notNull(),
    /** Hard-deleted (a delete op on a table without tombstones); kept so the delete reaches every depot. */
    gone: boolean('gone').notNull().default(false),
    /**
     * The row's natural key value (a work order's number, a user's e-mail) for tables that claim one
     * other than by id, while the row is not gone: indexed, so a push finds the rows its claims clash
     * with without reading every row of the table (sync/store.ts).
     */
    nk: text('nk'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.tbl, t.rowId] }),
    index('rows_org_version_idx').on(t.orgId, t.version),
    index('rows_org_natural_key_idx')
      .on(t.orgId, t.tbl, t.nk)
      .where(sql`${t.nk} IS NOT NULL`),
  ],
);

/** Append-only rows (events, audit, messages, attendance, stock movements, material usage): inserted once. */
export const facts = pgTable(
  'facts',
  {
    orgId: uuid('org_id').notNull(),
    tbl: text('tbl').notNull(),
    rowId: text('row_id').notNull(),
    fields: jsonb('fields').notNull(),
    version: ms('version').notNull(),
    nodeId: uuid('node_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.tbl, t.rowId] }), index('facts_org_version_idx').on(t.orgId, t.version)],
);

/** Telemetry readings and vehicle positions, keyed by where they were made; never sent down to depots. */
export const batchRows = pgTable(
  'batch_rows',
  {
    orgId: uuid('org_id').notNull(),
    tbl: text('tbl').notNull(),
    nodeId: uuid('node_id').notNull(),
    epoch: integer('epoch').notNull(),
    localId: ms('local_id').notNull(),
    fields: jsonb('fields').notNull(),
    version: ms('version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.tbl, t.nodeId, t.epoch, t.localId] })],
);

/** A change the hub did not take as sent, kept for admins (and, for work orders, shown as a timeline event). */
export const conflicts = pgTable(
  'conflicts',
  {
    orgId: uuid('org_id').notNull(),
    id: uuid('id').notNull(),
    mutationId: uuid('mutation_id').notNull(),
    nodeId: uuid('node_id').notNull(),
    tbl: text('tbl').notNull(),
    rowId: text('row_id').notNull(),
    field: text('field'),
    code: text('code').notNull(),
    /** What the depot sent and lost. */
    losing: jsonb('losing'),
    /** What the hub kept. */
    kept: jsonb('kept'),
    at: ms('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), index('conflicts_org_at_idx').on(t.orgId, t.at)],
);

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Attachment files by content (docs/sync.md "Attachments"): one per org and SHA-256, uploaded once
 * by the depot that has it, in parts so an upload cut on a flaky link resumes where it stopped, and
 * fetched by other depots when someone opens it. `complete` once the parts add up to `size` and hash
 * to the name.
 */
export const blobs = pgTable(
  'blobs',
  {
    orgId: uuid('org_id').notNull(),
    sha256: text('sha256').notNull(),
    size: ms('size').notNull(),
    received: ms('received').notNull().default(0),
    complete: boolean('complete').notNull().default(false),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.sha256] })],
);

export const blobParts = pgTable(
  'blob_parts',
  {
    orgId: uuid('org_id').notNull(),
    sha256: text('sha256').notNull(),
    offset: ms('offset').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.sha256, t.offset] })],
);
