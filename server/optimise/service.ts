import { workOrders } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { ConflictError, ValidationError } from '../errors.js';
import { loadForWrite } from '../work-orders/guards.js';
import { checkRequirements, ruleFor } from '../work-orders/lifecycle.js';
import { assignedEventData, assignmentPatch } from '../work-orders/service.js';
import { statusPatch } from '../work-orders/transitions.js';
import type { AcceptResult, OptimiseMove } from './contract.js';
import type { Run } from './jobs.js';

/**
 * Accepting a proposal: the chosen moves in ONE mutation (one transaction, one audit trail), or
 * none of them. A move whose work order changed since the proposal was made (its version moved
 * on) is refused, and so is a set of moves that would double-book a crew once applied (a subset
 * can put a job where a move left out would have freed the time, or someone planned the slot since).
 */
export function acceptMoves(ctx: Ctx, run: Run, workOrderIds?: string[]): AcceptResult {
  if (run.state !== 'done' && run.state !== 'accepted') {
    throw new ConflictError('optimise_not_ready', `This optimiser run is ${run.state}; only a finished proposal can be accepted.`);
  }
  const all = new Map(run.proposal!.moves.map((m) => [m.workOrderId, m]));
  const unknown = (workOrderIds ?? []).filter((id) => !all.has(id));
  if (unknown.length) {
    throw new ValidationError('Some work orders are not moves of this proposal.', [
      { field: 'body.workOrderIds', message: `not in the proposal: ${unknown.join(', ')}` },
    ]);
  }
  const chosen: OptimiseMove[] = workOrderIds ? workOrderIds.map((id) => all.get(id)!) : [...all.values()];
  const applied = mutate(
    ctx,
    'plan.optimise_accepted',
    (w) => {
      const rows = chosen.map((m) => ({ m, wo: loadForWrite(ctx, w, m.workOrderId) }));
      const stale = rows.filter(({ m, wo }) => wo.version !== m.version || (wo.status !== 'NEW' && wo.status !== 'SCHEDULED'));
      if (stale.length) {
        throw new ConflictError(
          'proposal_stale',
          `${stale.map((s) => s.wo.number).join(', ')} changed since the proposal was made; run the optimiser again.`,
          { workOrderIds: stale.map((s) => s.m.workOrderId) },
        );
      }
      for (const { m, wo } of rows) {
        const input = { assigneeId: m.to.assigneeId, plannedStart: m.to.start, plannedEnd: m.to.end };
        const assignment = assignmentPatch(ctx, w, wo, input);
        const schedule = wo.status === 'NEW';
        if (schedule)
          checkRequirements(ruleFor({ ...wo, ...assignment }, 'SCHEDULED', ctx.actor, 'transition'), { ...wo, ...assignment }, {});
        const patch = schedule ? { ...assignment, ...statusPatch(ctx, wo, 'SCHEDULED', undefined, w.now) } : assignment;
        const { after } = w.update(workOrders, wo.id, patch, { before: wo });
        w.event(wo.id, 'assigned', { data: { ...assignedEventData(wo, after), optimiseRunId: run.id } });
        if (schedule) w.event(wo.id, 'status_changed', { from: wo.status, to: 'SCHEDULED', data: {} });
      }
      const clashes = doubleBookings(ctx, chosen);
      if (clashes.length) {
        throw new ConflictError(
          'proposal_conflict',
          `Applying these moves would double-book: ${clashes.join('; ')}. Accept them together or run again.`,
          {
            clashes,
          },
        );
      }
      return chosen.map((m) => m.workOrderId);
    },
    { optimiseRunId: run.id },
  );
  run.state = 'accepted';
  return { applied };
}

/** Open work of the same crew overlapping a moved work order, read inside the transaction (so after the moves). */
function doubleBookings(ctx: Ctx, moves: OptimiseMove[]): string[] {
  const stmt = ctx.host.sqlite.prepare(
    `SELECT a.number AS a, b.number AS b FROM work_orders a JOIN work_orders b
       ON b.org_id = a.org_id AND b.assignee_id = a.assignee_id AND b.id <> a.id
      WHERE a.id = ? AND a.org_id = ? AND b.planned_start IS NOT NULL
        AND b.status IN ('NEW', 'SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD')
        AND b.planned_start < a.planned_end AND coalesce(b.planned_end, b.planned_start + b.duration_min * 60000) > a.planned_start`,
  );
  const seen = new Set<string>();
  for (const m of moves) {
    for (const row of stmt.all(m.workOrderId, ctx.orgId) as { a: string; b: string }[]) seen.add([row.a, row.b].sort().join(' with '));
  }
  return [...seen];
}
