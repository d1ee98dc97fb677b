import { stockItems, stockLevels, materialUsages, stockMovements } from './inventory.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED, DELETABLE } from './sync-policy.js';

export const stockItemsPolicy = defineSyncPolicy(stockItems, {
  merge: 'entity',
  // The SKU names the thing: the same SKU created at two depots is one item. Unique per org over all
  // rows, deleted ones included (stock_items_org_sku_uq), so creating a deleted SKU again revives it.
  naturalKey: { columns: ['sku'], rule: 'same-row' },
  columns: {
    ...ROW_KEYS,
    sku: 'synced',
    name: 'synced',
    kind: 'synced',
    unit: 'synced',
    category: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const stockLevelsPolicy = defineSyncPolicy(stockLevels, {
  merge: 'entity',
  // Deterministic id (design 3.7): one level per depot and item.
  naturalKey: { columns: ['depot_id', 'item_id'], rule: 'same-row' },
  columns: {
    ...ROW_KEYS,
    depotId: 'synced',
    itemId: 'synced',
    // The sum of stock_movements (design 3.5): two depots' deltas add up where absolute values would overwrite.
    quantity: 'derived',
    reorderLevel: 'synced',
    ...TRACKED,
  },
});

export const materialUsagesPolicy = defineSyncPolicy(materialUsages, {
  merge: 'append',
  columns: {
    ...ROW_KEYS,
    workOrderId: 'synced',
    itemId: 'synced',
    depotId: 'synced',
    quantity: 'synced',
    usedBy: 'synced',
    usedAt: 'synced',
    ...TRACKED,
  },
});

export const stockMovementsPolicy = defineSyncPolicy(stockMovements, {
  merge: 'append',
  columns: {
    ...ROW_KEYS,
    depotId: 'synced',
    itemId: 'synced',
    delta: 'synced',
    kind: 'synced',
    reason: 'synced',
    workOrderId: 'synced',
    usageId: 'synced',
    actorId: 'synced',
    at: 'synced',
  },
});
