import { z } from 'zod';
import { Id, LatLon, Name } from '../http/contract-common.js';
import { Code, OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';

const fields = {
  code: Code,
  name: Name,
  depotId: Id.nullable().optional(),
  kind: OptionalText(60),
  address: OptionalText(500),
  ...LatLon,
  /** How close (metres) a crew's GPS fix must be to count as "on site". */
  geofenceRadiusM: z.number().int().min(10).max(50_000).default(100),
  notes: OptionalText(2000),
};

export const LocationCreate = z.strictObject(fields).meta({ id: 'LocationCreate' });
export const LocationUpdate = patchSchema(fields).meta({ id: 'LocationUpdate' });

export const Location = z
  .object({
    ...TrackedDto,
    code: z.string(),
    name: z.string(),
    depotId: Id.nullable(),
    kind: z.string().nullable(),
    address: z.string().nullable(),
    lat: z.number(),
    lon: z.number(),
    geofenceRadiusM: z.number().int(),
    notes: z.string().nullable(),
  })
  .meta({ id: 'Location' });
