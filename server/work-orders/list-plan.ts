import { and, gte, lte, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { workOrders } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import type { SortSpec } from '../http/pagination.js';

/**
 * Which index drives a work-order list page.
 *
 * SQLite's choice between "walk the sort index and filter, stop after a page" and "seek the filter's
 * index and sort what it finds" depends on how many rows match, and the statistics cannot tell it:
 * the host's bounded ANALYZE samples 1,000 index entries, which on a one-org depot all share one
 * org and often one status, and it keeps no per-value samples (stat4). So it walked the created-at
 * index over all 51,000 rows for `status=NEW` (20 matches, 190 ms). Instead the list counts, from
 * the filters' own indexes, up to FEW matches per filter (index-only, ≤ 1,000 entries each) and
 * writes the query so only one plan is open to SQLite: a term it must not use gets a unary "+"
 * (the documented way to disqualify an index), and so does the ORDER BY when the page is sorted
 * in memory.
 */

/** Up to this many matches, seeking them and sorting beats walking the sort index. */
export const FEW = 1000;

export interface Seek {
  /** The filter it comes from (for tests and for `keeps`). */
  name: string;
  /** The term over the plain column: its index can seek it. */
  on: SQL;
  /** The same term over "+column": no index can use it, so it only filters. */
  off: SQL;
  /** Its index also yields the sort order (org, term, sort column…, id): the page stops after `limit` rows. */
  ordered: boolean;
  /** Other seeks whose terms stay usable when this one drives (its index continues with their column). */
  keeps?: string[];
  /** Drive by it even past FEW matches: its rows are few by nature (open work), however old the depot. */
  bounded?: boolean;
  /** Matches counted elsewhere (text search counts its own), else probed here. */
  count?: number;
}

/** A seek over one column: `build` writes the term for the plain column and for "+column". */
export function seek(name: string, column: SQLWrapper, build: (c: SQLWrapper) => SQL, opts: Partial<Seek> = {}): Seek {
  return { name, on: build(column), off: build(sql`+${column}`), ordered: false, ...opts };
}

/**
 * A range over one column, either bound optional; undefined when neither is given. A missing lower
 * bound is written as the lowest integer: "≤ to" alone counts the column's NULLs into SQLite's
 * estimate (stat4), and with most work unplanned it scanned the table instead of seeking the range.
 */
export function rangeSeek(name: string, column: SQLWrapper, from: number | undefined, to: number | undefined, ordered: boolean) {
  if (from === undefined && to === undefined) return undefined;
  const low = from ?? Number.MIN_SAFE_INTEGER;
  return seek(name, column, (c) => and(gte(c, low), to === undefined ? undefined : lte(c, to))!, { ordered });
}

function probe(ctx: Ctx, s: Seek, companions: SQL[]): number {
  const where = and(sql`${workOrders.orgId} = ${ctx.orgId}`, s.on, ...companions);
  const row = ctx.host.db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${workOrders} WHERE ${where} LIMIT ${sql.raw(String(FEW))})`,
  );
  return row.n;
}

export interface Plan {
  /** The seek that drives the page, if any (undefined: walk the sort index). */
  driver: Seek | undefined;
  /** Every seek's term, usable or disqualified per the choice. */
  terms: SQL[];
  /** True when the page is sorted in memory: the ORDER BY must not name an index's column. */
  sortInMemory: boolean;
}

export function choosePlan(ctx: Ctx, seeks: Seek[]): Plan {
  let driver = seeks.find((s) => s.ordered);
  if (!driver) {
    let best: Seek | undefined;
    for (const s of seeks) {
      const companions = seeks.filter((o) => s.keeps?.includes(o.name)).map((o) => o.on);
      s.count ??= probe(ctx, s, companions);
      if ((s.count < FEW || s.bounded) && (!best || s.count < best.count!)) best = s;
      if (best?.count === 0) break;
    }
    driver = best;
  }
  const terms = seeks.map((s) => (s === driver || (driver?.keeps?.includes(s.name) ?? false) ? s.on : s.off));
  return { driver, terms, sortInMemory: driver !== undefined && !driver.ordered };
}

/** The sort column as the ORDER BY names it: "+column" when the page is sorted in memory. */
export function sortExpr(column: SQLWrapper, plan: Plan): SQLWrapper {
  return plan.sortInMemory ? sql`+${column}` : column;
}

/** Sort keys whose (org, status, key…, id) index serves one status in order: work_orders_org_status_*_idx. */
export const STATUS_ORDERED_SORTS: ReadonlySet<string> = new Set(['createdAt', 'dueAt', 'priority']);

/** Sort keys whose column is NOT NULL: a cursor bounds them with a plain range. */
export const NOT_NULL_SORTS: ReadonlySet<string> = new Set(['createdAt', 'updatedAt', 'number', 'priority']);

/**
 * The keyset condition "(value, id) after the cursor" is an OR that SQLite cannot turn into a range, so
 * a later page walked its index from the first row. "value ≥ cursor value" (≤ descending) is implied by
 * it and gives the walk a start. Descending pages of a nullable column also hold its NULLs, which a
 * bound would drop: no bound there.
 */
export function cursorBound(spec: SortSpec, column: SQLWrapper, value: number | string | null): SQL | undefined {
  if (value === null) return undefined;
  if (spec.direction === 'asc') return gte(column, value);
  return NOT_NULL_SORTS.has(spec.key) ? lte(column, value) : undefined;
}
