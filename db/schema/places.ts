import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, json, deletable, live } from './columns.js';
import { organizations, depots, teams } from './org.js';

export const locations = sqliteTable(
  'locations',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    depotId: text('depot_id').references(() => depots.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind'),
    address: text('address'),
    lat: real('lat').notNull(),
    lon: real('lon').notNull(),
    geofenceRadiusM: integer('geofence_radius_m').notNull().default(100),
    notes: text('notes'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('locations_org_code_uq').on(t.orgId, t.code).where(live), index('locations_org_name_idx').on(t.orgId, t.name)],
);

export const ASSET_STATUSES = ['in_service', 'maintenance', 'out_of_service', 'retired'] as const;

export const assets = sqliteTable(
  'assets',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    tag: text('tag').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    status: text('status', { enum: ASSET_STATUSES }).notNull().default('in_service'),
    locationId: text('location_id').references(() => locations.id),
    manufacturer: text('manufacturer'),
    model: text('model'),
    serialNumber: text('serial_number'),
    installedAt: integer('installed_at'),
    attributes: json('attributes'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [
    uniqueIndex('assets_org_tag_uq').on(t.orgId, t.tag).where(live),
    index('assets_location_idx').on(t.locationId),
    index('assets_org_category_idx').on(t.orgId, t.category),
  ],
);

export const VEHICLE_STATUSES = ['available', 'in_use', 'maintenance', 'retired'] as const;

export const vehicles = sqliteTable(
  'vehicles',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    depotId: text('depot_id').references(() => depots.id),
    callSign: text('call_sign').notNull(),
    plate: text('plate'),
    kind: text('kind').notNull(),
    status: text('status', { enum: VEHICLE_STATUSES }).notNull().default('available'),
    teamId: text('team_id').references(() => teams.id),
    lastLat: real('last_lat'),
    lastLon: real('last_lon'),
    lastSpeedKmh: real('last_speed_kmh'),
    lastHeadingDeg: real('last_heading_deg'),
    lastFixAt: integer('last_fix_at'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('vehicles_org_call_sign_uq').on(t.orgId, t.callSign).where(live)],
);
