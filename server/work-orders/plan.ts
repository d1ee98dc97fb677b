import { workOrders } from '../../db/schema/index.js';
import { can } from '../auth/permissions.js';
import type { Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { ForbiddenError } from '../errors.js';
import type { AssignmentInput, WorkOrderDto } from './contract.js';
import { toWorkOrderDto } from './dto.js';
import { assertOpen, loadForWrite } from './guards.js';
import { checkRequirements, ruleFor } from './lifecycle.js';
import { assignmentPatch, assignedEventData } from './service.js';
import { statusPatch } from './transitions.js';

/**
 * Planning as the dispatcher does it in one gesture: who and when (the assignment), and NEW work
 * moves to SCHEDULED. One mutation, so a refused move leaves nothing of the plan behind; two
 * requests (assign, then transition) could leave NEW work with a plan when the second failed.
 * The move is checked like POST /transitions: the lifecycle table, the caller's role and
 * permission, and its requirements against the planned row (a planned start).
 */
export function planWorkOrder(
  ctx: Ctx,
  id: string,
  input: AssignmentInput,
  opts: { expectedVersion?: number | undefined } = {},
): WorkOrderDto {
  return mutate(
    ctx,
    'work_order.planned',
    (w) => {
      const wo = loadForWrite(ctx, w, id, opts.expectedVersion);
      assertOpen(wo, 'plan it');
      const assignment = assignmentPatch(ctx, w, wo, input);
      const schedule = wo.status === 'NEW';
      if (schedule) {
        if (!can(ctx.actor.role, 'workorder:transition')) {
          throw new ForbiddenError(
            `Your role (${ctx.actor.role}) may not move work orders through their lifecycle; planning NEW work schedules it.`,
          );
        }
        const planned = { ...wo, ...assignment };
        checkRequirements(ruleFor(planned, 'SCHEDULED', ctx.actor, 'transition'), planned, {});
      }
      const patch = schedule ? { ...assignment, ...statusPatch(ctx, wo, 'SCHEDULED', undefined, w.now) } : assignment;
      const { after } = w.update(workOrders, id, patch, { before: wo });
      // The same two timeline entries the separate calls leave, so the history reads the same.
      w.event(id, 'assigned', { data: assignedEventData(wo, after) });
      if (schedule) w.event(id, 'status_changed', { from: wo.status, to: 'SCHEDULED', data: {} });
      return toWorkOrderDto(after, w.now);
    },
    { workOrderId: id },
  );
}
