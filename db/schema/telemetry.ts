import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, json } from './columns.js';
import { organizations, users } from './org.js';
import { assets, locations, vehicles } from './places.js';
import { taskTemplates } from './projects.js';
import { workOrders } from './work-orders.js';

/**
 * Telemetry: sensors and GPS receivers on the depot PC's serial ports (server/telemetry/).
 * Devices, rules, alerts and settings are ordinary managed entities (mutate(), audited, synced);
 * readings and positions are high-volume append-only history written in batches (see
 * server/telemetry/pipeline/ingest.ts for why they bypass the per-row audit path).
 */

export const TELEMETRY_PROTOCOLS = ['nmea', 'json', 'kv', 'csv', 'modbus'] as const;

export const telemetryDevices = sqliteTable(
  'telemetry_devices',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    name: text('name').notNull(),
    vendorId: text('vendor_id'),
    productId: text('product_id'),
    serialNumber: text('serial_number'),
    path: text('path'),
    protocol: text('protocol', { enum: TELEMETRY_PROTOCOLS }).notNull(),
    /** SerialSettings (server/telemetry/types.ts), validated on read. */
    serial: json('serial').notNull(),
    /** ModbusSettings for protocol "modbus", else null. */
    modbus: json('modbus'),
    assetId: text('asset_id').references(() => assets.id),
    vehicleId: text('vehicle_id').references(() => vehicles.id),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    silenceAfterMs: integer('silence_after_ms').notNull().default(30_000),
    ...tracked(),
  },
  (t) => [uniqueIndex('telemetry_devices_org_name_uq').on(t.orgId, t.name)],
);

/**
 * One metric value. Integer rowid key (not a UUID): these rows are the bulk of the database, are
 * never referenced by id from elsewhere and are never synced one by one.
 */
export const telemetryReadings = sqliteTable(
  'telemetry_readings',
  {
    id: integer('id').primaryKey(),
    orgId: orgId(),
    deviceId: text('device_id').notNull(),
    assetId: text('asset_id'),
    vehicleId: text('vehicle_id'),
    metric: text('metric').notNull(),
    value: real('value').notNull(),
    unit: text('unit'),
    at: integer('at').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  // Every insert updates each index whose condition the row meets, and the flood is bound by that
  // (issue 14: three full indexes held it at 32-52k frames/s). So the indexes are partial and
  // cover the rows between them: a reading sits in the asset or the vehicle index when it is bound,
  // in the unbound index when it is not, which is also how roll-ups pick a reading's subject
  // (store.ts subjectOf). The unbound index is by (org, at), not by device: rows arrive in time
  // order, so its inserts append at the end of the b-tree, where a per-device key scatters them
  // (a raw insert of 16 unbound devices ran 2.3x faster, notes/14/telemetry-schema). Queries must
  // state an index's condition to use it (repo.ts, read-plan.test.ts); retention walks the asset and
  // vehicle indexes per (subject, metric) and the unbound one by time.
  (t) => [
    index('telemetry_readings_asset_metric_at_idx')
      .on(t.assetId, t.metric, t.at)
      .where(sql`asset_id IS NOT NULL`),
    index('telemetry_readings_vehicle_metric_at_idx')
      .on(t.vehicleId, t.metric, t.at)
      .where(sql`vehicle_id IS NOT NULL`),
    index('telemetry_readings_unbound_org_at_idx')
      .on(t.orgId, t.at)
      .where(sql`asset_id IS NULL AND vehicle_id IS NULL`),
  ],
);

export const ROLLUP_RESOLUTIONS = ['minute', 'hour'] as const;
export const TELEMETRY_SUBJECTS = ['asset', 'vehicle', 'device'] as const;

/** Per-minute and per-hour aggregates, upserted incrementally with every batch. */
export const telemetryRollups = sqliteTable(
  'telemetry_rollups',
  {
    id: integer('id').primaryKey(),
    orgId: orgId(),
    resolution: text('resolution', { enum: ROLLUP_RESOLUTIONS }).notNull(),
    /** What the readings belong to: the bound asset or vehicle, or the device itself when unbound. */
    subjectKind: text('subject_kind', { enum: TELEMETRY_SUBJECTS }).notNull(),
    subjectId: text('subject_id').notNull(),
    metric: text('metric').notNull(),
    unit: text('unit'),
    bucketStart: integer('bucket_start').notNull(),
    count: integer('count').notNull(),
    min: real('min').notNull(),
    max: real('max').notNull(),
    sum: real('sum').notNull(),
    last: real('last').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [
    uniqueIndex('telemetry_rollups_key_uq').on(t.subjectId, t.metric, t.resolution, t.bucketStart),
    index('telemetry_rollups_org_res_bucket_idx').on(t.orgId, t.resolution, t.bucketStart),
  ],
);

/** GPS fixes, append-only like readings. */
export const vehiclePositions = sqliteTable(
  'vehicle_positions',
  {
    id: integer('id').primaryKey(),
    orgId: orgId(),
    deviceId: text('device_id').notNull(),
    vehicleId: text('vehicle_id'),
    at: integer('at').notNull(),
    lat: real('lat').notNull(),
    lon: real('lon').notNull(),
    speedKmh: real('speed_kmh'),
    headingDeg: real('heading_deg'),
    fixQuality: integer('fix_quality').notNull(),
    satellites: integer('satellites'),
    hdop: real('hdop'),
    altitudeM: real('altitude_m'),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('vehicle_positions_vehicle_at_idx').on(t.vehicleId, t.at), index('vehicle_positions_org_at_idx').on(t.orgId, t.at)],
);

/**
 * While a row for an org is present, the append-only triggers on readings and positions let rows
 * of that org older than `before_at` be deleted. Only the retention job writes it, and only inside
 * the transaction that deletes (it inserts, deletes a chunk, removes the row before COMMIT), so no
 * other connection ever sees it and nothing else can delete history.
 */
export const telemetryRetentionGate = sqliteTable('telemetry_retention_gate', {
  orgId: text('org_id').primaryKey(),
  beforeAt: integer('before_at').notNull(),
});

export const TELEMETRY_RULE_KINDS = ['above', 'below', 'outside_band', 'rate_of_change', 'geofence_enter', 'geofence_leave'] as const;

export const telemetryRules = sqliteTable(
  'telemetry_rules',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: TELEMETRY_RULE_KINDS }).notNull(),
    /** Threshold rules: the metric and the asset (or vehicle) it watches. */
    metric: text('metric'),
    assetId: text('asset_id').references(() => assets.id),
    /** Geofence rules: one vehicle, or every vehicle when null. */
    vehicleId: text('vehicle_id').references(() => vehicles.id),
    /** Geofence rules: one site, or every site with coordinates when null. */
    locationId: text('location_id').references(() => locations.id),
    /** above/below: the limit; rate_of_change: the largest allowed change per minute. */
    threshold: real('threshold'),
    /** outside_band: the allowed band. */
    low: real('low'),
    high: real('high'),
    /** How far back inside the limit a value must come before the alert clears (metres for geofences). */
    hysteresis: real('hysteresis').notNull().default(0),
    minDurationMs: integer('min_duration_ms').notNull().default(0),
    raisesAlert: integer('raises_alert', { mode: 'boolean' }).notNull().default(true),
    opensWorkOrder: integer('opens_work_order', { mode: 'boolean' }).notNull().default(false),
    templateId: text('template_id').references(() => taskTemplates.id),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    ...tracked(),
  },
  (t) => [index('telemetry_rules_org_idx').on(t.orgId, t.enabled)],
);

export const ALERT_STATES = ['active', 'cleared'] as const;

export const telemetryAlerts = sqliteTable(
  'telemetry_alerts',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    ruleId: text('rule_id')
      .notNull()
      .references(() => telemetryRules.id),
    /** The asset, vehicle or (unbound) device the alert is about. */
    subjectKind: text('subject_kind', { enum: TELEMETRY_SUBJECTS }).notNull(),
    subjectId: text('subject_id').notNull(),
    assetId: text('asset_id').references(() => assets.id),
    vehicleId: text('vehicle_id').references(() => vehicles.id),
    locationId: text('location_id').references(() => locations.id),
    metric: text('metric'),
    state: text('state', { enum: ALERT_STATES }).notNull(),
    raisedAt: integer('raised_at').notNull(),
    clearedAt: integer('cleared_at'),
    triggerValue: real('trigger_value'),
    peakValue: real('peak_value'),
    workOrderId: text('work_order_id').references(() => workOrders.id),
    acknowledgedAt: integer('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by').references(() => users.id),
    ...tracked(),
  },
  (t) => [
    index('telemetry_alerts_org_state_idx').on(t.orgId, t.state, t.raisedAt),
    index('telemetry_alerts_rule_subject_idx').on(t.ruleId, t.subjectId, t.raisedAt),
  ],
);

export const telemetrySettings = sqliteTable(
  'telemetry_settings',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    rawRetentionDays: integer('raw_retention_days').notNull(),
    minuteRetentionDays: integer('minute_retention_days').notNull(),
    hourRetentionDays: integer('hour_retention_days').notNull(),
    ...tracked(),
  },
  (t) => [uniqueIndex('telemetry_settings_org_uq').on(t.orgId)],
);
