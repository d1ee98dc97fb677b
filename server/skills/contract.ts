import { z } from 'zod';
import { Name } from '../http/contract-common.js';
import { OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';

const fields = { name: Name, category: OptionalText(60) };

export const SkillCreate = z.strictObject(fields).meta({ id: 'SkillCreate' });
export const SkillUpdate = patchSchema(fields).meta({ id: 'SkillUpdate' });
export const Skill = z.object({ ...TrackedDto, name: z.string(), category: z.string().nullable() }).meta({ id: 'Skill' });
