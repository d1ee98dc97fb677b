import { z } from 'zod';
import { Id, IsoTime } from './contract-common.js';

/** Contract pieces of the CRUD factory (zod only: the renderer bundles these). */

/** The fields every catalog DTO carries; `version` is also sent as the ETag. */
export const TrackedDto = {
  id: Id,
  version: z.number().int(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** Only on deleted records (`?deleted=only`, the restore view). */
  deletedAt: IsoTime.optional(),
};

/**
 * PATCH body from a create body's fields: every field optional, and defaults removed (zod's
 * `.partial()` would still apply them, so an empty PATCH would reset defaulted fields).
 */
export function patchSchema<S extends z.ZodRawShape>(shape: S) {
  const out: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) {
    const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
    out[key] = inner instanceof z.ZodOptional ? inner : inner.optional();
  }
  return z
    .strictObject(out as { [K in keyof S]: z.ZodOptional<z.ZodType<z.output<S[K]>, z.input<S[K]>>> })
    .refine((v) => Object.keys(v).length > 0, { message: 'send at least one field to change' });
}

/** Query-string boolean ("true"/"false"), since query values arrive as text. */
export const QueryBool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Optional text that a PATCH may clear with null. */
export const OptionalText = (max: number) => z.string().trim().max(max).nullable().optional();

/** A short unique code such as a depot or location code. */
export const Code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[\w.\-/]+$/, 'letters, digits, "_", "-", "." and "/" only');
