import { z } from 'zod';
import { depots, locations } from '../../db/schema/index.js';
import { Id } from '../http/contract-common.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import type { AnyRoute } from '../http/route.js';
import { Location, LocationCreate, LocationUpdate } from './contract.js';

export const locationCrud = defineCrud({
  table: locations,
  entity: 'location',
  path: '/locations',
  tag: 'Locations',
  create: LocationCreate,
  update: LocationUpdate,
  dto: Location,
  toDto: (r) => ({
    ...trackedDto(r),
    code: r.code,
    name: r.name,
    depotId: r.depotId,
    kind: r.kind,
    address: r.address,
    lat: r.lat,
    lon: r.lon,
    geofenceRadiusM: r.geofenceRadiusM,
    notes: r.notes,
  }),
  read: 'catalog:read',
  write: 'location:write',
  sort: {
    keys: { code: locations.code, name: locations.name, createdAt: locations.createdAt, updatedAt: locations.updatedAt },
    default: 'code',
  },
  filters: { depotId: { column: locations.depotId, schema: Id }, kind: { column: locations.kind, schema: z.string().max(60) } },
  search: [locations.code, locations.name, locations.address],
  refs: { depotId: { table: depots, entity: 'depot' } },
});

export const locationRoutes: AnyRoute[] = locationCrud.routes();
