import { z } from 'zod';
import type { Sqlite } from '../../db/client.js';
import { taskTemplates, workOrders } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { mutate, type Writer } from '../core/mutate.js';
import { findLive } from '../core/tombstone.js';
import { homeDepot, numberPrefix } from '../depots/home.js';
import { ConflictError, type FieldError } from '../errors.js';
import { ChecklistSchema, RequiredSkillSchema } from './contract-domain.js';
import type { AssignmentInput, CreateWorkOrderInput, UpdateWorkOrderInput, WorkOrderDto } from './contract.js';
import { slaFor } from './due-times.js';
import { toWorkOrderDto, type WorkOrderRow } from './dto.js';
import { formatNumber } from './numbers.js';
import { assertOpen, checkPlannedRange, checkRefs, loadForWrite, parseTime, throwIfErrors } from './guards.js';
import { perConnection } from '../../db/per-connection.js';

/** Use cases that create and edit work orders (the lifecycle is in transitions.ts). */

const DEFAULT_DURATION_MIN = 60;

const bumpStatement = perConnection((sqlite: Sqlite) =>
  sqlite.prepare('UPDATE counters SET value = value + 1 WHERE org_id = ? AND name = ? RETURNING value').pluck(),
);

/**
 * The next number of this host's home depot (depots/home.ts), bumped inside the creating
 * transaction so two creations never share one. Depot codes are unique in the org, so depots
 * numbering offline never collide. The counter is host-local, not a synced entity, so it is
 * written directly rather than through the Writer.
 */
function nextNumber(ctx: Ctx): { seq: number; number: string } {
  const prefix = numberPrefix(ctx);
  const name = `work_order:${prefix}`;
  const sqlite = ctx.host.sqlite;
  const bump = bumpStatement(sqlite);
  let seq = bump.get(ctx.orgId, name) as number | undefined;
  if (seq === undefined) {
    // A new prefix starts after any number it already has: a depot coded "WO" must not reissue the
    // "WO-000001" that every work order had before numbers carried the depot code.
    const highest = sqlite
      .prepare(
        "SELECT coalesce(max(seq), 0) FROM work_orders WHERE org_id = ? AND number >= ? AND number < ? AND NOT substr(number, ?) GLOB '*[^0-9]*'",
      )
      .pluck()
      .get(ctx.orgId, `${prefix}-0`, `${prefix}-:`, prefix.length + 2) as number;
    sqlite.prepare('INSERT INTO counters (org_id, name, value) VALUES (?, ?, ?)').run(ctx.orgId, name, highest + 1);
    seq = highest + 1;
  }
  return { seq, number: formatNumber(prefix, seq) };
}

const TemplateDefaults = z.object({ requiredSkills: z.array(RequiredSkillSchema), checklist: ChecklistSchema });

export function createWorkOrder(ctx: Ctx, input: CreateWorkOrderInput): WorkOrderDto {
  return mutate(ctx, 'work_order.created', (w) => {
    const errors: FieldError[] = [];
    // A deleted template reads as missing, like every other reference (its checklist may be stale).
    const template = input.templateId ? findLive(w, taskTemplates, input.templateId) : undefined;
    if (input.templateId && !template) errors.push({ field: 'body.templateId', message: 'no such task template in this organization' });
    const type = input.type ?? template?.type;
    const priority = input.priority ?? template?.priority;
    if (!type) errors.push({ field: 'body.type', message: 'required unless templateId supplies it' });
    if (!priority) errors.push({ field: 'body.priority', message: 'required unless templateId supplies it' });
    const { location, phase, team } = checkRefs(ctx, w, input, errors);
    const plannedStart = parseTime(input.plannedStart) ?? null;
    const plannedEnd = parseTime(input.plannedEnd) ?? null;
    checkPlannedRange(plannedStart, plannedEnd, errors);
    throwIfErrors(errors);

    const defaults = template
      ? TemplateDefaults.safeParse(template)
      : { success: true as const, data: { requiredSkills: [], checklist: [] } };
    if (!defaults.success) {
      throw new ConflictError(
        'invalid_template',
        `Task template "${template?.name}" has an invalid checklist or skill list; fix the template first.`,
      );
    }
    const { seq, number } = nextNumber(ctx);
    const row = w.insert(workOrders, {
      number,
      seq,
      title: input.title,
      description: input.description ?? template?.description ?? null,
      type: type!,
      priority: priority!,
      status: 'NEW',
      // Work with no team or place of its own belongs to the depot that took it (its number says so too).
      depotId: team?.depotId ?? location?.depotId ?? homeDepot(ctx)?.id ?? null,
      locationId: input.locationId ?? null,
      assetId: input.assetId ?? null,
      projectId: input.projectId ?? phase?.projectId ?? null,
      phaseId: input.phaseId ?? null,
      templateId: template?.id ?? null,
      teamId: input.teamId ?? null,
      assigneeId: input.assigneeId ?? null,
      requiredSkills: defaults.data.requiredSkills,
      checklist: defaults.data.checklist,
      requiresSignature: template?.requiresSignature ?? false,
      plannedStart,
      plannedEnd,
      durationMin: input.durationMin ?? template?.durationMin ?? DEFAULT_DURATION_MIN,
      ...slaFor(ctx, type!, priority!, w.now),
      slaPausedMs: 0,
      createdBy: ctx.actor.userId,
    });
    w.event(row.id, 'created', { to: 'NEW', data: { number, title: row.title, templateId: row.templateId } });
    return toWorkOrderDto(row, w.now);
  });
}

const EDITABLE = [
  'title',
  'description',
  'priority',
  'type',
  'locationId',
  'assetId',
  'durationMin',
  'plannedStart',
  'plannedEnd',
  'projectId',
  'phaseId',
] as const;
type Editable = (typeof EDITABLE)[number];

export function updateWorkOrder(
  ctx: Ctx,
  id: string,
  input: UpdateWorkOrderInput,
  opts: { expectedVersion?: number | undefined } = {},
): WorkOrderDto {
  return mutate(
    ctx,
    'work_order.updated',
    (w) => {
      const wo = loadForWrite(ctx, w, id, opts.expectedVersion);
      assertOpen(wo, 'edit it');
      const errors: FieldError[] = [];
      const next: Partial<Pick<WorkOrderRow, Editable>> = {};
      for (const key of EDITABLE) {
        const value = input[key];
        if (value === undefined) continue;
        (next as Record<string, unknown>)[key] = key === 'plannedStart' || key === 'plannedEnd' ? parseTime(value as string | null) : value;
      }
      // Keep project and phase consistent: a phase implies its project; a new project drops a foreign phase.
      const { phase } = checkRefs(
        ctx,
        w,
        { locationId: next.locationId, assetId: next.assetId, projectId: next.projectId, phaseId: next.phaseId },
        errors,
      );
      if (next.projectId === null && next.phaseId)
        errors.push({ field: 'body.phaseId', message: 'a phase needs its project; do not clear projectId while setting a phase' });
      if (next.projectId === null) next.phaseId = null;
      if (phase && input.projectId === undefined) next.projectId = phase.projectId;
      if (next.projectId && next.phaseId === undefined && wo.phaseId) {
        const current = checkRefs(ctx, w, { phaseId: wo.phaseId }).phase;
        if (current?.projectId !== next.projectId) next.phaseId = null;
      }
      checkPlannedRange(
        next.plannedStart !== undefined ? next.plannedStart : wo.plannedStart,
        next.plannedEnd !== undefined ? next.plannedEnd : wo.plannedEnd,
        errors,
      );
      throwIfErrors(errors);

      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, value] of Object.entries(next)) {
        const before = wo[key as Editable];
        if (before !== value) changed[key] = { from: before, to: value };
      }
      if (Object.keys(changed).length === 0) return toWorkOrderDto(wo, w.now);

      const patch: Partial<WorkOrderRow> = {};
      for (const key of Object.keys(changed)) (patch as Record<string, unknown>)[key] = next[key as Editable];
      if (changed.priority || changed.type) {
        // The SLA is fixed by type × priority, counted from creation; business time spent on hold still counts as paused.
        Object.assign(patch, slaFor(ctx, next.type ?? wo.type, next.priority ?? wo.priority, wo.createdAt, wo.slaPausedMs));
      }
      const { after } = w.update(workOrders, id, patch, { before: wo });
      w.event(id, 'updated', { data: { changed } });
      return toWorkOrderDto(after, w.now);
    },
    { workOrderId: id },
  );
}

/** The columns an assignment sets (who and when), checked; shared by assignment and planning (plan.ts). */
export function assignmentPatch(
  ctx: Ctx,
  w: Writer,
  wo: WorkOrderRow,
  input: AssignmentInput,
): Pick<WorkOrderRow, 'assigneeId' | 'teamId' | 'plannedStart' | 'plannedEnd'> {
  const errors: FieldError[] = [];
  const assigneeId = input.assigneeId !== undefined ? input.assigneeId : wo.assigneeId;
  checkRefs(ctx, w, { teamId: input.teamId, assigneeId: input.teamId ? assigneeId : input.assigneeId }, errors);
  const plannedStart = input.plannedStart !== undefined ? parseTime(input.plannedStart)! : wo.plannedStart;
  const plannedEnd = input.plannedEnd !== undefined ? parseTime(input.plannedEnd)! : wo.plannedEnd;
  checkPlannedRange(plannedStart, plannedEnd, errors);
  throwIfErrors(errors);
  if (assigneeId === null && ['DISPATCHED', 'EN_ROUTE', 'ON_SITE'].includes(wo.status)) {
    throw new ConflictError(
      'transition_blocked',
      `Work order ${wo.number} is ${wo.status} and must keep an assignee; assign someone else instead of nobody.`,
    );
  }
  return { assigneeId, teamId: input.teamId !== undefined ? input.teamId : wo.teamId, plannedStart, plannedEnd };
}

/**
 * The 'assigned' timeline event's data: who and when now, who and when before, and which of the two
 * changed (`change`), so a time move reads "Rescheduled", not "Assigned", in every timeline.
 */
export function assignedEventData(before: WorkOrderRow, after: WorkOrderRow): Record<string, unknown> {
  const crew = before.assigneeId !== after.assigneeId || before.teamId !== after.teamId;
  const time = before.plannedStart !== after.plannedStart || before.plannedEnd !== after.plannedEnd;
  const change = crew
    ? before.assigneeId === null
      ? 'assigned'
      : after.assigneeId === null
        ? 'unassigned'
        : 'reassigned'
    : time
      ? 'rescheduled'
      : 'unchanged';
  return {
    assigneeId: after.assigneeId,
    teamId: after.teamId,
    plannedStart: after.plannedStart,
    plannedEnd: after.plannedEnd,
    change: crew && time && change !== 'unassigned' ? `${change}_rescheduled` : change,
    previous: { assigneeId: before.assigneeId, teamId: before.teamId, plannedStart: before.plannedStart, plannedEnd: before.plannedEnd },
  };
}

/** Who does the work and when. The team check applies when a team is given with the call. */
export function assignWorkOrder(
  ctx: Ctx,
  id: string,
  input: AssignmentInput,
  opts: { expectedVersion?: number | undefined } = {},
): WorkOrderDto {
  return mutate(
    ctx,
    'work_order.assigned',
    (w) => {
      const wo = loadForWrite(ctx, w, id, opts.expectedVersion);
      assertOpen(wo, 'assign it');
      const { after } = w.update(workOrders, id, assignmentPatch(ctx, w, wo, input), { before: wo });
      w.event(id, 'assigned', { data: assignedEventData(wo, after) });
      return toWorkOrderDto(after, w.now);
    },
    { workOrderId: id },
  );
}

// One import point for callers such as the demo seeder, which drives the real lifecycle.
export { decideClosure, transitionWorkOrder } from './transitions.js';
export { answerChecklistItem, recordMaterialUsage } from './field.js';
