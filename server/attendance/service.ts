import { attendance, locations, users } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { assertOpen, loadForWrite } from '../work-orders/guards.js';
import { clientTime } from '../work-orders/stamps.js';
import type { AttendanceDto, AttendanceInput } from './contract.js';
import { fenceOf } from './geo.js';
import { attendanceRow, lastAttendance, toAttendanceDto } from './repo.js';

/**
 * Check-in and check-out at a work order's site. Outside the fence is stored and flagged for a
 * supervisor, never refused: the crew may be right and the site pin wrong.
 */
export function recordAttendance(ctx: Ctx, workOrderId: string, input: AttendanceInput): AttendanceDto {
  const userId = ctx.actor.userId;
  if (!userId) throw new ForbiddenError('Attendance is recorded for a signed-in person.');
  return mutate(
    ctx,
    'attendance.recorded',
    (w) => {
      const wo = loadForWrite(ctx, w, workOrderId);
      const at = clientTime(ctx, input.occurredAt) ?? w.now;
      const last = lastAttendance(ctx, workOrderId, userId);
      const checkedIn = last?.kind === 'check_in';
      if (input.kind === 'check_in') {
        assertOpen(wo, 'check in');
        if (checkedIn) {
          throw new ConflictError(
            'already_checked_in',
            `You are already checked in on ${wo.number} (since ${iso(last.at)}); check out first.`,
            {
              attendanceId: last.id,
            },
          );
        }
      } else if (!checkedIn) {
        // A check-out may follow completion (the crew leaves after finishing), so finished work is fine here.
        throw new ConflictError('not_checked_in', `You are not checked in on ${wo.number}; check in before checking out.`);
      }
      const site = wo.locationId ? w.find(locations, wo.locationId) : undefined;
      const p = input.position;
      const verdict = fenceOf(site ? { lat: site.lat, lon: site.lon, radiusM: site.geofenceRadiusM } : null, p ?? null);
      const row = w.insert(attendance, {
        workOrderId,
        userId,
        locationId: site?.id ?? null,
        kind: input.kind,
        at,
        lat: p?.lat ?? null,
        lon: p?.lon ?? null,
        accuracyM: p?.accuracyM ?? null,
        distanceM: verdict.distanceM,
        fence: verdict.fence,
        reviewedBy: null,
        reviewedAt: null,
        meta: null,
      });
      w.event(workOrderId, 'attendance', {
        data: { attendanceId: row.id, kind: input.kind, fence: verdict.fence, distanceM: verdict.distanceM, occurredAt: iso(at) },
      });
      return toAttendanceDto(row, wo.number, ctx.actor.name);
    },
    { workOrderId },
  );
}

/** A supervisor has looked at a record (typically a flagged one); it leaves the "unreviewed" list. */
export function reviewAttendance(ctx: Ctx, id: string, opts: { expectedVersion?: number | undefined } = {}): AttendanceDto {
  const existing = attendanceRow(ctx, id);
  if (!existing) throw new NotFoundError('attendance record', id);
  return mutate(
    ctx,
    'attendance.reviewed',
    (w) => {
      const before = w.get(attendance, id, 'attendance record');
      if (before.reviewedAt !== null) {
        throw new ConflictError('already_reviewed', `This attendance record was already reviewed at ${iso(before.reviewedAt)}.`, {
          reviewedBy: before.reviewedBy,
        });
      }
      const wo = loadForWrite(ctx, w, before.workOrderId);
      const { after } = w.update(
        attendance,
        id,
        { reviewedBy: ctx.actor.userId, reviewedAt: w.now },
        { before, expectedVersion: opts.expectedVersion },
      );
      w.event(before.workOrderId, 'attendance_reviewed', { data: { attendanceId: id, kind: before.kind, fence: before.fence } });
      return toAttendanceDto(after, wo.number, w.find(users, after.userId)?.name ?? null);
    },
    { workOrderId: existing.workOrderId },
  );
}
