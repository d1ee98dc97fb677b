import { z } from 'zod';
import { isoTime } from './contract-time.js';

/** Shared contract pieces (zod only: the renderer bundles these). */
export const Id = z.uuid({ error: 'must be a UUID' }).meta({ description: 'UUIDv7 id' });
export const IdParams = z.strictObject({ id: Id });
export const IsoTime = z.iso.datetime({ offset: true }).meta({ description: 'ISO-8601 timestamp' });
export const Email = z
  .email()
  .max(254)
  .transform((s) => s.toLowerCase());
export const Name = z.string().trim().min(1).max(200);
export const LatLon = { lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) };

export const ListQueryBase = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
};

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export function iso(ms: number): string;
export function iso(ms: number | null | undefined): string | null;
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : isoTime(ms);
}
