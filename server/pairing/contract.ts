import { z } from 'zod';
import { Id, IsoTime } from '../http/contract-common.js';

export const PairingCodeCreateRequest = z.strictObject({
  /** The technician the phone will be signed in as. */
  userId: Id,
  ttlMinutes: z.number().int().min(1, 'must be at least 1 minute').max(60, 'must be at most 60 minutes').default(10),
});

export const PairingCodeCreated = z
  .object({
    id: Id,
    userId: Id,
    /** The one-time code, "ABCD-EFGH". Shown once: only its hash is stored. */
    code: z.string(),
    expiresAt: IsoTime,
    /** Path (not a full URL) the crew view opens; the console prefixes the host's LAN origin for the QR. */
    pairUrl: z.string(),
  })
  .meta({ id: 'PairingCodeCreated' });

export const PairingCodeInfo = z
  .object({
    id: Id,
    userId: Id,
    userName: z.string(),
    createdBy: Id.nullable(),
    createdAt: IsoTime,
    expiresAt: IsoTime,
  })
  .meta({ id: 'PairingCode' });

export const PairingCodeListQuery = z.strictObject({ userId: Id.optional() });

export const PairingClaimRequest = z.strictObject({ code: z.string().min(1).max(64) });
