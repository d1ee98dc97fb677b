import { and, eq, isNull } from 'drizzle-orm';
import { assets, locations, projectPhases, projects, teamMembers, teams, users } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import type { Writer } from '../core/mutate.js';
import { findLive } from '../core/tombstone.js';
import { ConflictError, NotFoundError, ValidationError, VersionConflictError, type FieldError } from '../errors.js';
import type { WorkOrderRow } from './dto.js';
import { inScope, workOrderRow } from './repo.js';

/** Checks shared by the work-order mutations; all run inside the mutation's transaction. */

/**
 * The work order to change, re-read under the write lock: 404 outside the org or the technician's
 * scope, 409 when the caller's If-Match version is stale (before any other rule, so a client that
 * raced someone learns that first).
 */
export function loadForWrite(ctx: Ctx, w: Writer, id: string, expectedVersion?: number): WorkOrderRow {
  const wo = workOrderRow(ctx, id);
  if (!wo || !inScope(ctx, wo)) throw new NotFoundError('work order', id);
  if (expectedVersion !== undefined && expectedVersion !== wo.version) {
    throw new VersionConflictError(
      `This work order was changed by someone else (you had version ${expectedVersion}, it is now ${wo.version}). Reload and try again.`,
      { currentVersion: wo.version },
    );
  }
  return wo;
}

const FINISHED = new Set<WorkOrderRow['status']>(['COMPLETED', 'CLOSED', 'CANCELLED']);

/** Planning and field data can change only while the work is still open. */
export function assertOpen(wo: WorkOrderRow, what: string, allowCompleted = false): void {
  if (FINISHED.has(wo.status) && !(allowCompleted && wo.status === 'COMPLETED')) {
    throw new ConflictError('work_order_finished', `Cannot ${what}: work order ${wo.number} is ${wo.status}.`, {
      workOrderStatus: wo.status,
    });
  }
}

export interface Refs {
  locationId?: string | null | undefined;
  assetId?: string | null | undefined;
  projectId?: string | null | undefined;
  phaseId?: string | null | undefined;
  teamId?: string | null | undefined;
  assigneeId?: string | null | undefined;
}

/**
 * Every referenced id must be a row of this org (another org's id reads as "no such ..."), the
 * assignee an active user, and the phase part of the project. Problems are collected so the
 * caller sees all of them at once, as field messages.
 */
export function checkRefs(ctx: Ctx, w: Writer, refs: Refs, errors: FieldError[] = []) {
  const bad = (field: keyof Refs, message: string) => errors.push({ field: `body.${field}`, message });
  // Deleted (tombstoned) places, projects and teams read as missing: new work must not point at them.
  const location = refs.locationId ? findLive(w, locations, refs.locationId) : undefined;
  if (refs.locationId && !location) bad('locationId', 'no such location in this organization');
  if (refs.assetId && !findLive(w, assets, refs.assetId)) bad('assetId', 'no such asset in this organization');
  if (refs.projectId && !findLive(w, projects, refs.projectId)) bad('projectId', 'no such project in this organization');
  const phase = refs.phaseId ? findLive(w, projectPhases, refs.phaseId) : undefined;
  if (refs.phaseId && !phase) bad('phaseId', 'no such project phase in this organization');
  if (phase && refs.projectId && phase.projectId !== refs.projectId) bad('phaseId', 'this phase belongs to another project');
  const team = refs.teamId ? findLive(w, teams, refs.teamId) : undefined;
  if (refs.teamId && !team) bad('teamId', 'no such team in this organization');
  if (refs.assigneeId) {
    const user = w.find(users, refs.assigneeId);
    if (!user) bad('assigneeId', 'no such user in this organization');
    else if (!user.active) bad('assigneeId', 'this user is deactivated and cannot be given work');
    else if (team) {
      const member = ctx.host.db
        .select({ id: teamMembers.id })
        .from(teamMembers)
        .where(
          and(
            eq(teamMembers.teamId, team.id),
            eq(teamMembers.userId, user.id),
            eq(teamMembers.orgId, ctx.orgId),
            isNull(teamMembers.deletedAt),
          ),
        )
        .get();
      if (!member) bad('assigneeId', `${user.name} is not a member of team ${team.name}`);
    }
  }
  return { location, phase, team, errors };
}

export function throwIfErrors(errors: FieldError[]): void {
  if (errors.length) {
    throw new ValidationError(`The body is not valid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  }
}

export function parseTime(value: string | null | undefined): number | null | undefined {
  return value === undefined ? undefined : value === null ? null : Date.parse(value);
}

export function checkPlannedRange(start: number | null, end: number | null, errors: FieldError[]): void {
  if (start !== null && end !== null && end < start) errors.push({ field: 'body.plannedEnd', message: 'must not be before plannedStart' });
}
