import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, deletable } from './columns.js';
import { organizations, depots, users } from './org.js';
import { workOrders } from './work-orders.js';

export const STOCK_KINDS = ['material', 'equipment'] as const;

export const stockItems = sqliteTable(
  'stock_items',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: STOCK_KINDS }).notNull(),
    unit: text('unit').notNull(),
    category: text('category'),
    ...tracked(),
    // The SKU names the thing: creating a deleted SKU again restores that row rather than a twin.
    ...deletable(),
  },
  (t) => [uniqueIndex('stock_items_org_sku_uq').on(t.orgId, t.sku)],
);

export const stockLevels = sqliteTable(
  'stock_levels',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    depotId: text('depot_id')
      .notNull()
      .references(() => depots.id),
    itemId: text('item_id')
      .notNull()
      .references(() => stockItems.id),
    quantity: real('quantity').notNull().default(0),
    reorderLevel: real('reorder_level'),
    ...tracked(),
  },
  (t) => [uniqueIndex('stock_levels_depot_item_uq').on(t.depotId, t.itemId)],
);

export const materialUsages = sqliteTable(
  'material_usages',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id),
    itemId: text('item_id')
      .notNull()
      .references(() => stockItems.id),
    depotId: text('depot_id')
      .notNull()
      .references(() => depots.id),
    quantity: real('quantity').notNull(),
    usedBy: text('used_by').references(() => users.id),
    usedAt: integer('used_at').notNull(),
    ...tracked(),
  },
  (t) => [index('material_usages_wo_idx').on(t.workOrderId)],
);

export const STOCK_MOVEMENT_KINDS = ['initial', 'count', 'adjustment', 'usage'] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

/**
 * Append-only (trigger-enforced) stock deltas. A level's quantity is the sum of its movements, so
 * two depots' usage and adjustments merge by adding instead of one absolute value overwriting the
 * other. A count stores the difference between what was counted and what the sum said.
 */
export const stockMovements = sqliteTable(
  'stock_movements',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    depotId: text('depot_id')
      .notNull()
      .references(() => depots.id),
    itemId: text('item_id')
      .notNull()
      .references(() => stockItems.id),
    delta: real('delta').notNull(),
    kind: text('kind', { enum: STOCK_MOVEMENT_KINDS }).notNull(),
    reason: text('reason'),
    workOrderId: text('work_order_id').references(() => workOrders.id),
    usageId: text('usage_id').references(() => materialUsages.id),
    actorId: text('actor_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('stock_movements_level_idx').on(t.depotId, t.itemId, t.at), index('stock_movements_wo_idx').on(t.workOrderId)],
);
