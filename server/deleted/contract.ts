// The recycle bin's request and response schemas. The console imports only types from here and the
// kinds from kinds.ts: building a zod object schema probes `new Function`, which the console's CSP refuses.
import { z } from 'zod';
import { Id, IsoTime, ListQueryBase } from '../http/contract-common.js';

import { DELETED_KINDS, type DeletedKind } from './contract-kinds.js';

export { DELETED_KINDS, type DeletedKind };
export const DeletedKindSchema = z.enum(Object.keys(DELETED_KINDS) as [DeletedKind, ...DeletedKind[]]);

export const DeletedQuery = z.strictObject({
  ...ListQueryBase,
  kind: DeletedKindSchema.optional().meta({ description: 'Only this kind of record' }),
});

export const DeletedItem = z
  .object({
    kind: DeletedKindSchema,
    id: Id,
    name: z.string(),
    /** The code, tag, SKU or other words that tell two rows of the same name apart. */
    detail: z.string().nullable(),
    deletedAt: IsoTime,
    deletedBy: z.object({ id: Id, name: z.string() }).nullable().meta({ description: 'null when a system job deleted it' }),
    restorePath: z.string().meta({ description: 'POST this path (below /api/v1) to restore the record; same permission as its delete' }),
  })
  .meta({ id: 'DeletedItem' });
export type DeletedItemDto = z.infer<typeof DeletedItem>;

export const DeletedPage = z.object({ items: z.array(DeletedItem), nextCursor: z.string().nullable() });
