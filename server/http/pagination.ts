import { and, asc, desc, eq, gt, isNotNull, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { ValidationError } from '../errors.js';

/**
 * Keyset (cursor) pagination: the cursor is the last row's sort value and id, so a page costs the
 * same at row 50 as at row 90,000, and rows inserted meanwhile do not shift pages.
 */
export interface SortSpec {
  column: SQLiteColumn;
  direction: 'asc' | 'desc';
  /** The key clients name in ?sort= (e.g. "createdAt"). */
  key: string;
}

type CursorValue = string | number | null;

export function encodeCursor(sortKey: string, value: CursorValue, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, value, id])).toString('base64url');
}

export function decodeCursor(cursor: string, sortKey: string): { value: CursorValue; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === sortKey && typeof parsed[2] === 'string') {
      const value = parsed[1] as unknown;
      if (value === null || typeof value === 'string' || typeof value === 'number') return { value, id: parsed[2] };
    }
  } catch {
    /* fall through to the error below */
  }
  throw new ValidationError('The cursor is not valid for this list and sort order; start again without it.', [
    { field: 'query.cursor', message: 'unknown or stale cursor' },
  ]);
}

/**
 * Parses "?sort=-createdAt" against the allowed keys. Unknown keys are a 400, not a silent default.
 */
export function parseSort(sort: string | undefined, allowed: Record<string, SQLiteColumn>, fallback: string): SortSpec {
  const raw = sort ?? fallback;
  const direction = raw.startsWith('-') ? 'desc' : 'asc';
  const key = raw.replace(/^[-+]/, '');
  // Own keys only: "?sort=__proto__" or "constructor" would otherwise find Object.prototype's members.
  const column = Object.hasOwn(allowed, key) ? allowed[key] : undefined;
  if (!column) {
    throw new ValidationError(`Cannot sort by "${key}". Sort by one of: ${Object.keys(allowed).join(', ')} (prefix "-" for descending).`, [
      { field: 'query.sort', message: `must be one of ${Object.keys(allowed).join(', ')}` },
    ]);
  }
  return { column, direction, key };
}

/** WHERE fragment selecting rows strictly after the cursor in (sort column, id) order. Nulls sort first. */
export function afterCursor(spec: SortSpec, idColumn: SQLiteColumn, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const { value, id } = decodeCursor(cursor, spec.key);
  const further = spec.direction === 'asc' ? gt : lt;
  // SQLite puts NULLs first ascending and last descending; the cursor must follow the same order.
  if (value === null) {
    const inNulls = and(isNull(spec.column), further(idColumn, id));
    return spec.direction === 'asc' ? or(inNulls, isNotNull(spec.column)) : inNulls;
  }
  const after = or(further(spec.column, value), and(eq(spec.column, value), further(idColumn, id)));
  return spec.direction === 'desc' ? or(after, isNull(spec.column)) : after;
}

export function orderBy(spec: SortSpec, idColumn: SQLiteColumn): SQL[] {
  const dir = spec.direction === 'asc' ? asc : desc;
  return [dir(spec.column), dir(idColumn)];
}

/** Fetch limit+1 rows, return `limit` and a cursor if there were more. */
export function toPage<T extends { id: string }>(rows: T[], limit: number, spec: SortSpec, valueOf: (row: T) => CursorValue) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor(spec.key, valueOf(last), last.id) : null };
}
