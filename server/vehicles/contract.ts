import { z } from 'zod';
import { Id, IsoTime } from '../http/contract-common.js';
import { OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';

export const VehicleStatusSchema = z.enum(['available', 'in_use', 'maintenance', 'retired']);

const fields = {
  callSign: z.string().trim().min(1).max(40),
  plate: OptionalText(20),
  kind: z.string().trim().min(1).max(60),
  status: VehicleStatusSchema.default('available'),
  depotId: Id.nullable().optional(),
  teamId: Id.nullable().optional(),
};

export const VehicleCreate = z.strictObject(fields).meta({ id: 'VehicleCreate' });
export const VehicleUpdate = patchSchema(fields).meta({ id: 'VehicleUpdate' });

export const Vehicle = z
  .object({
    ...TrackedDto,
    callSign: z.string(),
    plate: z.string().nullable(),
    kind: z.string(),
    status: VehicleStatusSchema,
    depotId: Id.nullable(),
    teamId: Id.nullable(),
    /** Last GPS fix (written by telemetry, read-only here). */
    lastFix: z
      .object({ lat: z.number(), lon: z.number(), speedKmh: z.number().nullable(), headingDeg: z.number().nullable(), at: IsoTime })
      .nullable(),
  })
  .meta({ id: 'Vehicle' });
