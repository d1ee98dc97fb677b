import { sql } from 'drizzle-orm';
import { integer, text } from 'drizzle-orm/sqlite-core';

/** UUIDv7 text primary key (DESIGN invariant 4): time-ordered, so inserts stay append-friendly in B-trees. */
export const id = () => text('id').primaryKey();

/** Every org-owned row carries its org (DESIGN invariant 2). */
export const orgId = () => text('org_id').notNull();

/** Times are UTC epoch milliseconds; the API turns them into ISO-8601. */
export const ms = (name: string) => integer(name);

/** Columns shared by every mutable, user-managed entity: timestamps and an optimistic-concurrency version. */
export const tracked = () => ({
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  version: integer('version').notNull().default(1),
});

/**
 * A tombstone instead of a hard delete, so a delete can travel to other replicas and be undone
 * (`Writer.remove` / `Writer.restore`). Reads of live rows filter `deleted_at IS NULL`.
 */
export const deletable = () => ({
  deletedAt: integer('deleted_at'),
  deletedBy: text('deleted_by'),
});

/** Unique among live rows only, so the code or name of a deleted row can be used again. */
export const live = sql`deleted_at IS NULL`;

/** JSON stored as text; readers validate it with zod before trusting it (STYLE 8). */
export const json = (name: string) => text(name, { mode: 'json' });
