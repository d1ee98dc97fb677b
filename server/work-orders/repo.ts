import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import {
  auditLog,
  checklistResults,
  closureApprovals,
  materialUsages,
  stockItems,
  users,
  workOrderEvents,
  workOrders,
} from '../../db/schema/index.js';
import type { Db } from '../../db/client.js';
import type { Ctx } from '../core/context.js';
import { NotFoundError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { afterCursor, decodeCursor, orderBy, parseSort, toPage, type SortSpec } from '../http/pagination.js';
import type { WorkOrderListFilter } from './contract.js';
import { toWorkOrderDto, type WorkOrderRow } from './dto.js';
import { formatNumber } from './numbers.js';
import { slaStateIs } from './sla-sql.js';

/** Reads of the work-order feature. Every query carries the org filter, and for technicians their scope. */

interface Scoped {
  userId: string | null;
  teamIds: string[];
}

/** Technicians see their own and their team's work only (DESIGN "Roles"); everyone else the whole org. */
export function technicianScope(ctx: Ctx): Scoped | null {
  if (ctx.actor.role !== 'technician') return null;
  const teamIds = (ctx.actor as { teamIds?: string[] }).teamIds ?? [];
  return { userId: ctx.actor.userId, teamIds };
}

export function inScope(ctx: Ctx, wo: { assigneeId: string | null; teamId: string | null }): boolean {
  const scope = technicianScope(ctx);
  if (!scope) return true;
  return (wo.assigneeId !== null && wo.assigneeId === scope.userId) || (wo.teamId !== null && scope.teamIds.includes(wo.teamId));
}

function scopeSql(ctx: Ctx): SQL | undefined {
  const scope = technicianScope(ctx);
  if (!scope) return undefined;
  const own = scope.userId ? eq(workOrders.assigneeId, scope.userId) : sql`0`;
  return scope.teamIds.length ? or(own, inArray(workOrders.teamId, scope.teamIds)) : own;
}

function prepareById(db: Db) {
  return db
    .select()
    .from(workOrders)
    .where(and(eq(workOrders.id, sql.placeholder('id')), eq(workOrders.orgId, sql.placeholder('orgId'))))
    .prepare();
}
// Built once per database: every transition and read of one work order starts here, so the SQL is
// neither rebuilt nor re-prepared per call (the hot path has a budget of a few milliseconds).
const byIdStatements = new WeakMap<Db, ReturnType<typeof prepareById>>();

/** The row of this org (no technician scope), or undefined. Safe inside a mutation: same connection. */
export function workOrderRow(ctx: Ctx, id: string): WorkOrderRow | undefined {
  let stmt = byIdStatements.get(ctx.host.db);
  if (!stmt) byIdStatements.set(ctx.host.db, (stmt = prepareById(ctx.host.db)));
  return stmt.get({ id, orgId: ctx.orgId });
}

/** A work order of this org the caller may see; anything else is "not found" (never 403: no hint it exists). */
export function findWorkOrder(ctx: Ctx, id: string): WorkOrderRow | undefined {
  const row = workOrderRow(ctx, id);
  return row && inScope(ctx, row) ? row : undefined;
}

export function getWorkOrder(ctx: Ctx, id: string): WorkOrderRow {
  const row = findWorkOrder(ctx, id);
  if (!row) throw new NotFoundError('work order', id);
  return row;
}

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

const SORT_VALUE: Record<keyof typeof SORTS, (r: WorkOrderRow) => number | string | null> = {
  createdAt: (r) => r.createdAt,
  updatedAt: (r) => r.updatedAt,
  priority: (r) => `${r.priorityRank}:${r.createdAt}`,
  dueAt: (r) => r.resolutionDueAt,
  plannedStart: (r) => r.plannedStart,
  number: (r) => r.number,
};

/**
 * Priority ties are broken by creation time, then id: that is the order of the priority index, so a
 * page walks it instead of sorting every row of the org. The cursor carries "rank:createdAt".
 */
function afterPriorityCursor(spec: SortSpec, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const { value, id } = decodeCursor(cursor, spec.key);
  const m = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value) : null;
  if (!m) decodeCursor('', spec.key); // throws the standard "cursor is not valid" 400
  const [rank, created] = [Number(m![1]), Number(m![2])];
  const further = spec.direction === 'asc' ? gt : lt;
  return or(
    further(workOrders.priorityRank, rank),
    and(eq(workOrders.priorityRank, rank), further(workOrders.createdAt, created)),
    and(eq(workOrders.priorityRank, rank), eq(workOrders.createdAt, created), further(workOrders.id, id)),
  );
}

/**
 * The cursor's "(number, id) after" is an OR that SQLite cannot turn into a range, so a later page
 * walked the index from the org's first number (60–80 ms at 100,000 orders, measured). Numbers are unique in the
 * org, so the plain bound "number ≥ cursor" is implied and gives the index a start (0.1 ms).
 */
function numberBound(spec: SortSpec, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const { value } = decodeCursor(cursor, spec.key);
  if (typeof value !== 'string') return undefined;
  return spec.direction === 'asc' ? gte(workOrders.number, value) : lte(workOrders.number, value);
}

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

/** Beyond this many text matches, walking the sort index beats fetching and sorting every match. */
const FEW_MATCHES = 1000;

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

function textSearch(ctx: Ctx, q: string): SQL {
  const match = ftsQuery(q);
  const byNumber = numberSearch(ctx, q);
  if (!match) return byNumber ? sql`${workOrders}.rowid IN (${byNumber})` : sql`0`;
  const bySearch = sql`SELECT rowid FROM work_orders_fts WHERE work_orders_fts MATCH ${match}`;
  const rowids = byNumber ? sql`${bySearch} UNION ALL ${byNumber}` : bySearch;
  // A rare word: look the few rows up by rowid and sort them. A common one: the unary "+" keeps
  // SQLite from driving by rowid, so it walks the sort index and stops after one page.
  const few = ctx.host.sqlite
    .prepare(`SELECT count(*) FROM (SELECT rowid FROM work_orders_fts WHERE work_orders_fts MATCH ? LIMIT ${FEW_MATCHES})`)
    .pluck()
    .get(match) as number;
  return few < FEW_MATCHES ? sql`${workOrders}.rowid IN (${rowids})` : sql`+${workOrders}.rowid IN (${rowids})`;
}

const ms = (isoTime: string | undefined) => (isoTime === undefined ? undefined : Date.parse(isoTime));

export function listWorkOrders(ctx: Ctx, f: WorkOrderListFilter) {
  const now = ctx.host.clock.now();
  const spec = parseSort(f.sort, SORTS, '-createdAt');
  const conds: (SQL | undefined)[] = [eq(workOrders.orgId, ctx.orgId), scopeSql(ctx)];
  if (f.status) conds.push(f.status.length === 1 ? eq(workOrders.status, f.status[0]!) : inArray(workOrders.status, f.status));
  if (f.priority) conds.push(inArray(workOrders.priority, f.priority));
  if (f.type) conds.push(inArray(workOrders.type, f.type));
  if (f.teamId) conds.push(eq(workOrders.teamId, f.teamId));
  if (f.assigneeId) conds.push(eq(workOrders.assigneeId, f.assigneeId));
  if (f.unassigned !== undefined) conds.push(f.unassigned ? isNull(workOrders.assigneeId) : sql`${workOrders.assigneeId} IS NOT NULL`);
  if (f.locationId) conds.push(eq(workOrders.locationId, f.locationId));
  if (f.assetId) conds.push(eq(workOrders.assetId, f.assetId));
  if (f.projectId) conds.push(eq(workOrders.projectId, f.projectId));
  if (f.dueFrom) conds.push(gte(workOrders.resolutionDueAt, ms(f.dueFrom)!));
  if (f.dueTo) conds.push(lte(workOrders.resolutionDueAt, ms(f.dueTo)!));
  if (f.plannedFrom) conds.push(gte(workOrders.plannedStart, ms(f.plannedFrom)!));
  if (f.plannedTo) conds.push(lte(workOrders.plannedStart, ms(f.plannedTo)!));
  if (f.slaState) conds.push(slaStateIs(f.slaState, now));
  if (f.q) conds.push(textSearch(ctx, f.q));
  const byPriority = spec.key === 'priority';
  conds.push(byPriority ? afterPriorityCursor(spec, f.cursor) : afterCursor(spec, workOrders.id, f.cursor));
  if (spec.key === 'number') conds.push(numberBound(spec, f.cursor));
  const order = byPriority
    ? [...orderBy(spec, workOrders.createdAt), (spec.direction === 'asc' ? asc : desc)(workOrders.id)]
    : orderBy(spec, workOrders.id);
  const rows = ctx.host.db
    .select()
    .from(workOrders)
    .where(and(...conds))
    .orderBy(...order)
    .limit(f.limit + 1)
    .all();
  const page = toPage(rows, f.limit, spec, SORT_VALUE[spec.key as keyof typeof SORTS]);
  return { items: page.items.map((r) => toWorkOrderDto(r, now)), nextCursor: page.nextCursor };
}

/** The timeline, oldest first, with who did each step. */
export function listEvents(ctx: Ctx, workOrderId: string) {
  return ctx.host.db
    .select({ e: workOrderEvents, actorName: users.name })
    .from(workOrderEvents)
    .leftJoin(users, eq(users.id, workOrderEvents.actorId))
    .where(
      and(
        eq(workOrderEvents.workOrderId, workOrderId),
        eq(workOrderEvents.orgId, ctx.orgId),
        // Internal notes are the desk's: crews (and anything shown to customers) never get them.
        ctx.actor.role === 'technician'
          ? sql`NOT (${workOrderEvents.type} = 'note' AND coalesce(json_extract(${workOrderEvents.data}, '$.internal'), 0) = 1)`
          : undefined,
      ),
    )
    .orderBy(asc(workOrderEvents.at), asc(workOrderEvents.id))
    .all()
    .map(({ e, actorName }) => ({
      id: e.id,
      type: e.type,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actorId: e.actorId,
      actorName: actorName ?? null,
      at: iso(e.at),
      data: e.data ?? null,
    }));
}

/** Audit rows of the work order itself and of the rows hanging off it (answers, approvals, materials). */
export function listAudit(ctx: Ctx, workOrderId: string) {
  const child = (entity: string, ids: SQL) => and(eq(auditLog.entity, entity), inArray(auditLog.entityId, ids));
  const idsOf = (table: typeof checklistResults | typeof closureApprovals | typeof materialUsages) =>
    sql`(SELECT ${table.id} FROM ${table} WHERE ${table.workOrderId} = ${workOrderId} AND ${table.orgId} = ${ctx.orgId})`;
  return ctx.host.db
    .select({ a: auditLog, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        eq(auditLog.orgId, ctx.orgId),
        or(
          and(eq(auditLog.entity, 'work_orders'), eq(auditLog.entityId, workOrderId)),
          child('checklist_results', idsOf(checklistResults)),
          child('closure_approvals', idsOf(closureApprovals)),
          child('material_usages', idsOf(materialUsages)),
        ),
      ),
    )
    .orderBy(asc(auditLog.at), asc(auditLog.id))
    .all()
    .map(({ a, actorName }) => ({
      id: a.id,
      actorId: a.actorId,
      actorName: actorName ?? null,
      action: a.action,
      entity: a.entity,
      entityId: a.entityId,
      before: a.before ?? null,
      after: a.after ?? null,
      requestId: a.requestId,
      at: iso(a.at),
    }));
}

export function listClosures(ctx: Ctx, workOrderId: string) {
  return ctx.host.db
    .select()
    .from(closureApprovals)
    .where(and(eq(closureApprovals.workOrderId, workOrderId), eq(closureApprovals.orgId, ctx.orgId)))
    .orderBy(asc(closureApprovals.requestedAt), asc(closureApprovals.id))
    .all();
}

export function listChecklistAnswers(ctx: Ctx, workOrderId: string) {
  return ctx.host.db
    .select()
    .from(checklistResults)
    .where(and(eq(checklistResults.workOrderId, workOrderId), eq(checklistResults.orgId, ctx.orgId)))
    .all();
}

export function listMaterials(ctx: Ctx, workOrderId: string) {
  return ctx.host.db
    .select({ u: materialUsages, sku: stockItems.sku, name: stockItems.name, unit: stockItems.unit })
    .from(materialUsages)
    .innerJoin(stockItems, eq(stockItems.id, materialUsages.itemId))
    .where(and(eq(materialUsages.workOrderId, workOrderId), eq(materialUsages.orgId, ctx.orgId)))
    .orderBy(asc(materialUsages.usedAt), asc(materialUsages.id))
    .all()
    .map(({ u, sku, name, unit }) => ({
      id: u.id,
      workOrderId: u.workOrderId,
      itemId: u.itemId,
      sku,
      name,
      unit,
      depotId: u.depotId,
      quantity: u.quantity,
      usedBy: u.usedBy,
      usedAt: iso(u.usedAt),
    }));
}
