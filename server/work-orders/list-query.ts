import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PRIORITIES, workOrders } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { decodeCursor, parseSort, toPage, type SortSpec } from '../http/pagination.js';
import type { WorkOrderListFilter } from './contract.js';
import { toWorkOrderDto, type WorkOrderRow } from './dto.js';
import { choosePlan, cursorBound, FEW, rangeSeek, seek, sortExpr, STATUS_ORDERED_SORTS, type Plan, type Seek } from './list-plan.js';
import { formatNumber } from './numbers.js';
import { scopeSql } from './repo.js';
import { rowStatements } from '../core/row-statements.js';
import { OPEN_STATUSES, riskFrom, SLA_STATUSES, slaStateSql } from './sla-sql.js';
import { perConnection } from '../../db/per-connection.js';
import type { Sqlite } from '../../db/client.js';

/** GET /work-orders: filters, sorts and keyset pages over the org's work orders (plan choice: list-plan.ts). */

const SORTS = {
  createdAt: workOrders.createdAt,
  updatedAt: workOrders.updatedAt,
  priority: workOrders.priorityRank,
  dueAt: workOrders.resolutionDueAt,
  plannedStart: workOrders.plannedStart,
  // The text: "AVM-000124" is unique in the org (its index serves the sort), grouped by depot
  // prefix and numeric within one (six-digit padding). `seq` alone repeats across prefixes.
  number: workOrders.number,
};
export const WORK_ORDER_SORTS = Object.keys(SORTS) as (keyof typeof SORTS)[];

const SORT_VALUE: Record<keyof typeof SORTS, (r: WorkOrderRow) => number | string | null> = {
  createdAt: (r) => r.createdAt,
  updatedAt: (r) => r.updatedAt,
  priority: (r) => `${r.priorityRank}:${r.createdAt}`,
  dueAt: (r) => r.resolutionDueAt,
  plannedStart: (r) => r.plannedStart,
  number: (r) => r.number,
};

/**
 * FTS5 query from user text: every word becomes a quoted prefix token, so operators and quotes in
 * the input are plain text, never query syntax. Words without letters or digits would be empty phrases.
 */
export function ftsQuery(q: string): string | null {
  const words = q
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .map((w) => `"${w.replace(/"/g, '""')}"*`);
  return words.length ? words.join(' ') : null;
}

/**
 * "124" means number 124 of any prefix; "AVM-124", "avm124" and "AVM-000124" mean AVM's 124 (and
 * "WO-123" the numbers from before depot prefixes). Codes may hold "-", "." , "/" and "_", so the
 * prefix is everything before the final digits; LIKE makes it case-insensitive, and `seq` keeps
 * the lookup on the (org, seq) index.
 */
function numberSearch(ctx: Ctx, q: string): SQL | undefined {
  const m = /^([\w.\-/]*?)-?0*(\d{1,9})$/.exec(q.trim());
  if (!m) return undefined;
  const seq = Number(m[2]);
  const base = sql`SELECT rowid FROM ${workOrders} WHERE ${workOrders.orgId} = ${ctx.orgId} AND ${workOrders.seq} = ${seq}`;
  if (!m[1]) return base;
  const pattern = formatNumber(m[1], seq).replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`${base} AND ${workOrders.number} LIKE ${pattern} ESCAPE '\\'`;
}

/** Text search as a seek on rowid: a rare word drives the page by rowid, a common one only filters. */
function textSeek(ctx: Ctx, q: string): Seek {
  const match = ftsQuery(q);
  const byNumber = numberSearch(ctx, q);
  const rowid = sql`${workOrders}.rowid`;
  if (!match) return seek('q', rowid, (c) => (byNumber ? sql`${c} IN (${byNumber})` : sql`0`), { count: 0 });
  const bySearch = sql`SELECT rowid FROM work_orders_fts WHERE work_orders_fts MATCH ${match}`;
  const rowids = byNumber ? sql`${bySearch} UNION ALL ${byNumber}` : bySearch;
  return seek('q', rowid, (c) => sql`${c} IN (${rowids})`, { count: searchCount(ctx, match) });
}

/** How long a text search's match count steers the plan before it is counted again. */
const SEARCH_COUNT_TTL_MS = 30_000;
const searchCounts = perConnection((_sqlite: Sqlite) => new Map<string, { count: number; at: number }>());

/**
 * Matches of `match`, up to FEW, remembered per connection for a while. Counting a common prefix
 * ("pump*": 20,000 of 100,000 work orders) cost ~1.1 ms, a seventh of the page, and a search box
 * asks the same question again for every page and live refresh. The count only chooses the plan:
 * one that has gone stale makes a page slower, never different.
 */
function searchCount(ctx: Ctx, match: string): number {
  const counts = searchCounts(ctx.host.sqlite);
  const now = ctx.host.clock.now();
  const known = counts.get(match);
  if (known && now - known.at >= 0 && now - known.at < SEARCH_COUNT_TTL_MS) return known.count;
  const count = ctx.host.sqlite
    .prepare(`SELECT count(*) FROM (SELECT rowid FROM work_orders_fts WHERE work_orders_fts MATCH ? LIMIT ${FEW})`)
    .pluck()
    .get(match) as number;
  counts.delete(match);
  counts.set(match, { count, at: now });
  // The oldest first: a Map iterates in insertion order.
  if (counts.size > 256) counts.delete(counts.keys().next().value as string);
  return count;
}

/**
 * At risk: open work past its risk instant (sla-sql.ts riskFrom), read from work_orders_org_risk_idx.
 * The status list is the index's own condition, written the same way so SQLite can use it.
 */
function atRiskSeek(now: number): Seek {
  const open = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;
  return {
    name: 'slaState',
    on: sql`(${sql.raw(open)} AND ${riskFrom()} <= ${now})`,
    off: sql`(+${sql.raw(open)} AND ${riskFrom(false)} <= ${now})`,
    ordered: false,
    bounded: true,
  };
}

/** A hold stamped after `now` (the host's clock stepped back): riskFrom ≤ now would miss that row. */
function heldAfter(ctx: Ctx, now: number): boolean {
  return (
    ctx.host.sqlite
      .prepare("SELECT 1 FROM work_orders WHERE org_id = ? AND status = 'ON_HOLD' AND on_hold_since > ? LIMIT 1")
      .get(ctx.orgId, now) !== undefined
  );
}

const ms = (isoTime: string | undefined) => (isoTime === undefined ? undefined : Date.parse(isoTime));

/** The filters an index can seek, each once; `now` for the SLA state. */
function seeksOf(ctx: Ctx, f: WorkOrderListFilter, sortKey: string, now: number): Seek[] {
  const wo = workOrders;
  const one = <T>(values: readonly T[] | undefined) => values?.length === 1;
  const seeks: (Seek | undefined)[] = [
    f.status &&
      seek('status', wo.status, (c) => (one(f.status) ? eq(c, f.status![0]!) : inArray(c, f.status!)), {
        ordered: one(f.status) && STATUS_ORDERED_SORTS.has(sortKey),
      }),
    // On priority_rank, not priority: the (org, rank, createdAt, id) index then serves the filter, and
    // one priority in the default order or by priority is read in index order.
    f.priority &&
      seek(
        'priority',
        wo.priorityRank,
        (c) =>
          inArray(
            c,
            f.priority!.map((p) => PRIORITIES.indexOf(p)),
          ),
        {
          ordered: one(f.priority) && (sortKey === 'createdAt' || sortKey === 'priority'),
        },
      ),
    f.type && seek('type', wo.type, (c) => inArray(c, f.type!)),
    f.teamId === undefined ? undefined : seek('teamId', wo.teamId, (c) => eq(c, f.teamId!), { keeps: ['status'] }),
    f.assigneeId === undefined ? undefined : seek('assigneeId', wo.assigneeId, (c) => eq(c, f.assigneeId!), { keeps: ['status'] }),
    f.unassigned === true ? seek('unassigned', wo.assigneeId, (c) => isNull(c), { keeps: ['status'] }) : undefined,
    f.locationId === undefined ? undefined : seek('locationId', wo.locationId, (c) => eq(c, f.locationId!)),
    f.assetId === undefined ? undefined : seek('assetId', wo.assetId, (c) => eq(c, f.assetId!)),
    f.projectId === undefined ? undefined : seek('projectId', wo.projectId, (c) => eq(c, f.projectId!)),
    rangeSeek('due', wo.resolutionDueAt, ms(f.dueFrom), ms(f.dueTo), sortKey === 'dueAt'),
    rangeSeek('planned', wo.plannedStart, ms(f.plannedFrom), ms(f.plannedTo), sortKey === 'plannedStart'),
    // The SLA state is a CASE no index can use; the statuses it implies can (sla-sql.ts).
    // Open work is bounded by the depot's size, not its history: seeking it always beats walking years of closed work.
    f.slaState === 'at_risk' && !heldAfter(ctx, now)
      ? atRiskSeek(now)
      : f.slaState && SLA_STATUSES[f.slaState]
        ? seek('slaState', wo.status, (c) => inArray(c, [...SLA_STATUSES[f.slaState!]!]), { bounded: f.slaState !== 'met' })
        : undefined,
    f.q ? textSeek(ctx, f.q) : undefined,
  ];
  return seeks.filter((s) => s !== undefined);
}

/** Filters no index serves (they match most rows): plain terms. */
function filtersOf(f: WorkOrderListFilter, now: number): SQL[] {
  const terms: SQL[] = [];
  if (f.unassigned === false) terms.push(isNotNull(workOrders.assigneeId));
  if (f.slaState) {
    if (!SLA_STATUSES[f.slaState]) terms.push(sql`${workOrders.status} <> 'CANCELLED'`);
    terms.push(sql`${slaStateSql(now)} = ${f.slaState}`);
  }
  return terms;
}

/**
 * Rows after the cursor in (sort value[, createdAt], id) order, over the columns as the ORDER BY names
 * them. SQLite puts NULLs first ascending and last descending; the cursor follows the same order.
 */
function afterCursor(spec: SortSpec, plan: Plan, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const { value, id } = decodeCursor(cursor, spec.key);
  const further = spec.direction === 'asc' ? gt : lt;
  const col = sortExpr(spec.column, plan);
  if (spec.key === 'priority') {
    // The cursor carries "rank:createdAt": ties on priority are broken by creation time, then id.
    const m = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value) : null;
    if (!m) decodeCursor('', spec.key); // throws the standard "cursor is not valid" 400
    const [rank, created] = [Number(m![1]), Number(m![2])];
    const createdCol = sortExpr(workOrders.createdAt, plan);
    const after = or(
      further(col, rank),
      and(eq(col, rank), further(createdCol, created)),
      and(eq(col, rank), eq(createdCol, created), further(workOrders.id, id)),
    );
    return and(cursorBound(spec, col, rank), after);
  }
  if (value === null) {
    const inNulls = and(isNull(col), further(workOrders.id, id));
    return spec.direction === 'asc' ? or(inNulls, isNotNull(col)) : inNulls;
  }
  const after = or(further(col, value), and(eq(col, value), further(workOrders.id, id)));
  return and(cursorBound(spec, col, value), spec.direction === 'desc' ? or(after, isNull(col)) : after);
}

function orderOf(spec: SortSpec, plan: Plan): SQL[] {
  const dir = spec.direction === 'asc' ? asc : desc;
  const cols: SQLWrapper[] = [sortExpr(spec.column, plan)];
  if (spec.key === 'priority') cols.push(sortExpr(workOrders.createdAt, plan));
  return [...cols, workOrders.id].map((c) => dir(c));
}

export function listWorkOrders(ctx: Ctx, f: WorkOrderListFilter) {
  const now = ctx.host.clock.now();
  const spec = parseSort(f.sort, SORTS, '-createdAt');
  const plan = choosePlan(ctx, seeksOf(ctx, f, spec.key, now));
  const where = and(eq(workOrders.orgId, ctx.orgId), scopeSql(ctx), ...plan.terms, ...filtersOf(f, now), afterCursor(spec, plan, f.cursor));
  const order = orderOf(spec, plan);
  const db = ctx.host.db;
  const statements = rowStatements(ctx.host.sqlite, workOrders, 'orgId');
  // Sorted in memory, the sorter would carry whole rows (checklists, descriptions: 8 ms for 540 rows);
  // it sorts rowids instead, and the page's rows are then read by rowid (0.8 ms).
  const rows = statements.select(
    plan.sortInMemory
      ? db
          .select()
          .from(workOrders)
          .where(
            inArray(
              sql`${workOrders}.rowid`,
              db
                .select({ rowid: sql`${workOrders}.rowid` })
                .from(workOrders)
                .where(where)
                .orderBy(...order)
                .limit(f.limit + 1),
            ),
          )
          .orderBy(...order)
      : db
          .select()
          .from(workOrders)
          .where(where)
          .orderBy(...order)
          .limit(f.limit + 1),
  ) as WorkOrderRow[];
  const page = toPage(rows, f.limit, spec, SORT_VALUE[spec.key as keyof typeof SORTS]);
  return { items: page.items.map((r) => toWorkOrderDto(r, now)), nextCursor: page.nextCursor };
}

/**
 * How many work orders each status holds under the list's filters (the board's column counts and
 * breached counts, exact instead of "100+"). The same scope, seeks and terms as listWorkOrders, one
 * GROUP BY over what they select; statuses with none are absent.
 */
export function countWorkOrdersByStatus(ctx: Ctx, f: Omit<WorkOrderListFilter, 'limit' | 'cursor' | 'sort'>): Record<string, number> {
  const where = workOrderWhere(ctx, f, ctx.host.clock.now());
  const rows = ctx.host.db
    .select({ status: workOrders.status, n: sql<number>`count(*)` })
    .from(workOrders)
    .where(where)
    .groupBy(workOrders.status)
    .all();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * The list's WHERE without paging or sort: the org, the technician's scope and every filter, judged
 * at `now`. The counts and the map's open work (server/map/open-work.ts) select with it, so both
 * show exactly what the list would.
 */
export function workOrderWhere(ctx: Ctx, f: Omit<WorkOrderListFilter, 'limit' | 'cursor' | 'sort'>, now: number): SQL | undefined {
  const filter = { ...f, limit: 1 } as WorkOrderListFilter;
  const plan = choosePlan(ctx, seeksOf(ctx, filter, 'createdAt', now));
  return and(eq(workOrders.orgId, ctx.orgId), scopeSql(ctx), ...plan.terms, ...filtersOf(filter, now));
}
