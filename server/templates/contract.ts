import { z } from 'zod';
import { Name } from '../http/contract-common.js';
import { OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';
import { ChecklistSchema, PrioritySchema, RequiredSkillSchema, WorkOrderTypeSchema } from '../work-orders/contract-domain.js';

const RequiredSkills = z
  .array(RequiredSkillSchema)
  .max(20)
  .refine((s) => new Set(s.map((r) => r.skillId)).size === s.length, { message: 'each skill may be listed once' });

const fields = {
  name: Name,
  description: OptionalText(5000),
  type: WorkOrderTypeSchema,
  priority: PrioritySchema,
  durationMin: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  requiredSkills: RequiredSkills.default([]),
  checklist: ChecklistSchema.default([]),
  requiresSignature: z.boolean().default(false),
};

export const TaskTemplateCreate = z.strictObject(fields).meta({ id: 'TaskTemplateCreate' });
export const TaskTemplateUpdate = patchSchema(fields).meta({ id: 'TaskTemplateUpdate' });

export const TaskTemplate = z
  .object({
    ...TrackedDto,
    name: z.string(),
    description: z.string().nullable(),
    type: WorkOrderTypeSchema,
    priority: PrioritySchema,
    durationMin: z.number().int(),
    requiredSkills: z.array(RequiredSkillSchema),
    checklist: ChecklistSchema,
    requiresSignature: z.boolean(),
  })
  .meta({ id: 'TaskTemplate' });
