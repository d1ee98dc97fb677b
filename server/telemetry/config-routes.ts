import { z } from 'zod';
import { telemetryDevices, telemetryRules } from '../../db/schema/index.js';
import { Id, IdParams, ListQueryBase, page } from '../http/contract-common.js';
import { defineCrud, etag } from '../http/crud.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import {
  Device,
  DeviceCreate,
  DeviceUpdate,
  ProtocolSchema,
  Rule,
  RuleCreate,
  RuleKindSchema,
  RuleUpdate,
  type DeviceDto,
} from './contract.js';
import { toDeviceDto, toRuleDto, toStatusDto } from './dto.js';
import type { Services } from '../services.js';
import { validateDevice, validateRule } from './service.js';
import { QueryBool } from '../http/crud-contract.js';

/** Devices and rules: configuration, so the ordinary audited CRUD (the runtime reloads on commit). */

export const deviceCrud = defineCrud({
  table: telemetryDevices,
  entity: 'telemetry device',
  path: '/telemetry/devices',
  tag: 'Telemetry',
  create: DeviceCreate,
  update: DeviceUpdate,
  dto: Device,
  toDto: (r) => toDeviceDto(r),
  read: 'telemetry:read',
  write: 'telemetry:manage',
  sort: { keys: { name: telemetryDevices.name, createdAt: telemetryDevices.createdAt }, default: 'name' },
  filters: {
    assetId: { column: telemetryDevices.assetId, schema: Id },
    vehicleId: { column: telemetryDevices.vehicleId, schema: Id },
    protocol: { column: telemetryDevices.protocol, schema: ProtocolSchema },
    enabled: { column: telemetryDevices.enabled, schema: QueryBool },
  },
  search: [telemetryDevices.name, telemetryDevices.path, telemetryDevices.serialNumber],
  validate: (w, values, before) => validateDevice(w, values, before),
});

/** The stored device plus what the serial side and the pipeline know about it right now. */
function withLive(services: Services, dto: DeviceDto): DeviceDto {
  const t = services.telemetry;
  if (!t) return dto;
  const status = t.source.statuses().find((s) => s.deviceId === dto.id) ?? null;
  return { ...dto, status: status ? toStatusDto(status) : null, pipeline: { ...t.pipeline.countersOf(dto.id) } };
}

const DeviceListQuery = z.strictObject({
  ...ListQueryBase,
  sort: z.string().max(60).optional().meta({ description: 'name or createdAt; prefix "-" for descending' }),
  q: z.string().trim().max(200).optional(),
  assetId: Id.optional(),
  vehicleId: Id.optional(),
  protocol: ProtocolSchema.optional(),
  enabled: QueryBool.optional(),
});

const deviceReadRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/telemetry/devices',
    tag: 'Telemetry',
    access: 'telemetry:read',
    summary: 'List telemetry devices with their live state (connected, silent, error, disabled), last frame and counters',
    query: DeviceListQuery,
    response: page(Device),
    handler: ({ ctx, services, query }) => {
      const p = deviceCrud.service.list(ctx, {}, query) as { items: DeviceDto[]; nextCursor: string | null };
      return { items: p.items.map((d) => withLive(services, d)), nextCursor: p.nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/telemetry/devices/:id',
    tag: 'Telemetry',
    access: 'telemetry:read',
    summary: 'One telemetry device with its live state; its ETag is the version to send back in If-Match',
    params: IdParams,
    response: Device,
    handler: ({ ctx, services, params }) => {
      const row = deviceCrud.service.get(ctx, params);
      return new Reply(200, withLive(services, toDeviceDto(row)), etag(row.version));
    },
  }),
];

export const ruleCrud = defineCrud({
  table: telemetryRules,
  entity: 'telemetry rule',
  path: '/telemetry/rules',
  tag: 'Telemetry',
  create: RuleCreate,
  update: RuleUpdate,
  dto: Rule,
  toDto: toRuleDto,
  read: 'telemetry:read',
  write: 'telemetry:rules',
  sort: { keys: { name: telemetryRules.name, createdAt: telemetryRules.createdAt }, default: 'name' },
  filters: {
    kind: { column: telemetryRules.kind, schema: RuleKindSchema },
    assetId: { column: telemetryRules.assetId, schema: Id },
    vehicleId: { column: telemetryRules.vehicleId, schema: Id },
    enabled: { column: telemetryRules.enabled, schema: QueryBool },
  },
  search: [telemetryRules.name, telemetryRules.metric],
  validate: (w, values, before) => validateRule(w, values, before),
});

export const telemetryConfigRoutes: AnyRoute[] = [...deviceReadRoutes, ...deviceCrud.routes('list', 'get'), ...ruleCrud.routes()];
