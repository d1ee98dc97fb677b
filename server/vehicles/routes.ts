import { z } from 'zod';
import { depots, teams, vehicles } from '../../db/schema/index.js';
import { Id, iso } from '../http/contract-common.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import type { AnyRoute } from '../http/route.js';
import { Vehicle, VehicleCreate, VehicleStatusSchema, VehicleUpdate } from './contract.js';

export const vehicleCrud = defineCrud({
  table: vehicles,
  entity: 'vehicle',
  path: '/vehicles',
  tag: 'Vehicles',
  create: VehicleCreate,
  update: VehicleUpdate,
  dto: Vehicle,
  toDto: (r) => ({
    ...trackedDto(r),
    callSign: r.callSign,
    plate: r.plate,
    kind: r.kind,
    status: r.status,
    depotId: r.depotId,
    teamId: r.teamId,
    lastFix:
      r.lastLat !== null && r.lastLon !== null && r.lastFixAt !== null
        ? { lat: r.lastLat, lon: r.lastLon, speedKmh: r.lastSpeedKmh, headingDeg: r.lastHeadingDeg, at: iso(r.lastFixAt) }
        : null,
  }),
  read: 'catalog:read',
  write: 'catalog:manage',
  sort: {
    keys: { callSign: vehicles.callSign, kind: vehicles.kind, status: vehicles.status, createdAt: vehicles.createdAt },
    default: 'callSign',
  },
  filters: {
    depotId: { column: vehicles.depotId, schema: Id },
    teamId: { column: vehicles.teamId, schema: Id },
    status: { column: vehicles.status, schema: VehicleStatusSchema },
    kind: { column: vehicles.kind, schema: z.string().max(60) },
  },
  search: [vehicles.callSign, vehicles.plate],
  refs: { depotId: { table: depots, entity: 'depot' }, teamId: { table: teams, entity: 'team' } },
});

export const vehicleRoutes: AnyRoute[] = vehicleCrud.routes();
