import { getTableName, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Ctx } from '../core/context.js';
import { mutate, type ManagedTable, type Writer } from '../core/mutate.js';
import { AppError, ValidationError } from '../errors.js';

/** Helpers of the CRUD factory that hand-written services use too (re-exported by crud.ts). */
/** 409 `duplicate` with the offending fields, e.g. a location code that is already taken. */
export class DuplicateError extends AppError {
  constructor(entity: string, fields: string[]) {
    super(
      409,
      'duplicate',
      `Another ${entity} already has this ${fields.join(' and ')}; it must be unique.`,
      fields.map((f) => ({ field: `body.${f}`, message: `already used by another ${entity}` })),
    );
  }
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Turns SQLite's "UNIQUE constraint failed: locations.org_id, locations.code" into a 409 naming `code`. */
export function uniqueViolation(err: unknown, entity: string): DuplicateError | null {
  const e = err as { code?: string; message?: string } | null;
  if (e?.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e?.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return null;
  const cols = (e.message ?? '')
    .replace(/^.*constraint failed:\s*/i, '')
    .split(',')
    .map((c) => c.trim().split('.').pop() ?? '');
  const fields = cols.filter((c) => c && c !== 'org_id').map(camel);
  return new DuplicateError(entity, fields.length ? fields : ['value']);
}

/** mutate() with unique-constraint violations answered as 409 duplicate instead of 500. */
export function mutateEntity<R>(ctx: Ctx, entity: string, action: string, fn: (w: Writer) => R): R {
  try {
    return mutate(ctx, action, fn);
  } catch (err) {
    throw uniqueViolation(err, entity) ?? err;
  }
}

/**
 * A foreign id in a request body must name a row of the caller's own org. Another org's id is
 * treated exactly like a missing one, so nothing leaks about other tenants.
 */
export function assertSameOrg(w: Writer, table: ManagedTable, id: string, field: string, entity = getTableName(table)) {
  const row = w.find(table, id) as (Record<string, unknown> & { deletedAt?: number | null }) | undefined;
  // A deleted row is no longer something a new reference may point at.
  if (!row || (row.deletedAt ?? null) !== null) {
    throw new AppError(400, 'unknown_reference', `No ${entity} with id ${id} in your organization (${field}).`, [
      { field: `body.${field}`, message: `no such ${entity}` },
    ]);
  }
  return row;
}

/** `If-Match: "3"` (or W/"3") → 3; absent or `*` → undefined (last write wins, as without the header). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m?.[1]) {
    throw new ValidationError('If-Match must be the ETag from a previous read, e.g. "3".', [
      { field: 'header.if-match', message: 'must be an ETag such as "3"' },
    ]);
  }
  return Number(m[1]);
}

export const etag = (version: number) => ({ ETag: `"${version}"` });

/** LIKE pattern matching `text` anywhere, with the LIKE wildcards in it taken literally. */
export function containsLike(columns: SQLiteColumn[], text: string): SQL | undefined {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(...columns.map((c) => sql`${c} LIKE ${pattern} ESCAPE '\\'`));
}
