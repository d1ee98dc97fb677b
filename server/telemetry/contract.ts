import { z } from 'zod';
import { Id, IsoTime, ListQueryBase } from '../http/contract-common.js';
import { OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';

/** Telemetry API contract (zod only: the renderer bundles it). Times are ISO-8601 strings here. */

// The same lists as types.ts (the seam), repeated because a contract imports only zod and other
// contracts; dto.ts fails to compile if the two drift apart.
export const ProtocolSchema = z.enum(['nmea', 'json', 'kv', 'csv', 'modbus']);
export const DeviceStateSchema = z.enum(['connected', 'silent', 'disconnected', 'error', 'disabled']);

export const SerialSettingsSchema = z
  .strictObject({
    baudRate: z.number().int().min(50).max(4_000_000).default(9600),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
    stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
    parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
  })
  .meta({ id: 'SerialSettings' });

export const ModbusRegisterSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, 'lower-case dotted name, e.g. pump.pressure'),
  unit: z.string().max(20).nullable().default(null),
  function: z.union([z.literal(3), z.literal(4)]),
  address: z.number().int().min(0).max(65535),
  type: z.enum(['uint16', 'int16', 'uint32', 'int32', 'float32']),
  scale: z.number().default(1),
  offset: z.number().default(0),
  /** 32-bit types only: 'big' (first register = high word) or 'little'. */
  wordOrder: z.enum(['big', 'little']).optional(),
});

export const ModbusSettingsSchema = z
  .strictObject({
    unitId: z.number().int().min(1).max(247),
    pollIntervalMs: z.number().int().min(100).max(3_600_000).default(1000),
    timeoutMs: z.number().int().min(20).max(10_000).default(500),
    registers: z.array(ModbusRegisterSchema).min(1).max(125),
  })
  .meta({ id: 'ModbusSettings' });

const HexId = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{1,8}$/, 'hex, e.g. 0403')
  .nullable()
  .optional();

const deviceFields = {
  name: z.string().trim().min(1).max(100),
  vendorId: HexId,
  productId: HexId,
  serialNumber: OptionalText(100),
  path: OptionalText(300).meta({
    description: 'Fallback when the adapter has no vendor/product/serial identity (and for pseudo-terminals)',
  }),
  protocol: ProtocolSchema,
  serial: SerialSettingsSchema.default({ baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' }),
  modbus: ModbusSettingsSchema.nullable().optional(),
  assetId: Id.nullable().optional(),
  vehicleId: Id.nullable().optional(),
  enabled: z.boolean().default(true),
  silenceAfterMs: z.number().int().min(1000).max(86_400_000).default(30_000),
};

export const DeviceCreate = z.strictObject(deviceFields).meta({ id: 'TelemetryDeviceCreate' });
export const DeviceUpdate = patchSchema(deviceFields).meta({ id: 'TelemetryDeviceUpdate' });

export const DeviceStatusSchema = z
  .object({
    state: DeviceStateSchema,
    path: z.string().nullable(),
    lastFrameAt: IsoTime.nullable(),
    lastError: z.string().nullable(),
    frames: z.number().int(),
    errors: z.number().int(),
    rejected: z.record(z.string(), z.number().int()),
    bytes: z.number().int(),
    reconnects: z.number().int(),
    /** The most recent refused input, with a short printable sample. */
    lastRejection: z.object({ reason: z.string(), detail: z.string(), at: IsoTime }).nullable(),
  })
  .meta({ id: 'TelemetryDeviceStatus' });

export const Device = z
  .object({
    ...TrackedDto,
    name: z.string(),
    vendorId: z.string().nullable(),
    productId: z.string().nullable(),
    serialNumber: z.string().nullable(),
    path: z.string().nullable(),
    protocol: ProtocolSchema,
    serial: SerialSettingsSchema,
    modbus: ModbusSettingsSchema.nullable(),
    assetId: Id.nullable(),
    vehicleId: Id.nullable(),
    enabled: z.boolean(),
    silenceAfterMs: z.number().int(),
    /** Live state from the serial side; null when the host runs without serial access (--no-serial). */
    status: DeviceStatusSchema.nullable(),
    /** Frames this host's pipeline refused or dropped for this device (validation, overload). */
    pipeline: z.object({ stored: z.number().int(), invalid: z.number().int(), dropped: z.number().int() }),
  })
  .meta({ id: 'TelemetryDevice' });

export const Port = z.object({
  path: z.string(),
  vendorId: z.string().nullable(),
  productId: z.string().nullable(),
  serialNumber: z.string().nullable(),
  manufacturer: z.string().nullable(),
  /** The configured device this port already belongs to, if any. */
  deviceId: Id.nullable(),
});
export const PortsResponse = z.object({ items: z.array(Port), serial: z.boolean() }).meta({ id: 'TelemetryPorts' });

export const PipelineStats = z
  .object({
    queued: z.number().int(),
    queueLimitPerDevice: z.number().int(),
    stored: z.number().int(),
    positions: z.number().int(),
    invalid: z.number().int(),
    dropped: z.number().int(),
    unknownDevice: z.number().int(),
    batches: z.number().int(),
    lastFlushMs: z.number(),
  })
  .meta({ id: 'TelemetryPipelineStats' });

export const RESOLUTIONS = ['raw', 'minute', 'hour'] as const;

export const ReadingsQuery = z
  .strictObject({
    assetId: Id.optional(),
    vehicleId: Id.optional(),
    deviceId: Id.optional().meta({
      description: 'The readings the device sent while bound to no asset or vehicle (a bound device reads under assetId or vehicleId)',
    }),
    metric: z.string().trim().min(1).max(100),
    from: IsoTime,
    to: IsoTime,
    resolution: z.enum(RESOLUTIONS).optional().meta({ description: 'Default: raw up to 6 h, minute up to 7 days, hour beyond' }),
    limit: z.coerce.number().int().min(1).max(20_000).default(5000),
  })
  .refine((q) => [q.assetId, q.vehicleId, q.deviceId].filter(Boolean).length === 1, {
    message: 'give exactly one of assetId, vehicleId, deviceId',
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] });

export const ReadingPoint = z.object({
  at: IsoTime,
  value: z.number().meta({ description: 'raw: the value; roll-ups: the average' }),
  min: z.number().optional(),
  max: z.number().optional(),
  count: z.number().int().optional(),
  last: z.number().optional(),
});
export const ReadingsResponse = z
  .object({
    metric: z.string(),
    unit: z.string().nullable(),
    resolution: z.enum(RESOLUTIONS),
    points: z.array(ReadingPoint),
    truncated: z.boolean(),
  })
  .meta({ id: 'TelemetryReadings' });

export const LatestResponse = z
  .object({ items: z.array(z.object({ metric: z.string(), value: z.number(), unit: z.string().nullable(), at: IsoTime, deviceId: Id })) })
  .meta({ id: 'TelemetryLatest' });

export const Position = z.object({
  vehicleId: Id.nullable(),
  deviceId: Id,
  at: IsoTime,
  lat: z.number(),
  lon: z.number(),
  speedKmh: z.number().nullable(),
  headingDeg: z.number().nullable(),
  fixQuality: z.number().int(),
});
export const PositionsLatestResponse = z.object({ items: z.array(Position) }).meta({ id: 'VehiclePositionsLatest' });
export const TrackQuery = z
  .strictObject({ from: IsoTime, to: IsoTime, limit: z.coerce.number().int().min(1).max(20_000).default(5000) })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] });
export const TrackResponse = z.object({ items: z.array(Position), truncated: z.boolean() }).meta({ id: 'VehicleTrack' });

export const RuleKindSchema = z.enum(['above', 'below', 'outside_band', 'rate_of_change', 'geofence_enter', 'geofence_leave']);
const Metric = z.string().trim().toLowerCase().min(1).max(100);

const ruleFields = {
  name: z.string().trim().min(1).max(100),
  kind: RuleKindSchema,
  metric: Metric.nullable().optional(),
  assetId: Id.nullable().optional(),
  vehicleId: Id.nullable().optional(),
  locationId: Id.nullable().optional(),
  threshold: z.number().nullable().optional(),
  low: z.number().nullable().optional(),
  high: z.number().nullable().optional(),
  hysteresis: z.number().min(0).default(0),
  minDurationMs: z.number().int().min(0).max(86_400_000).default(0),
  raisesAlert: z.boolean().default(true),
  opensWorkOrder: z.boolean().default(false),
  templateId: Id.nullable().optional(),
  enabled: z.boolean().default(true),
};
export const RuleCreate = z.strictObject(ruleFields).meta({ id: 'TelemetryRuleCreate' });
export const RuleUpdate = patchSchema(ruleFields).meta({ id: 'TelemetryRuleUpdate' });
export const Rule = z
  .object({
    ...TrackedDto,
    name: z.string(),
    kind: RuleKindSchema,
    metric: z.string().nullable(),
    assetId: Id.nullable(),
    vehicleId: Id.nullable(),
    locationId: Id.nullable(),
    threshold: z.number().nullable(),
    low: z.number().nullable(),
    high: z.number().nullable(),
    hysteresis: z.number(),
    minDurationMs: z.number().int(),
    raisesAlert: z.boolean(),
    opensWorkOrder: z.boolean(),
    templateId: Id.nullable(),
    enabled: z.boolean(),
  })
  .meta({ id: 'TelemetryRule' });

export const AlertStateSchema = z.enum(['active', 'cleared']);
export const Alert = z
  .object({
    ...TrackedDto,
    ruleId: Id,
    subjectKind: z.enum(['asset', 'vehicle', 'device']),
    subjectId: Id,
    assetId: Id.nullable(),
    vehicleId: Id.nullable(),
    locationId: Id.nullable(),
    metric: z.string().nullable(),
    state: AlertStateSchema,
    raisedAt: IsoTime,
    clearedAt: IsoTime.nullable(),
    triggerValue: z.number().nullable(),
    peakValue: z.number().nullable(),
    workOrderId: Id.nullable(),
    acknowledgedAt: IsoTime.nullable(),
    acknowledgedBy: Id.nullable(),
  })
  .meta({ id: 'TelemetryAlert' });
export const AlertListQuery = z.strictObject({
  ...ListQueryBase,
  sort: z.enum(['raisedAt', '-raisedAt']).optional(),
  state: AlertStateSchema.optional(),
  ruleId: Id.optional(),
  assetId: Id.optional(),
  vehicleId: Id.optional(),
});

const Days = z.number().int().min(1).max(3650);
export const Settings = z
  .object({
    rawRetentionDays: Days,
    minuteRetentionDays: Days,
    hourRetentionDays: Days,
    version: z.number().int(),
    updatedAt: IsoTime.nullable(),
  })
  .meta({ id: 'TelemetrySettings' });
export const SettingsUpdate = z
  .strictObject({ rawRetentionDays: Days.optional(), minuteRetentionDays: Days.optional(), hourRetentionDays: Days.optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'send at least one field to change' })
  .meta({ id: 'TelemetrySettingsUpdate' });

export type DeviceDto = z.infer<typeof Device>;
export type RuleDto = z.infer<typeof Rule>;
export type AlertDto = z.infer<typeof Alert>;
export type SettingsDto = z.infer<typeof Settings>;
export type ReadingsQueryInput = z.infer<typeof ReadingsQuery>;

/** Live messages on /ws (`data` of `{ type, orgId, data, at }`). */
export interface TelemetryLiveMessage {
  deviceId: string;
  assetId: string | null;
  vehicleId: string | null;
  metrics: Record<string, { value: number; unit: string | null; at: string }>;
}
export interface VehiclePositionMessage {
  deviceId: string;
  vehicleId: string | null;
  at: string;
  lat: number;
  lon: number;
  speedKmh: number | null;
  headingDeg: number | null;
  fixQuality: number;
}
