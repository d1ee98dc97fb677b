import { z } from 'zod';
import { Id, IsoTime, Name } from '../http/contract-common.js';
import { OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';

export const AssetStatusSchema = z.enum(['in_service', 'maintenance', 'out_of_service', 'retired']);

const fields = {
  tag: z.string().trim().min(1).max(60),
  name: Name,
  category: z.string().trim().min(1).max(60),
  status: AssetStatusSchema.default('in_service'),
  locationId: Id.nullable().optional(),
  manufacturer: OptionalText(120),
  model: OptionalText(120),
  serialNumber: OptionalText(120),
  installedAt: IsoTime.nullable().optional(),
  /** Free-form technical attributes (rated voltage, pipe diameter, ...). */
  attributes: z
    .record(z.string().max(60), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .nullable()
    .optional(),
};

export const AssetCreate = z.strictObject(fields).meta({ id: 'AssetCreate' });
export const AssetUpdate = patchSchema(fields).meta({ id: 'AssetUpdate' });

export const Asset = z
  .object({
    ...TrackedDto,
    tag: z.string(),
    name: z.string(),
    category: z.string(),
    status: AssetStatusSchema,
    locationId: Id.nullable(),
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
    serialNumber: z.string().nullable(),
    installedAt: IsoTime.nullable(),
    attributes: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'Asset' });
