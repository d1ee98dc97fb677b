import { slaCalendars, slaPolicies } from '../../db/schema/index.js';
import { Id } from '../http/contract-common.js';
import { PrioritySchema, WorkOrderTypeSchema } from '../work-orders/contract-domain.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import {
  CalendarSchema,
  SlaCalendar,
  SlaCalendarCreate,
  SlaCalendarUpdate,
  SlaMatrix,
  SlaPolicy,
  SlaPolicyCreate,
  SlaPolicyUpdate,
} from './contract.js';
import { checkTargets, policyMatrix } from './service.js';

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
    ...trackedDto(r),
    name: r.name,
    type: r.type,
    priority: r.priority,
    calendarId: r.calendarId,
    responseMinutes: r.responseMinutes,
    resolutionMinutes: r.resolutionMinutes,
  }),
  read: 'catalog:read',
  write: 'sla:manage',
  sort: { keys: { name: slaPolicies.name, type: slaPolicies.type, createdAt: slaPolicies.createdAt }, default: 'type' },
  filters: {
    type: { column: slaPolicies.type, schema: WorkOrderTypeSchema },
    priority: { column: slaPolicies.priority, schema: PrioritySchema },
    calendarId: { column: slaPolicies.calendarId, schema: Id },
  },
  refs: { calendarId: { table: slaCalendars, entity: 'SLA calendar' } },
  validate: (_w, values, before) => checkTargets(values, before),
  // One policy per (type, priority), deleted ones included: a new one for the same pair revives that row.
  revive: ['type', 'priority'],
});

export const slaRoutes: AnyRoute[] = [
  ...calendarCrud.routes(),
  ...policyCrud.routes(),
  defineRoute({
    method: 'get',
    path: '/sla/matrix',
    tag: 'SLA',
    access: 'catalog:read',
    summary: 'All SLA policies as a work-order type × priority grid (null where none applies)',
    response: SlaMatrix,
    handler: ({ ctx }) => policyMatrix(ctx, policyCrud.toDto),
  }),
];
