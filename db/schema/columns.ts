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

/** JSON stored as text; readers validate it with zod before trusting it (STYLE 8). */
export const json = (name: string) => text(name, { mode: 'json' });
