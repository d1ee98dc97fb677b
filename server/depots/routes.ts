import { depots } from '../../db/schema/index.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import type { AnyRoute } from '../http/route.js';
import { Depot, DepotCreate, DepotUpdate } from './contract.js';
import { effectiveLocale } from './contract-locale.js';

export const depotCrud = defineCrud({
  table: depots,
  entity: 'depot',
  path: '/depots',
  tag: 'Depots',
  create: DepotCreate,
  update: DepotUpdate,
  dto: Depot,
  toDto: (r) => ({
    ...trackedDto(r),
    code: r.code,
    name: r.name,
    timeZone: r.timeZone,
    locale: r.locale,
    effectiveLocale: effectiveLocale(r.locale, r.timeZone),
    address: r.address,
    lat: r.lat,
    lon: r.lon,
  }),
  read: 'catalog:read',
  write: 'catalog:manage',
  sort: { keys: { code: depots.code, name: depots.name, createdAt: depots.createdAt }, default: 'code' },
  search: [depots.code, depots.name],
});

export const depotRoutes: AnyRoute[] = depotCrud.routes();
