import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
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
import { rowStatements } from '../core/row-statements.js';
import type { Ctx } from '../core/context.js';
import { NotFoundError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import type { WorkOrderRow } from './dto.js';

// The list has its own module (list-query.ts, with its planner in list-plan.ts); callers import it from here.
export { ftsQuery, listWorkOrders } from './list-query.js';

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

export function scopeSql(ctx: Ctx): SQL | undefined {
  const scope = technicianScope(ctx);
  if (!scope) return undefined;
  const own = scope.userId ? eq(workOrders.assigneeId, scope.userId) : sql`0`;
  return scope.teamIds.length ? or(own, inArray(workOrders.teamId, scope.teamIds)) : own;
}

/**
 * The row of this org (no technician scope), or undefined. Safe inside a mutation: same connection.
 * Through the Writer's prepared row statements: every transition and read of one work order starts
 * here, and drizzle's mapping of fifty columns was most of this read's cost.
 */
export function workOrderRow(ctx: Ctx, id: string): WorkOrderRow | undefined {
  return rowStatements(ctx.host.sqlite, workOrders, 'orgId').find(id, ctx.orgId) as WorkOrderRow | undefined;
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
