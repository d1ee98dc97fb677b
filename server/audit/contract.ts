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

/** GET /audit/verify: the org's hash chain checked end to end (see db/audit-chain.ts for the encoding). */
export const AuditVerification = z
  .object({
    ok: z.boolean().meta({ description: 'true when every row matches its hash and links to the one before it' }),
    rowsChecked: z.number().int(),
    brokenRows: z.number().int(),
    head: z
      .object({
        seq: z.number().int().meta({ description: 'position of the last row = rows in the chain' }),
        hash: z.string(),
        at: IsoTime,
      })
      .nullable()
      .meta({ description: 'the last row of the chain; print or send it elsewhere to witness everything before it' }),
    firstBroken: z
      .object({
        // Plain strings: a tampered row's id or time need not be well-formed any more.
        id: z.string(),
        seq: z.number().int().nullable(),
        at: IsoTime.nullable(),
        action: z.string(),
        kind: z.enum(['changed', 'gap', 'link', 'duplicate', 'unchained']),
        reason: z.string(),
      })
      .nullable(),
    checkedAt: IsoTime,
    durationMs: z.number(),
  })
  .meta({ id: 'AuditVerification' });
