import { z } from 'zod';
import { Id, Name } from '../http/contract-common.js';
import { OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';

const fields = {
  name: Name,
  depotId: Id.nullable().optional(),
  color: OptionalText(20).refine((c) => c == null || /^#[0-9a-fA-F]{6}$/.test(c), 'must be a colour such as "#1f77b4"'),
};

export const TeamCreate = z.strictObject(fields).meta({ id: 'TeamCreate' });
export const TeamUpdate = patchSchema(fields).meta({ id: 'TeamUpdate' });
export const Team = z
  .object({ ...TrackedDto, name: z.string(), depotId: Id.nullable(), color: z.string().nullable() })
  .meta({ id: 'Team' });

export const TeamMemberAdd = z.strictObject({ userId: Id, isLead: z.boolean().default(false) });
export const TeamMemberParams = z.strictObject({ id: Id, userId: Id });
export const TeamMember = z
  .object({ userId: Id, name: z.string(), email: z.string(), role: z.string(), isLead: z.boolean() })
  .meta({ id: 'TeamMember' });
