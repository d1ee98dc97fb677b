import { z } from 'zod';
import { stockItems, stockLevels } from '../../db/schema/index.js';
import { Id, IdParams, page } from '../http/contract-common.js';
import { defineCrud, etag, parseIfMatch, trackedDto } from '../http/crud.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import {
  StockAdjust,
  StockItem,
  StockItemCreate,
  StockItemUpdate,
  StockKindSchema,
  StockLevel,
  StockLevelPut,
  StockMovement,
  StockMovementQuery,
} from './contract.js';
import { listMovements } from './repo.js';
import { adjustLevel, putLevel } from './service.js';

export const stockItemCrud = defineCrud({
  table: stockItems,
  entity: 'stock item',
  path: '/stock-items',
  tag: 'Stock',
  create: StockItemCreate,
  update: StockItemUpdate,
  dto: StockItem,
  toDto: (r) => ({ ...trackedDto(r), sku: r.sku, name: r.name, kind: r.kind, unit: r.unit, category: r.category }),
  read: 'catalog:read',
  write: 'stock:write',
  sort: { keys: { sku: stockItems.sku, name: stockItems.name, createdAt: stockItems.createdAt }, default: 'sku' },
  filters: {
    kind: { column: stockItems.kind, schema: StockKindSchema },
    category: { column: stockItems.category, schema: z.string().max(60) },
  },
  search: [stockItems.sku, stockItems.name],
  // The SKU is unique over deleted items too (the index, and the natural key that names one item on
  // every replica): creating a deleted SKU again brings that item back instead of a 409.
  revive: ['sku'],
});

type LevelRow = typeof stockLevels.$inferSelect;
const levelDto = (r: LevelRow) => ({
  ...trackedDto(r),
  depotId: r.depotId,
  itemId: r.itemId,
  quantity: r.quantity,
  reorderLevel: r.reorderLevel,
  belowReorder: r.reorderLevel !== null && r.quantity <= r.reorderLevel,
});

// Levels are written only by PUT (a count) and adjust (a movement), never by plain create/patch;
// the quantity is the sum of the level's movements (movements.ts).
export const stockLevelCrud = defineCrud({
  table: stockLevels,
  entity: 'stock level',
  path: '/stock-levels',
  tag: 'Stock',
  create: StockLevelPut,
  update: StockLevelPut,
  dto: StockLevel,
  toDto: levelDto,
  read: 'catalog:read',
  write: 'stock:write',
  sort: {
    keys: { quantity: stockLevels.quantity, updatedAt: stockLevels.updatedAt, createdAt: stockLevels.createdAt },
    default: 'createdAt',
  },
  filters: { depotId: { column: stockLevels.depotId, schema: Id }, itemId: { column: stockLevels.itemId, schema: Id } },
});

export const stockRoutes: AnyRoute[] = [
  ...stockItemCrud.routes(),
  ...stockLevelCrud.routes('create', 'update', 'delete'),
  defineRoute({
    method: 'put',
    path: '/stock-levels',
    tag: 'Stock',
    access: 'stock:write',
    summary: 'Set the quantity of an item at a depot (a stock count); 201 when the level is new',
    body: StockLevelPut,
    response: StockLevel,
    errors: [409],
    handler: ({ ctx, body, req }) => {
      const { row, created } = putLevel(ctx, body, parseIfMatch(req.get('if-match')));
      return new Reply(created ? 201 : 200, levelDto(row), etag(row.version));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/stock-levels/:id/adjust',
    tag: 'Stock',
    access: 'stock:write',
    status: 200,
    summary: 'Add or take stock with a reason; 409 insufficient_stock rather than going below 0',
    params: IdParams,
    body: StockAdjust,
    response: StockLevel,
    errors: [409],
    handler: ({ ctx, params, body, req }) => {
      const row = adjustLevel(ctx, params.id, body.delta, body.reason, parseIfMatch(req.get('if-match')));
      return new Reply(200, levelDto(row), etag(row.version));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/stock-levels/:id/movements',
    tag: 'Stock',
    access: 'catalog:read',
    summary: "A level's movements (initial, counts, adjustments, usage on work orders), newest first; their sum is the quantity",
    params: IdParams,
    query: StockMovementQuery,
    response: page(StockMovement),
    handler: ({ ctx, params, query }) => listMovements(ctx, params.id, query),
  }),
];
