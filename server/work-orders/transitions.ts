import { and, desc, eq, sql } from 'drizzle-orm';
import { checklistResults, closureApprovals, workOrders } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { perConnection } from '../../db/per-connection.js';
import type { Db } from '../../db/client.js';
import { ConflictError, ValidationError } from '../errors.js';
import { ChecklistSchema, type ChecklistItem } from './contract-domain.js';
import type { ClosureInput, TransitionInput, WorkOrderDto } from './contract.js';
import { afterHold } from './due-times.js';
import { toWorkOrderDto, type WorkOrderRow } from './dto.js';
import { assertSignedIfRequired } from '../attachments/rules.js';
import { loadForWrite } from './guards.js';
import { checkRequirements, ruleFor } from './lifecycle.js';
import { clientTime, positionData } from './stamps.js';

/** Status changes: the plain lifecycle steps, and closure approval (which alone leaves COMPLETED). */

/** The work order's checklist, validated (stored JSON is checked before it is trusted, STYLE 8). */
export function checklistOf(wo: WorkOrderRow): ChecklistItem[] {
  const parsed = ChecklistSchema.safeParse(wo.checklist ?? []);
  if (!parsed.success)
    throw new ConflictError('invalid_checklist', `The checklist stored on ${wo.number} is not valid; ask an admin to fix its template.`);
  return parsed.data;
}

function assertChecklistComplete(ctx: Ctx, wo: WorkOrderRow): void {
  const required = checklistOf(wo).filter((i) => i.required);
  if (required.length === 0) return;
  const answered = new Set(
    ctx.host.db
      .select({ itemId: checklistResults.itemId, value: checklistResults.value })
      .from(checklistResults)
      .where(and(eq(checklistResults.workOrderId, wo.id), eq(checklistResults.orgId, ctx.orgId)))
      .all()
      .filter((a) => a.value !== null && a.value !== undefined)
      .map((a) => a.itemId),
  );
  const missing = required.filter((i) => !answered.has(i.id)).map((i) => ({ id: i.id, label: i.label }));
  if (missing.length) {
    throw new ConflictError(
      'checklist_incomplete',
      `Answer the required checklist items before completing: ${missing.map((m) => `"${m.label}"`).join(', ')}.`,
      { missing },
    );
  }
}

/** The columns a move to `to` sets besides the status: the SLA clocks and the hold bookkeeping (also used by plan.ts). */
/** What statusPatch reads of the row it leaves: a receiver replaying a history keeps only these (server/sync/derived.ts). */
export type StatusState = Pick<
  WorkOrderRow,
  'status' | 'slaPausedMs' | 'onHoldSince' | 'resolutionDueAt' | 'resolutionAtRiskAt' | 'slaPolicyId' | 'respondedAt'
>;

export function statusPatch(
  ctx: Ctx,
  wo: StatusState,
  to: WorkOrderRow['status'],
  reason: string | undefined,
  now: number,
): Partial<WorkOrderRow> {
  const patch: Partial<WorkOrderRow> = { status: to };
  if (wo.status === 'ON_HOLD') {
    if (to !== 'CANCELLED') {
      // Resuming: the resolution clock was stopped for the business time spent on hold.
      const moved = afterHold(ctx, wo, now);
      patch.resolutionDueAt = moved.resolutionDueAt;
      patch.resolutionAtRiskAt = moved.resolutionAtRiskAt;
      patch.slaPausedMs = wo.slaPausedMs + moved.pausedBusinessMs;
    }
    patch.onHoldSince = null;
    patch.heldFromStatus = null;
    patch.holdReason = null;
  }
  switch (to) {
    case 'ON_HOLD':
      patch.onHoldSince = now;
      patch.heldFromStatus = wo.status;
      patch.holdReason = reason ?? null;
      break;
    case 'ON_SITE':
      // The response clock stops at the first arrival; a later resume does not restart it.
      patch.respondedAt = wo.respondedAt ?? now;
      break;
    case 'COMPLETED':
      patch.completedAt = now;
      break;
    case 'CLOSED':
      patch.closedAt = now;
      break;
    case 'CANCELLED':
      patch.cancelledAt = now;
      break;
    case 'DISPATCHED':
      // Back from a rejected closure: the resolution clock runs again until the next completion.
      if (wo.status === 'COMPLETED') patch.completedAt = null;
      break;
    default:
      break;
  }
  return patch;
}

export function transitionWorkOrder(ctx: Ctx, id: string, input: TransitionInput): WorkOrderDto {
  return mutate(
    ctx,
    'work_order.status_changed',
    (w) => {
      const wo = loadForWrite(ctx, w, id, input.expectedVersion);
      const occurredAt = clientTime(ctx, input.occurredAt);
      const rule = ruleFor(wo, input.to, ctx.actor, 'transition');
      checkRequirements(rule, wo, input);
      if (rule.requires?.includes('checklist')) assertChecklistComplete(ctx, wo);
      if (input.to === 'COMPLETED') assertSignedIfRequired(ctx, wo);
      const { after } = w.update(workOrders, id, statusPatch(ctx, wo, input.to, input.reason, w.now), { before: wo });
      if (input.to === 'COMPLETED') {
        w.insert(closureApprovals, {
          workOrderId: id,
          requestedBy: ctx.actor.userId,
          requestedAt: w.now,
          decision: 'pending',
          decidedBy: null,
          decidedAt: null,
          comment: null,
        });
      }
      const data: Record<string, unknown> = {};
      if (input.reason) data.reason = input.reason;
      if (input.note) data.note = input.note;
      // The crew's stamp travels with the event only: the SLA clocks above run on the host's time.
      if (input.position) data.position = positionData(input.position);
      if (occurredAt !== null) data.occurredAt = new Date(occurredAt).toISOString();
      w.event(id, 'status_changed', { from: wo.status, to: input.to, data });
      return toWorkOrderDto(after, w.now);
    },
    { workOrderId: id },
  );
}

// Every closure decision looks for the request it answers (the seed decides ~90,000).
const pendingApprovalQuery = perConnection((db: Db) =>
  db
    .select()
    .from(closureApprovals)
    .where(
      and(
        eq(closureApprovals.workOrderId, sql.placeholder('workOrderId')),
        eq(closureApprovals.orgId, sql.placeholder('orgId')),
        eq(closureApprovals.decision, 'pending'),
      ),
    )
    .orderBy(desc(closureApprovals.requestedAt))
    .prepare(),
);

/** A supervisor's verdict on completed work: approved → CLOSED, rejected (with a comment) → DISPATCHED. */
export function decideClosure(ctx: Ctx, id: string, input: ClosureInput & { expectedVersion?: number | undefined }): WorkOrderDto {
  return mutate(
    ctx,
    'work_order.closure_decided',
    (w) => {
      const wo = loadForWrite(ctx, w, id, input.expectedVersion);
      const to = input.decision === 'approved' ? 'CLOSED' : 'DISPATCHED';
      ruleFor(wo, to, ctx.actor, 'closure');
      if (input.decision === 'rejected' && !input.comment) {
        throw new ValidationError('Say what is still wrong: a rejection needs a comment for the crew.', [
          { field: 'body.comment', message: 'required when the decision is "rejected"' },
        ]);
      }
      const decided = { decision: input.decision, decidedBy: ctx.actor.userId, decidedAt: w.now, comment: input.comment ?? null };
      const pending = pendingApprovalQuery(ctx.host.db).get({ workOrderId: id, orgId: ctx.orgId });
      // Work completed before approvals were recorded has no pending row; the decision still leaves one.
      const approval = pending
        ? w.update(closureApprovals, pending.id, decided, { before: pending }).after
        : w.insert(closureApprovals, { workOrderId: id, requestedBy: null, requestedAt: wo.completedAt ?? w.now, ...decided });
      const { after } = w.update(workOrders, id, statusPatch(ctx, wo, to, undefined, w.now), { before: wo });
      w.event(id, input.decision === 'approved' ? 'closure_approved' : 'closure_rejected', {
        data: { approvalId: approval.id, comment: approval.comment },
      });
      w.event(id, 'status_changed', { from: wo.status, to, data: { via: 'closure', decision: input.decision } });
      return toWorkOrderDto(after, w.now);
    },
    { workOrderId: id },
  );
}
