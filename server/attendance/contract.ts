import { z } from 'zod';
import { Id, IsoTime, ListQueryBase } from '../http/contract-common.js';
import { OccurredAt, Position } from '../work-orders/contract-field.js';

/** Site attendance: check-in and check-out against the work order's geofence (zod only: the renderer bundles it). */

export const FenceSchema = z.enum(['inside', 'outside', 'unknown']);
export const AttendanceKindSchema = z.enum(['check_in', 'check_out']);

export const AttendanceRequest = z
  .strictObject({
    kind: AttendanceKindSchema,
    position: Position.optional().meta({
      description: 'Without it the record is stored with fence "unknown" (flagged: it cannot be verified)',
    }),
    occurredAt: OccurredAt.optional(),
  })
  .meta({ id: 'AttendanceRequest' });
export type AttendanceInput = z.infer<typeof AttendanceRequest>;

export const Attendance = z
  .object({
    id: Id,
    workOrderId: Id,
    workOrderNumber: z.string(),
    userId: Id,
    userName: z.string().nullable(),
    locationId: Id.nullable(),
    kind: AttendanceKindSchema,
    at: IsoTime.meta({ description: "When the person tapped (the phone's occurredAt, else when the host received it)" }),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
    accuracyM: z.number().nullable(),
    distanceM: z.number().nullable().meta({ description: "Metres from the site's centre; null without a position or a site" }),
    fence: FenceSchema.meta({
      description:
        "inside: within the geofence radius + the reading's accuracy (at most 100 m); outside: flagged for a supervisor; unknown: no position or no site (also flagged)",
    }),
    reviewedBy: Id.nullable(),
    reviewedAt: IsoTime.nullable(),
    createdAt: IsoTime,
    version: z.number().int(),
  })
  .meta({ id: 'Attendance' });
export type AttendanceDto = z.infer<typeof Attendance>;

export const ATTENDANCE_SORT_KEYS = ['at', 'createdAt'] as const;

const fenceList = z
  .string()
  .max(40)
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  )
  .pipe(z.array(FenceSchema).min(1));

export const AttendanceListQuery = z.strictObject({
  ...ListQueryBase,
  sort: z
    .string()
    .max(20)
    .optional()
    .meta({ description: `One of ${ATTENDANCE_SORT_KEYS.join(', ')}; "-" prefix for descending. Default -at` }),
  fence: fenceList
    .optional()
    .meta({ description: 'Comma-separated; default "outside,unknown" (the flagged records). Give "inside,outside,unknown" for all' }),
  reviewed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  userId: Id.optional(),
  workOrderId: Id.optional(),
  kind: AttendanceKindSchema.optional(),
});
export type AttendanceListFilter = z.infer<typeof AttendanceListQuery>;

export const WorkOrderAttendanceQuery = z.strictObject({ ...ListQueryBase });
