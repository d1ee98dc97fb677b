import { and, eq, getTableName, isNull, sql, type InferSelectModel } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Sqlite } from '../../db/client.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { ManagedTable, Writer } from './mutate.js';
import { perConnection } from '../../db/per-connection.js';

/**
 * Deletes are tombstones (issue 13): a delete sets `deleted_at`/`deleted_by` and bumps the version,
 * so it travels to other replicas as a last-writer-wins field and can be undone. Reads of live rows
 * filter `deleted_at IS NULL` (`liveOnly`).
 *
 * "In use" keeps today's meaning without a hand-kept reference list: the row is hard-deleted inside a
 * savepoint that is always rolled back, so SQLite's foreign keys say whether anything refers to it.
 * A tombstoned row still holds its foreign keys, though, so when the probe fails the live references
 * are counted from the schema's own foreign-key list (`pragma_foreign_key_list`): references from
 * tombstoned rows (a deleted team's members, a deleted project's phases) do not block; any reference
 * from a table without tombstones (a work order, a stock level, a user's home depot) does.
 */

export type DeletableTable = ManagedTable & { deletedAt: SQLiteColumn; deletedBy: SQLiteColumn };
type Row<T extends ManagedTable> = InferSelectModel<T>;

/** Rows owned by another (team members of a team, phases of a project): deleted and restored with it. */
export interface Part {
  table: DeletableTable;
  /** The part's column holding the owner's id. */
  owner: SQLiteColumn;
  entity: string;
}

export function isDeletable(table: SQLiteTable): table is DeletableTable {
  return 'deletedAt' in table && 'deletedBy' in table;
}

/** `deleted_at IS NULL` for tables with tombstones, nothing for the others. */
export function liveOnly(table: SQLiteTable) {
  return isDeletable(table) ? isNull(table.deletedAt) : undefined;
}

interface Reference {
  table: string;
  column: string;
  deletable: boolean;
}

/** Who refers to which table, read once per connection from the schema itself. */
const referenceMap = perConnection((sqlite: Sqlite) => {
  const map = new Map<string, Reference[]>();
  const rows = sqlite
    .prepare(
      `SELECT m.name AS tbl, f."from" AS col, f."table" AS target,
           EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'deleted_at') AS deletable
         FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`,
    )
    .all() as { tbl: string; col: string; target: string; deletable: number }[];
  for (const r of rows) {
    const list = map.get(r.target) ?? [];
    list.push({ table: r.tbl, column: r.col, deletable: r.deletable === 1 });
    map.set(r.target, list);
  }
  return map;
});
function referencesTo(sqlite: Sqlite, target: string): Reference[] {
  return referenceMap(sqlite).get(target) ?? [];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** True when deleting the row would break a foreign key (the probe; nothing is kept). */
function referenced(sqlite: Sqlite, name: string, id: string): boolean {
  sqlite.exec('SAVEPOINT tombstone_probe');
  try {
    sqlite.prepare(`DELETE FROM ${quote(name)} WHERE id = ?`).run(id);
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
    throw err;
  } finally {
    sqlite.exec('ROLLBACK TO tombstone_probe; RELEASE tombstone_probe');
  }
}

/** Live rows referring to `id`, per table (tombstoned referrers left out). */
function liveReferences(sqlite: Sqlite, name: string, id: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const ref of referencesTo(sqlite, name)) {
    const alive = ref.deletable ? ' AND deleted_at IS NULL' : '';
    const n = sqlite
      .prepare(`SELECT count(*) FROM ${quote(ref.table)} WHERE ${quote(ref.column)} = ?${alive}`)
      .pluck()
      .get(id) as number;
    if (n > 0) out.set(ref.table, (out.get(ref.table) ?? 0) + n);
  }
  return out;
}

/** Writer.find for a live row: a tombstone reads as missing (a new reference must not point at it). */
export function findLive<T extends ManagedTable>(w: Writer, table: T, id: string): Row<T> | undefined {
  const row = w.find(table, id) as (Row<T> & { deletedAt?: number | null }) | undefined;
  return row && (row.deletedAt ?? null) === null ? row : undefined;
}

function partIds(w: Writer, part: Part, ownerId: string, deleted: { at: number; by: string | null } | null): string[] {
  const t = part.table;
  const state = deleted ? and(eq(t.deletedAt, deleted.at), sql`${t.deletedBy} IS ${deleted.by}`) : isNull(t.deletedAt);
  const orgCol = t.orgId ?? t.id;
  return w.ctx.host.db
    .select({ id: t.id })
    .from(t as SQLiteTable)
    .where(and(eq(orgCol, w.ctx.orgId), eq(part.owner, ownerId), state))
    .all()
    .map((r) => (r as { id: string }).id);
}

export interface TombstoneOptions {
  entity?: string;
  /** Owned rows tombstoned first in the same mutation, in this order (milestones before phases). */
  parts?: Part[];
  /** false: references never block (a report schedule's past runs keep naming it). Default true. */
  checkInUse?: boolean;
}

/**
 * Deletes a live row of this org as a tombstone. 404 when it is missing or already deleted; 409
 * `in_use` while live rows still refer to it.
 */
export function tombstone<T extends DeletableTable>(w: Writer, table: T, id: string, opts: TombstoneOptions = {}): Row<T> {
  const name = getTableName(table);
  const entity = opts.entity ?? name;
  const before = findLive(w, table, id);
  if (!before) throw new NotFoundError(entity, id);
  for (const part of opts.parts ?? []) {
    for (const partId of partIds(w, part, id, null)) tombstone(w, part.table, partId, { entity: part.entity });
  }
  const sqlite = w.ctx.host.sqlite;
  if (opts.checkInUse !== false && referenced(sqlite, name, id)) {
    const live = liveReferences(sqlite, name, id);
    if (live.size > 0) {
      const what = [...live].map(([t, n]) => `${n} ${t.replace(/_/g, ' ')}`).join(', ');
      throw new ConflictError(
        'in_use',
        `This ${entity} is still referenced by other records (${what}); retire it instead of deleting it.`,
        {
          references: Object.fromEntries(live),
        },
      );
    }
  }
  // `never`: drizzle's partial-row type of a generic table is not expressible here; both columns exist (DeletableTable).
  const { after } = w.update(table, id, { deletedAt: w.now, deletedBy: w.ctx.actor.userId } as never, { before, auditAs: 'delete' });
  return after;
}

/** A tombstoned row of this org, or undefined (live or missing). */
export function findDeleted<T extends DeletableTable>(w: Writer, table: T, id: string): Row<T> | undefined {
  const row = w.find(table, id) as (Row<T> & { deletedAt: number | null }) | undefined;
  return row && row.deletedAt !== null ? row : undefined;
}

/** Refuses to bring a row back under a deleted parent (a location of a deleted depot): restore the parent first. */
function checkParentsLive(w: Writer, table: DeletableTable, row: Record<string, unknown>) {
  const sqlite = w.ctx.host.sqlite;
  const fks = sqlite.prepare(`SELECT "from" AS col, "table" AS target FROM pragma_foreign_key_list(?)`).all(getTableName(table)) as {
    col: string;
    target: string;
  }[];
  for (const fk of fks) {
    const field = fk.col.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const value = row[field];
    const hasTombstones = sqlite.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = 'deleted_at'`).get(fk.target) !== undefined;
    if (typeof value !== 'string' || !hasTombstones) continue;
    const deleted = sqlite
      .prepare(`SELECT deleted_at IS NOT NULL FROM ${quote(fk.target)} WHERE id = ?`)
      .pluck()
      .get(value);
    if (deleted === 1) {
      const what = fk.target.replace(/_/g, ' ');
      throw new ConflictError('parent_deleted', `This row refers to a deleted ${what} (${value}); restore that first.`, { field });
    }
  }
}

/**
 * Brings a tombstoned row back, with the parts its delete tombstoned: those deleted at the same
 * instant by the same actor (one mutation has one `now`). A unique-constraint error (a live row now
 * holds the same code or name) is left for the caller to phrase.
 */
export function restore<T extends DeletableTable>(w: Writer, table: T, id: string, opts: { entity?: string; parts?: Part[] } = {}): Row<T> {
  const entity = opts.entity ?? getTableName(table);
  const before = findDeleted(w, table, id) as (Row<T> & { deletedAt: number; deletedBy: string | null }) | undefined;
  if (!before) throw new NotFoundError(`deleted ${entity}`, id);
  checkParentsLive(w, table, before as Record<string, unknown>);
  const { after } = w.update(table, id, { deletedAt: null, deletedBy: null } as never, { before, auditAs: 'restore' });
  const deleted = { at: before.deletedAt, by: before.deletedBy };
  // Reverse order of the delete: phases come back before the milestones that may name them.
  for (const part of [...(opts.parts ?? [])].reverse()) {
    for (const partId of partIds(w, part, id, deleted)) restore(w, part.table, partId, { entity: part.entity });
  }
  return after;
}
