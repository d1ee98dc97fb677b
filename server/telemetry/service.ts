import { and, eq, type SQL } from 'drizzle-orm';
import { assets, locations, taskTemplates, telemetryAlerts, telemetrySettings, vehicles } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { mutate, type ManagedTable, type Writer } from '../core/mutate.js';
import { UnprocessableError, ValidationError, VersionConflictError, type FieldError } from '../errors.js';
import { afterCursor, orderBy, parseSort, toPage } from '../http/pagination.js';
import type { AlertDto, ReadingsQueryInput, SettingsDto } from './contract.js';
import { toAlertDto } from './dto.js';
import { iso } from '../http/contract-common.js';
import { rawReadings, rollups, settingsOf } from './repo.js';

type Values = Record<string, unknown>;

/**
 * A foreign id must name a row of the caller's org; another org's id is answered exactly like a
 * missing one (422 unknown_reference), so nothing leaks about other tenants.
 */
function checkRef(w: Writer, table: ManagedTable, id: unknown, field: string, entity: string, errors: FieldError[]) {
  if (typeof id === 'string' && !w.find(table, id))
    errors.push({ field: `body.${field}`, message: `no such ${entity} in this organization` });
}

function throwIf(errors: FieldError[]) {
  if (errors.length)
    throw new UnprocessableError(
      'unknown_reference',
      `The request refers to records that do not exist: ${errors.map((e) => e.field).join(', ')}.`,
      errors,
    );
}

/** Device checks inside the write transaction (create and PATCH: the merged row is checked). */
export function validateDevice(w: Writer, values: Values, before?: Values): void {
  const merged = { ...(before ?? {}), ...values };
  const shape: FieldError[] = [];
  if (merged.assetId && merged.vehicleId)
    shape.push({ field: 'body.vehicleId', message: 'bind a device to an asset or a vehicle, not both' });
  if (merged.protocol === 'modbus' && !merged.modbus) shape.push({ field: 'body.modbus', message: 'required for protocol "modbus"' });
  if (merged.protocol !== 'modbus' && merged.modbus) shape.push({ field: 'body.modbus', message: 'only for protocol "modbus"' });
  if (merged.protocol === 'nmea' && merged.assetId)
    shape.push({ field: 'body.assetId', message: 'a GPS (nmea) device gives positions: bind it to a vehicle' });
  if (!merged.path && !merged.vendorId && !merged.serialNumber)
    shape.push({ field: 'body.path', message: 'give a path or a USB identity (vendorId/productId/serialNumber)' });
  if (shape.length) throw new ValidationError('The device settings do not fit together.', shape);
  const refs: FieldError[] = [];
  checkRef(w, assets, values.assetId, 'assetId', 'asset', refs);
  checkRef(w, vehicles, values.vehicleId, 'vehicleId', 'vehicle', refs);
  throwIf(refs);
}

const THRESHOLD = new Set(['above', 'below', 'outside_band', 'rate_of_change']);

export function validateRule(w: Writer, values: Values, before?: Values): void {
  const r = { ...(before ?? {}), ...values };
  const e: FieldError[] = [];
  const need = (key: string, why: string) => {
    if (r[key] === null || r[key] === undefined) e.push({ field: `body.${key}`, message: why });
  };
  if (THRESHOLD.has(r.kind as string)) {
    need('metric', `required for a "${String(r.kind)}" rule`);
    if (r.kind === 'outside_band') {
      need('low', 'required for an outside_band rule');
      need('high', 'required for an outside_band rule');
      if (typeof r.low === 'number' && typeof r.high === 'number' && r.low >= r.high)
        e.push({ field: 'body.high', message: 'must be greater than low' });
    } else need('threshold', `required for a "${String(r.kind)}" rule`);
    if (r.locationId) e.push({ field: 'body.locationId', message: 'only for geofence rules' });
    if (r.assetId && r.vehicleId) e.push({ field: 'body.vehicleId', message: 'watch an asset or a vehicle, not both' });
    // The alert row is what makes "one work order per incident" hold, so threshold rules always raise one.
    if (r.raisesAlert === false) e.push({ field: 'body.raisesAlert', message: 'threshold rules always raise an alert' });
  } else {
    if (r.metric) e.push({ field: 'body.metric', message: 'geofence rules watch positions, not a metric' });
    if (r.assetId) e.push({ field: 'body.assetId', message: 'geofence rules watch vehicles' });
    if (r.opensWorkOrder)
      e.push({ field: 'body.opensWorkOrder', message: 'geofence rules write to the timeline of open work; they do not open work orders' });
  }
  if (r.templateId && !r.opensWorkOrder) e.push({ field: 'body.templateId', message: 'only used when opensWorkOrder is true' });
  if (e.length) throw new ValidationError('The rule is incomplete or contradictory.', e);
  const refs: FieldError[] = [];
  checkRef(w, assets, values.assetId, 'assetId', 'asset', refs);
  checkRef(w, vehicles, values.vehicleId, 'vehicleId', 'vehicle', refs);
  checkRef(w, locations, values.locationId, 'locationId', 'location', refs);
  checkRef(w, taskTemplates, values.templateId, 'templateId', 'task template', refs);
  throwIf(refs);
}

export function getSettings(ctx: Ctx): SettingsDto {
  const s = settingsOf(ctx.host.db, ctx.orgId);
  return {
    rawRetentionDays: s.rawRetentionDays,
    minuteRetentionDays: s.minuteRetentionDays,
    hourRetentionDays: s.hourRetentionDays,
    version: s.version,
    updatedAt: iso(s.updatedAt),
  };
}

export function updateSettings(
  ctx: Ctx,
  input: { rawRetentionDays?: number | undefined; minuteRetentionDays?: number | undefined; hourRetentionDays?: number | undefined },
  expectedVersion?: number,
): SettingsDto {
  mutate(ctx, 'telemetry_settings.updated', (w) => {
    // Re-read under the write lock: the row is created on first save.
    const row = ctx.host.db.select().from(telemetrySettings).where(eq(telemetrySettings.orgId, ctx.orgId)).get();
    const current = row ?? settingsOf(ctx.host.db, ctx.orgId);
    const next = {
      rawRetentionDays: input.rawRetentionDays ?? current.rawRetentionDays,
      minuteRetentionDays: input.minuteRetentionDays ?? current.minuteRetentionDays,
      hourRetentionDays: input.hourRetentionDays ?? current.hourRetentionDays,
    };
    if (!(next.rawRetentionDays <= next.minuteRetentionDays && next.minuteRetentionDays <= next.hourRetentionDays)) {
      throw new ValidationError('Keep coarser data at least as long as finer data: raw ≤ minute ≤ hour retention.', [
        { field: 'body.minuteRetentionDays', message: 'raw ≤ minute ≤ hour' },
      ]);
    }
    if (row) w.update(telemetrySettings, row.id, next, { expectedVersion, before: row });
    else if (expectedVersion !== undefined && expectedVersion !== 0)
      throw new VersionConflictError('The settings were never saved; send If-Match "0" or none.', { currentVersion: 0 });
    else w.insert(telemetrySettings, next);
  });
  return getSettings(ctx);
}

export function acknowledgeAlert(ctx: Ctx, id: string): AlertDto {
  return mutate(ctx, 'telemetry_alert.acknowledged', (w) => {
    const before = w.get(telemetryAlerts, id, 'telemetry alert');
    if (before.acknowledgedAt !== null) return toAlertDto(before);
    const { after } = w.update(telemetryAlerts, id, { acknowledgedAt: w.now, acknowledgedBy: ctx.actor.userId }, { before });
    return toAlertDto(after);
  });
}

export function listAlerts(
  ctx: Ctx,
  q: {
    limit: number;
    cursor?: string | undefined;
    sort?: string | undefined;
    state?: string | undefined;
    ruleId?: string | undefined;
    assetId?: string | undefined;
    vehicleId?: string | undefined;
  },
) {
  const spec = parseSort(q.sort, { raisedAt: telemetryAlerts.raisedAt }, '-raisedAt');
  const conds: (SQL | undefined)[] = [eq(telemetryAlerts.orgId, ctx.orgId)];
  if (q.state) conds.push(eq(telemetryAlerts.state, q.state as 'active' | 'cleared'));
  if (q.ruleId) conds.push(eq(telemetryAlerts.ruleId, q.ruleId));
  if (q.assetId) conds.push(eq(telemetryAlerts.assetId, q.assetId));
  if (q.vehicleId) conds.push(eq(telemetryAlerts.vehicleId, q.vehicleId));
  conds.push(afterCursor(spec, telemetryAlerts.id, q.cursor));
  const rows = ctx.host.db
    .select()
    .from(telemetryAlerts)
    .where(and(...conds))
    .orderBy(...orderBy(spec, telemetryAlerts.id))
    .limit(q.limit + 1)
    .all();
  const p = toPage(rows, q.limit, spec, (r) => r.raisedAt);
  return { items: p.items.map(toAlertDto), nextCursor: p.nextCursor };
}

const H6 = 6 * 3_600_000;
const D7 = 7 * 86_400_000;

/** History of one metric: raw rows for short ranges, roll-ups for long ones (or as asked). */
export function readings(ctx: Ctx, q: ReadingsQueryInput) {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  const resolution = q.resolution ?? (to - from <= H6 ? 'raw' : to - from <= D7 ? 'minute' : 'hour');
  if (resolution === 'raw') {
    const rows = rawReadings(ctx.host.db, ctx.orgId, q, q.metric, from, to, q.limit + 1);
    const truncated = rows.length > q.limit;
    const kept = rows.slice(0, q.limit);
    return {
      metric: q.metric,
      unit: kept.find((r) => r.unit)?.unit ?? null,
      resolution,
      truncated,
      points: kept.map((r) => ({ at: iso(r.at), value: r.value })),
    };
  }
  const subjectId = (q.assetId ?? q.vehicleId ?? q.deviceId)!;
  const rows = rollups(ctx.host.db, ctx.orgId, subjectId, q.metric, resolution, from, to, q.limit + 1);
  const truncated = rows.length > q.limit;
  const kept = rows.slice(0, q.limit);
  return {
    metric: q.metric,
    unit: kept.find((r) => r.unit)?.unit ?? null,
    resolution,
    truncated,
    points: kept.map((r) => ({ at: iso(r.bucketStart), value: r.sum / r.count, min: r.min, max: r.max, count: r.count, last: r.last })),
  };
}
