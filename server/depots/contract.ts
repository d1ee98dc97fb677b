import { z } from 'zod';
import { Name } from '../http/contract-common.js';
import { Code, OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';
import { TimeZoneSchema } from '../sla/contract.js';

const fields = {
  code: Code,
  name: Name,
  timeZone: TimeZoneSchema,
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
    address: z.string().nullable(),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
  })
  .meta({ id: 'Depot' });
