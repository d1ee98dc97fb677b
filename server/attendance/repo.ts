import { and, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { attendance, users, workOrders } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { iso } from '../http/contract-common.js';
import { afterCursor, orderBy, parseSort, toPage } from '../http/pagination.js';
import type { AttendanceDto, AttendanceListFilter } from './contract.js';

/** Reads of attendance records; every query carries the org filter. */

export type AttendanceRow = typeof attendance.$inferSelect;

export function toAttendanceDto(a: AttendanceRow, workOrderNumber: string, userName: string | null): AttendanceDto {
  return {
    id: a.id,
    workOrderId: a.workOrderId,
    workOrderNumber,
    userId: a.userId,
    userName,
    locationId: a.locationId,
    kind: a.kind,
    at: iso(a.at),
    lat: a.lat,
    lon: a.lon,
    accuracyM: a.accuracyM,
    distanceM: a.distanceM,
    fence: a.fence,
    reviewedBy: a.reviewedBy,
    reviewedAt: iso(a.reviewedAt),
    createdAt: iso(a.createdAt),
    version: a.version,
  };
}

function withNames(ctx: Ctx) {
  return ctx.host.db
    .select({ a: attendance, number: workOrders.number, userName: users.name })
    .from(attendance)
    .innerJoin(workOrders, and(eq(workOrders.id, attendance.workOrderId), eq(workOrders.orgId, attendance.orgId)))
    .leftJoin(users, eq(users.id, attendance.userId));
}

type Joined = { a: AttendanceRow; number: string; userName: string | null };
const dto = (r: Joined) => toAttendanceDto(r.a, r.number, r.userName);

export function attendanceRow(ctx: Ctx, id: string): AttendanceRow | undefined {
  return ctx.host.db
    .select()
    .from(attendance)
    .where(and(eq(attendance.id, id), eq(attendance.orgId, ctx.orgId)))
    .get();
}

/**
 * The person's latest record on this work order in the order the host received them (rowid), not
 * by the phone's `at`: that is the order the outbox replayed the taps in.
 */
export function lastAttendance(ctx: Ctx, workOrderId: string, userId: string): AttendanceRow | undefined {
  return ctx.host.db
    .select()
    .from(attendance)
    .where(and(eq(attendance.orgId, ctx.orgId), eq(attendance.workOrderId, workOrderId), eq(attendance.userId, userId)))
    .orderBy(desc(sql`rowid`))
    .limit(1)
    .get();
}

const SORTS = { at: attendance.at, createdAt: attendance.createdAt };

function listWhere(
  ctx: Ctx,
  conds: (SQL | undefined)[],
  q: { limit: number; cursor?: string | undefined; sort?: string | undefined },
  fallback: string,
) {
  const spec = parseSort(q.sort, SORTS, fallback);
  const rows = withNames(ctx)
    .where(and(eq(attendance.orgId, ctx.orgId), ...conds, afterCursor(spec, attendance.id, q.cursor)))
    .orderBy(...orderBy(spec, attendance.id))
    .limit(q.limit + 1)
    .all()
    .map((r) => ({ ...r, id: r.a.id }));
  const page = toPage(rows, q.limit, spec, (r) => r.a[spec.key as keyof typeof SORTS]);
  return { items: page.items.map(dto), nextCursor: page.nextCursor };
}

/** One work order's records, oldest first (the caller has already checked the work order's scope). */
export function listForWorkOrder(ctx: Ctx, workOrderId: string, q: { limit: number; cursor?: string | undefined }) {
  return listWhere(ctx, [eq(attendance.workOrderId, workOrderId)], q, 'at');
}

/** Org-wide records for supervisors, by default the flagged ones (outside the fence or unverifiable), newest first. */
export function listAttendance(ctx: Ctx, f: AttendanceListFilter) {
  const fences = f.fence ?? ['outside', 'unknown'];
  const conds: (SQL | undefined)[] = [fences.length === 1 ? eq(attendance.fence, fences[0]!) : inArray(attendance.fence, fences)];
  if (f.reviewed !== undefined) conds.push(f.reviewed ? isNotNull(attendance.reviewedAt) : isNull(attendance.reviewedAt));
  if (f.userId) conds.push(eq(attendance.userId, f.userId));
  if (f.workOrderId) conds.push(eq(attendance.workOrderId, f.workOrderId));
  if (f.kind) conds.push(eq(attendance.kind, f.kind));
  return listWhere(ctx, conds, f, '-at');
}

export function getAttendanceDto(ctx: Ctx, id: string): AttendanceDto | undefined {
  const row = withNames(ctx)
    .where(and(eq(attendance.id, id), eq(attendance.orgId, ctx.orgId)))
    .get();
  return row ? dto(row) : undefined;
}
