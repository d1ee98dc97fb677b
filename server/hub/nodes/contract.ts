import { z } from 'zod';

const Iso = z.string().meta({ description: 'ISO-8601' });

export const NodeView = z
  .strictObject({
    id: z.string(),
    depotCode: z.string(),
    depotName: z.string(),
    state: z.enum(['active', 'revoked']),
    softwareVersion: z.string(),
    schema: z.number().int(),
    enrolledAt: Iso,
    lastPushAt: Iso.nullable(),
    lastPullAt: Iso.nullable(),
    lastPulledVersion: z.number().int().nullable(),
  })
  .meta({ id: 'HubNode', description: 'An enrolled depot' });
export type NodeView = z.infer<typeof NodeView>;

export const NodeList = z.strictObject({ items: z.array(NodeView) });

export const NodeIdParams = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a UUID'),
});
