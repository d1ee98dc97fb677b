import { z } from 'zod';
import { Id, ListQueryBase, Name } from '../http/contract-common.js';
import { OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';

export const StockKindSchema = z.enum(['material', 'equipment']);

const itemFields = {
  sku: z.string().trim().min(1).max(60),
  name: Name,
  kind: StockKindSchema,
  unit: z.string().trim().min(1).max(20).meta({ description: 'e.g. "pcs", "m", "kg"' }),
  category: OptionalText(60),
};

export const StockItemCreate = z.strictObject(itemFields).meta({ id: 'StockItemCreate' });
export const StockItemUpdate = patchSchema(itemFields).meta({ id: 'StockItemUpdate' });
export const StockItem = z
  .object({ ...TrackedDto, sku: z.string(), name: z.string(), kind: StockKindSchema, unit: z.string(), category: z.string().nullable() })
  .meta({ id: 'StockItem' });

const Quantity = z.number().finite().min(0).max(1e9);

export const StockLevelPut = z
  .strictObject({ depotId: Id, itemId: Id, quantity: Quantity, reorderLevel: Quantity.nullable().optional() })
  .meta({ id: 'StockLevelPut', description: 'Sets the counted quantity of an item at a depot (creates the level if new).' });

export const StockAdjust = z
  .strictObject({
    // Quantities are kept to 6 decimals (movements.ts roundQuantity): a smaller delta would round to
    // no movement at all, so it is refused here rather than failing inside the write.
    delta: z
      .number()
      .finite()
      .min(-1e9)
      .max(1e9)
      .refine((d) => Math.abs(d) >= 1e-6, 'must be at least 0.000001 away from 0'),
    reason: z.string().trim().min(1).max(300),
  })
  .meta({ id: 'StockAdjust', description: 'Adds (delta > 0) or takes (delta < 0) stock; the quantity may not go below 0.' });

export const StockLevel = z
  .object({ ...TrackedDto, depotId: Id, itemId: Id, quantity: z.number(), reorderLevel: z.number().nullable(), belowReorder: z.boolean() })
  .meta({ id: 'StockLevel' });

export const StockMovementKindSchema = z.enum(['initial', 'count', 'adjustment', 'usage']);

export const StockMovement = z
  .object({
    id: Id,
    depotId: Id,
    itemId: Id,
    delta: z.number().meta({ description: 'Added (> 0) or taken (< 0); the level is the sum of its movements' }),
    kind: StockMovementKindSchema,
    reason: z.string().nullable(),
    workOrderId: Id.nullable(),
    usageId: Id.nullable(),
    actorId: Id.nullable(),
    at: z.string(),
  })
  .meta({ id: 'StockMovement', description: 'One append-only change of a stock level.' });

export const StockMovementQuery = z.strictObject({
  ...ListQueryBase,
  sort: z.enum(['at', '-at']).optional().meta({ description: 'Oldest ("at") or newest ("-at", the default) first' }),
  kind: StockMovementKindSchema.optional(),
});
export type StockMovementQuery = z.output<typeof StockMovementQuery>;
