import { z } from 'zod';

/**
 * The wire between a depot and the organization's hub (docs/sync.md). Shared by both ends; the hub
 * validates every body with these before it reads a field, so a forged or malformed batch is a
 * problem+json 400 with the path of the bad field, never a half-applied push.
 *
 * Field names are short on purpose: they repeat for every change of every mutation, and the issue's
 * budget is 150 bytes per field change on the wire.
 */

/** Bumped when a change to the wire or the merge rules is not additive; the hub answers 410 to an incompatible one. */
export const SYNC_SCHEMA_EPOCH = 1;

const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a UUID');
/** HLC wire form (server/core/hlc.ts): 15-digit ms, 5-digit counter, node. Sortable as a string. */
export const HlcString = z.string().regex(/^\d{15}:\d{5}:[0-9a-zA-Z-]{1,64}$/, 'an HLC stamp');
const TableName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'a table name');
const ColumnName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'a column name');
/** Travelling columns by DB name. Keys are checked against the table's policy by the receiver. */
const Fields = z.record(ColumnName, z.unknown());

export const CHANGE_OPS = ['insert', 'update', 'delete', 'restore', 'batch'] as const;

/** One change row of a mutation (the `changes` table), with a batch change's rows inlined. */
export const PushChange = z.strictObject({
  /** Table. */
  t: TableName,
  /** Row id; for `batch` the local id range "a..b". */
  r: z.string().min(1).max(80),
  op: z.enum(CHANGE_OPS),
  /** insert/update: travelling fields; delete/restore: null; batch: null (rows in `rows`). */
  f: Fields.nullable(),
  /** batch only: the rows of the id range (synced columns by DB name, plus `id`, the local integer id). */
  rows: z.array(Fields).max(50_000).optional(),
});
export type PushChange = z.infer<typeof PushChange>;

/** An audit row of the mutation, its synced columns (the hash chain is each replica's own). */
export const PushAudit = z.strictObject({
  id: Uuid,
  actorId: z.string().max(120).nullable(),
  action: z.string().min(1).max(120),
  entity: z.string().min(1).max(80),
  entityId: z.string().min(1).max(120),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().max(120).nullable(),
  at: z.number().int().nonnegative(),
});
export type PushAudit = z.infer<typeof PushAudit>;

export const PushMutation = z.strictObject({
  id: Uuid,
  seq: z.number().int().positive(),
  hlc: HlcString,
  action: z.string().min(1).max(120),
  /** A user id of the org, or `system:<name>` for the depot's own jobs. */
  actorId: z.string().min(1).max(120).nullable(),
  at: z.number().int().nonnegative(),
  changes: z.array(PushChange).max(10_000),
  audit: z.array(PushAudit).max(10_000),
});
export type PushMutation = z.infer<typeof PushMutation>;

export const PushBatch = z.strictObject({
  node: Uuid,
  epoch: z.number().int().positive(),
  /** The last seq of this epoch the hub acknowledged; null for the epoch's first batch. */
  afterSeq: z.number().int().nonnegative().nullable(),
  toSeq: z.number().int().positive(),
  key: Uuid,
  schema: z.number().int().positive(),
  mutations: z.array(PushMutation).min(1).max(2_000),
});
export type PushBatch = z.infer<typeof PushBatch>;

export const PUSH_OUTCOMES = ['applied', 'duplicate', 'refused', 'conflict'] as const;
export type PushOutcome = (typeof PUSH_OUTCOMES)[number];

/** The hub's current value of fields it did not take as sent, for the depot to write back. */
export const CurrentRow = z.strictObject({
  t: TableName,
  r: z.string().min(1).max(80),
  f: Fields,
  /** The row does not exist at the hub (a refused insert) or is hard-deleted there. */
  gone: z.boolean().optional(),
});
export type CurrentRow = z.infer<typeof CurrentRow>;

export const PushResult = z.strictObject({
  id: Uuid,
  seq: z.number().int().positive(),
  outcome: z.enum(PUSH_OUTCOMES),
  /** The org version the mutation was applied at (applied, conflict, and their duplicates). */
  version: z.number().int().nonnegative().optional(),
  /** refused / conflict: a stable code and a sentence for the Sync page. */
  code: z.string().max(80).optional(),
  message: z.string().max(500).optional(),
  current: z.array(CurrentRow).optional(),
});
export type PushResult = z.infer<typeof PushResult>;

export const PushAnswer = z.strictObject({
  /** The hub has every mutation of (node, epoch) through this seq. */
  ackedSeq: z.number().int().nonnegative(),
  /** The org's version after this push. */
  version: z.number().int().nonnegative(),
  results: z.array(PushResult),
});
export type PushAnswer = z.infer<typeof PushAnswer>;

/** One row's state past the cursor: only the fields whose own version is past it. */
export const PullRow = z.strictObject({
  t: TableName,
  r: z.string().min(1).max(80),
  /** The row's latest version. */
  v: z.number().int().positive(),
  f: Fields,
  /** HLC of intent fields sent (status), so the receiver stamps the transition at its time. */
  c: z.record(ColumnName, HlcString).optional(),
  /**
   * Wall time (ms) of the row's newest field HLC at the hub: when the row last changed anywhere, which
   * the receiver keeps as its updated_at rather than the moment the row arrived (a snapshot would
   * otherwise make every row look edited at join time). Optional: older hubs do not send it.
   */
  u: z.number().int().nonnegative().optional(),
  /** Hard-deleted at the hub. */
  gone: z.boolean().optional(),
});
export type PullRow = z.infer<typeof PullRow>;

/** An append-only row (events, messages, audit, attendance, stock movements), sent once. */
export const PullFact = z.strictObject({
  t: TableName,
  r: z.string().min(1).max(80),
  v: z.number().int().positive(),
  f: Fields,
});
export type PullFact = z.infer<typeof PullFact>;

export const PullPage = z.strictObject({
  /** The cursor this page starts after. */
  after: z.number().int().nonnegative(),
  /** The version this page reaches: the next cursor. */
  to: z.number().int().nonnegative(),
  /** More pages wait past `to`. */
  more: z.boolean(),
  rows: z.array(PullRow),
  facts: z.array(PullFact),
});
export type PullPage = z.infer<typeof PullPage>;

export const PullQuery = z.strictObject({
  after: z.coerce.number().int().nonnegative(),
  /**
   * The cursor this catch-up started from (before its first page), kept by the depot until a page says
   * `more: false`; fields changed after it are sent. Defaults to `after`, which is right only when the
   * catch-up is one page: a row comes on the page of its latest version, so with `since = after` a field
   * it changed on an earlier version of a multi-page catch-up would never arrive (docs/sync.md, Pull).
   */
  since: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(5_000).default(1_000),
  schema: z.coerce.number().int().positive(),
});
export type PullQuery = z.infer<typeof PullQuery>;

/**
 * The asking node's own mutations the hub holds with seq in (after, before): what a restore took
 * from the depot (docs/sync.md "A depot restored from a backup"). Paged by seq.
 */
export const OwnMutationsQuery = z
  .strictObject({
    after: z.coerce.number().int().nonnegative(),
    before: z.coerce.number().int().positive(),
    limit: z.coerce.number().int().min(1).max(5_000).default(1_000),
  })
  .refine((q) => q.after < q.before, { message: 'after must be below before', path: ['after'] });
export type OwnMutationsQuery = z.infer<typeof OwnMutationsQuery>;

export const OwnMutationsPage = z.strictObject({
  mutations: z.array(
    z.strictObject({
      id: Uuid,
      seq: z.number().int().positive(),
      /** As pushed: a user id, or `system:<name>`. */
      actorId: z.string().max(120).nullable(),
      appliedAt: z.number().int().nonnegative(),
    }),
  ),
  /** More past the last seq of this page. */
  more: z.boolean(),
});
export type OwnMutationsPage = z.infer<typeof OwnMutationsPage>;

/**
 * Drift check (docs/sync.md "Drift"): per replicated table, how many rows the hub holds for the org
 * and an MD5 of their ids sorted bytewise and joined with commas, at the org version `version`.
 */
export const ChecksumsAnswer = z.strictObject({
  version: z.number().int().nonnegative(),
  tables: z.array(z.strictObject({ t: TableName, kind: z.enum(['row', 'fact']), count: z.number().int().nonnegative(), md5: z.string() })),
});
export type ChecksumsAnswer = z.infer<typeof ChecksumsAnswer>;

/** Ids of one table past `after` (bytewise), paged: what a depot compares with its own when a checksum differs. */
export const IdsQuery = z.strictObject({
  t: TableName,
  after: z.string().max(80).default(''),
  limit: z.coerce.number().int().min(1).max(10_000).default(5_000),
});
export type IdsQuery = z.infer<typeof IdsQuery>;
export const IdsPage = z.strictObject({ ids: z.array(z.string().min(1).max(80)), more: z.boolean() });
export type IdsPage = z.infer<typeof IdsPage>;

/** The current state of named rows of one table, as a pull page carries them, without moving any cursor. */
export const RowsByIdBody = z.strictObject({ t: TableName, ids: z.array(z.string().min(1).max(80)).min(1).max(500) });
export type RowsByIdBody = z.infer<typeof RowsByIdBody>;
export const RowsByIdAnswer = z.strictObject({ rows: z.array(PullRow), facts: z.array(PullFact) });
export type RowsByIdAnswer = z.infer<typeof RowsByIdAnswer>;

/**
 * Drift check, contents: the hub's rows of one table past `after` (bytewise) in buckets of `bucket`
 * rows, each an MD5 of its ids and of the named columns' values (content-hash.ts). The depot names the
 * columns: those its release has, so a field only one release knows never reads as drift.
 */
export const ContentQuery = z.strictObject({
  t: TableName,
  columns: z.array(ColumnName).min(1).max(200),
  after: z.string().max(80).default(''),
  bucket: z.number().int().min(10).max(500).default(500),
  buckets: z.number().int().min(1).max(100).default(40),
});
export type ContentQuery = z.infer<typeof ContentQuery>;
export const ContentPage = z.strictObject({
  buckets: z.array(
    z.strictObject({
      first: z.string().min(1).max(80),
      last: z.string().min(1).max(80),
      count: z.number().int().positive(),
      md5: z.string(),
    }),
  ),
  more: z.boolean(),
});
export type ContentPage = z.infer<typeof ContentPage>;

/** How much of an attachment file (by SHA-256) the hub holds for the org (server/hub/blobs/). */
export const BlobStatus = z.object({ size: z.number().int().nullable(), received: z.number().int().nonnegative(), complete: z.boolean() });
export type BlobStatus = z.infer<typeof BlobStatus>;

export const EnrolRequest = z.strictObject({
  code: z.string().min(8).max(200),
  node: Uuid,
  /** The depot's own org id: becomes the hub org's replica org id on first enrolment. */
  orgId: Uuid,
  depotCode: z.string().min(1).max(16),
  depotName: z.string().min(1).max(200),
  schema: z.number().int().positive(),
  /** The depot's software version, shown to hub admins. */
  version: z.string().max(40),
  /**
   * A new depot joining at first-run setup: it has no history of its own yet, so it adopts the org's
   * replica org id from the answer instead of having to match it (an unbound org binds to `orgId`).
   */
  join: z.boolean().optional(),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const EnrolAnswer = z.strictObject({
  credential: z.string().min(32),
  hubOrgId: Uuid,
  orgName: z.string(),
  replicaOrgId: Uuid,
});
export type EnrolAnswer = z.infer<typeof EnrolAnswer>;

/** A message on the live socket: the org's version moved. */
export const LivePoke = z.strictObject({ type: z.literal('version'), version: z.number().int().nonnegative() });
export type LivePoke = z.infer<typeof LivePoke>;
