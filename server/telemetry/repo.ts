import { and, asc, desc, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  assets,
  telemetryAlerts,
  telemetryDevices,
  telemetryReadings,
  telemetryRollups,
  telemetryRules,
  telemetrySettings,
  vehiclePositions,
  vehicles,
  workOrders,
} from '../../db/schema/index.js';
import { ModbusSettingsSchema, SerialSettingsSchema } from './contract.js';
import type { DeviceConfig } from './types.js';
import type { Binding } from './pipeline/store.js';

/** Reads for telemetry (every query carries its org filter, except the host-wide start-up loads). */

export type DeviceRow = typeof telemetryDevices.$inferSelect;
export type RuleRow = typeof telemetryRules.$inferSelect;
export type AlertRow = typeof telemetryAlerts.$inferSelect;

export const DEFAULT_SETTINGS = { rawRetentionDays: 30, minuteRetentionDays: 90, hourRetentionDays: 730 };

export function settingsOf(db: Db, orgId: string) {
  const row = db.select().from(telemetrySettings).where(eq(telemetrySettings.orgId, orgId)).get();
  return row ?? { ...DEFAULT_SETTINGS, id: null, version: 0, updatedAt: null as number | null };
}

/** Stored JSON is validated before it reaches the serial side (STYLE 8); a broken row disables its device. */
export function toDeviceConfig(row: DeviceRow): DeviceConfig {
  const serial = SerialSettingsSchema.safeParse(row.serial);
  const modbus = row.modbus === null ? null : ModbusSettingsSchema.safeParse(row.modbus);
  const ok = serial.success && (modbus === null || modbus.success);
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    vendorId: row.vendorId,
    productId: row.productId,
    serialNumber: row.serialNumber,
    path: row.path,
    protocol: row.protocol,
    serial: serial.success ? serial.data : { baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' },
    modbus: modbus?.success ? modbus.data : null,
    assetId: row.assetId,
    vehicleId: row.vehicleId,
    enabled: row.enabled && ok,
    silenceAfterMs: row.silenceAfterMs,
  };
}

/** Every org's devices: the serial side is host-wide (one set of ports), each device names its org. */
export function allDevices(db: Db): DeviceRow[] {
  return db.select().from(telemetryDevices).orderBy(asc(telemetryDevices.id)).all();
}

export function bindingsOf(rows: DeviceRow[]): Binding[] {
  return rows.map((r) => ({ deviceId: r.id, orgId: r.orgId, assetId: r.assetId, vehicleId: r.vehicleId }));
}

export function enabledRules(db: Db): RuleRow[] {
  return db.select().from(telemetryRules).where(eq(telemetryRules.enabled, true)).all();
}

export function activeAlerts(db: Db): AlertRow[] {
  return db.select().from(telemetryAlerts).where(eq(telemetryAlerts.state, 'active')).all();
}

/** The rule's active alert for a subject (and, for geofence rules, a site). */
export function activeAlertFor(db: Db, orgId: string, ruleId: string, subjectId: string, locationId?: string): AlertRow | undefined {
  const conds = [
    eq(telemetryAlerts.orgId, orgId),
    eq(telemetryAlerts.ruleId, ruleId),
    eq(telemetryAlerts.subjectId, subjectId),
    eq(telemetryAlerts.state, 'active'),
  ];
  if (locationId) conds.push(eq(telemetryAlerts.locationId, locationId));
  return db
    .select()
    .from(telemetryAlerts)
    .where(and(...conds))
    .get();
}

const FINISHED = ['COMPLETED', 'CLOSED', 'CANCELLED'];

/** The open work order an earlier alert of this rule and subject opened, if any (exactly-once across restarts). */
export function openWorkOrderOfRule(db: Db, orgId: string, ruleId: string, subjectId: string): { id: string; number: string } | undefined {
  return db
    .select({ id: workOrders.id, number: workOrders.number })
    .from(telemetryAlerts)
    .innerJoin(workOrders, eq(workOrders.id, telemetryAlerts.workOrderId))
    .where(
      and(
        eq(telemetryAlerts.orgId, orgId),
        eq(telemetryAlerts.ruleId, ruleId),
        eq(telemetryAlerts.subjectId, subjectId),
        sql`${workOrders.status} NOT IN (${sql.join(
          FINISHED.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      ),
    )
    .orderBy(desc(telemetryAlerts.raisedAt))
    .get();
}

/** A vehicle's open work orders at a site: where a geofence crossing is written to the timeline. */
export function openWorkOrdersAt(db: Db, orgId: string, vehicleId: string, locationId: string): string[] {
  const vehicle = db
    .select({ teamId: vehicles.teamId })
    .from(vehicles)
    .where(and(eq(vehicles.id, vehicleId), eq(vehicles.orgId, orgId)))
    .get();
  if (!vehicle?.teamId) return [];
  return db
    .select({ id: workOrders.id })
    .from(workOrders)
    .where(
      and(
        eq(workOrders.orgId, orgId),
        eq(workOrders.teamId, vehicle.teamId),
        eq(workOrders.locationId, locationId),
        sql`${workOrders.status} NOT IN (${sql.join(
          FINISHED.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      ),
    )
    .all()
    .map((r) => r.id);
}

export type Subject = { assetId?: string | undefined; vehicleId?: string | undefined; deviceId?: string | undefined };

export function rawReadings(db: Db, orgId: string, s: Subject, metric: string, from: number, to: number, limit: number) {
  const conds: SQL[] = [
    eq(telemetryReadings.orgId, orgId),
    eq(telemetryReadings.metric, metric),
    gte(telemetryReadings.at, from),
    lt(telemetryReadings.at, to),
  ];
  if (s.assetId) conds.push(eq(telemetryReadings.assetId, s.assetId));
  else if (s.vehicleId) conds.push(eq(telemetryReadings.vehicleId, s.vehicleId));
  // A device's own readings are those it sent unbound, like its roll-ups (store.ts subjectOf): the
  // partial unbound index (org, at) holds only those; a bound device's rows are under its asset or vehicle.
  else if (s.deviceId)
    conds.push(eq(telemetryReadings.deviceId, s.deviceId), isNull(telemetryReadings.assetId), isNull(telemetryReadings.vehicleId));
  return db
    .select({ at: telemetryReadings.at, value: telemetryReadings.value, unit: telemetryReadings.unit })
    .from(telemetryReadings)
    .where(and(...conds))
    .orderBy(asc(telemetryReadings.at), asc(telemetryReadings.id))
    .limit(limit)
    .all();
}

export function rollups(
  db: Db,
  orgId: string,
  subjectId: string,
  metric: string,
  resolution: 'minute' | 'hour',
  from: number,
  to: number,
  limit: number,
) {
  return db
    .select()
    .from(telemetryRollups)
    .where(
      and(
        eq(telemetryRollups.orgId, orgId),
        eq(telemetryRollups.subjectId, subjectId),
        eq(telemetryRollups.metric, metric),
        eq(telemetryRollups.resolution, resolution),
        gte(telemetryRollups.bucketStart, from - (resolution === 'hour' ? 3_600_000 : 60_000) + 1),
        lt(telemetryRollups.bucketStart, to),
      ),
    )
    .orderBy(asc(telemetryRollups.bucketStart))
    .limit(limit)
    .all();
}

/** Latest value per metric of an asset: the metric list from hour roll-ups, then one index seek each. */
export function latestOfAsset(db: Db, orgId: string, assetId: string) {
  const metrics = db
    .selectDistinct({ metric: telemetryRollups.metric })
    .from(telemetryRollups)
    .where(and(eq(telemetryRollups.orgId, orgId), eq(telemetryRollups.subjectId, assetId), eq(telemetryRollups.resolution, 'hour')))
    .all();
  const out = [];
  for (const { metric } of metrics) {
    const row = db
      .select()
      .from(telemetryReadings)
      .where(and(eq(telemetryReadings.orgId, orgId), eq(telemetryReadings.assetId, assetId), eq(telemetryReadings.metric, metric)))
      .orderBy(desc(telemetryReadings.at), desc(telemetryReadings.id))
      .limit(1)
      .get();
    if (row) out.push(row);
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric));
}

export type PositionRow = typeof vehiclePositions.$inferSelect;

export function latestPositions(db: Db, orgId: string): PositionRow[] {
  const ids = db
    .select({ id: vehicles.id })
    .from(vehicles)
    .where(and(eq(vehicles.orgId, orgId), isNull(vehicles.deletedAt)))
    .all();
  const out: PositionRow[] = [];
  for (const { id } of ids) {
    const row = db
      .select()
      .from(vehiclePositions)
      .where(and(eq(vehiclePositions.orgId, orgId), eq(vehiclePositions.vehicleId, id)))
      .orderBy(desc(vehiclePositions.at), desc(vehiclePositions.id))
      .limit(1)
      .get();
    if (row) out.push(row);
  }
  return out;
}

export function track(db: Db, orgId: string, vehicleId: string, from: number, to: number, limit: number): PositionRow[] {
  return db
    .select()
    .from(vehiclePositions)
    .where(
      and(
        eq(vehiclePositions.orgId, orgId),
        eq(vehiclePositions.vehicleId, vehicleId),
        gte(vehiclePositions.at, from),
        lt(vehiclePositions.at, to),
      ),
    )
    .orderBy(asc(vehiclePositions.at), asc(vehiclePositions.id))
    .limit(limit)
    .all();
}

/** One org's devices, for the port picker and the status page. */
export function devicesOf(db: Db, orgId: string): DeviceRow[] {
  return db.select().from(telemetryDevices).where(eq(telemetryDevices.orgId, orgId)).all();
}

export function alertOf(db: Db, orgId: string, id: string): AlertRow | undefined {
  return db
    .select()
    .from(telemetryAlerts)
    .where(and(eq(telemetryAlerts.id, id), eq(telemetryAlerts.orgId, orgId)))
    .get();
}

/** Whether the asset or vehicle a telemetry query names exists in this org (else the route answers 404). */
export function subjectExists(db: Db, orgId: string, kind: 'asset' | 'vehicle', id: string): boolean {
  const table = kind === 'asset' ? assets : vehicles;
  return (
    db
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.id, id), eq(table.orgId, orgId)))
      .get() !== undefined
  );
}
