import { z } from 'zod';
import { assets, locations } from '../../db/schema/index.js';
import { Id, iso } from '../http/contract-common.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import type { AnyRoute } from '../http/route.js';
import { Asset, AssetCreate, AssetStatusSchema, AssetUpdate } from './contract.js';

/** The API speaks ISO-8601; the table stores epoch ms. */
function toRow<B extends { installedAt?: string | null }>(body: B) {
  const { installedAt, ...rest } = body;
  return installedAt === undefined ? rest : { ...rest, installedAt: installedAt === null ? null : Date.parse(installedAt) };
}

export const assetCrud = defineCrud({
  table: assets,
  entity: 'asset',
  path: '/assets',
  tag: 'Assets',
  create: AssetCreate,
  update: AssetUpdate,
  dto: Asset,
  toDto: (r) => ({
    ...trackedDto(r),
    tag: r.tag,
    name: r.name,
    category: r.category,
    status: r.status,
    locationId: r.locationId,
    manufacturer: r.manufacturer,
    model: r.model,
    serialNumber: r.serialNumber,
    installedAt: iso(r.installedAt),
    attributes: (r.attributes as Record<string, unknown> | null) ?? null,
  }),
  read: 'catalog:read',
  write: 'asset:write',
  sort: {
    keys: { tag: assets.tag, name: assets.name, category: assets.category, createdAt: assets.createdAt, updatedAt: assets.updatedAt },
    default: 'tag',
  },
  filters: {
    locationId: { column: assets.locationId, schema: Id },
    category: { column: assets.category, schema: z.string().max(60) },
    status: { column: assets.status, schema: AssetStatusSchema },
  },
  search: [assets.tag, assets.name, assets.serialNumber],
  refs: { locationId: { table: locations, entity: 'location' } },
  toCreateRow: (body) => toRow(body),
  toUpdateRow: (body) => toRow(body),
});

export const assetRoutes: AnyRoute[] = assetCrud.routes();
