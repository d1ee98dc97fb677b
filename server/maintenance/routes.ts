import { assets, depots, locations, maintenancePlans, taskTemplates, telemetryDevices } from '../../db/schema/index.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { Id, IdParams } from '../http/contract-common.js';
import {
  Forecast,
  ForecastQuery,
  MaintenancePlan,
  MaintenancePlanCreate,
  MaintenancePlanKindSchema,
  MaintenancePlanUpdate,
  SkipOccurrenceRequest,
} from './contract.js';
import { forecast } from './forecast.js';
import { deletePlan, regenerate, SCHEDULE_FIELDS, skipOccurrence } from './service.js';
import { validatePlan } from './validate.js';
import { homeDepot } from '../depots/home.js';

export const maintenancePlanCrud = defineCrud({
  table: maintenancePlans,
  entity: 'maintenance plan',
  path: '/maintenance-plans',
  tag: 'Maintenance plans',
  create: MaintenancePlanCreate,
  update: MaintenancePlanUpdate,
  dto: MaintenancePlan,
  toDto: (r) => ({
    ...trackedDto(r),
    name: r.name,
    templateId: r.templateId,
    depotId: r.depotId,
    assetId: r.assetId,
    assetCategory: r.assetCategory,
    locationId: r.locationId,
    kind: r.kind,
    rrule: r.rrule,
    dtstart: r.dtstart,
    meterDeviceId: r.meterDeviceId,
    meterMetric: r.meterMetric,
    meterMode: r.meterMode,
    meterInterval: r.meterInterval,
    meterBaseline: r.meterBaseline,
    meterThreshold: r.meterThreshold,
    horizonDays: r.horizonDays,
    paused: r.paused,
  }),
  read: 'catalog:read',
  write: 'maintenance:plan',
  sort: { keys: { name: maintenancePlans.name, createdAt: maintenancePlans.createdAt, kind: maintenancePlans.kind }, default: 'name' },
  filters: {
    kind: { column: maintenancePlans.kind, schema: MaintenancePlanKindSchema },
    assetId: { column: maintenancePlans.assetId, schema: Id },
    templateId: { column: maintenancePlans.templateId, schema: Id },
  },
  search: [maintenancePlans.name, maintenancePlans.assetCategory],
  refs: {
    templateId: { table: taskTemplates, entity: 'task template' },
    depotId: { table: depots, entity: 'depot' },
    assetId: { table: assets, entity: 'asset' },
    locationId: { table: locations, entity: 'location' },
    meterDeviceId: { table: telemetryDevices, entity: 'telemetry device' },
  },
  validate: (w, values, before) => {
    // A new plan belongs to this host's depot unless it says otherwise: that host generates its work.
    if (!before && values.depotId === undefined) values.depotId = homeDepot(w.ctx)?.id ?? null;
    validatePlan(w, values, before);
    // A new schedule applies from now: neither a new plan nor an edited one makes work for the past.
    if (!before || SCHEDULE_FIELDS.some((k) => values[k] !== undefined && values[k] !== before[k])) values.effectiveFrom = w.now;
  },
  // In the create or edit transaction: the plan's first work, or the regenerated future, commits with it.
  afterWrite: (w, after, before) => regenerate(w, after, before),
});

const forecastRoute = defineRoute({
  method: 'get',
  path: '/maintenance-plans/forecast',
  tag: 'Maintenance plans',
  access: 'catalog:read',
  summary:
    'Occurrences of the active plans due in [from, to): generated ones with their work order, the rest as a forecast (meter plans at their projected date)',
  query: ForecastQuery,
  response: Forecast,
  handler: ({ ctx, query }) => forecast(ctx, Date.parse(query.from), Date.parse(query.to), query.planId),
});

const deleteRoute = defineRoute({
  method: 'delete',
  path: '/maintenance-plans/:id',
  tag: 'Maintenance plans',
  access: 'maintenance:plan',
  summary: 'Delete a maintenance plan: it generates nothing more; work it generated stays',
  params: IdParams,
  response: null,
  handler: ({ ctx, params }) => {
    deletePlan(ctx, params.id);
    return new Reply(204, undefined);
  },
});

const skipRoute = defineRoute({
  method: 'post',
  path: '/maintenance-plans/:id/occurrences/skip',
  tag: 'Maintenance plans',
  access: 'maintenance:plan',
  summary: 'Leave one occurrence out: never generated, and its work order cancelled if its work has not started (409 if it has)',
  params: IdParams,
  body: SkipOccurrenceRequest,
  response: null,
  errors: [409],
  handler: ({ ctx, params, body }) => {
    skipOccurrence(ctx, params.id, body.occurrenceKey);
    return new Reply(204, undefined);
  },
});

/** The forecast first: it would otherwise be read as /maintenance-plans/:id. */
export const maintenancePlanRoutes: AnyRoute[] = [forecastRoute, ...maintenancePlanCrud.routes('delete'), deleteRoute, skipRoute];
