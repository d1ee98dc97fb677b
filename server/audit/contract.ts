import { z } from 'zod';
import { Id, IsoTime, ListQueryBase } from '../http/contract-common.js';

export const AuditQuery = z.strictObject({
  ...ListQueryBase,
  entity: z.string().trim().min(1).max(60).optional().meta({ description: 'Table name, e.g. "locations"' }),
  entityId: z.string().trim().min(1).max(100).optional(),
});

export const AuditEntry = z
  .object({
    id: Id,
    actorId: Id.nullable(),
    actorName: z.string().nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
    at: IsoTime,
  })
  .meta({ id: 'AuditEntry' });
