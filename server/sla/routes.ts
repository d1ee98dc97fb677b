import { z } from 'zod';
import { slaCalendars, slaPolicies } from '../../db/schema/index.js';
import { Id, Name } from '../http/contract-common.js';
import { PrioritySchema, WorkOrderTypeSchema } from '../http/contract-domain.js';
import { patchSchema, TrackedDto } from '../http/crud-contract.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { CalendarSchema, HolidaySchema, WorkingHoursSchema } from './contract.js';
import { checkTargets, policyMatrix } from './service.js';

// Request/response schemas live here because this folder's contract.ts belongs to the SLA engine.
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

const Minutes = z.number().int().min(1).max(365 * 24 * 60);
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
    ...TrackedDto, name: z.string(), type: WorkOrderTypeSchema, priority: PrioritySchema, calendarId: Id.nullable(),
    responseMinutes: z.number().int(), resolutionMinutes: z.number().int(),
  })
  .meta({ id: 'SlaPolicy' });
export const SlaMatrix = z
  .object({
    types: z.array(WorkOrderTypeSchema),
    priorities: z.array(PrioritySchema),
    cells: z.record(WorkOrderTypeSchema, z.record(PrioritySchema, SlaPolicy.nullable())),
  })
  .meta({ id: 'SlaMatrix' });

export const calendarCrud = defineCrud({
  table: slaCalendars,
  entity: 'SLA calendar',
  path: '/sla/calendars',
  tag: 'SLA',
  create: SlaCalendarCreate,
  update: SlaCalendarUpdate,
  dto: SlaCalendar,
  toDto: (r) => {
    // Stored JSON is re-validated on read, as the engine would when computing due times.
    const cal = CalendarSchema.parse({ timeZone: r.timeZone, workingHours: r.workingHours, holidays: r.holidays });
    return { ...trackedDto(r), name: r.name, ...cal };
  },
  read: 'catalog:read',
  write: 'sla:manage',
  sort: { keys: { name: slaCalendars.name, createdAt: slaCalendars.createdAt }, default: 'name' },
  search: [slaCalendars.name],
});

export const policyCrud = defineCrud({
  table: slaPolicies,
  entity: 'SLA policy',
  path: '/sla/policies',
  tag: 'SLA',
  create: SlaPolicyCreate,
  update: SlaPolicyUpdate,
  dto: SlaPolicy,
  toDto: (r) => ({
    ...trackedDto(r), name: r.name, type: r.type, priority: r.priority, calendarId: r.calendarId,
    responseMinutes: r.responseMinutes, resolutionMinutes: r.resolutionMinutes,
  }),
  read: 'catalog:read',
  write: 'sla:manage',
  sort: { keys: { name: slaPolicies.name, type: slaPolicies.type, createdAt: slaPolicies.createdAt }, default: 'type' },
  filters: { type: { column: slaPolicies.type, schema: WorkOrderTypeSchema }, priority: { column: slaPolicies.priority, schema: PrioritySchema }, calendarId: { column: slaPolicies.calendarId, schema: Id } },
  refs: { calendarId: { table: slaCalendars, entity: 'SLA calendar' } },
  validate: (_w, values, before) => checkTargets(values, before),
});

export const slaRoutes: AnyRoute[] = [
  ...calendarCrud.routes(),
  ...policyCrud.routes(),
  defineRoute({
    method: 'get', path: '/sla/matrix', tag: 'SLA', access: 'catalog:read',
    summary: 'All SLA policies as a work-order type × priority grid (null where none applies)',
    response: SlaMatrix,
    handler: ({ ctx }) => policyMatrix(ctx, policyCrud.toDto),
  }),
];
