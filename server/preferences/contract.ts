import { z } from 'zod';

/** Per-user preferences API contract (zod only: the renderer bundles it). */

/** 16 KB of JSON per key: room for a view's settings, not a place to store data. */
export const PREFERENCE_MAX_BYTES = 16 * 1024;

export const PreferenceParams = z.strictObject({
  key: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, ".", "_" and "-" only, starting with a letter or digit'),
});

export const PutPreferenceRequest = z
  .strictObject({
    // null is how a never-saved key reads (and the column is NOT NULL): saving it was a 500.
    value: z
      .json()
      .refine((v) => v !== null, 'must not be null (null is how a never-saved preference reads); save e.g. {} to reset')
      .meta({ description: `Any JSON value but null, up to ${PREFERENCE_MAX_BYTES} bytes once serialised` }),
  })
  .meta({ id: 'PutPreference' });
export type PutPreferenceInput = z.infer<typeof PutPreferenceRequest>;

export const Preference = z
  .object({
    key: z.string(),
    value: z.json().nullable().meta({ description: 'null when the user has not saved this key yet' }),
    updatedAt: z.string().nullable(),
    version: z.number().int().meta({ description: '0 when not saved yet' }),
  })
  .meta({ id: 'Preference' });
export type PreferenceDto = z.infer<typeof Preference>;
