import { z } from 'zod';
import { Name } from '../http/contract-common.js';
import { Code, OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';
import { TimeZoneSchema } from '../sla/contract.js';
import { supportedLocale } from './contract-locale.js';

/** A BCP 47 tag this host can format in, stored canonical ("en-gb" → "en-GB"); null = the zone's default. */
export const LocaleSchema = z
  .string()
  .trim()
  .min(2, 'must be a BCP 47 language tag such as "en-GB"')
  .max(35)
  .refine(
    (tag) => supportedLocale(tag) !== null,
    'is not a locale this depot can format dates in: use a BCP 47 tag such as "en-GB", "en-US" or "de-DE"',
  )
  .transform((tag) => supportedLocale(tag) ?? tag);

const fields = {
  code: Code,
  name: Name,
  timeZone: TimeZoneSchema,
  locale: LocaleSchema.nullable().optional(),
  address: OptionalText(500),
  lat: z.number().min(-90).max(90).nullable().optional(),
  lon: z.number().min(-180).max(180).nullable().optional(),
};

export const DepotCreate = z.strictObject(fields).meta({ id: 'DepotCreate' });
export const DepotUpdate = patchSchema(fields).meta({ id: 'DepotUpdate' });

export const Depot = z
  .object({
    ...TrackedDto,
    code: z.string(),
    name: z.string(),
    timeZone: z.string(),
    /** As set by an admin; null = the zone's default. */
    locale: z.string().nullable(),
    /** What dates are shown in: `locale`, else the default for `timeZone`. */
    effectiveLocale: z.string(),
    address: z.string().nullable(),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
  })
  .meta({ id: 'Depot' });

/** The depot whose conventions the console and the crew view show dates and numbers in (GET /auth/me). */
export const DepotLocaleDto = z.object({
  depotId: z.string().nullable(),
  timeZone: z.string(),
  locale: z.string(),
});
