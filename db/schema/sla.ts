import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, json, deletable, live } from './columns.js';
import { organizations } from './org.js';
import { WORK_ORDER_TYPES, PRIORITIES } from './projects.js';

export const slaCalendars = sqliteTable(
  'sla_calendars',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    /** { mon: [["08:00","17:00"]], ... } — validated by the SLA contract on every read. */
    workingHours: json('working_hours').notNull(),
    /** [{ date: "2026-12-25", name }] */
    holidays: json('holidays').notNull(),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('sla_calendars_org_name_uq').on(t.orgId, t.name).where(live)],
);

export const slaPolicies = sqliteTable(
  'sla_policies',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    name: text('name').notNull(),
    type: text('type', { enum: WORK_ORDER_TYPES }).notNull(),
    priority: text('priority', { enum: PRIORITIES }).notNull(),
    calendarId: text('calendar_id').references(() => slaCalendars.id),
    responseMinutes: integer('response_minutes').notNull(),
    resolutionMinutes: integer('resolution_minutes').notNull(),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('sla_policies_org_type_priority_uq').on(t.orgId, t.type, t.priority)],
);
