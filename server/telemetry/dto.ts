import { iso } from '../http/contract-common.js';
import { trackedDto } from '../http/crud.js';
import type { AlertDto, DeviceDto, RuleDto } from './contract.js';
import { ModbusSettingsSchema, SerialSettingsSchema } from './contract.js';
import type { AlertRow, DeviceRow, PositionRow, RuleRow } from './repo.js';
import type { DeviceCounters } from './pipeline/ingest.js';
import type { DeviceState, DeviceStatus, Protocol } from './types.js';
import type { DeviceStateSchema, ProtocolSchema } from './contract.js';
import type { z } from 'zod';

// Compile-time check that the contract's lists match the seam's (see contract.ts).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const listsMatch: [Same<Protocol, z.infer<typeof ProtocolSchema>>, Same<DeviceState, z.infer<typeof DeviceStateSchema>>] = [true, true];
void listsMatch;

/** Row → API shapes (ISO times; stored JSON re-validated before it is returned). */

export function toDeviceDto(
  r: DeviceRow,
  status: DeviceStatus | null = null,
  counters: DeviceCounters = { stored: 0, invalid: 0, dropped: 0 },
): DeviceDto {
  const serial = SerialSettingsSchema.safeParse(r.serial);
  const modbus = r.modbus === null ? null : ModbusSettingsSchema.safeParse(r.modbus);
  return {
    ...trackedDto(r),
    name: r.name,
    vendorId: r.vendorId,
    productId: r.productId,
    serialNumber: r.serialNumber,
    path: r.path,
    protocol: r.protocol,
    serial: serial.success ? serial.data : { baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' },
    modbus: modbus?.success ? modbus.data : null,
    assetId: r.assetId,
    vehicleId: r.vehicleId,
    enabled: r.enabled,
    silenceAfterMs: r.silenceAfterMs,
    status: status ? toStatusDto(status) : null,
    pipeline: { stored: counters.stored, invalid: counters.invalid, dropped: counters.dropped },
  };
}

export function toStatusDto(s: DeviceStatus): NonNullable<DeviceDto['status']> {
  return {
    state: s.state,
    path: s.path,
    lastFrameAt: iso(s.lastFrameAt),
    lastError: s.lastError,
    frames: s.frames,
    errors: s.errors,
    // Partial<Record<...>>: only reasons that happened are present, all with numbers.
    rejected: { ...s.rejected } as Record<string, number>,
    bytes: s.bytes,
    reconnects: s.reconnects,
    lastRejection: s.lastRejection ? { reason: s.lastRejection.reason, detail: s.lastRejection.detail, at: iso(s.lastRejection.at) } : null,
  };
}

export function toRuleDto(r: RuleRow): RuleDto {
  return {
    ...trackedDto(r),
    name: r.name,
    kind: r.kind,
    metric: r.metric,
    assetId: r.assetId,
    vehicleId: r.vehicleId,
    locationId: r.locationId,
    threshold: r.threshold,
    low: r.low,
    high: r.high,
    hysteresis: r.hysteresis,
    minDurationMs: r.minDurationMs,
    raisesAlert: r.raisesAlert,
    opensWorkOrder: r.opensWorkOrder,
    templateId: r.templateId,
    enabled: r.enabled,
  };
}

export function toAlertDto(a: AlertRow): AlertDto {
  return {
    ...trackedDto(a),
    ruleId: a.ruleId,
    subjectKind: a.subjectKind,
    subjectId: a.subjectId,
    assetId: a.assetId,
    vehicleId: a.vehicleId,
    locationId: a.locationId,
    metric: a.metric,
    state: a.state,
    raisedAt: iso(a.raisedAt),
    clearedAt: iso(a.clearedAt),
    triggerValue: a.triggerValue,
    peakValue: a.peakValue,
    workOrderId: a.workOrderId,
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
  };
}

export function toPositionDto(p: PositionRow) {
  return {
    vehicleId: p.vehicleId,
    deviceId: p.deviceId,
    at: iso(p.at),
    lat: p.lat,
    lon: p.lon,
    speedKmh: p.speedKmh,
    headingDeg: p.headingDeg,
    fixQuality: p.fixQuality,
  };
}
