import { z } from 'zod';
import type { Ctx } from '../core/context.js';
import { NotFoundError } from '../errors.js';
import { IdParams, iso, page } from '../http/contract-common.js';
import { etag, parseIfMatch } from '../http/crud.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { telemetryConfigRoutes } from './config-routes.js';
import {
  Alert,
  AlertListQuery,
  DeviceStatusSchema,
  LatestResponse,
  PipelineStats,
  PortsResponse,
  PositionsLatestResponse,
  ReadingsQuery,
  ReadingsResponse,
  Settings,
  SettingsUpdate,
  TrackQuery,
  TrackResponse,
} from './contract.js';
import { toAlertDto, toPositionDto, toStatusDto } from './dto.js';
import { alertOf, devicesOf, latestOfAsset, latestPositions, subjectExists, track } from './repo.js';
import { acknowledgeAlert, getSettings, listAlerts, readings, updateSettings } from './service.js';

const TAG = 'Telemetry';

function mustExist(ctx: Ctx, kind: 'asset' | 'vehicle', id: string) {
  if (!subjectExists(ctx.host.db, ctx.orgId, kind, id)) throw new NotFoundError(kind, id);
}

const StatusResponse = z
  .object({ serial: z.boolean(), pipeline: PipelineStats, devices: z.array(DeviceStatusSchema.extend({ deviceId: z.string() })) })
  .meta({ id: 'TelemetryStatus' });

export const telemetryRoutes: AnyRoute[] = [
  ...telemetryConfigRoutes,
  defineRoute({
    method: 'get',
    path: '/telemetry/ports',
    tag: TAG,
    access: 'telemetry:manage',
    summary: 'Serial ports visible now, for the "add device" picker (pseudo-terminals are never listed: enter their path)',
    response: PortsResponse,
    handler: async ({ ctx, host, services }) => {
      const t = services.telemetry;
      if (!t || !t.options.serial) return { items: [], serial: false };
      const ports = await t.source.listPorts();
      const devices = devicesOf(host.db, ctx.orgId);
      const owner = (p: (typeof ports)[number]) =>
        devices.find(
          (d) => (d.serialNumber && d.serialNumber === p.serialNumber && d.vendorId === p.vendorId) || (d.path && d.path === p.path),
        )?.id ?? null;
      return { serial: true, items: ports.map((p) => ({ ...p, deviceId: owner(p) })) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/telemetry/status',
    tag: TAG,
    access: 'telemetry:read',
    summary: "Pipeline counters (stored, invalid, dropped, queued) and this org's device states",
    response: StatusResponse,
    handler: ({ ctx, host, services }) => {
      const t = services.telemetry;
      const own = new Set(devicesOf(host.db, ctx.orgId).map((d) => d.id));
      const s = t?.pipeline.stats;
      return {
        serial: Boolean(t?.options.serial),
        pipeline: {
          queued: t?.pipeline.queued ?? 0,
          queueLimitPerDevice: t?.options.queueLimitPerDevice ?? 0,
          stored: s?.stored ?? 0,
          positions: s?.positions ?? 0,
          invalid: s?.invalid ?? 0,
          dropped: s?.dropped ?? 0,
          unknownDevice: s?.unknownDevice ?? 0,
          batches: s?.batches ?? 0,
          lastFlushMs: s?.lastFlushMs ?? 0,
        },
        devices: (t?.source.statuses() ?? []).filter((d) => own.has(d.deviceId)).map((d) => ({ deviceId: d.deviceId, ...toStatusDto(d) })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/telemetry/readings',
    tag: TAG,
    access: 'telemetry:read',
    summary: 'History of one metric of an asset, vehicle or device: raw, or per-minute/per-hour roll-ups (chosen by range if not given)',
    query: ReadingsQuery,
    response: ReadingsResponse,
    handler: ({ ctx, query }) => {
      if (query.assetId) mustExist(ctx, 'asset', query.assetId);
      if (query.vehicleId) mustExist(ctx, 'vehicle', query.vehicleId);
      return readings(ctx, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/assets/:id/telemetry/latest',
    tag: TAG,
    access: 'telemetry:read',
    summary: "An asset's latest value of each metric",
    params: IdParams,
    response: LatestResponse,
    handler: ({ ctx, params }) => {
      mustExist(ctx, 'asset', params.id);
      return {
        items: latestOfAsset(ctx.host.db, ctx.orgId, params.id).map((r) => ({
          metric: r.metric,
          value: r.value,
          unit: r.unit,
          at: iso(r.at),
          deviceId: r.deviceId,
        })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/vehicles/positions/latest',
    tag: TAG,
    access: 'telemetry:read',
    summary: "Each vehicle's latest GPS fix (then follow `vehicle_position` messages on /ws)",
    response: PositionsLatestResponse,
    handler: ({ ctx }) => ({ items: latestPositions(ctx.host.db, ctx.orgId).map(toPositionDto) }),
  }),
  defineRoute({
    method: 'get',
    path: '/vehicles/:id/track',
    tag: TAG,
    access: 'telemetry:read',
    summary: "A vehicle's GPS fixes between two times, oldest first",
    params: IdParams,
    query: TrackQuery,
    response: TrackResponse,
    handler: ({ ctx, params, query }) => {
      mustExist(ctx, 'vehicle', params.id);
      const rows = track(ctx.host.db, ctx.orgId, params.id, Date.parse(query.from), Date.parse(query.to), query.limit + 1);
      return { items: rows.slice(0, query.limit).map(toPositionDto), truncated: rows.length > query.limit };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/telemetry/alerts',
    tag: TAG,
    access: 'telemetry:read',
    summary: 'Alerts raised by telemetry rules, newest first',
    query: AlertListQuery,
    response: page(Alert),
    handler: ({ ctx, query }) => listAlerts(ctx, query),
  }),
  defineRoute({
    method: 'get',
    path: '/telemetry/alerts/:id',
    tag: TAG,
    access: 'telemetry:read',
    summary: 'One alert',
    params: IdParams,
    response: Alert,
    handler: ({ ctx, params }) => {
      const row = alertOf(ctx.host.db, ctx.orgId, params.id);
      if (!row) throw new NotFoundError('telemetry alert', params.id);
      return toAlertDto(row);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/telemetry/alerts/:id/acknowledge',
    tag: TAG,
    access: 'telemetry:ack',
    summary: 'Acknowledge an alert (someone is on it); acknowledging twice keeps the first acknowledgement',
    params: IdParams,
    response: Alert,
    status: 200,
    handler: ({ ctx, params }) => acknowledgeAlert(ctx, params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/telemetry/settings',
    tag: TAG,
    access: 'telemetry:read',
    summary: 'How long raw readings and roll-ups are kept',
    response: Settings,
    handler: ({ ctx }) => {
      const s = getSettings(ctx);
      return new Reply(200, s, etag(s.version));
    },
  }),
  defineRoute({
    method: 'put',
    path: '/telemetry/settings',
    tag: TAG,
    access: 'telemetry:manage',
    summary: 'Change retention (raw ≤ minute ≤ hour days); If-Match refuses a stale edit (409)',
    body: SettingsUpdate,
    response: Settings,
    errors: [409],
    handler: ({ ctx, body, req }) => {
      const s = updateSettings(ctx, body, parseIfMatch(req.get('if-match')));
      return new Reply(200, s, etag(s.version));
    },
  }),
];
