import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * This depot's link to its organization's hub (docs/sync.md "What a depot keeps"), one row per org.
 * Never leaves the depot: the credential is a `secret`, the rest is this depot's own bookkeeping.
 * How far the hub acknowledged our pushes is `sync_acks` (history.ts), which compaction reads.
 */
export const syncState = sqliteTable('sync_state', {
  orgId: text('org_id').primaryKey(),
  hubUrl: text('hub_url').notNull(),
  /** The node credential the hub issued at enrolment (only its hash is on the hub). */
  credential: text('credential').notNull(),
  /** The org id rows carry across the organization (the hub's replica org id). */
  replicaOrgId: text('replica_org_id').notNull(),
  hubOrgId: text('hub_org_id').notNull(),
  /** The hub version this depot has applied through (0: nothing yet, the next pull is a snapshot). */
  pullCursor: integer('pull_cursor').notNull().default(0),
  /**
   * Where the current catch-up started (the pull's `since`), kept while pages say `more: true`: a row
   * comes on the page of its latest version with the fields changed after `since`, so a depot that
   * restarted mid-catch-up must ask with the same `since` again or lose fields. Null between catch-ups.
   */
  pullSince: integer('pull_since'),
  paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
  lastPushAt: integer('last_push_at'),
  lastPullAt: integer('last_pull_at'),
  lastError: text('last_error'),
  lastErrorAt: integer('last_error_at'),
  /** The hub answered 410 resnapshot_required: the next pull starts from 0. */
  resnapshotNeeded: integer('resnapshot_needed', { mode: 'boolean' }).notNull().default(false),
  /**
   * The newest node epoch whose lost mutations (node_epochs.lost_after_seq) the hub has told us about
   * (sync_replayable); null until the first such reconcile. A restore starts an epoch above it.
   */
  reconciledEpoch: integer('reconciled_epoch'),
  /** When the last drift check ran (server/sync/drift.ts); null before the first. */
  driftCheckedAt: integer('drift_checked_at'),
  /** What it found, JSON (DriftSummary): tables compared, mismatched, rows fetched, rows only here. */
  driftSummary: text('drift_summary'),
  enrolledAt: integer('enrolled_at').notNull(),
});

export const SYNC_REFUSAL_OUTCOMES = ['refused', 'conflict'] as const;

/** Mutations of ours the hub refused or merged as a conflict, with its reason; shown on the Sync page until dismissed. */
export const syncRefusals = sqliteTable(
  'sync_refusals',
  {
    mutationId: text('mutation_id').primaryKey(),
    orgId: text('org_id').notNull(),
    seq: integer('seq').notNull(),
    action: text('action'),
    outcome: text('outcome', { enum: SYNC_REFUSAL_OUTCOMES }).notNull(),
    code: text('code'),
    message: text('message'),
    at: integer('at').notNull(),
    dismissedAt: integer('dismissed_at'),
    dismissedBy: text('dismissed_by'),
  },
  (t) => [
    index('sync_refusals_org_open_idx').on(t.orgId, t.dismissedAt, t.seq),
    uniqueIndex('sync_refusals_org_seq_uq').on(t.orgId, t.seq),
  ],
);

/**
 * Mutations of this node that a restore (or a database copied back by hand) lost, as the hub has
 * them: a crew phone that sends such a request again is answered "already applied" from here rather
 * than running it a second time (server/http/idempotency.ts). Filled by the sync loop after a new
 * epoch (docs/sync.md "A depot restored from a backup"); kept like mutation headers, for the replay horizon.
 */
export const syncReplayable = sqliteTable('sync_replayable', {
  mutationId: text('mutation_id').primaryKey(),
  orgId: text('org_id').notNull(),
  actorId: text('actor_id'),
  /** When the hub applied it (epoch ms). */
  appliedAt: integer('applied_at').notNull(),
});

export const SYNC_HELD_KINDS = ['row', 'fact'] as const;

/**
 * What the hub sent that this release cannot store yet (docs/sync.md "Versions apart"): fields of a
 * column this depot's schema does not have, or whole rows of a table it does not have, from a newer
 * hub or depot. Kept in arrival order and applied, oldest first, once an upgrade brings the column or
 * table (server/sync/held.ts), so nothing a newer release wrote is lost while this depot is older.
 */
export const syncHeld = sqliteTable(
  'sync_held',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orgId: text('org_id').notNull(),
    kind: text('kind', { enum: SYNC_HELD_KINDS }).notNull(),
    tbl: text('tbl').notNull(),
    rowId: text('row_id').notNull(),
    /** The held fields as JSON, by DB column name. */
    fields: text('fields').notNull(),
    /** HLC stamps of intent fields among them (a pull row's `c`), JSON; null when none. */
    clocks: text('clocks'),
    heldAt: integer('held_at').notNull(),
  },
  (t) => [index('sync_held_org_tbl_idx').on(t.orgId, t.tbl)],
);

export const SYNC_BLOB_STATES = ['sent', 'refused'] as const;

/**
 * Attachment files this depot has handed to the hub (by SHA-256), so each goes once; `refused` when
 * the hub would not take it (its bytes here no longer hash to its name), with why, for the Sync page.
 */
export const syncBlobs = sqliteTable('sync_blobs', {
  sha256: text('sha256').primaryKey(),
  orgId: text('org_id').notNull(),
  state: text('state', { enum: SYNC_BLOB_STATES }).notNull(),
  message: text('message'),
  at: integer('at').notNull(),
});
