import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, deletable } from './columns.js';
import { organizations, depots } from './org.js';
import { assets, locations } from './places.js';
import { taskTemplates } from './projects.js';
import { telemetryDevices } from './telemetry.js';
import { workOrders } from './work-orders.js';

/**
 * Preventive maintenance (issue 19, 4): plans that generate work orders from a template ahead of
 * time, by calendar rule (RFC 5545 RRULE in the depot's zone) or by meter (a telemetry reading
 * counted up, or trending toward a limit). server/maintenance/ runs them.
 */

export const MAINTENANCE_PLAN_KINDS = ['calendar', 'meter'] as const;
/** counter: the reading is a running total (run hours, cycles), due every `meterInterval` units; trend: due when the reading's trend reaches `meterThreshold`. */
export const METER_MODES = ['counter', 'trend'] as const;
export const OCCURRENCE_STATES = ['generated', 'superseded', 'skipped'] as const;

export const maintenancePlans = sqliteTable(
  'maintenance_plans',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    name: text('name').notNull(),
    /** The depot whose host generates this plan's work (null: whichever host serves the org); its zone reads the rule. */
    depotId: text('depot_id').references(() => depots.id),
    templateId: text('template_id')
      .notNull()
      .references(() => taskTemplates.id),
    /** What the plan covers: one asset, every live asset of a category (optionally at one location), or a location. */
    assetId: text('asset_id').references(() => assets.id),
    assetCategory: text('asset_category'),
    locationId: text('location_id').references(() => locations.id),
    kind: text('kind', { enum: MAINTENANCE_PLAN_KINDS }).notNull(),
    /** calendar: the RRULE line without DTSTART ("FREQ=MONTHLY;INTERVAL=3"). */
    rrule: text('rrule'),
    /** calendar: DTSTART as a floating local date-time "YYYY-MM-DDTHH:mm", read in the depot's zone. */
    dtstart: text('dtstart'),
    meterDeviceId: text('meter_device_id').references(() => telemetryDevices.id),
    meterMetric: text('meter_metric'),
    meterMode: text('meter_mode', { enum: METER_MODES }),
    meterInterval: real('meter_interval'),
    /** counter: the reading at which counting starts (the last service); occurrences fall at baseline + n × interval. */
    meterBaseline: real('meter_baseline'),
    meterThreshold: real('meter_threshold'),
    /**
     * When the plan's current schedule took effect (its creation, or the last edit that moved its
     * occurrences): occurrences before it are never generated, so an edit does not bring back the past.
     */
    effectiveFrom: integer('effective_from').notNull(),
    /** How far ahead work orders are generated. */
    horizonDays: integer('horizon_days').notNull().default(14),
    paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
    ...tracked(),
    ...deletable(),
  },
  (t) => [index('maintenance_plans_org_idx').on(t.orgId, t.paused)],
);

/**
 * One occurrence of a plan that has been generated: the unique (plan, occurrence key) is what makes
 * generation idempotent across runs, restarts and depots. The key names the occurrence, not the
 * work order: "<asset id or ->@<local date-time>" for calendar plans, "<asset>@m:<meter value>" for
 * counters, "<asset>@t:<n>" for the n-th trend crossing.
 */
export const maintenanceOccurrences = sqliteTable(
  'maintenance_occurrences',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    planId: text('plan_id')
      .notNull()
      .references(() => maintenancePlans.id),
    occurrenceKey: text('occurrence_key').notNull(),
    assetId: text('asset_id').references(() => assets.id),
    dueAt: integer('due_at').notNull(),
    workOrderId: text('work_order_id').references(() => workOrders.id),
    /**
     * superseded: a plan edit moved this occurrence away before its work started (its work order was
     * cancelled); skipped: someone chose to leave this one out (any work order it had was cancelled).
     */
    state: text('state', { enum: OCCURRENCE_STATES }).notNull(),
    ...tracked(),
  },
  (t) => [
    uniqueIndex('maintenance_occurrences_plan_key_uq').on(t.orgId, t.planId, t.occurrenceKey),
    index('maintenance_occurrences_org_due_idx').on(t.orgId, t.dueAt),
  ],
);
