import { and, eq, gte, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db, Sqlite } from '../../db/client.js';
import {
  assets,
  maintenanceOccurrences,
  maintenancePlans,
  taskTemplates,
  telemetryDevices,
  telemetryRollups,
  workOrders,
} from '../../db/schema/index.js';
import { subjectOf } from '../telemetry/pipeline/store.js';
import type { MeterPoint } from './meter.js';

/** Reads of the maintenance feature (plans, their targets, meter points, generated occurrences). */

export type PlanRow = typeof maintenancePlans.$inferSelect;
export type OccurrenceRow = typeof maintenanceOccurrences.$inferSelect;

export function planById(db: Db, id: string): PlanRow | undefined {
  return db.select().from(maintenancePlans).where(eq(maintenancePlans.id, id)).get();
}

/** Live, unpaused plans: of one org, or of every org (the generator serves the whole host). */
export function activePlans(db: Db, orgId?: string): PlanRow[] {
  return db
    .select()
    .from(maintenancePlans)
    .where(
      and(
        isNull(maintenancePlans.deletedAt),
        eq(maintenancePlans.paused, false),
        orgId === undefined ? undefined : eq(maintenancePlans.orgId, orgId),
      ),
    )
    .all();
}

export interface Target {
  assetId: string | null;
  locationId: string | null;
}

/**
 * What one plan makes work for: its asset; else every live asset of its category that is not
 * retired (at its location, if it names one); else its location alone. Meter plans read the asset
 * their device is bound to when they name none.
 */
export function targetsOf(db: Db, plan: PlanRow): Target[] {
  const assetId = plan.assetId ?? (plan.kind === 'meter' ? meterDevice(db, plan)?.assetId : null) ?? null;
  if (assetId) {
    const a = db
      .select({ id: assets.id, locationId: assets.locationId })
      .from(assets)
      .where(and(eq(assets.id, assetId), eq(assets.orgId, plan.orgId), isNull(assets.deletedAt)))
      .get();
    return a ? [{ assetId: a.id, locationId: plan.locationId ?? a.locationId }] : [];
  }
  if (plan.assetCategory) {
    return db
      .select({ assetId: assets.id, locationId: assets.locationId })
      .from(assets)
      .where(
        and(
          eq(assets.orgId, plan.orgId),
          eq(assets.category, plan.assetCategory),
          plan.locationId ? eq(assets.locationId, plan.locationId) : undefined,
          ne(assets.status, 'retired'),
          isNull(assets.deletedAt),
        ),
      )
      .orderBy(assets.tag)
      .all();
  }
  return plan.locationId ? [{ assetId: null, locationId: plan.locationId }] : [];
}

function meterDevice(db: Db, plan: PlanRow) {
  if (!plan.meterDeviceId) return undefined;
  return db
    .select({ id: telemetryDevices.id, assetId: telemetryDevices.assetId, vehicleId: telemetryDevices.vehicleId })
    .from(telemetryDevices)
    .where(and(eq(telemetryDevices.id, plan.meterDeviceId), eq(telemetryDevices.orgId, plan.orgId)))
    .get();
}

/**
 * The meter's recent points, one per hour (each hourly roll-up's last value): the roll-ups are kept
 * longer than raw readings and are keyed by subject and metric, so this is an index range read.
 */
export function meterPoints(db: Db, plan: PlanRow, since: number): MeterPoint[] {
  const device = meterDevice(db, plan);
  if (!device || !plan.meterMetric) return [];
  const subject = subjectOf({ assetId: device.assetId, vehicleId: device.vehicleId, deviceId: device.id });
  return db
    .select({ at: telemetryRollups.lastAt, value: telemetryRollups.last })
    .from(telemetryRollups)
    .where(
      and(
        eq(telemetryRollups.subjectId, subject.id),
        eq(telemetryRollups.metric, plan.meterMetric),
        eq(telemetryRollups.resolution, 'hour'),
        gte(telemetryRollups.bucketStart, since),
      ),
    )
    .all();
}

export function occurrenceOf(db: Db, orgId: string, planId: string, key: string): OccurrenceRow | undefined {
  return db
    .select()
    .from(maintenanceOccurrences)
    .where(
      and(
        eq(maintenanceOccurrences.orgId, orgId),
        eq(maintenanceOccurrences.planId, planId),
        eq(maintenanceOccurrences.occurrenceKey, key),
      ),
    )
    .get();
}

/** A plan's generated occurrences with the status of their work order (null when it is gone). */
export function occurrencesOfPlan(db: Db, orgId: string, planId: string) {
  return db
    .select({
      occurrence: maintenanceOccurrences,
      status: workOrders.status,
      finishedAt: sql<number | null>`coalesce(${workOrders.completedAt}, ${workOrders.cancelledAt})`,
    })
    .from(maintenanceOccurrences)
    .leftJoin(workOrders, eq(workOrders.id, maintenanceOccurrences.workOrderId))
    .where(and(eq(maintenanceOccurrences.orgId, orgId), eq(maintenanceOccurrences.planId, planId)))
    .all();
}

/** Generated and skipped occurrences due in [from, to) of an org's plans (superseded ones are gone from the plan). */
export function recordedBetween(db: Db, orgId: string, from: number, to: number): OccurrenceRow[] {
  return db
    .select()
    .from(maintenanceOccurrences)
    .where(
      and(
        eq(maintenanceOccurrences.orgId, orgId),
        ne(maintenanceOccurrences.state, 'superseded'),
        gte(maintenanceOccurrences.dueAt, from),
        lt(maintenanceOccurrences.dueAt, to),
      ),
    )
    .all();
}

export function templateDuration(db: Db, orgId: string, templateId: string): number | null {
  return (
    db
      .select({ d: taskTemplates.durationMin })
      .from(taskTemplates)
      .where(and(eq(taskTemplates.id, templateId), eq(taskTemplates.orgId, orgId)))
      .get()?.d ?? null
  );
}

/** Plans whose meter is one of `deviceIds` (readings just arrived from them). */
export function meterPlansOf(sqlite: Sqlite, deviceIds: readonly string[]): string[] {
  if (deviceIds.length === 0) return [];
  const marks = deviceIds.map(() => '?').join(', ');
  return sqlite
    .prepare(
      `SELECT id FROM maintenance_plans WHERE kind = 'meter' AND paused = 0 AND deleted_at IS NULL AND meter_device_id IN (${marks})`,
    )
    .pluck()
    .all(...deviceIds) as string[];
}

export function countMeterPlans(sqlite: Sqlite): number {
  return sqlite
    .prepare("SELECT count(*) FROM maintenance_plans WHERE kind = 'meter' AND paused = 0 AND deleted_at IS NULL")
    .pluck()
    .get() as number;
}
