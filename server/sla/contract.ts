// SLA calendar contract, shared with the renderer (which bundles it), hence zod only: the time
// zone is checked with Intl, which is what luxon's IANAZone.isValidZone uses underneath.
import { z } from 'zod';
import { Id, Name } from '../http/contract-common.js';
import { patchSchema, TrackedDto } from '../http/crud-contract.js';
import { PrioritySchema, WorkOrderTypeSchema } from '../work-orders/contract-domain.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const WeekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof WeekdaySchema>;

const TIME_OF_DAY = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes since local midnight of a validated "HH:MM" string ("24:00" → 1440). */
export function minutesOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

export const TimeOfDaySchema = z.string().regex(TIME_OF_DAY, 'must be a 24-hour time "HH:MM" between "00:00" and "24:00"');

export const WorkingIntervalSchema = z
  .tuple([TimeOfDaySchema, TimeOfDaySchema])
  .refine(([start, end]) => minutesOfDay(start) < minutesOfDay(end), {
    message: 'the interval must start before it ends ([start, end], end may be "24:00")',
  });

const DayIntervalsSchema = z
  .array(WorkingIntervalSchema)
  .max(48, 'at most 48 intervals per day')
  .superRefine((intervals, ctx) => {
    for (let i = 1; i < intervals.length; i++) {
      const prev = intervals[i - 1];
      const cur = intervals[i];
      if (prev === undefined || cur === undefined) continue;
      // Touching intervals (["08:00","12:00"], ["12:00","17:00"]) are harmless, so allowed.
      if (minutesOfDay(cur[0]) < minutesOfDay(prev[1])) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `intervals must be sorted by start time and must not overlap: ${cur[0]}–${cur[1]} starts before the previous interval ends at ${prev[1]}`,
        });
      }
    }
  });

// Strict so that a typo such as "monday" is an error instead of a silently closed day.
export const WorkingHoursSchema = z.strictObject({
  mon: DayIntervalsSchema.optional(),
  tue: DayIntervalsSchema.optional(),
  wed: DayIntervalsSchema.optional(),
  thu: DayIntervalsSchema.optional(),
  fri: DayIntervalsSchema.optional(),
  sat: DayIntervalsSchema.optional(),
  sun: DayIntervalsSchema.optional(),
});
export type WorkingHours = z.infer<typeof WorkingHoursSchema>;

function isRealDate(iso: string): boolean {
  const [y, m, d] = iso.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const HolidaySchema = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date "YYYY-MM-DD"')
    .refine(isRealDate, 'must be a real calendar date'),
  name: z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters'),
});
export type Holiday = z.infer<typeof HolidaySchema>;

// Constructing a DateTimeFormat costs tens of microseconds, and calendars repeat the same zones.
const zoneValidity = new Map<string, boolean>();
export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      // Newer engines also accept offsets such as "+01:00"; those have no DST rules, so refuse them.
      valid = /^[A-Za-z]/.test(zone);
    } catch {
      valid = false;
    }
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid);
  }
  return valid;
}

export const TimeZoneSchema = z
  .string()
  .min(1, 'must not be empty')
  .refine(isValidTimeZone, 'must be an IANA time zone such as "Europe/London" or "UTC"');

export const CalendarSchema = z.object({
  timeZone: TimeZoneSchema,
  workingHours: WorkingHoursSchema.refine(
    (hours) => Object.values(hours).some((day) => day !== undefined && day.length > 0),
    'the calendar has no working time: give at least one weekday a working interval',
  ),
  holidays: z.array(HolidaySchema).max(1000, 'at most 1000 holidays'),
});
export type Calendar = z.infer<typeof CalendarSchema>;

// Frozen because it is shared by every caller and compiled calendars are cached by identity.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const allDay = (): [string, string][] => [['00:00', '24:00']];

/** Used when no calendar is configured: every instant is working time. */
export const ALWAYS_OPEN: Calendar = deepFreeze({
  timeZone: 'UTC',
  workingHours: {
    mon: allDay(),
    tue: allDay(),
    wed: allDay(),
    thu: allDay(),
    fri: allDay(),
    sat: allDay(),
    sun: allDay(),
  },
  holidays: [],
});

// The API's request and response schemas (server/sla/routes.ts), here so the console imports them
// instead of copying their shapes.
// The engine's HolidaySchema is not strict; a request body must be, so an unknown key is refused.
const calendarFields = {
  name: Name,
  timeZone: CalendarSchema.shape.timeZone,
  workingHours: CalendarSchema.shape.workingHours,
  holidays: z.array(z.strictObject(HolidaySchema.shape)).max(1000, 'at most 1000 holidays').default([]),
};
export const SlaCalendarCreate = z.strictObject(calendarFields).meta({ id: 'SlaCalendarCreate' });
export const SlaCalendarUpdate = patchSchema(calendarFields).meta({ id: 'SlaCalendarUpdate' });
export const SlaCalendar = z
  .object({ ...TrackedDto, name: z.string(), timeZone: z.string(), workingHours: WorkingHoursSchema, holidays: z.array(HolidaySchema) })
  .meta({ id: 'SlaCalendar' });

const Minutes = z
  .number()
  .int()
  .min(1)
  .max(365 * 24 * 60);
const policyFields = {
  name: Name,
  type: WorkOrderTypeSchema,
  priority: PrioritySchema,
  /** Absent or null: the clock runs around the clock (24/7). */
  calendarId: Id.nullable().optional(),
  responseMinutes: Minutes,
  resolutionMinutes: Minutes,
};
export const SlaPolicyCreate = z.strictObject(policyFields).meta({ id: 'SlaPolicyCreate' });
export const SlaPolicyUpdate = patchSchema(policyFields).meta({ id: 'SlaPolicyUpdate' });
export const SlaPolicy = z
  .object({
    ...TrackedDto,
    name: z.string(),
    type: WorkOrderTypeSchema,
    priority: PrioritySchema,
    calendarId: Id.nullable(),
    responseMinutes: z.number().int(),
    resolutionMinutes: z.number().int(),
  })
  .meta({ id: 'SlaPolicy' });
export const SlaMatrix = z
  .object({
    types: z.array(WorkOrderTypeSchema),
    priorities: z.array(PrioritySchema),
    cells: z.record(WorkOrderTypeSchema, z.record(PrioritySchema, SlaPolicy.nullable())),
  })
  .meta({ id: 'SlaMatrix' });
export type SlaCalendarDto = z.infer<typeof SlaCalendar>;
export type SlaPolicyDto = z.infer<typeof SlaPolicy>;
export type SlaMatrixDto = z.infer<typeof SlaMatrix>;
